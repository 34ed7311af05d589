"""Every rule's fixtures: `tests/rules/<ID>/fail_*/` must report the rule exactly as in
`expected.txt`; `pass_*/` must not report it at all.

Snapshots hold only the rule under test, in the text format, paths relative to the
fixture folder. Rewrite them with `pytest --update-snapshots` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.api import analyse, lint
from iamlint.config import Config
from iamlint.load import SourceFile, load_text

HERE = Path(__file__).parent


def fixture_dirs() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*/*") if p.is_dir() and p.name.startswith(("fail_", "pass_"))
    )


def fixture_config(directory: Path) -> Config:
    """A fixture may carry `config.yaml` with `clusters`/`default-namespace` facts."""
    config = Config()
    path = directory / "config.yaml"
    if path.is_file():
        from iamlint.config import apply_mapping

        data = load_text(SourceFile(str(path), path.read_text()))[0].data
        apply_mapping(config, data, str(path))
    return config


def render(findings: list) -> str:  # type: ignore[type-arg]
    lines = []
    for f in findings:
        loc = f.location
        where = f"{loc.file}:{loc.line}:{loc.column}" if loc.line else loc.file
        lines.append(f"{where}: {f.rule} {f.severity.label} {f.message}")
    return "\n".join(lines) + ("\n" if lines else "")


@pytest.mark.parametrize("directory", fixture_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_fixture(
    directory: Path, monkeypatch: pytest.MonkeyPatch, update_snapshots: bool
) -> None:
    rule_id = directory.parent.name
    monkeypatch.chdir(directory)
    config = fixture_config(directory)
    config.exclude.extend(["expected.txt", "config.yaml"])
    inputs = ["."]  # discovered, as `iamlint check .` would
    # suppression rules need the whole pipeline; the others are checked before suppression
    run = lint if rule_id == "X007" else analyse
    result = run(inputs, config)
    ours = sorted((f for f in result.findings if f.rule == rule_id), key=lambda f: f.sort_key())
    actual = render(ours)
    if directory.name.startswith("pass_"):
        assert actual == "", f"{rule_id} must not fire on {directory.name}:\n{actual}"
        return
    assert ours, (
        f"{rule_id} did not fire on {directory.name}; all findings:\n{render(result.findings)}"
    )
    expected_file = directory / "expected.txt"
    if update_snapshots or not expected_file.exists():
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()
