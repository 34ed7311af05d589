"""The composite GitHub Action: structure, declared inputs, exit-code handling."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INPUT_REFERENCE = re.compile(r"\$\{\{[^}]*?\binputs\.([A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    return action["runs"]["steps"]  # type: ignore[no-any-return]


def test_top_level_keys(action: dict[str, Any]) -> None:
    assert {"name", "description", "inputs", "runs"} <= set(action)
    assert action["runs"]["using"] == "composite"


def test_inputs_and_defaults(action: dict[str, Any]) -> None:
    inputs = action["inputs"]
    assert set(inputs) >= {"paths", "args", "sarif", "upload-sarif", "python-version"}
    assert inputs["paths"]["default"] == "."
    assert inputs["sarif"]["default"] == "iamlint.sarif"
    assert str(inputs["upload-sarif"]["default"]) == "true"
    assert all("description" in spec for spec in inputs.values())


def test_every_referenced_input_is_declared() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    declared = set(yaml.safe_load(text)["inputs"])
    used = set(INPUT_REFERENCE.findall(text))
    assert used, "the action reads its inputs"
    assert used <= declared, f"undeclared inputs: {sorted(used - declared)}"


def test_run_steps_declare_a_shell_and_take_inputs_from_env(action: dict[str, Any]) -> None:
    for step in _steps(action):
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            # inputs pasted into a script are a shell-injection hole
            assert "inputs." not in step["run"], step.get("name")


def test_step_order_and_exit_code(action: dict[str, Any]) -> None:
    steps = _steps(action)
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/setup-python@")
    runs = [(i, step) for i, step in enumerate(steps) if "run" in step]
    install = next(i for i, s in runs if "pip install" in s["run"])
    sarif = next(i for i, s in runs if "--format sarif" in s["run"])
    annotate = next(i for i, s in runs if "--format github" in s["run"])
    upload = next(
        i for i, u in enumerate(uses) if u.startswith("github/codeql-action/upload-sarif")
    )
    assert install < sarif < upload < annotate
    check = steps[sarif]
    assert check["id"] == "check"
    assert "iamlint check" in check["run"] and "--output" in check["run"]
    assert "exit-code=$?" in check["run"] and "$GITHUB_OUTPUT" in check["run"]
    assert "inputs.upload-sarif" in steps[upload]["if"]
    last = steps[-1]
    assert "always()" in last["if"]
    assert "steps.check.outputs.exit-code" in last["env"]["IAMLINT_EXIT"]
    assert 'exit "${IAMLINT_EXIT' in last["run"]


def test_installs_the_action_checkout(action: dict[str, Any]) -> None:
    install = next(s for s in _steps(action) if "pip install" in s.get("run", ""))
    assert install["env"]["IAMLINT_SOURCE"] == "${{ github.action_path }}"
