"""F005 shared-task-execution-role: one broad role is both task role and execution role.

## What it does
Reports an ECS task definition whose `taskRoleArn` and `executionRoleArn` name the same role
when that role's identity policies (inline, AWS managed, customer managed in the inputs)
have an unconditioned `Allow` of a whole service or more on every resource: an action `*`
or `<service>:*` (or a `NotAction`) with `Resource: "*"` (or a `NotResource`). A shared
role with only narrow permissions (for example just
`AmazonECSTaskExecutionRolePolicy`) is not reported.

## Why it matters
The execution role is for the ECS agent (pull images, write logs, fetch secrets); the task
role is for the application. Sharing one role gives the application code, and anyone who
gets a shell in the container, everything the agent may do and more: with broad
permissions that is most of the account (least privilege).

## Example
```json
{"family": "web",
 "taskRoleArn": "arn:aws:iam::111122223333:role/web-role",
 "executionRoleArn": "arn:aws:iam::111122223333:role/web-role"}
```
where `web-role` has `AmazonS3FullAccess` attached.

## Fix
Create a separate execution role with `service-role/AmazonECSTaskExecutionRolePolicy`
(plus the secrets it must read), and keep only what the application needs in the task role.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-roles.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model, Role, TaskDefinition
from iamlint.placeholders import contains_placeholder
from iamlint.rules.a._node_access import same_role
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import IdentityPolicy, code_list, role_label, role_permissions
from iamlint.rules.registry import rule


@rule(
    "F005",
    "shared-task-execution-role",
    "warning",
    "Task role and execution role are the same role with broad permissions.",
    reads=("task_definitions", "roles", "managed_policies"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.task_definitions:
        task_role, execution_role = task.task_role_arn, task.execution_role_arn
        if not task_role or not execution_role or not same_role(task_role, execution_role):
            continue
        if contains_placeholder(task_role):
            continue
        role = model.resolve_role(task_role)
        if role is None:
            continue
        grants = broad_grants(model, role)
        if grants:
            yield _finding(task, role, grants)


def broad_grants(model: Model, role: Role) -> list[tuple[str, IdentityPolicy, Pointer | None]]:
    """(what, policy, statement pointer) for each unconditioned service-wide Allow on `*`."""
    from iamlint.iam.statements import iter_statements

    found = []
    for policy in role_permissions(model, role).policies:
        for stmt in iter_statements(policy.ref.document):
            if not stmt.is_allow or stmt.condition is not None:
                continue
            if not _every_resource(stmt.resource_values(), stmt.not_resources is not None):
                continue
            for action in _broad_actions(stmt.action_values(), stmt.not_actions is not None):
                pointer = policy.policy.pointer.child(*stmt.path) if policy.policy else None
                pointer = pointer or (policy.attachment.pointer if policy.attachment else None)
                found.append((action, policy, pointer))
    return found


def _every_resource(resources: list[str], not_resource: bool) -> bool:
    return not_resource or any(r.strip() == "*" for r in resources)


def _broad_actions(actions: list[str], not_action: bool) -> list[str]:
    if not_action:
        return ["NotAction"]
    return [a.strip() for a in actions if a.strip() == "*" or a.strip().endswith(":*")]


def _finding(
    task: TaskDefinition, role: Role, grants: list[tuple[str, IdentityPolicy, Pointer | None]]
) -> Finding:
    label = role_label(role)
    by_policy: dict[str, list[str]] = {}
    for what, policy, _ in grants:
        by_policy.setdefault(policy.label, []).append(what)
    parts = [f"{code_list(whats[:3])} on `*` ({name})" for name, whats in by_policy.items()]
    shown = "; ".join(parts[:2])
    more = f" and {len(parts) - 2} more policies" if len(parts) > 2 else ""
    related = [(task.pointer.child("taskRoleArn"), "the same role as task role")]
    related += [(p, f"`{what}` on `*`") for what, _, p in grants[:3] if p is not None]
    return finding(
        "F005",
        task.pointer.child("executionRoleArn"),
        f"task definition `{task.family}` uses role `{label}` as both execution role and task "
        f"role, and it allows {shown}{more}: the application gets the agent's permissions and "
        "the agent the application's; use a separate execution role with only "
        "`AmazonECSTaskExecutionRolePolicy`",
        resource=task.family or task.arn,
        related=related,
    )
