"""Pack rules in `iamlint rules` / `explain` and in SARIF rule descriptors (helpUri only when
the pack names a page: iamlint has none for them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamlint.cli import app
from iamlint.config import ConfigError
from iamlint.packs import load_pack_rules

REPO = Path(__file__).resolve().parents[2]
FIXTURES = "tests/ux/fixtures"
DEFAULT_PACK = REPO / "policies" / "default.yaml"
HELP = "https://wiki.example.com/iam/{}"


def _config(tmp_path: Path, *packs: Path) -> Path:
    config = tmp_path / ".iamlint.yaml"
    config.write_text(f"policy-packs: [{', '.join(map(str, packs))}]\n", encoding="utf-8")
    return config


def _documented_pack(tmp_path: Path) -> Path:
    """The default pack with a pack-wide `url` and one rule's own `help_uri`."""
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    text = text.replace("pack: default\n", f"pack: default\nurl: {HELP.format('pack')}\n", 1)
    text = text.replace(
        "    name: irsa-sub-stringlike\n",
        f"    name: irsa-sub-stringlike\n    help_uri: {HELP.format('org001')}\n",
        1,
    )
    path = tmp_path / "documented.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_lists_the_configured_pack_rules(in_repo: Path, tmp_path: Path) -> None:
    plain = CliRunner().invoke(app, ["rules"])
    assert plain.exit_code == 0 and "ORG001" not in plain.output
    listed = CliRunner().invoke(app, ["rules", "--config", str(_config(tmp_path, DEFAULT_PACK))])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    org = [line for line in lines if line.startswith("ORG")]
    assert [line.split()[:4] for line in org] == [
        ["ORG001", "error", "ORG", "irsa-sub-stringlike"],
        ["ORG002", "warning", "ORG", "node-role-ecr-readonly"],
        ["ORG003", "error", "ORG", "masters-outside-break-glass"],
    ]
    builtin = len([line for line in plain.output.splitlines() if re.match(r"[A-Z]\d{3} ", line)])
    assert lines[-1].startswith(f"{builtin + 3} rules.") and "ORG = policy packs" in lines[-1]


def test_explain_a_pack_rule(in_repo: Path, tmp_path: Path) -> None:
    config = str(_config(tmp_path, _documented_pack(tmp_path)))
    shown = CliRunner().invoke(app, ["explain", "org001", "--config", config])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("ORG001 irsa-sub-stringlike (error) [pack:default, policy-pack]")
    assert "Selects: `trust_conditions[?" in shown.output
    assert f"More: {HELP.format('org001')}" in shown.output
    missing = CliRunner().invoke(app, ["explain", "ORG001"])
    assert missing.exit_code == 2 and "unknown rule" in missing.output


def test_rules_reports_a_bad_pack_in_one_line(in_repo: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text("rules:\n  - id: ORG001\n    name: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "--config", str(_config(tmp_path, pack))])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "must be a non-empty string" in result.output


def _sarif_rules(config: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        app, ["check", f"{FIXTURES}/pack_fail", "--config", str(config), "--format", "sarif"]
    )
    assert result.exit_code == 1, result.output
    run = json.loads(result.stdout)["runs"][0]
    fired = {r["ruleId"] for r in run["results"]}
    descriptors = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert fired <= set(descriptors)  # every rule that fired is described
    return descriptors


def test_sarif_help_uri_of_pack_rules(in_repo: Path, tmp_path: Path) -> None:
    rules = _sarif_rules(_config(tmp_path, _documented_pack(tmp_path)))
    assert rules["ORG001"]["helpUri"] == HELP.format("org001")  # the rule's own page
    assert rules["ORG002"]["helpUri"] == HELP.format("pack")  # else the pack's
    assert rules["ORG001"]["name"] == "irsa-sub-stringlike"
    assert "Selects:" in rules["ORG001"]["help"]["markdown"]


def test_sarif_omits_help_uri_when_the_pack_gives_none(in_repo: Path, tmp_path: Path) -> None:
    rules = _sarif_rules(_config(tmp_path, DEFAULT_PACK))
    assert {"ORG001", "ORG002", "ORG003"} <= set(rules)
    assert not [rule for rule_id, rule in rules.items() if rule_id[:3] == "ORG" and "helpUri" in rule]
    for rule_id, rule in rules.items():  # built-in rules (if any fired) keep their page
        assert rule_id[:3] == "ORG" or rule["helpUri"].endswith(f"/docs/rules/{rule_id}.md")


@pytest.mark.parametrize("value", ["wiki page", "ftp://example.com/x", "[1]"])
def test_help_uri_must_be_http(tmp_path: Path, value: str) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: t\nrules:\n  - id: ORG001\n    name: r\n    message: m\n    select: roles\n"
        f"    help_uri: {value}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"pack\.yaml:3: rule ORG001: `help_uri` must be an http"):
        load_pack_rules([str(pack)])
