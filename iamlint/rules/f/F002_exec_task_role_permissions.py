"""F002 exec-task-role-permissions: ECS Exec is enabled but the task role cannot open SSM channels.

## What it does
For every task definition that runs with ECS Exec (`enableExecuteCommand` on a service,
`run-task` request or task of the inputs naming it, or on the IaC service that uses it),
evaluates the task role's identity policies (inline, AWS managed, customer managed; see
`iamlint.iam.evaluate`) for `ssmmessages:CreateControlChannel`,
`ssmmessages:CreateDataChannel`, `ssmmessages:OpenControlChannel` and
`ssmmessages:OpenDataChannel` on `*`. It reports actions no policy allows and actions an
explicit `Deny` blocks, and a Fargate task definition with ECS Exec but no `taskRoleArn` at
all. A condition that cannot be decided statically, or a policy not in the inputs, gives no
finding.

## Why it matters
The SSM agent inside the task uses the task role to open its control and data channels.
Without these permissions `aws ecs execute-command` fails with `TargetNotConnectedException`
("The execute command failed due to an internal error") and the task's
`managedAgents` show `ExecuteCommandAgent` stopped (seed 003 relies on ECS Exec to debug).

## Example
A service runs with ECS Exec, and its task role may only read from S3
(CloudFormation):
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    EnableExecuteCommand: true
    TaskDefinition: !Ref TaskDefinition
TaskDefinition:
  Type: AWS::ECS::TaskDefinition
  Properties:
    Family: orders
    TaskRoleArn: !GetAtt TaskRole.Arn
    ContainerDefinitions:
      - Name: orders
        Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:4.2.0
TaskRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: ecs-tasks.amazonaws.com}
          Action: sts:AssumeRole
    Policies:
      - PolicyName: read-config
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: arn:aws:s3:::orders-config/*
```

## Fix
Add to the task role:
```json
{"Effect": "Allow",
 "Action": ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
 "Resource": "*"}
```

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#ecs-exec-required-iam-permissions
- https://repost.aws/knowledge-center/fargate-ecs-exec-errors
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model, Role, TaskDefinition
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import (
    code_list,
    concrete_role_arn,
    principal_context,
    role_anchor,
    role_label,
    role_permissions,
)
from iamlint.rules.f._ecs import SSM_ACTIONS, ExecUse, exec_enabled_tasks, raw_field
from iamlint.rules.registry import rule


@rule(
    "F002",
    "exec-task-role-permissions",
    "error",
    "ECS Exec enabled but the task role lacks `ssmmessages:CreateControlChannel`, "
    "`CreateDataChannel`, `OpenControlChannel`, `OpenDataChannel`.",
    reads=("task_definitions", "ecs_services", "roles", "managed_policies"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in exec_enabled_tasks(model):
        task = use.task
        if not task.task_role_arn:
            if _no_task_role(task) and "FARGATE" in task.requires_compatibilities:
                yield _without_role(use)  # on EC2 the instance role may stand in
            continue
        role = model.resolve_role(task.task_role_arn)
        if role is not None and not contains_placeholder(task.task_role_arn):
            yield from _check_role(model, use, role)  # otherwise X006 / X008 say so


def _check_role(model: Model, use: ExecUse, role: Role) -> Iterator[Finding]:
    task = use.task
    permissions = role_permissions(model, role)
    principal = concrete_role_arn(role, task.task_role_arn)
    context = principal_context(role, task.task_role_arn)
    decisions = permissions.decide(dict.fromkeys(SSM_ACTIONS, "*"), principal, context)
    denied = decisions.denied
    if not denied:
        if permissions.missing and decisions.unknown:
            yield _not_checked(use, role, permissions.missing)
        return
    explicit = [a for a in denied if decisions[a].explicit_deny]
    if explicit:
        reason = decisions[explicit[0]].reasons[0]
        pointer = permissions.statement_pointer(reason) or role_anchor(role)
        statement = permissions.describe(reason)
        why = f"an explicit `Deny` in {statement} blocks {code_list(explicit)}"
        fix = "narrow or remove that Deny (an explicit deny overrides every allow)"
    else:
        pointer = role_anchor(role)
        why = f"no policy allows {code_list(denied, 'or')}"
        fix = "allow them on `*` in the task role"
    label = role_label(role)
    yield finding(
        "F002",
        pointer,
        f"{exec_text(use)}, but its task role `{label}` cannot open the SSM channels: "
        f"{why}; {fix}",
        resource=role.arn or label,
        related=[*use.enablers, (task.pointer.child("taskRoleArn"), "the task role")],
        discriminator=f"{task.family}:{task.revision}",
    )


def _not_checked(use: ExecUse, role: Role, missing: list[str]) -> Finding:
    label = role_label(role)
    return finding(
        "X006",
        role_anchor(role),
        f"whether task role `{label}` allows the ECS Exec channels of task definition "
        f"`{use.task.family}` was not checked (F002): the inputs lack {'; '.join(missing)}",
        resource=role.arn or label,
        discriminator=f"F002:{role.arn}",
    )


def exec_text(use: ExecUse) -> str:
    """"ECS Exec is enabled for task definition `web` by service `web`"."""
    task = use.task
    name = f"task definition `{task.family}`" if task.family else "this task definition"
    prefix = "ECS Exec is enabled by "
    summary = use.summary
    by = f" by {summary[len(prefix):]}" if summary.startswith(prefix) else ""
    return f"ECS Exec is enabled for {name}{by}"


def _no_task_role(task: TaskDefinition) -> bool:
    """`taskRoleArn` is absent or empty (not a value unknown until deploy)."""
    raw = raw_field(task.pointer.value, "taskRoleArn")
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _without_role(use: ExecUse) -> Finding:
    task = use.task
    family = task.pointer.child("family")
    anchor: Pointer = family.at_key() if family.value is not None else task.pointer
    return finding(
        "F002",
        anchor,
        f"{exec_text(use)}, but it has no `taskRoleArn`: the SSM agent in the task needs a "
        f"task role allowing {code_list(SSM_ACTIONS)} on `*`; add one",
        resource=task.family or task.arn,
        related=list(use.enablers),
        discriminator=f"{task.family}:{task.revision}:no-role",
    )
