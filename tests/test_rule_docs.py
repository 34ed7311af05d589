"""Rule documentation pages are generated from the rule docstrings and kept current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from iamlint.rules import load_all_rules

REPO = Path(__file__).resolve().parents[1]


def test_docs_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("rule", load_all_rules().sorted(), ids=lambda r: r.id)
def test_doc_has_example_and_reference(rule) -> None:  # type: ignore[no-untyped-def]
    if not rule.module.startswith("iamlint.rules."):
        return
    example = rule.doc.split("## Example", 1)[1].split("## Fix", 1)[0]
    assert len(example.strip()) > 20, f"{rule.id}: the Example section is empty"
    references = rule.doc.split("## References", 1)[1]
    assert "https://" in references or "../shared/" in references, rule.id


def test_severities_match_the_contract(shared_dir: Path) -> None:
    contract = {}
    for line in (shared_dir / "spec" / "rules.md").read_text().splitlines():
        match = re.match(r"\|\s*([A-Z]\d{3})\s*\|\s*(error|warning|info)\s*\|", line)
        if match:
            contract[match.group(1)] = match.group(2)
    registry = load_all_rules()
    mismatched = {
        rule_id: (severity, registry.rules[rule_id].severity.label)
        for rule_id, severity in contract.items()
        if rule_id in registry.rules and registry.rules[rule_id].severity.label != severity
    }
    assert not mismatched
    assert set(contract) <= set(registry.rules), sorted(set(contract) - set(registry.rules))
