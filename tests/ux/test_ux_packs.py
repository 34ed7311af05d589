"""Policy packs: the default pack's rules, config errors, and reporting like built-in rules."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamlint.api import lint
from iamlint.cli import app
from iamlint.config import Config, ConfigError
from iamlint.packs import load_pack_rules, model_view, render_message
from iamlint.rules.registry import REGISTRY

REPO = Path(__file__).resolve().parents[2]
FIXTURES = "tests/ux/fixtures"
DEFAULT_PACK = str(REPO / "policies" / "default.yaml")


def _pack_findings(path: str, packs: list[str]) -> list[tuple[str, str, int | None]]:
    result = lint([path], Config(policy_packs=packs))
    return [
        (f.rule, f.location.file, f.location.line)
        for f in result.findings
        if f.rule.startswith("ORG")
    ]


def test_default_pack_rules_fire_on_the_failing_fixture(in_repo: Path) -> None:
    found = _pack_findings(f"{FIXTURES}/pack_fail", [DEFAULT_PACK])
    assert sorted(found) == [
        ("ORG001", f"{FIXTURES}/pack_fail/stack.yaml", 36),  # the StringLike :sub value
        ("ORG002", f"{FIXTURES}/pack_fail/stack.yaml", 4),  # the node role
        ("ORG003", f"{FIXTURES}/pack_fail/aws-auth.yaml", 13),  # platform-admin, not break-glass
    ]


def test_default_pack_is_quiet_on_the_clean_fixture(in_repo: Path) -> None:
    assert _pack_findings(f"{FIXTURES}/pack_pass", [DEFAULT_PACK]) == []


def test_packs_run_only_when_configured(in_repo: Path) -> None:
    _pack_findings(f"{FIXTURES}/pack_fail", [DEFAULT_PACK])  # registers the rules
    assert _pack_findings(f"{FIXTURES}/pack_fail", []) == []


def test_messages_are_filled_from_the_selected_item(in_repo: Path) -> None:
    result = lint([f"{FIXTURES}/pack_fail"], Config(policy_packs=[DEFAULT_PACK]))
    org001 = next(f for f in result.findings if f.rule == "ORG001")
    assert "role app matches" in org001.message
    assert "(system:serviceaccount:prod:*)" in org001.message
    assert org001.severity.label == "error"


def test_pack_rules_are_registered_with_metadata(in_repo: Path) -> None:
    lint([f"{FIXTURES}/pack_fail"], Config(policy_packs=[DEFAULT_PACK]))
    rule = REGISTRY.get("ORG002")
    assert rule is not None
    assert rule.family == "ORG" and rule.severity.label == "warning"
    assert "pack:default" in rule.tags and "Selects:" in rule.doc


def _write_pack(directory: Path, body: str) -> str:
    path = directory / "pack.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


RULE = "  - id: {id}\n    name: r{n}\n    severity: warning\n    message: m\n    select: {select}\n"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            RULE.format(id="ORG001", n=1, select="'roles[?'"),
            r"pack\.yaml:3: rule ORG001: bad `select`",
        ),
        (
            RULE.format(id="ORG001", n=1, select="roles")
            + RULE.format(id="ORG001", n=2, select="roles"),
            r"pack\.yaml:8: duplicate rule ID ORG001 \(also at .*pack\.yaml:3\)",
        ),
        (RULE.format(id="I001", n=1, select="roles"), r"pack\.yaml:3: rule ID 'I001' must be ORG"),
        (RULE.format(id="C7", n=1, select="roles"), r"pack\.yaml:3: rule ID 'C7' must be ORG"),
    ],
)
def test_pack_errors_are_one_line(tmp_path: Path, rules: str, expected: str) -> None:
    path = _write_pack(tmp_path, "pack: t\nrules:\n" + rules)
    with pytest.raises(ConfigError) as raised:
        load_pack_rules([path])
    message = str(raised.value)
    assert "\n" not in message
    assert re.search(expected, message), message


def test_duplicate_id_across_packs(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text("rules:\n" + RULE.format(id="ORG009", n=9, select="roles"), "utf-8")
    with pytest.raises(ConfigError, match=r"b\.yaml:2: duplicate rule ID ORG009"):
        load_pack_rules([str(first), str(second)])


def test_cli_exits_2_on_a_bad_pack(in_repo: Path, tmp_path: Path) -> None:
    pack = _write_pack(tmp_path, "rules:\n" + RULE.format(id="ORG001", n=1, select="'a[?'"))
    config = tmp_path / ".iamlint.yaml"
    config.write_text(f"policy-packs: [{pack}]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", f"{FIXTURES}/pack_pass", "--config", str(config)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("iamlint: error: ")
    assert "bad `select` expression" in lines[0]


def test_pack_findings_are_suppressible_inline(in_repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "inputs"
    shutil.copytree(REPO / FIXTURES / "pack_fail", copy)
    aws_auth = copy / "aws-auth.yaml"
    text = aws_auth.read_text(encoding="utf-8")
    aws_auth.write_text(
        text.replace(
            "    - rolearn: arn:aws:iam::111122223333:role/platform-admin\n",
            "    - rolearn: arn:aws:iam::111122223333:role/platform-admin"
            "  # iamlint: ignore[ORG003] audited admin\n",
        ),
        encoding="utf-8",
    )
    result = lint([str(copy)], Config(policy_packs=[DEFAULT_PACK]))
    assert "ORG003" not in {f.rule for f in result.findings}
    assert "ORG003" in {f.rule for f in result.suppressed}


def test_pack_rules_follow_select_and_ignore(in_repo: Path) -> None:
    config = Config(policy_packs=[DEFAULT_PACK], ignore=["ORG002"])
    rules = {f.rule for f in lint([f"{FIXTURES}/pack_fail"], config).findings}
    assert {"ORG001", "ORG003"} <= rules and "ORG002" not in rules
    config = Config(policy_packs=[DEFAULT_PACK], select=["ORG"])
    rules = {f.rule for f in lint([f"{FIXTURES}/pack_fail"], config).findings}
    assert rules == {"ORG001", "ORG002", "ORG003"}


def test_pack_findings_appear_in_sarif(in_repo: Path, tmp_path: Path) -> None:
    config = tmp_path / ".iamlint.yaml"
    config.write_text(f"policy-packs: [{DEFAULT_PACK}]\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["check", f"{FIXTURES}/pack_fail", "--config", str(config), "--format", "sarif"]
    )
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    run = sarif["runs"][0]
    assert {"ORG001", "ORG002", "ORG003"} <= {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"ORG001", "ORG002", "ORG003"} <= {r["ruleId"] for r in run["results"]}


def test_readme_examples_load_and_fire(in_repo: Path, tmp_path: Path) -> None:
    readme = (REPO / "policies" / "README.md").read_text(encoding="utf-8")
    examples = readme.split("## Worked example")[1:]
    blocks = [re.findall(r"```yaml\n(.*?)```", section, re.S)[0] for section in examples]
    assert len(blocks) == 2
    packs = []
    for index, block in enumerate(blocks):
        path = tmp_path / f"example{index}.yaml"
        path.write_text(block, encoding="utf-8")
        packs.append(str(path))
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "task.json").write_text(
        json.dumps(
            {"family": "batch", "containerDefinitions": [{"name": "b", "image": "busybox"}]}
        ),
        encoding="utf-8",
    )
    stack = (REPO / FIXTURES / "pack_pass" / "stack.yaml").read_text(encoding="utf-8")
    (inputs / "stack.yaml").write_text(stack.replace(":prod:app", ":payments:api"), "utf-8")
    sa = (REPO / FIXTURES / "pack_pass" / "sa.yaml").read_text(encoding="utf-8")
    (inputs / "sa.yaml").write_text(
        sa.replace("name: app", "name: api").replace("prod", "payments")
    )
    found = {f.rule for f in lint([str(inputs)], Config(policy_packs=packs)).findings}
    assert {"ORG201", "ORG301"} <= found


def test_view_items_carry_pointers(in_repo: Path) -> None:
    from iamlint.api import build_model

    model = build_model([f"{FIXTURES}/pack_fail"], Config())
    view, pointers = model_view(model)
    items = [item for items in view.values() for item in items]
    items += [s for role in view["roles"] for s in role["trust_statements"]]
    assert {item["_at"] for item in items} == set(range(len(pointers)))
    json.dumps(view)  # plain JSON
    node = next(r for r in view["roles"] if r["name"] == "eks-node")
    assert node["usages"] == ["node"]
    assert "AmazonEC2ContainerRegistryReadOnly" in node["attached_policy_names"]


def test_render_message() -> None:
    item = {"name": "x", "groups": ["a", "b"], "nested": {"k": 1}}
    assert render_message("{name}: {groups} {nested.k} {missing}", item) == "x: a, b 1 {missing}"


def test_plain_runs_do_not_import_packs_or_trace(in_repo: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from iamlint.api import lint\n"
        "from iamlint.config import Config\n"
        "import iamlint.cli\n"
        "lint(['examples/roles/web-trust.json'], Config())\n"
        "print(sorted(m for m in ('iamlint.packs', 'iamlint.trace', 'jmespath') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "[]"
