"""F001 missing-execution-role: task definition needs a task execution role but has none.

## What it does
Reports an ECS task definition without `executionRoleArn` when something in it is fetched
by the ECS agent with the task execution role:
- on every launch type: container `secrets` (Secrets Manager / SSM Parameter Store),
  log driver `secretOptions`, private registry `repositoryCredentials`, and
  `environmentFiles` (S3);
- on launch types without a container instance role (`requiresCompatibilities` naming
  `FARGATE`, `EXTERNAL` or `MANAGED_INSTANCES`): a private Amazon ECR image
  (`<account>.dkr.ecr.<region>.amazonaws.com/...`, whatever the account, even a
  placeholder) and the `awslogs` log driver.

On the EC2 launch type (the default when `requiresCompatibilities` is absent) the agent
pulls ECR images and writes `awslogs` logs with the container instance role, so those two
alone are not reported there. Public images (Docker Hub, `public.ecr.aws`) need no role.
An `executionRoleArn` that is a placeholder, a CloudFormation intrinsic or a Terraform
unknown counts as present.

## Why it matters
ECS rejects such a task definition at registration (`Fargate requires task definition to
have execution role ARN to support ECR images`, `When you are specifying container
secrets, you must also specify a value for 'executionRoleArn'`) or the task stops with
`ResourceInitializationError` / `CannotPullContainerError`.

## Example
```json
{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
 "cpu": "256", "memory": "512",
 "containerDefinitions": [{"name": "web",
   "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.0",
   "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web",
     "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web"}}}]}
```

## Fix
Add `"executionRoleArn": "arn:aws:iam::<account>:role/ecsTaskExecutionRole"`: a role that
trusts `ecs-tasks.amazonaws.com` and has the AWS managed
`AmazonECSTaskExecutionRolePolicy` (plus `secretsmanager:GetSecretValue` /
`ssm:GetParameters` / `kms:Decrypt` / `s3:GetObject` for secrets, registry credentials
and environment files).

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#execution_role_arn
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Container, Model, TaskDefinition
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.f._ecs import raw_field
from iamlint.rules.registry import rule

# Launch types with no container instance role to fall back on for image pulls and logs.
NO_INSTANCE_ROLE = ("FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
USE_TEXT = {
    "secrets": "injects `secrets` from Secrets Manager / SSM Parameter Store",
    "log secretOptions": "passes log driver `secretOptions` from Secrets Manager / SSM",
    "repositoryCredentials": "pulls with private registry `repositoryCredentials`",
    "environmentFiles": "loads `environmentFiles` from S3",
}


@rule(
    "F001",
    "missing-execution-role",
    "error",
    "Task definition uses an ECR image, `awslogs` driver, or `secrets` but has no "
    "`executionRoleArn`.",
    reads=("task_definitions",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.task_definitions:
        if _has_execution_role(task):
            continue
        needs = _needs(task)
        if not needs:
            continue
        (where, first), rest = needs[0], needs[1:]
        yield finding(
            "F001",
            where,
            _message(task, first, len(rest)),
            resource=task.family or task.arn,
            related=rest,
        )


def _has_execution_role(task: TaskDefinition) -> bool:
    if task.execution_role_arn:
        return True
    raw = raw_field(task.pointer.value, "executionRoleArn")
    if raw is None and isinstance(task.pointer.value, dict):
        raw = task.pointer.value.get("execution_role_arn")  # Terraform attribute name
    return raw not in (None, "") and not (isinstance(raw, str) and not raw.strip())


def _needs(task: TaskDefinition) -> list[tuple[Pointer, str]]:
    """(where, why) for everything that requires the task execution role."""
    launch_types = [t for t in task.requires_compatibilities if t in NO_INSTANCE_ROLE]
    needs: list[tuple[Pointer, str]] = []
    for container in task.containers:
        name = f"container `{container.name}`" if container.name else "a container"
        for what, pointer in container.execution_role_uses:
            needs.append((pointer.at_key(), f"{name} {USE_TEXT.get(what, what)}"))
        if launch_types:
            needs.extend(_agent_needs(container, name, launch_types[0]))
    return needs


def _agent_needs(container: Container, name: str, launch_type: str) -> list[tuple[Pointer, str]]:
    from iamlint.iam.arn import parse_ecr_image

    needs = []
    if container.image_pointer is not None and parse_ecr_image(container.image):
        why = f"{name} pulls the private ECR image `{container.image}` on {launch_type}"
        needs.append((container.image_pointer, why))
    if container.log_driver_pointer is not None and container.log_driver == "awslogs":
        why = f"{name} sends logs with the `awslogs` driver on {launch_type}"
        needs.append((container.log_driver_pointer, why))
    return needs


def _message(task: TaskDefinition, first: str, more: int) -> str:
    label = f"task definition `{task.family}`" if task.family else "this task definition"
    others = f" (and {more} more, listed as related)" if more else ""
    return (
        f"{label} has no `executionRoleArn`, but {first}{others}: ECS rejects it or the task "
        'fails to start; add `"executionRoleArn": "arn:aws:iam::<account>:role/'
        'ecsTaskExecutionRole"` (a role trusting `ecs-tasks.amazonaws.com` with '
        "`AmazonECSTaskExecutionRolePolicy`)"
    )
