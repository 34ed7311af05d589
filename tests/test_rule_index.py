"""The generated rule index is current, and running only the rules with something to
read gives exactly the findings of running every rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iamlint.api import LintOptions, analyse
from iamlint.config import Config

REPO = Path(__file__).resolve().parents[1]
FOLDERS = sorted(
    p
    for p in [*(REPO / "tests" / "rules").glob("*/*"), *(REPO / "tests" / "scenarios").glob("*")]
    if p.is_dir() and not p.name.startswith("__")
)


def test_index_is_current() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_rule_index.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def signature(findings: list) -> list[tuple]:  # type: ignore[type-arg]
    return sorted((f.rule, f.location.file, f.location.line, f.message) for f in findings)


def test_skipping_rules_without_input_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(FOLDERS) > 100
    for folder in FOLDERS:
        monkeypatch.chdir(folder)
        lazy = analyse(["."], Config())
        eager = analyse(["."], Config(), LintOptions(all_rules=True))
        assert signature(lazy.findings) == signature(eager.findings), folder
