"""E008 foreign-image-without-execution-role: ECR image of another account/region, no exec role.

## What it does
Reports a container of an ECS task definition without `executionRoleArn` whose image is in
a private ECR registry of another account than the task definition's own (known from its
`taskDefinitionArn`, or the account of its task role), or of another region on Fargate
(where no container instance role can pull it either). Placeholders
(`${AWS::AccountId}`, `<account-id>`) count as the task's own account and region. A task
definition with an execution role is E001/E002's to judge.

## Why it matters
Without an execution role nobody in the task definition is able to pull the image: on
Fargate the task cannot start (`CannotPullContainerError`; F001 says the role is required),
and on EC2 the container instance role pulls it, so the other account's repository policy
must allow that instance role, which nothing in the task definition shows and which
typically fails with `pull access denied`.

## Example
```json
{"taskDefinitionArn": "arn:aws:ecs:eu-west-1:444455556666:task-definition/web:4",
 "family": "web", "requiresCompatibilities": ["EC2"],
 "containerDefinitions": [{"name": "web",
   "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shared/web:2.0"}]}
```

## Fix
Add `"executionRoleArn"` naming a role that trusts `ecs-tasks.amazonaws.com`, has
`service-role/AmazonECSTaskExecutionRolePolicy`, and that the repository policy of the
registry account allows (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`).

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://repost.aws/knowledge-center/secondary-account-access-ecr
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Container, Model, TaskDefinition
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.f._ecs import raw_field
from iamlint.rules.registry import rule

NO_INSTANCE_ROLE = ("FARGATE", "EXTERNAL", "MANAGED_INSTANCES")


@rule(
    "E008",
    "foreign-image-without-execution-role",
    "warning",
    "ECR image of another account or region in an ECS task definition without an execution "
    "role.",
    reads=("task_definitions",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.arn import parse_ecr_image

    for task in model.task_definitions:
        if _has_execution_role(task):
            continue
        account, region = _home(task)
        if not account and not region:
            continue
        for container in task.containers:
            image = parse_ecr_image(container.image)
            if image is None or container.image_pointer is None:
                continue
            other_account = _differs(image.account, account)
            other_region = _differs(image.region, region) and _without_instance_role(task)
            if other_account or other_region:
                yield _finding(task, container, image.account, image.region, other_account)


def _without_instance_role(task: TaskDefinition) -> bool:
    return any(t in NO_INSTANCE_ROLE for t in task.requires_compatibilities)


def _has_execution_role(task: TaskDefinition) -> bool:
    if task.execution_role_arn:
        return True
    raw = raw_field(task.pointer.value, "executionRoleArn")
    return raw not in (None, "") and not (isinstance(raw, str) and not raw.strip())


def _home(task: TaskDefinition) -> tuple[str, str]:
    """(account, region) the task definition lives in, '' when unknown."""
    parts = task.arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "ecs":
        return _clean(parts[4]), _clean(parts[3])
    role = task.task_role_arn.split(":")
    if len(role) >= 6 and role[0] == "arn":
        return _clean(role[4]), ""
    return "", ""


def _clean(value: str) -> str:
    return "" if contains_placeholder(value) else value


def _differs(value: str, home: str) -> bool:
    return bool(home) and not contains_placeholder(value) and value != home


def _finding(
    task: TaskDefinition, container: Container, account: str, region: str, other_account: bool
) -> Finding:
    assert container.image_pointer is not None
    where = f"account {account}" if other_account else f"region {region}"
    launch = [t for t in task.requires_compatibilities if t in NO_INSTANCE_ROLE]
    if launch:
        effect = f"on {launch[0]} nothing can pull it"
    else:
        effect = (
            "the container instance role pulls it, so the repository policy in "
            f"{where} must allow that role"
        )
    label = f"task definition `{task.family}`" if task.family else "this task definition"
    return finding(
        "E008",
        container.image_pointer,
        f"`{container.image.strip()}` is in {where}, not the {label}'s, and the task has no "
        f"`executionRoleArn`: {effect}; add an execution role that may pull it (identity "
        "policy and the registry's repository policy)",
        resource=task.family or task.arn,
    )
