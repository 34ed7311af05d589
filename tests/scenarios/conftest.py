"""Scenario tests run a fixture folder as `iamlint check .` would and keep the error and
warning findings: the `failing` fixture does that."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iamlint.api import analyse
from iamlint.config import Config
from iamlint.finding import Finding, Severity

HERE = Path(__file__).parent


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[Finding]]:
    """Error and warning findings of a scenario folder (paths relative to it)."""

    def run(folder: str) -> list[Finding]:
        monkeypatch.chdir(HERE / folder)
        analysis = analyse(["."], Config())
        return [f for f in analysis.findings if f.severity >= Severity.WARNING]

    return run

