"""E003 repository-principal-not-role: ECR policy names an instance profile or STS session.

## What it does
Checks the `Principal` of every ECR repository and registry policy statement (from
`aws ecr get-repository-policy` output, IaC repository resources, or a bare policy document
that grants `ecr:` actions to a principal) for an instance-profile ARN
(`arn:aws:iam::<account>:instance-profile/<name>`) or an assumed-role session ARN
(`arn:aws:sts::<account>:assumed-role/<role>/<session>`).

## Why it matters
An instance profile is a container for a role, never a principal: ECR rejects the policy
or the statement matches nothing. An assumed-role ARN names one session only (for an EKS
node, the session is the instance ID), so pulls from every other node or after the
credentials rotate fail with `pull access denied` / `not authorized to perform:
ecr:BatchGetImage`. The error message shows the `assumed-role` ARN, which is why people
paste it into the policy.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:instance-profile/eks-node-profile"},
   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
```

## Fix
Name the role: `arn:aws:iam::111122223333:role/<role-name>`. For an instance profile,
`aws iam get-instance-profile --instance-profile-name <name>` shows the role it holds
(often named differently). For an `assumed-role` ARN, the role name is the segment after
`assumed-role/`; add the role's path if it has one.

## References
- https://repost.aws/knowledge-center/eks-ecr-troubleshooting
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._ecr import Principal, ecr_policies, principals, statements
from iamlint.rules.edits import fix, replace_scalar, role_arn_meant
from iamlint.rules.registry import rule


@rule(
    "E003",
    "repository-principal-not-role",
    "error",
    "Repository policy `Principal` is an instance-profile ARN or `assumed-role` ARN: use the "
    "role ARN.",
    reads=("policies", "repositories"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for ecr in ecr_policies(model):
        for statement in statements(ecr.policy):
            for principal in principals(statement):
                if principal.type != "AWS":
                    continue
                message = _problem(principal, ecr.scope_label)
                if message:
                    fixes = _fixes(model, principal)
                    yield finding(
                        "E003", principal.pointer, message, resource=ecr.label, fixes=fixes
                    )


def _fixes(model: Model, principal: Principal) -> list[Fix]:
    """The role's own ARN (path included), when the inputs define that role."""
    role_arn = role_arn_meant(model, principal.value, canonical=False)
    if role_arn is None:
        return []
    return fix(f"write the role's ARN `{role_arn}`", replace_scalar(principal.pointer, role_arn))


def _problem(principal: Principal, scope: str) -> str:
    from iamlint.iam.arn import assumed_role_parts, is_instance_profile_arn, parse_arn

    session = assumed_role_parts(principal.value)
    if session is not None:
        partition, account, role, _ = session
        return (
            f"`{principal.value}` is an STS session ARN (it matches only that one session, "
            f"e.g. one node): name the role, `arn:{partition}:iam::{account}:role/{role}` "
            "(with the role's path if it has one)"
        )
    arn = parse_arn(principal.value)
    if arn is not None and is_instance_profile_arn(principal.value):
        name = arn.resource.rsplit("/", 1)[-1]
        return (
            f"`{principal.value}` is an instance profile, which is never a principal in a "
            f"{scope}: name the role in this instance profile, "
            f"`arn:{arn.partition}:iam::{arn.account}:role/<role-name>` "
            f"(`aws iam get-instance-profile --instance-profile-name {name}` shows it; "
            "its name often differs from the profile's)"
        )
    return ""
