"""F003 exec-without-init-process: ECS Exec is enabled but a container has no init process.

## What it does
For every task definition in the inputs that runs with ECS Exec (a service, `run-task`
request or running task in the inputs sets `enableExecuteCommand: true` and names it, or
the IaC resource enables it), reports each Linux container that does not set
`linuxParameters.initProcessEnabled: true`. Windows task definitions
(`runtimePlatform.operatingSystemFamily` `WINDOWS_*`) are skipped: they have no
`linuxParameters`. Services whose task definition is not in the inputs are not checked.

## Why it matters
ECS Exec runs the SSM agent inside the container; without an init process (PID 1 that
reaps children) the processes of finished exec sessions are left as zombies. AWS
recommends `initProcessEnabled: true` for containers you exec into (seed 003).

## Example
```json
{"family": "ecs-exec-task",
 "containerDefinitions": [{"name": "application", "image": "application:latest",
                           "essential": true}]}
```
with `aws ecs create-service ... --enable-execute-command` for that task definition.

## Fix
Add `"linuxParameters": {"initProcessEnabled": true}` to each container definition.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://repost.aws/knowledge-center/fargate-connection-issues
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Container, Model, TaskDefinition
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.f._ecs import exec_enabled_tasks, raw_field
from iamlint.rules.registry import rule


@rule(
    "F003",
    "exec-without-init-process",
    "info",
    "ECS Exec enabled but container has no `linuxParameters.initProcessEnabled: true`.",
    reads=("task_definitions", "ecs_services"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in exec_enabled_tasks(model):
        if _is_windows(use.task):
            continue
        for container in use.task.containers:
            if container.init_process_enabled:
                continue
            yield finding(
                "F003",
                _where(container),
                _message(use.summary, container),
                resource=use.task.family or use.task.arn,
                related=use.enablers,
            )


def _is_windows(task: TaskDefinition) -> bool:
    platform = raw_field(task.pointer.value, "runtimePlatform")
    family = raw_field(platform, "operatingSystemFamily")
    return isinstance(family, str) and family.strip().upper().startswith("WINDOWS")


def _where(container: Container) -> Pointer:
    linux = container.linux_parameters_pointer
    if linux is not None:
        value = linux.value
        for key in ("initProcessEnabled", "InitProcessEnabled"):
            if isinstance(value, dict) and key in value:
                return linux.child(key)
        return linux.at_key()
    value = container.pointer.value
    for key in ("name", "Name"):
        if isinstance(value, dict) and key in value:
            return container.pointer.child(key)
    return container.pointer


def _message(enabled: str, container: Container) -> str:
    name = f"container `{container.name}`" if container.name else "this container"
    return (
        f"{enabled}, but {name} does not set "
        "`linuxParameters.initProcessEnabled: true`: without an init process the exec "
        "sessions' SSM agent child processes are left as zombies; add "
        '`"linuxParameters": {"initProcessEnabled": true}`'
    )
