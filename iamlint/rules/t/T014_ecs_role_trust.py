"""T014 ecs-role-trust: ECS task (execution) role not trusting `ecs-tasks.amazonaws.com`.

## What it does
For every role the inputs use as `taskRoleArn` or `executionRoleArn` of an ECS task
definition, evaluates the role's trust policy: can the service principal
`ecs-tasks.amazonaws.com` call `sts:AssumeRole`? List forms, the China form
`.amazonaws.com.cn` and CloudFormation's `${AWS::URLSuffix}` are accepted;
`aws:SourceAccount`/`aws:SourceArn` conditions cannot be decided statically and are not
reported. It reports a trust with no statement for the service (a common slip is
`ecs.amazonaws.com`, the service-linked role's principal, or `ec2.amazonaws.com`), a
statement for it that allows another action, a condition that never matches a service
request (e.g. `sts:ExternalId`), or an explicit `Deny`.

## Why it matters
ECS cannot assume the role: registering the task definition or starting the task fails
(`ECS was unable to assume the role ... Please verify that the ECS service principal has
permissions to assume this role`), images are not pulled, secrets not injected, and the
application gets no credentials.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"},
   "Action": "sts:AssumeRole"}]}
```
used as `executionRoleArn`.

## Fix
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
   "Action": "sts:AssumeRole",
   "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}
```

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import ECS_EXECUTION_ROLE, ECS_TASK_ROLE, Model
from iamlint.rules.base import RuleContext
from iamlint.rules.registry import rule
from iamlint.rules.t._service_trust import service_trust_findings


@rule(
    "T014",
    "ecs-role-trust",
    "error",
    "Role used as ECS task role or task execution role does not trust "
    "`ecs-tasks.amazonaws.com`.",
    reads=("role_uses", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    yield from service_trust_findings(
        model, "T014", (ECS_TASK_ROLE, ECS_EXECUTION_ROLE), "ecs-tasks.amazonaws.com"
    )
