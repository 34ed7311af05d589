"""A002 aws-auth-not-a-role-arn: a `rolearn` that names an instance profile or a session.

## What it does
Checks the ARN of every `mapRoles` (and `mapUsers`) entry of aws-auth for the two values
people copy from the wrong place:
- an instance-profile ARN (`arn:aws:iam::111122223333:instance-profile/eks-nodes`), taken
  from the EC2 console or a launch template instead of the role inside the profile;
- an STS assumed-role ARN (`arn:aws:sts::111122223333:assumed-role/Admin/alice`), taken
  from `aws sts get-caller-identity`.

Values holding a placeholder (`<ARN of instance role>`) are skipped.

## Why it matters
The authenticator compares the caller's canonical ARN, always
`arn:aws:iam::<account>:role/<name>` for a role session, case-insensitively with the
mapped ARN. An instance-profile or assumed-role ARN never matches: nodes stay
`NotReady` with `Unauthorized` in the kubelet log (the seeds' "instance role, not instance
profile" note), people get `You must be logged in to the server (Unauthorized)`.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:instance-profile/eks-node-profile
    username: system:node:{{EC2PrivateDNSName}}
    groups: [system:bootstrappers, system:nodes]
```

## Fix
Write the role's ARN: `aws iam get-instance-profile --instance-profile-name <name>`
shows the role in a profile; for an assumed-role ARN
`arn:aws:sts::<acct>:assumed-role/<role>/<session>` write `arn:aws:iam::<acct>:role/<role>`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.a._aws_auth import Entry, entries, resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar, role_arn_meant
from iamlint.rules.registry import rule

RULE = "A002"


@rule(
    RULE,
    "aws-auth-not-a-role-arn",
    "error",
    "aws-auth `rolearn` is an instance-profile (or STS assumed-role) ARN: it never matches.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.arn import assumed_role_parts, is_instance_profile_arn
    from iamlint.placeholders import contains_placeholder

    for entry in entries(model):
        arn = entry.mapping.arn
        pointer = entry.mapping.arn_pointer
        if not arn or pointer is None or contains_placeholder(arn):
            continue
        key = entry.key("rolearn" if entry.section == "mapRoles" else "userarn")
        fixes = _fixes(model, pointer, arn)
        if is_instance_profile_arn(arn):
            yield _report(entry, pointer, _instance_profile_message(key, arn), fixes)
            continue
        assumed = assumed_role_parts(arn)
        if assumed is not None:
            partition, account, role, _session = assumed
            yield _report(
                entry,
                pointer,
                f"`{key}` is an STS assumed-role (session) ARN, which never matches: the "
                "authenticator compares the role's ARN; write "
                f"`arn:{partition}:iam::{account}:role/{role}`",
                fixes,
            )


def _fixes(model: Model, pointer: Pointer, arn: str) -> list[Fix]:
    """The role's ARN in place of the profile's or session's, when the inputs make it certain."""
    role_arn = role_arn_meant(model, arn, canonical=True)
    if role_arn is None:
        return []
    return fix(f"write the role's ARN `{role_arn}`", replace_scalar(pointer, role_arn))


def _instance_profile_message(key: str | None, arn: str) -> str:
    profile = arn.rsplit("/", 1)[-1]
    return (
        f"`{key}` is an instance-profile ARN, which never matches (nodes get `Unauthorized`): "
        "write the ARN of the role inside the profile, `arn:...:role/<name>` (see "
        f"`aws iam get-instance-profile --instance-profile-name {profile}`)"
    )


def _report(entry: Entry, pointer: Pointer, message: str, fixes: list[Fix]) -> Finding:
    return finding(RULE, pointer, message, resource=resource(entry.aws_auth), fixes=fixes)
