"""ECS task and execution roles, ECS Exec and VPC endpoint policies (seed 003)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from iamlint.finding import Finding

Failing = Callable[[str], list[Finding]]

EXPECTED = {
    "ecs_exec_task_role_without_ssmmessages": {("F002", "iam.json")},
    "ecs_execution_role_wrong_trust_no_pull": {("T014", "iam.json"), ("E001", "iam.json")},
    "ecs_shared_broad_role": {("F005", "task-definition.json")},
    "ecs_vpc_endpoint_explicit_deny": {("F004", "stack.yaml")},
    "ecs_clean_setup": set(),
}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_ecs_scenario(folder: str, failing: Failing) -> None:
    assert {(f.rule, f.location.file) for f in failing(folder)} == EXPECTED[folder]


def test_endpoint_finding_says_explicit_deny(failing: Failing) -> None:
    (found,) = failing("ecs_vpc_endpoint_explicit_deny")
    assert "explicitly denies `sns:ListTopics`" in found.message
    assert "not a missing allow" in found.message
    assert found.location.line == 28  # the Deny statement


def test_exec_finding_names_enabler(failing: Failing) -> None:
    (found,) = failing("ecs_exec_task_role_without_ssmmessages")
    assert "by service `application`" in found.message
    assert "services.json" in {r.location.file for r in found.related}
