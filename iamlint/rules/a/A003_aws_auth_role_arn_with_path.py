"""A003 aws-auth-role-arn-with-path: a `rolearn` with an IAM path never matches.

## What it does
Reports `mapRoles` entries whose role ARN has an IAM path
(`arn:aws:iam::111122223333:role/platform/eks-admin`), including the
`aws-reserved/sso.amazonaws.com/...` path of IAM Identity Center roles, and gives the ARN
to write instead. Values holding a placeholder are skipped.

## Why it matters
A role session's ARN (`arn:aws:sts::<acct>:assumed-role/<name>/<session>`) carries no
path, so the authenticator's canonical caller ARN is `arn:aws:iam::<acct>:role/<name>`.
The authenticator compares it with the mapped ARN as written (it does not strip paths in
the ConfigMap mapper): a mapping with a path never matches, and the role gets
`Unauthorized`. The EKS documentation says the role ARN in aws-auth can't include a path.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/platform/eks-admin
    username: admin:{{SessionName}}
    groups: [cluster-admins]
```

## Fix
Drop the path: `arn:aws:iam::111122223333:role/eks-admin` (for an Identity Center role
`role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_Admin_0123abcd`, write
`role/AWSReservedSSO_Admin_0123abcd`).
(User ARNs in `mapUsers` keep their path: a user's ARN includes it.)

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/arn/arn.go
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.a._aws_auth import entries, resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar
from iamlint.rules.registry import rule

RULE = "A003"


@rule(
    RULE,
    "aws-auth-role-arn-with-path",
    "error",
    "aws-auth `rolearn` contains an IAM path (`role/path/name`): it never matches.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.arn import role_arn_parts
    from iamlint.placeholders import contains_placeholder

    for entry in entries(model, "mapRoles"):
        arn = entry.mapping.arn
        pointer = entry.mapping.arn_pointer
        if not arn or pointer is None or contains_placeholder(arn):
            continue
        parts = role_arn_parts(arn)
        if parts is None or parts[2] == "/":
            continue
        partition, account, path, name = parts
        without_path = f"arn:{partition}:iam::{account}:role/{name}"
        yield finding(
            RULE,
            pointer,
            f"role ARN has the path `{path}`: the authenticator matches the caller's ARN "
            f"without a path, so this never matches; write `{without_path}`",
            resource=resource(entry.aws_auth),
            fixes=fix(f"write `{without_path}`", replace_scalar(pointer, without_path)),
        )
