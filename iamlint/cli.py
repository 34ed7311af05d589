"""Command line: parse arguments, call `iamlint.api`, print, choose the exit code."""

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_NO_INPUT = 0, 1, 2, 3
FORMATS = ("text", "json", "sarif", "github", "gitlab")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Static linter for AWS identity wiring of Kubernetes and container workloads.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Options shared by several commands
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text|json|sarif|github|gitlab")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
]
FailOnOption = Annotated[
    str | None, typer.Option("--fail-on", "--severity", help="error|warning|info")
]
SelectOption = Annotated[
    list[str] | None, typer.Option("--select", help="Rule IDs or families, e.g. I,E001")
]
IgnoreOption = Annotated[
    list[str] | None, typer.Option("--ignore", help="Rule IDs or families to skip")
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Config file (.iamlint.yaml or pyproject.toml)")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only findings, no summary")]
NoProgressOption = Annotated[bool, typer.Option("--no-progress", help="No progress bar")]
LiveOption = Annotated[bool, typer.Option("--aws", help="Read the live AWS account")]
ProfileOption = Annotated[str | None, typer.Option("--profile", help="AWS profile")]
RegionOption = Annotated[
    list[str] | None, typer.Option("--region", help="Region to read (repeatable)")
]
LiveClusterOption = Annotated[
    list[str] | None, typer.Option("--cluster", help="Only these EKS clusters")
]
KubeContextOption = Annotated[
    str | None,
    typer.Option("--kube-context", help='Read this kubeconfig context\'s cluster ("" = current)'),
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(EXIT_OK)


def version_text() -> str:
    from iamlint import __version__

    line = f"iamlint {__version__}"
    try:
        from iamlint.iam.catalogue import data_info

        info = data_info()
        line += f"\nAWS data: {info.get('date', 'unknown')} from {info.get('source', 'unknown')}"
    except (ImportError, OSError, ValueError):
        line += "\nAWS data: not available"
    return line


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show version and AWS data date.",
        ),
    ] = False,
) -> None:
    """iamlint: catch broken IAM/IRSA/ECR/aws-auth wiring before deploy."""


def _split(values: list[str] | None) -> list[str]:
    items: list[str] = []
    for value in values or []:
        items.extend(v.strip() for v in value.split(",") if v.strip())
    return items


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"iamlint: error: {message}", err=True)
    return typer.Exit(code)


@app.command()
def check(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files and directories (default: .)")
    ] = None,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    cluster: Annotated[
        list[str] | None, typer.Option("--cluster", help="Cluster the manifests run in")
    ] = None,
    default_namespace: Annotated[
        str | None, typer.Option("--default-namespace", help="Namespace for manifests without one")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Hide findings recorded in FILE")
    ] = None,
    write_baseline: Annotated[
        str | None, typer.Option("--write-baseline", help="Record current findings to FILE")
    ] = None,
    config_file: ConfigOption = None,
    changed_only: Annotated[
        bool,
        typer.Option(
            "--changed-only",
            help="Build the model from the whole repository, "
            "report only on the named files (pre-commit)",
        ),
    ] = False,
    quiet: QuietOption = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar")] = False,
    show_diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the mechanical fixes as a unified diff; write nothing"),
    ] = False,
    apply_fixes: Annotated[
        bool, typer.Option("--fix", help="Apply the mechanical fixes, then report what remains")
    ] = False,
    aws: Annotated[
        bool, typer.Option("--aws", help="Resolve missing references from the live account")
    ] = False,
    profile: ProfileOption = None,
    region: RegionOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            max=64,
            help="Processes for large runs (0: one per core, at most 4; 1: no extra process)",
        ),
    ] = None,
) -> None:
    """Lint files and directories."""
    if output_format not in FORMATS:
        raise _fail(f"unknown format {output_format!r} (use {', '.join(FORMATS)})")
    from iamlint.api import LintOptions, NoInputError, lint
    from iamlint.config import ConfigError, load_config

    try:
        config = load_config(Path.cwd(), config_file)
        _apply_options(config, fail_on, select, ignore, default_namespace, cluster)
    except (ConfigError, ValueError) as error:
        raise _fail(str(error)) from None
    targets = list(paths or ["."])
    # a new baseline records everything, including what an old baseline hides
    options = LintOptions(baseline=None if write_baseline else baseline, jobs=jobs)
    if changed_only:
        options.only_files = {_display(p) for p in targets}
        targets = ["."]
    try:
        if aws:
            options.extra_documents = _resolve_live(
                targets, config, profile, region, not (quiet or no_progress)
            )
        with _progress_bar(enabled=not (quiet or no_progress)) as show_progress:
            options.progress = show_progress
            result = lint(targets, config, options)
    except NoInputError as error:
        raise _fail(str(error), EXIT_NO_INPUT) from None
    except ConfigError as error:
        raise _fail(str(error)) from None
    if write_baseline:
        from iamlint.baseline import write_baseline as write

        count = write(write_baseline, result.findings)
        typer.echo(f"iamlint: wrote {count} findings to {write_baseline}", err=True)
        raise typer.Exit(EXIT_OK)
    if show_diff:
        raise _print_diff(result)
    if apply_fixes:
        result = _fix_files(result, lambda: lint(targets, config, options))
    _emit(result, output_format, output, quiet)
    raise _exit_for(result, config)


def _texts(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {path: s.text for path, s in result.sources.items() if not s.live}


def _print_diff(result) -> typer.Exit:  # type: ignore[no-untyped-def]
    """`--diff`: the fixes on stdout; exit 1 when there is one, like `ruff --diff`."""
    from iamlint.fix import plan, unified_diff

    files = plan(result.findings, _texts(result))
    sys.stdout.write(unified_diff(files))
    count = sum(f.fixes for f in files)
    where = _plural(len(files), "file")
    typer.echo(f"iamlint: {count} fixable in {where} (--fix applies them)", err=True)
    return typer.Exit(EXIT_FINDINGS if files else EXIT_OK)


MAX_FIX_PASSES = 5


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _fix_files(result, lint_again):  # type: ignore[no-untyped-def]
    """`--fix`: apply, re-lint, repeat while fixes apply (overlapping ones wait a pass)."""
    from iamlint.fix import plan, write

    fixed = 0
    for _ in range(MAX_FIX_PASSES):
        written = [f for f in plan(result.findings, _texts(result)) if write(f)]
        if not written:
            break
        fixed += sum(f.fixes for f in written)
        result = lint_again()
    typer.echo(f"iamlint: fixed {fixed} findings", err=True)
    return result


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A `LintOptions.progress` callback drawing on stderr (a terminal only), or None."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from iamlint.progress import Progress

    with Progress("iamlint: reading") as bar:

        def show(stage: str, done: int, total: int) -> None:
            bar.label, bar.total, bar.count = f"iamlint: {stage}", total, done - 1
            bar.advance()

        yield show


def _exit_for(result, config) -> typer.Exit:  # type: ignore[no-untyped-def]
    """Exit 1 when a finding is at or above `--fail-on`, else 0."""
    worst = result.max_severity()
    failed = worst is not None and worst >= config.fail_on
    return typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _display(path: str) -> str:
    text = path.replace(os.sep, "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def _apply_options(config, fail_on, select, ignore, default_namespace, clusters) -> None:  # type: ignore[no-untyped-def]
    from iamlint.config import ClusterFact
    from iamlint.finding import Severity

    if fail_on:
        config.fail_on = Severity.parse(fail_on)
    if select:
        config.select = _split(select)
    if ignore:
        config.ignore = config.ignore + _split(ignore)
    if default_namespace:
        config.default_namespace = default_namespace
    for name in _split(clusters):
        if not any(c.name == name for c in config.clusters):
            config.clusters.append(ClusterFact(name=name))
    config.current_clusters = _split(clusters)


def _emit(result, output_format: str, output: Path | None, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    from iamlint.report import render

    text = render(result, output_format, color=_use_colour(output), quiet=quiet)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for notice in result.notices:
        typer.echo(f"iamlint: {notice}", err=True)


def _use_colour(output: Path | None) -> bool:
    """Colour on a terminal; never into a file; NO_COLOR (no-color.org) wins over
    FORCE_COLOR (force-color.org), which colours a pipe too (CI logs that show ANSI)."""
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@app.command("rules")
def list_rules(config_file: ConfigOption = None) -> None:
    """List every rule: ID, severity, family, name (with the configured policy packs')."""
    from iamlint.rules.registry import FAMILIES

    rules = _all_rules(config_file)
    rows = [(r.id, r.severity.label, r.family, r.name, r.summary) for r in rules]
    width = max(6, *(len(row[0]) for row in rows))
    typer.echo(f"{'ID':<{width}} {'SEVERITY':<8} {'FAMILY':<6} {'NAME':<42} SUMMARY")
    for rule_id, severity, family, name, summary in rows:
        typer.echo(f"{rule_id:<{width}} {severity:<8} {family:<6} {name:<42} {summary}")
    families = ", ".join(f"{letter} = {text}" for letter, text in FAMILIES.items())
    if any(row[2] == "ORG" for row in rows):
        families += ", ORG = policy packs"
    typer.echo(f"{len(rows)} rules. Families: {families}")


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="Rule ID, e.g. I001 or a pack's ORG001")],
    config_file: ConfigOption = None,
) -> None:
    """Print one rule's documentation."""
    wanted = rule_id.strip().upper()
    rule = next((r for r in _all_rules(config_file) if r.id == wanted), None)
    if rule is None:
        raise _fail(f"unknown rule {rule_id!r} (see 'iamlint rules')")
    tags = f" [{', '.join(sorted(rule.tags))}]" if rule.tags else ""
    typer.echo(f"{rule.id} {rule.name} ({rule.severity.label}){tags}\n{rule.summary}\n")
    typer.echo(rule.doc)


def _all_rules(config_file: Path | None) -> list:  # type: ignore[type-arg]
    """The built-in rules, plus the rules of the policy packs the configuration lists."""
    from iamlint.config import ConfigError, load_config
    from iamlint.rules import load_rules

    builtin = load_rules().sorted()
    try:
        config = load_config(Path.cwd(), config_file)
        if not config.policy_packs:
            return [r for r in builtin if not r.module.startswith("iamlint.packs:")]
        from iamlint.packs import with_packs

        return with_packs(builtin, config)
    except ConfigError as error:
        raise _fail(str(error)) from None


@app.command()
def trace(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files and directories (default: .)")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="ServiceAccount/NS/NAME, NodeGroup/CLUSTER/NAME, TaskDefinition/FAMILY, "
            "or a role ARN or name (default: every chain)",
        ),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text|mermaid|dot")] = "text",
    config_file: Annotated[
        Path | None, typer.Option("--config", help="Config file (.iamlint.yaml or pyproject.toml)")
    ] = None,
) -> None:
    """Show the chain of identity behind workloads, each link ok / broken / unknown."""
    from iamlint.api import NoInputError, build_model
    from iamlint.config import ConfigError, load_config
    from iamlint.trace import FORMATS as TRACE_FORMATS
    from iamlint.trace import render
    from iamlint.trace import trace as trace_chains

    if output_format not in TRACE_FORMATS:
        raise _fail(f"unknown format {output_format!r} (use {', '.join(TRACE_FORMATS)})")
    try:
        config = load_config(Path.cwd(), config_file)
        model = build_model(list(paths or ["."]), config)
    except ConfigError as error:
        raise _fail(str(error)) from None
    except NoInputError as error:
        raise _fail(str(error), EXIT_NO_INPUT) from None
    chains = trace_chains(model, config, target)
    if target and not chains:
        raise _fail(f"no identity chain for {target!r} in the inputs")
    sys.stdout.write(render(chains, output_format))


@app.command()
def scan(
    aws: LiveOption = False,
    profile: ProfileOption = None,
    region: RegionOption = None,
    cluster: LiveClusterOption = None,
    kube_context: KubeContextOption = None,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config_file: ConfigOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
) -> None:
    """Lint a live AWS account (read-only IAM, ECR, EKS and ECS calls) and/or a cluster."""
    if output_format not in FORMATS:
        raise _fail(f"unknown format {output_format!r} (use {', '.join(FORMATS)})")
    from iamlint.api import lint_documents
    from iamlint.config import ConfigError, load_config

    try:
        config = load_config(Path.cwd(), config_file)
        _apply_options(config, fail_on, select, ignore, None, None)
    except (ConfigError, ValueError) as error:
        raise _fail(str(error)) from None
    read, kube = _read_live(
        aws, kube_context, region, profile, cluster, show_progress=not (quiet or no_progress)
    )
    from iamlint.api import LintOptions

    if kube is not None:
        _merge_kube(read, kube, config)
    documents = [(d.source, d.data) for d in read.documents]
    result = lint_documents(documents, config, LintOptions(extra_findings=read.findings))
    _emit(result, output_format, output, quiet)
    raise _exit_for(result, config)


@app.command()
def snapshot(
    aws: LiveOption = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Directory to write")
    ] = None,
    profile: ProfileOption = None,
    region: RegionOption = None,
    cluster: LiveClusterOption = None,
    kube_context: KubeContextOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Write a live account's state as AWS CLI-shaped JSON files and a cluster's as
    `kubectl get -o yaml` files (`iamlint check DIR`)."""
    if output is None:
        raise _fail("snapshot needs --output DIR")
    from iamlint.sources.aws_live import write_snapshot

    read, kube = _read_live(
        aws, kube_context, region, profile, cluster, show_progress=not no_progress
    )
    if kube is not None:
        for failure in kube.failures:  # kept in iamlint-live-read.json with the AWS ones
            read.fail(failure)
    written = write_snapshot(read, output)
    if kube is not None:
        from iamlint.sources.k8s_live import write_kube_snapshot

        written += write_kube_snapshot(kube, output)
    for finding in read.findings:
        typer.echo(f"iamlint: {finding.rule} {finding.message}", err=True)
    typer.echo(f"iamlint: wrote {len(written)} files to {output}", err=True)
    if read.incomplete:
        typer.echo(
            f"iamlint: the snapshot is incomplete: {len(read.failures)} live reads failed "
            "(X005, kept in iamlint-live-read.json)",
            err=True,
        )
    raise typer.Exit(EXIT_OK)


def _resolve_live(targets, config, profile, regions, show_progress):  # type: ignore[no-untyped-def]
    """`check --aws`: the live objects the files reference but do not define; exit 2 when
    the account cannot be read at all."""
    from iamlint.progress import Progress
    from iamlint.sources.aws_live import LiveReadError
    from iamlint.sources.aws_resolve import resolve_live

    try:
        with Progress("iamlint: reading AWS", enabled=show_progress) as progress:
            read = resolve_live(targets, config, profile, _split(regions), progress=progress)
    except LiveReadError as error:
        raise _fail(str(error)) from None
    return [(d.source, d.data) for d in read.documents]


def _read_live(aws, kube_context, regions, profile, clusters, show_progress=True):  # type: ignore[no-untyped-def]
    """The live reads shared by `scan` and `snapshot`: (AWS read, Kubernetes read or None);
    exit 2 on usage/credential errors."""
    if not aws and kube_context is None:
        raise _fail("nothing to read: pass --aws and/or --kube-context CONTEXT")
    from iamlint.progress import Progress
    from iamlint.sources.aws_live import LiveRead, LiveReadError, read_aws

    # the cluster first: a bad kubeconfig fails fast, before a long account scan
    kube = _read_kube(kube_context) if kube_context is not None else None
    try:
        with Progress("iamlint: reading AWS", enabled=show_progress and aws) as progress:
            read = (
                read_aws(_split(regions), profile, _split(clusters), progress=progress)
                if aws
                else LiveRead()
            )
    except LiveReadError as error:
        raise _fail(str(error)) from None
    return read, kube


def _read_kube(context: str):  # type: ignore[no-untyped-def]
    from iamlint.sources.k8s_live import KubeconfigError, read_kube

    try:
        return read_kube(context or None)
    except KubeconfigError as error:
        raise _fail(str(error)) from None


def _merge_kube(read, kube, config) -> None:  # type: ignore[no-untyped-def]
    """One model of account and cluster; with `--aws`, the EKS cluster the context names
    is the cluster its ServiceAccounts and workloads run in."""
    read.documents += kube.documents
    read.findings += kube.findings
    if kube.eks_cluster and read.account and not config.current_clusters:
        config.current_clusters = [kube.eks_cluster]


def main() -> None:
    """The `iamlint` command. Use `app` to run it inside another program: this exits."""
    # Every object of a run lives until the process exits: the cyclic collector would only
    # walk them again and again (see iamlint.api._gc_paused), even after the run returns.
    gc.disable()
    try:
        app(prog_name="iamlint")
    except KeyboardInterrupt:
        sys.stderr.write("iamlint: interrupted\n")
        _exit_now(130)
    except SystemExit as done:
        _exit_now(_exit_code(done.code))
    _exit_now(0)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")  # what `sys.exit("message")` would print
    return 1


def _exit_now(code: int) -> None:
    """Flush, run the atexit handlers, and leave without tearing down the interpreter.

    Freeing every object of a large run one by one took longer than a tenth of the run
    (0.28 s of 3 s on bench/'s 10,000 files) for nothing: the process is ending anyway.
    """
    import atexit

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # `| head` closed the pipe; a closed stream
            code = code or 1
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    main()
