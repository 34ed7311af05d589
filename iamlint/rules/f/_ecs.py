"""What the F rules share: which task definitions run with ECS Exec enabled.

Not a rule module: registers nothing and imports only the model.

In AWS CLI/API files ECS Exec is not a task definition setting: it is `enableExecuteCommand`
on a service (`describe-services`, `create-service` input/output), on `run-task` input, or on
a running task (`describe-tasks`). A task definition is "exec enabled" when one of those in
the inputs names it (by family, `family:revision` or ARN), or when an IaC source marked it
(`TaskDefinition.enable_execute_command`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.load.document import Pointer
from iamlint.model import EcsService, Model, TaskDefinition
from iamlint.record import field, record

# what the ECS Exec agent in a task calls, with the task role's credentials
SSM_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)


@record
class ExecUse:
    task: TaskDefinition
    enablers: list[tuple[Pointer, str]] = field(default_factory=list)  # (where, what)

    @property
    def summary(self) -> str:
        """The first enabler's note, e.g. "ECS Exec is enabled by service `web`"."""
        more = len(self.enablers) - 1
        return self.enablers[0][1] + (f" (and {more} more)" if more else "")


def exec_enabled_tasks(model: Model) -> Iterator[ExecUse]:
    """Each task definition of the inputs that runs with ECS Exec, with what enables it."""
    uses: dict[int, ExecUse] = {}
    for task in model.task_definitions:
        if task.enable_execute_command:
            use = uses.setdefault(id(task), ExecUse(task))
            note = "ECS Exec is enabled for this task definition"
            use.enablers.append((task.exec_pointer or task.pointer, note))
    for starter in model.ecs_services:
        if not starter.enable_execute_command:
            continue
        for task in tasks_named(model, starter.task_definition):
            use = uses.setdefault(id(task), ExecUse(task))
            use.enablers.append((starter.exec_pointer or starter.pointer, _enabler(starter)))
    yield from uses.values()


def tasks_named(model: Model, reference: str) -> list[TaskDefinition]:
    """Task definitions a `taskDefinition` reference names; without a revision, the latest."""
    family, revision = split_reference(reference)
    if not family:
        return []
    by_family: dict[str, list[TaskDefinition]] = model.memo(
        "task-definitions-by-family", lambda: _by_family(model)
    )
    same_family = by_family.get(family, [])
    if revision:
        return [t for t in same_family if not t.revision or t.revision == revision]
    known = [int(t.revision) for t in same_family if t.revision.isdigit()]
    latest = str(max(known)) if known else ""
    return [t for t in same_family if not t.revision or t.revision == latest]


def _by_family(model: Model) -> dict[str, list[TaskDefinition]]:
    grouped: dict[str, list[TaskDefinition]] = {}
    for task in model.task_definitions:
        grouped.setdefault(task.family, []).append(task)
    return grouped


def split_reference(reference: str) -> tuple[str, str]:
    """`arn:...:task-definition/web:7`, `web:7` or `web` -> ("web", "7" or "")."""
    text = reference.strip()
    if text.startswith("arn:"):
        text = text.partition(":task-definition/")[2]
    family, _, revision = text.partition(":")
    return family, revision if revision.isdigit() else ""


def _enabler(starter: EcsService) -> str:
    what = {"service": "service", "run-task": "a run-task request", "task": "a running task"}
    label = what.get(starter.kind, starter.kind)
    name = f" `{starter.name}`" if starter.name else ""
    return f"ECS Exec is enabled by {label}{name}"


def raw_field(mapping: Any, camel: str) -> Any:
    """A task definition field as written: camelCase (API/CLI) or PascalCase (CloudFormation)."""
    if not isinstance(mapping, dict):
        return None
    for key in (camel, camel[0].upper() + camel[1:]):
        if key in mapping:
            return mapping[key]
    return None
