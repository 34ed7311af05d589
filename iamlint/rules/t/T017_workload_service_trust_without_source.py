"""T017 workload-service-trust-without-source: ECS/Fargate trust without source condition.

## What it does
Reports Allow statements that trust `ecs-tasks.amazonaws.com` or
`eks-fargate-pods.amazonaws.com` without a positive condition on `aws:SourceAccount` or
`aws:SourceArn`. The condition is recognised under any operator (`StringEquals`,
`ArnLike`, `StringLike`, `...IfExists`, set qualifiers) and with any key casing.

## Why it matters
A service principal acts for every customer of the service. The source conditions make
sure the service assumes the role only on behalf of your account (or your cluster's
Fargate profiles), which is AWS's guidance against the cross-service confused deputy
problem. This is advice, not an error: trusts without them work.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
 "Action": "sts:AssumeRole"}
```

## Fix
Add for ECS:
`"ArnLike": {"aws:SourceArn": "arn:aws:ecs:<region>:<account-id>:*"}` and
`"StringEquals": {"aws:SourceAccount": "<account-id>"}`; for Fargate:
`"ArnLike": {"aws:SourceArn": "arn:aws:eks:<region>:<account-id>:fargateprofile/<cluster>/*"}`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import TrustStatement, trust_policies, trust_statements

SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn")
HINTS = {
    "ecs-tasks.amazonaws.com": (
        '"ArnLike": {"aws:SourceArn": "arn:aws:ecs:<region>:<account-id>:*"}'
    ),
    "eks-fargate-pods.amazonaws.com": (
        '"ArnLike": {"aws:SourceArn": '
        '"arn:aws:eks:<region>:<account-id>:fargateprofile/<cluster>/*"}'
    ),
}


@rule(
    "T017",
    "workload-service-trust-without-source",
    "info",
    "Service-principal trust for a workload role (`ecs-tasks`, `eks-fargate-pods`) without an "
    "`aws:SourceAccount`/`aws:SourceArn` condition (confused deputy).",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            if not statement.allow or _has_source_condition(statement):
                continue
            for ref in statement.services:
                hint = HINTS.get(ref.text.lower())
                if hint is None:
                    continue
                yield finding(
                    "T017",
                    ref.pointer,
                    f"trust for `{ref.text}` has no `aws:SourceAccount` or `aws:SourceArn` "
                    "condition, so the service may assume the role on behalf of any account "
                    f"(confused deputy); add `{hint}`",
                    resource=policy.label,
                )


def _has_source_condition(statement: TrustStatement) -> bool:
    return any(e.key_lower in SOURCE_KEYS and e.restricts for e in statement.conditions)
