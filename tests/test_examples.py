"""`iamlint check examples/` shows one finding of each kind users meet most."""

from __future__ import annotations

from pathlib import Path

from iamlint.api import lint
from iamlint.config import Config
from iamlint.finding import Severity

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = {
    "I001", "E001", "A005", "A002", "A003", "A009", "E003", "F001", "K001", "K008", "K005",
    "T001", "T007",
}


def test_examples_show_the_common_mistakes() -> None:
    result = lint([str(EXAMPLES)], Config())
    failing = {f.rule for f in result.findings if f.severity >= Severity.WARNING}
    assert failing == EXPECTED
    assert not any(f.rule in ("X001", "X004") for f in result.findings)
