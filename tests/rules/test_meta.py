"""Every registered rule has its documentation and both a failing and a passing fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.rules import load_rules

HERE = Path(__file__).parent
SECTIONS = ("## What it does", "## Why it matters", "## Example", "## Fix", "## References")
# Reported by the pipeline on conditions a fixture folder cannot produce; unit-tested.
NO_FIXTURES = {"X004": "tests/test_api.py::test_crashing_rule_becomes_x004", "X005": "live mode"}


def all_rules() -> list:  # type: ignore[type-arg]
    return load_rules().sorted()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_has_documentation(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.doc.startswith(f"{rule.id} "), (
        f"{rule.module}: docstring must start with '{rule.id} <name>:'"
    )
    missing = [s for s in SECTIONS if s not in rule.doc]
    assert not missing, f"{rule.module}: docstring lacks {missing}"
    assert rule.summary and rule.name == rule.name.lower()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_has_fixtures(rule) -> None:  # type: ignore[no-untyped-def]
    if rule.id in NO_FIXTURES:
        return
    folder = HERE / rule.id
    fails = list(folder.glob("fail_*"))
    passes = list(folder.glob("pass_*"))
    assert fails and passes, f"{rule.id}: needs tests/rules/{rule.id}/fail_*/ and pass_*/ fixtures"
    for fail in fails:
        assert (fail / "expected.txt").is_file(), f"{fail} lacks expected.txt"


def test_rule_modules_are_named_after_their_rule() -> None:
    for rule in all_rules():
        module_name = rule.module.rsplit(".", 1)[-1]
        assert module_name.startswith(rule.id + "_"), rule.module
        assert rule.module.split(".")[-2] == rule.family.lower(), rule.module
