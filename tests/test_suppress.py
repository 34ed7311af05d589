"""Inline comments, per-file-ignores, baseline matching, and the X007 reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.baseline import load_baseline, write_baseline
from iamlint.config import Config
from iamlint.finding import Finding, Location, Severity
from iamlint.load.document import SourceFile
from iamlint.suppress import apply_suppressions, glob_regex, parse_suppressions

KNOWN = {"I001", "K003", "P003", "T003", "X007"}

MANIFEST = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app  # iamlint: ignore[I001] role lives in another repo
  namespace: prod
  # iamlint: ignore[K003]
  # iamlint: ignore[T003] stacked comments reach the next content line

  annotations: {}
"""
PLAIN = "a: 1\n"


def at(rule: str, line: int | None, file: str = "sa.yaml", message: str = "m") -> Finding:
    return Finding(rule, Severity.ERROR, message, Location(file, line, 3), resource=f"r {line}")


def run(findings, text: str = MANIFEST, config: Config | None = None, baseline=None, **sources):  # type: ignore[no-untyped-def]
    files = {"sa.yaml": SourceFile("sa.yaml", text)}
    files.update({name: SourceFile(name, body) for name, body in sources.items()})
    return apply_suppressions(findings, files, config or Config(), baseline, KNOWN)


def test_comment_suppresses_its_own_line_and_the_next() -> None:
    own, below, other = at("I001", 4), at("I001", 5), at("K003", 4)
    outcome = run([own, below, other])
    assert outcome.suppressed == [own, below]
    assert outcome.kept == [other]
    assert [f.location.line for f in outcome.unused] == [6, 7]  # the K003 and T003 comments


def test_own_line_comments_stack_and_skip_blank_lines() -> None:
    outcome = run([at("K003", 9), at("T003", 9), at("I001", 4)])
    assert not outcome.kept and not outcome.unused
    assert len(outcome.suppressed) == 3


def test_unused_suppression_is_x007_at_the_hash() -> None:
    outcome = run([at("I001", 4)])
    assert [(f.rule, f.location.line, f.location.column) for f in outcome.unused] == [
        ("X007", 6, 3),
        ("X007", 7, 3),
    ]
    first = outcome.unused[0]
    assert first.severity == Severity.WARNING
    assert "no K003 finding on this line or the next" in first.message
    assert first.location.end_column == len(MANIFEST.splitlines()[5]) + 1


def test_unknown_ids_families_and_bare_comments_are_reported() -> None:
    text = (
        "a: 1  # iamlint: ignore[I01, I, k003]\n"
        "b: 2  # iamlint: ignore\n"
        "c: 3  # iamlint:ignore[Z9]\n"
    )
    outcome = run([at("K003", 1)], text=text)
    assert outcome.suppressed == [at("K003", 1)]  # ids are case-insensitive: k003 == K003
    messages = [(f.location.line, f.message) for f in outcome.unused]
    assert (1, "suppression names unknown rule 'I01' (see `iamlint rules`)") in messages
    assert any(line == 1 and "rule family 'I'" in m and "I001" in m for line, m in messages)
    assert any(line == 2 and "names no rule" in m for line, m in messages)
    assert any(line == 3 and "'Z9'" in m for line, m in messages)
    assert len(messages) == 4


def test_rules_that_did_not_run_are_not_reported_unused() -> None:
    outcome = run([], config=Config(select=["X"]))
    assert not outcome.unused
    outcome = run([], config=Config(ignore=["K003", "T"]))
    assert [f.message.split(":")[1].split()[1] for f in outcome.unused] == ["I001"]


def test_hash_must_start_a_comment() -> None:
    text = 'url: "http://x/#iamlint: ignore[P003]"\nkey: a#iamlint: ignore[P003]\n'
    assert parse_suppressions(SourceFile("sa.yaml", text)) == []
    outcome = run([at("P003", 1), at("P003", 2)], text=text)
    assert len(outcome.kept) == 2


def test_x007_can_be_silenced_by_a_comment_naming_it() -> None:
    text = "a: 1  # iamlint: ignore[P003, X007] kept on purpose\n"
    outcome = run([], text=text)
    assert not outcome.unused
    assert [f.rule for f in outcome.suppressed] == ["X007"]


def test_live_sources_and_findings_without_lines_are_left_alone() -> None:
    live = SourceFile("arn:aws:iam::111122223333:role/app", "# iamlint: ignore[I001]", live=True)
    assert parse_suppressions(live) == []
    outcome = run([at("I001", None)])
    assert outcome.kept == [at("I001", None)]


def test_per_file_ignores_with_globs_and_families() -> None:
    config = Config(per_file_ignores={"charts/**/*.yaml": ["I"], "legacy.json": ["P003"]})
    findings = [
        at("I001", 1, "charts/app/templates/sa.yaml"),
        at("K003", 1, "charts/app/templates/sa.yaml"),
        at("P003", 1, "deep/dir/legacy.json"),
        at("P003", 1, "legacy.yaml"),
    ]
    outcome = run(findings, config=config)
    assert [f.location.file for f in outcome.suppressed] == [
        "charts/app/templates/sa.yaml",
        "deep/dir/legacy.json",
    ]
    assert [f.rule for f in outcome.kept] == ["K003", "P003"]


def test_per_file_ignores_are_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    config = Config(
        per_file_ignores={"/sub/roles/*.json": ["P003"]}, source=str(tmp_path / "x.yaml")
    )
    outcome = run([at("P003", 1, "roles/a.json"), at("P003", 1, "other/a.json")], config=config)
    assert [f.location.file for f in outcome.suppressed] == ["roles/a.json"]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.json", "a/b/c.json", True),
        ("*.json", "a/b/c.yaml", False),
        ("charts/*.yaml", "charts/x.yaml", True),
        ("charts/*.yaml", "charts/x/y.yaml", False),
        ("charts/**/*.yaml", "charts/x.yaml", True),
        ("charts/**/*.yaml", "charts/x/y/z.yaml", True),
        ("/top.yaml", "top.yaml", True),
        ("/top.yaml", "a/top.yaml", False),
        ("generated/", "a/generated/x.yaml", True),
        ("generated/", "generated", False),
        ("roles", "roles/app.json", True),
        ("role?.json", "roles.json", True),
        ("[ab].json", "b.json", True),
        ("[!ab].json", "b.json", False),
        ("**/test_*", "x/test_a.yaml", True),
        ("a[.json", "a[.json", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, expected: bool) -> None:
    assert bool(glob_regex(pattern).match(path)) is expected


def test_baseline_round_trip_multiplicity_and_stale_entries(tmp_path: Path) -> None:
    twin = at("P003", 3, message="same")
    other = at("K003", 5, message="other")
    path = tmp_path / "baseline.json"
    assert write_baseline(path, [twin, other, at("X007", 1)]) == 2  # X007 is never recorded
    baseline = load_baseline(path)

    outcome = run([twin, at("P003", 3, message="same")], text=PLAIN, baseline=baseline)
    assert len(outcome.suppressed) == 1 and len(outcome.kept) == 1  # one of two identical hidden
    stale = outcome.unused
    assert [f.rule for f in stale] == ["X007"]
    assert stale[0].location.file == str(path)
    line, column = stale[0].location.line, stale[0].location.column
    assert line is not None and column is not None
    entry_line = path.read_text().splitlines()[line - 1]
    assert entry_line[column - 1 :].startswith('"fingerprint"')
    assert '"rule": "K003"' in entry_line  # one entry per line
    assert "K003 in sa.yaml" in stale[0].message


def test_stale_entries_only_for_files_linted_or_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("elsewhere.yaml").write_text("a: 1\n")
    path = tmp_path / "b.json"
    write_baseline(path, [at("P003", 1, "elsewhere.yaml"), at("P003", 1, "deleted.yaml")])
    outcome = run([], text=PLAIN, baseline=load_baseline(path))
    assert [f.message for f in outcome.unused] == [
        "baseline entry matches no finding: P003 in deleted.yaml (r 1); remove it or "
        "regenerate the baseline with --write-baseline"
    ]


def test_x007_is_not_hidden_by_the_baseline(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    unused = run([]).unused
    entries = ", ".join(f'{{"fingerprint": "{f.fingerprint}"}}' for f in unused)
    path.write_text(f'{{"version": 1, "entries": [{entries}]}}')
    outcome = run([], baseline=load_baseline(path))
    assert len(unused) == 3
    assert outcome.unused == unused


def test_many_findings_and_comments_in_linear_time() -> None:
    lines = [f"k{i}: v  # iamlint: ignore[P003]" for i in range(20_000)]
    findings = [at("P003", i + 1, message=str(i)) for i in range(20_000)]
    outcome = run(findings, text="\n".join(lines) + "\n")
    assert len(outcome.suppressed) == 20_000 and not outcome.unused
