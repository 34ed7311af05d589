"""A009 aws-auth-system-masters: an aws-auth mapping grants `system:masters`.

## What it does
Reports every `mapRoles`/`mapUsers` entry whose groups include `system:masters`.
(`mapAccounts` maps identities to their ARN with no groups: not reported.) Placeholder
ARNs are reported like any other: the group is the problem, not the ARN.

## Why it matters
`system:masters` bypasses RBAC entirely: no RoleBinding can restrict it and it cannot be
revoked inside the cluster, only by editing aws-auth. Anyone who can assume the role (or
use the user's keys) is cluster-admin, including after a CI or laptop compromise. The
cluster creator already has this access implicitly (or through an access entry); extra
`system:masters` mappings are rarely needed.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/github-actions-deployer
    username: deployer
    groups:
      - system:masters
```

## Fix
Bind a custom group to the ClusterRole it needs (`cluster-admin` only if it must), e.g.
`groups: [platform-admins]` plus a ClusterRoleBinding for `platform-admins`; or use an EKS
access entry with the `AmazonEKSClusterAdminPolicy` access policy, which can be listed and
revoked through the EKS API.

## References
- https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
- https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.a._aws_auth import entries, resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A009"
MASTERS = "system:masters"


@rule(
    RULE,
    "aws-auth-system-masters",
    "warning",
    "aws-auth mapping grants `system:masters` (unrestricted cluster admin, bypasses RBAC).",
    tags=("security",),
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for entry in entries(model):
        for index, group in enumerate(entry.groups):
            if group == MASTERS:
                who = entry.mapping.arn or "this entry"
                yield finding(
                    RULE,
                    entry.at("groups").child(index),
                    f"`{who}` is mapped to `{MASTERS}`: unrestricted cluster-admin that RBAC "
                    "cannot limit; bind a custom group to the ClusterRole it needs instead",
                    resource=resource(entry.aws_auth),
                )
