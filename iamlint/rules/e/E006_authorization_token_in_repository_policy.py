"""E006 authorization-token-in-repository-policy: repository policy lists GetAuthorizationToken.

## What it does
Reports each `ecr:GetAuthorizationToken` entry (any case) in the `Action` of an ECR
repository policy statement. Patterns such as `ecr:Get*` or `ecr:*` are not reported: they
are meant for the repository actions they also cover.

## Why it matters
`GetAuthorizationToken` is a registry-level action with no resource: a repository policy
can neither grant nor deny it. Listing it there is harmless, and many AWS examples (seed
002's cross-account example among them) do, but it suggests that the repository policy
takes care of `docker login`. It does not: the pulling role (node role, task execution
role, Fargate pod execution role) still needs `ecr:GetAuthorizationToken` on `"*"` in its
own identity policy, or the pull fails with `no basic auth credentials`.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::444455556666:role/NodeInstanceRole"},
   "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
              "ecr:GetDownloadUrlForLayer"]}]}
```

## Fix
Remove `ecr:GetAuthorizationToken` from the repository policy and make sure the pulling
role's identity policy allows it on `"Resource": "*"` (the AWS managed
`AmazonEC2ContainerRegistryPullOnly` / `ReadOnly` policies do).

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html
- https://repost.aws/knowledge-center/eks-ecr-troubleshooting
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._ecr import REPOSITORY, action_names, actions, ecr_policies, statements
from iamlint.rules.registry import rule

ACTION = "ecr:getauthorizationtoken"


@rule(
    "E006",
    "authorization-token-in-repository-policy",
    "info",
    "Repository policy lists `ecr:GetAuthorizationToken` (registry-level action: a repository "
    "policy cannot grant it; the puller's identity policy must).",
    reads=("policies", "repositories"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for ecr in ecr_policies(model):
        if ecr.scope != REPOSITORY:
            continue
        for statement in statements(ecr.policy):
            if not any(name.lower() == ACTION for name in action_names(statement)):
                continue  # pointers only for a statement that lists it
            for action, pointer in actions(statement):
                if action.lower() == ACTION:
                    yield finding("E006", pointer, _message(action), resource=ecr.label)


def _message(action: str) -> str:
    return (
        f"`{action}` has no effect in a repository policy (it is a registry-level action "
        "with no resource): the pulling role's identity policy must allow it on "
        '`"Resource": "*"`; remove it here'
    )
