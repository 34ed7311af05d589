"""iamlint benchmark: one command that generates the data and runs every measurement.

    .venv/bin/python bench/run.py            # 1k and 10k files, start-up, others, live
    .venv/bin/python bench/run.py --quick    # 1k files, 100 live roles: a minute or so
    .venv/bin/python bench/run.py --scale    # adds 100k files (a few minutes more)

Run it with the interpreter iamlint is installed in: the parsing floor runs with that same
interpreter. Every tool runs as a subprocess from the data directory; wall time and peak
RSS come from `os.wait4` of that process. parliament and checkov are installed into
`bench/.venv-others` on first use (skipped with a reason when that fails). The table is
printed and written to `bench/results-<date>.md` (or `--out FILE`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import generate

BENCH = Path(__file__).resolve().parent
DATA = BENCH / ".data"  # hidden: `iamlint check .` in the repository skips it
OTHERS_VENV = BENCH / ".venv-others"
OTHERS_PACKAGES = ["parliament", "checkov"]
SEED = 20240611
CHECKOV_FRAMEWORKS = ["kubernetes", "terraform_plan"]


@dataclass
class Run:
    """One subprocess: wall seconds, peak RSS in MB, exit code."""

    seconds: float
    rss_mb: float
    returncode: int
    stderr: str = ""


@dataclass
class Row:
    measurement: str
    files: str
    seconds: float | None
    rss_mb: float | None
    ratio: str = ""
    target: str = ""
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    scaling: list[tuple[int, Run, Run]] = field(default_factory=list)  # files, floor, iamlint
    findings: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        seconds = "-" if row.seconds is None else f"{row.seconds:.2f}s"
        print(f"  {row.measurement} [{row.files}]: {seconds} {row.ratio} {row.note}", flush=True)


# --- running things --------------------------------------------------------------


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command`, its output discarded; time and peak RSS of that process."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-2000:].decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, tail)


def best_of(times: int, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    runs = [measure(command, cwd, env) for _ in range(times)]
    return min(runs, key=lambda r: r.seconds)


def iamlint_command() -> list[str]:
    script = Path(sys.executable).parent / "iamlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "iamlint"]


def ok(run: Run, allowed: tuple[int, ...] = (0, 1)) -> bool:
    return run.returncode in allowed


def failure(run: Run) -> str:
    last = run.stderr.strip().splitlines()[-1:] or ["no output"]
    return f"failed (exit {run.returncode}): {last[0][:120]}"


# --- measurements ----------------------------------------------------------------


def throughput(report: Report, files: int, repeat: int) -> Path:
    """Parsing floor and `iamlint check` over one generated tree of `files` files."""
    started = time.perf_counter()
    tree = generate.write_tree(files, SEED, DATA)
    print(f"data: {tree} ({time.perf_counter() - started:.1f}s to generate or check)", flush=True)
    name = tree.name
    times = repeat if files <= 10_000 else 1
    # one untimed pass first: whoever runs first would otherwise pay for reading the files
    # from disk into the page cache (at 100k files that was 5 s of the floor's 14 s)
    measure([sys.executable, str(BENCH / "floor.py"), name], DATA)
    floor = best_of(times, [sys.executable, str(BENCH / "floor.py"), name], DATA)
    check = [*iamlint_command(), "check", name, "--format", "json", "-o", os.devnull]
    lint = best_of(times, check, DATA)
    label = f"{files:,}"
    report.add(Row("parsing floor (read + parse once)", label, floor.seconds, floor.rss_mb))
    if not ok(lint):
        report.add(Row("iamlint check", label, None, None, note=failure(lint)))
        return tree
    target = "<= 2x" if files == 10_000 else ""
    ratio = f"{lint.seconds / floor.seconds:.2f}x floor"
    note = f"default `--jobs`: {_processes()}; RSS of the largest process"
    report.add(
        Row("iamlint check --format json", label, lint.seconds, lint.rss_mb, ratio, target, note)
    )
    report.scaling.append((files, floor, lint))
    if files <= 10_000:
        single = best_of(times, [*check, "--jobs", "1"], DATA)
        if ok(single):
            ratio = f"{single.seconds / floor.seconds:.2f}x floor"
            report.add(
                Row(
                    "iamlint check --jobs 1 (one process)",
                    label,
                    single.seconds,
                    single.rss_mb,
                    ratio,
                )
            )
    return tree


def _processes() -> str:
    """What `--jobs 0` (the default) uses on this machine."""
    from iamlint.parallel import MAX_AUTO_JOBS, available_cores, can_fork

    if not can_fork():
        return "1 process (no fork here)"
    return f"{min(available_cores(), MAX_AUTO_JOBS)} processes"


def count_findings(report: Report, tree: Path) -> None:
    """Which rules the synthetic data makes fire (one extra, untimed run)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [*iamlint_command(), "check", tree.name, "--format", "json", "-o", out.name]
        subprocess.run(command, cwd=DATA, capture_output=True, check=False)
        try:
            findings = json.loads(Path(out.name).read_text())["findings"]
        except (ValueError, KeyError):
            return
    for finding in findings:
        report.findings[finding["rule"]] = report.findings.get(finding["rule"], 0) + 1


def startup(report: Report, runs: int) -> None:
    """`iamlint check one-small-file.json` against `python -c "import yaml, json"`."""
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        policy = generate.service_trust("ecs-tasks.amazonaws.com")
        (directory / "trust.json").write_text(json.dumps(policy, indent=2))
        floor_command = [sys.executable, "-c", "import yaml, json"]
        lint_command = [*iamlint_command(), "check", "trust.json"]
        floors, lints = [], []
        for _ in range(runs):  # interleaved: both see the same machine load
            floors.append(measure(floor_command, directory))
            lints.append(measure(lint_command, directory))
    if not all(ok(r) for r in lints):
        report.add(Row("start-up", "1", None, None, note=failure(lints[0])))
        return
    floor_median = statistics.median(r.seconds for r in floors)
    lint_median = statistics.median(r.seconds for r in lints)
    floor_best = min(r.seconds for r in floors)
    lint_best = min(r.seconds for r in lints)
    report.add(
        Row(
            'start-up floor `python -c "import yaml, json"` (median)',
            "-",
            floor_median,
            max(r.rss_mb for r in floors),
            note=f"best {floor_best:.3f}s",
        )
    )
    report.add(
        Row(
            "start-up `iamlint check one-small-file.json` (median)",
            "1",
            lint_median,
            max(r.rss_mb for r in lints),
            f"{lint_median / floor_median:.2f}x floor",
            "<= 3x",
            f"best {lint_best:.3f}s = {lint_best / floor_best:.2f}x best floor",
        )
    )


def others_venv(report: Report) -> Path | None:
    """bench/.venv-others with parliament and checkov, created when missing."""
    binaries = OTHERS_VENV / "bin"
    if all((binaries / name).exists() for name in OTHERS_PACKAGES):
        return binaries
    print(f"installing {', '.join(OTHERS_PACKAGES)} into {OTHERS_VENV}", flush=True)
    try:
        if not (binaries / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(OTHERS_VENV)], check=True)
        subprocess.run(
            [str(binaries / "pip"), "install", "-q", *OTHERS_PACKAGES],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        reason = (detail.strip().splitlines() or ["unknown"])[-1][:160]
        report.notes.append(f"parliament and checkov skipped: {reason}")
        print(f"skipped: {reason}", flush=True)
        return None
    return binaries


def parliament(report: Report, binaries: Path, tree: Path, repeat: int) -> None:
    """Policies only: parliament's directory mode against iamlint over the same directory."""
    policies = tree / "policies"
    count = len(generate.identity_policy_paths(tree))
    label = f"{count:,} policies"
    theirs = best_of(
        repeat,
        [
            str(binaries / "parliament"),
            "--directory",
            str(policies.relative_to(DATA)),
            "--include_policy_extension",
            ".json",
            "--json",
        ],
        DATA,
    )
    ours = best_of(
        repeat,
        [
            *iamlint_command(),
            "check",
            str(policies.relative_to(DATA)),
            "--format",
            "json",
            "-o",
            os.devnull,
        ],
        DATA,
    )
    if not ok(theirs, (0, 1, 2)):
        report.add(Row("parliament --directory", label, None, None, note=failure(theirs)))
        return
    report.add(Row("parliament --directory (policies)", label, theirs.seconds, theirs.rss_mb))
    report.add(
        Row(
            "iamlint check (same policies)",
            label,
            ours.seconds,
            ours.rss_mb,
            f"{ours.seconds / theirs.seconds:.2f}x parliament",
            "< 1x",
        )
    )


def checkov(report: Report, binaries: Path, tree: Path, lint: Run | None) -> None:
    """checkov over the whole tree with the frameworks that apply (Kubernetes manifests,
    Terraform plans); iamlint reads the same tree and more kinds (its run from above)."""
    command = [
        str(binaries / "checkov"), "-d", tree.name, "--framework", *CHECKOV_FRAMEWORKS,
        "--quiet", "-o", "json", "--skip-download",
    ]  # fmt: skip
    theirs = measure(command, DATA)
    label = tree.name.split("-")[0][1:]
    label = f"{int(label):,}"
    if not ok(theirs):
        report.add(Row("checkov -d", label, None, None, note=failure(theirs)))
        return
    frameworks = ",".join(CHECKOV_FRAMEWORKS)
    report.add(Row(f"checkov -d --framework {frameworks}", label, theirs.seconds, theirs.rss_mb))
    if lint is not None:
        report.add(
            Row(
                "iamlint check (same tree)",
                label,
                lint.seconds,
                lint.rss_mb,
                f"{lint.seconds / theirs.seconds:.2f}x checkov",
                "< 1x",
            )
        )


def live(report: Report, roles: int, repositories: int) -> None:
    try:
        import live_account
    except ImportError as error:
        report.notes.append(f"live mode skipped: {error}")
        print(f"skipped: live mode ({error})", flush=True)
        return
    with live_account.moto_server() as endpoint:
        started = time.perf_counter()
        live_account.populate(endpoint, roles, repositories)
        populated = time.perf_counter() - started
        env = live_account.environment(endpoint)
        with tempfile.TemporaryDirectory() as temp:
            output = Path(temp) / "scan.json"
            command = [
                *iamlint_command(), "scan", "--aws", "--region", live_account.REGION,
                "--format", "json", "-o", str(output),
            ]  # fmt: skip
            run = measure(command, Path(temp), env)
            summary = _summary(output)
    label = f"{roles:,} roles, {repositories} repos"
    if not ok(run):
        report.add(Row("iamlint scan --aws (moto)", label, None, None, note=failure(run)))
        return
    note = f"account populated in {populated:.0f}s; {summary}"
    report.add(Row("iamlint scan --aws (moto)", label, run.seconds, run.rss_mb, "", "< 60s", note))


def _summary(output: Path) -> str:
    try:
        summary = json.loads(output.read_text())["summary"]
    except (OSError, ValueError, KeyError):
        return "no report"
    live = summary.get("live_objects", summary["files"])
    return f"{live} live objects, {summary['findings']} findings"


# --- report ----------------------------------------------------------------------


def machine_facts() -> list[tuple[str, str]]:
    import yaml

    facts = [
        ("date", datetime.date.today().isoformat()),
        ("CPUs", str(os.cpu_count())),
        ("CPU", _cpu_model()),
        ("memory", _memory()),
        ("python", platform.python_version()),
        ("platform", platform.platform()),
        ("PyYAML", f"{yaml.__version__} (C loader: {hasattr(yaml, 'CSafeLoader')})"),
        ("iamlint", _iamlint_version()),
        ("commit", _commit()),
        ("load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]
    return facts


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def _iamlint_version() -> str:
    done = subprocess.run(
        [*iamlint_command(), "--version"], capture_output=True, text=True, check=False
    )
    return (done.stdout.strip().splitlines() or ["unknown"])[0]


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(BENCH), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    commit = done.stdout.strip() or "unknown"
    return commit + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def render(report: Report, facts: list[tuple[str, str]], command: str) -> str:
    lines = [f"# iamlint benchmark, {facts[0][1]}", "", f"Command: `{command}`", ""]
    lines += ["| machine | |", "|---|---|", *(f"| {k} | {v} |" for k, v in facts[1:]), ""]
    lines += [
        "| measurement | files | time | peak RSS | ratio | target | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for row in report.rows:
        seconds = "-" if row.seconds is None else f"{row.seconds:.2f} s"
        rss = "-" if row.rss_mb is None else f"{row.rss_mb:.0f} MB"
        lines.append(
            f"| {row.measurement} | {row.files} | {seconds} | {rss} | {row.ratio} "
            f"| {row.target} | {row.note} |"
        )
    if report.scaling:
        lines += ["", "Scaling (iamlint check, best run):", ""]
        lines += [
            "| files | floor | iamlint | ratio | iamlint per 1k files | peak RSS "
            "| RSS per 1k files |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for files, floor, lint in report.scaling:
            per_k = lint.seconds / files * 1000
            lines.append(
                f"| {files:,} | {floor.seconds:.2f} s | {lint.seconds:.2f} s "
                f"| {lint.seconds / floor.seconds:.2f}x | {per_k:.3f} s | {lint.rss_mb:.0f} MB "
                f"| {lint.rss_mb / files * 1000:.1f} MB |"
            )
    if report.findings:
        fired = ", ".join(f"{rule} {n}" for rule, n in sorted(report.findings.items()))
        smallest = f"{report.scaling[0][0]:,}" if report.scaling else "the smallest"
        lines += ["", f"Findings on the {smallest}-file tree (rules the data makes fire): {fired}"]
    if report.notes:
        lines += ["", *(f"- {note}" for note in report.notes)]
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k files and a small account")
    parser.add_argument("--scale", action="store_true", help="also 100k files")
    parser.add_argument("--out", type=Path, help="results file (default bench/results-<date>.md)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--no-others", action="store_true", help="skip parliament and checkov")
    parser.add_argument("--no-live", action="store_true", help="skip the moto live scan")
    return parser.parse_args(argv)


def use_bytecode() -> None:
    """Measure iamlint as installed: with .pyc files. Some environments set
    PYTHONDONTWRITEBYTECODE, and then every edited module compiles again on each run."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import iamlint

    package = str(Path(iamlint.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=False)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sizes = [1_000] if args.quick else [1_000, 10_000]
    if args.scale:
        sizes.append(100_000)
    facts = machine_facts()
    report = Report()
    DATA.mkdir(parents=True, exist_ok=True)
    use_bytecode()
    print("== start-up", flush=True)
    startup(report, args.startup_runs)
    trees: dict[int, Path] = {}
    for files in sizes:
        print(f"== throughput, {files:,} files", flush=True)
        trees[files] = throughput(report, files, args.repeat)
    count_findings(report, trees[sizes[0]])
    if not args.no_others:
        binaries = others_venv(report)
        if binaries is not None:
            for files in [s for s in sizes if s <= 10_000]:
                print(f"== parliament and checkov, {files:,} files", flush=True)
                parliament(report, binaries, trees[files], args.repeat)
                lint = next((run for n, _, run in report.scaling if n == files), None)
                checkov(report, binaries, trees[files], lint)
    if not args.no_live:
        roles, repositories = (100, 20) if args.quick else (1_000, 200)
        print(f"== live scan, {roles} roles and {repositories} repositories", flush=True)
        live(report, roles, repositories)
    command = "python bench/run.py" + "".join(f" {a}" for a in argv)
    text = render(report, facts, command)
    out = args.out or BENCH / f"results-{facts[0][1]}.md"
    out.write_text(text)
    print()
    print(text)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
