"""K001 irsa-role-arn-invalid: the `eks.amazonaws.com/role-arn` annotation is not a role ARN.

## What it does
Checks the value of the IRSA annotation on every ServiceAccount:
- whitespace around or inside the value;
- not an ARN at all (a bare role name, prose);
- a malformed ARN: unknown partition, a region in an IAM ARN, an account ID that is not 12
  digits (the troubleshooting seed shows `arn:aws:iam::11112222333:role/AccessEC2role`,
  11 digits);
- an ARN of something other than a role: instance profile, IAM user, STS assumed-role
  session, OIDC provider;
- a role name with characters IAM does not allow.

Empty values (`""`, Helm's "no IRSA" default) and placeholders (`${ROLE_ARN}`,
`{{ .Values.roleArn }}`, `<role-arn>`) are skipped.

## Why it matters
The webhook copies the value verbatim into `AWS_ROLE_ARN`; the SDK's
`AssumeRoleWithWebIdentity` call then fails (`ValidationError`, `InvalidIdentityToken` or
`AccessDenied`), and most SDKs do not fall back: the pod has no AWS credentials
(`NoCredentialsError`, seed 000) or silently uses the node role.

## Example
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: aws-sdk
  namespace: serverless
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::11112222333:role/AccessEC2role
```

## Fix
Write the role's full ARN, `arn:aws:iam::<12-digit account>:role/<name>`, as
`aws iam get-role --role-name <name> --query Role.Arn` prints it.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
- https://github.com/aws/amazon-eks-pod-identity-webhook#eks-walkthrough
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar, role_arn_meant
from iamlint.rules.k._k8s import ROLE_ARN
from iamlint.rules.registry import rule

RULE = "K001"
WANTED = "arn:aws:iam::<12-digit account>:role/<name>"
# IAM role names (and paths): letters, digits and +=,.@_- ; the webhook's own check
_ROLE_NAME = re.compile(r"[\w+=,.@\-/]+")
_BARE_NAME = re.compile(r"[\w+=,.@\-]{1,64}")
_WHITESPACE = re.compile(r"\s")  # the characters str.isspace() accepts, all of them
# Most values: a role ARN every check below passes (known partition, no region, 12 digits,
# a role name of allowed ASCII characters not ending in `/`), told by one regex
_PLAIN_ROLE_ARN = re.compile(
    r"arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role/[\w+=,.@\-/]*[\w+=,.@\-]", re.ASCII
)


@rule(
    RULE,
    "irsa-role-arn-invalid",
    "error",
    "`eks.amazonaws.com/role-arn` is not a role ARN (malformed, 11-digit account, profile...).",
    reads=("service_accounts",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.placeholders import contains_placeholder

    for sa in model.service_accounts:
        if ROLE_ARN not in sa.annotations:
            continue
        value = sa.annotations[ROLE_ARN]
        if isinstance(value, str) and _PLAIN_ROLE_ARN.fullmatch(value):
            continue
        if value is None or value == "" or contains_placeholder(value):
            continue
        problem = _problem(value)
        if problem is None:
            continue
        pointer = sa.pointer.child("metadata", "annotations", ROLE_ARN)
        yield finding(
            RULE, pointer, problem, resource=sa.label, fixes=_fixes(model, pointer, value)
        )


def _fixes(model: Model, pointer: Pointer, value: Any) -> list[Fix]:
    """Whitespace, an upper-case `ARN:`, or the role behind a profile or session ARN."""
    if not isinstance(value, str):
        return []
    meant = value.strip()
    if meant[:4].lower() == "arn:":
        meant = "arn:" + meant[4:]
    if _problem(meant) is not None:
        meant = role_arn_meant(model, meant, canonical=False) or ""
    if not meant or meant == value or _problem(meant) is not None:
        return []
    return fix(f"write `{meant}`", replace_scalar(pointer, meant))


def _problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return (
            f"`{ROLE_ARN}` is not a string: annotation values must be strings (the API server "
            f"rejects the object); write the role ARN in quotes, `{WANTED}`"
        )
    shown = f"`{ROLE_ARN}` value `{value}`"
    if value != value.strip():
        return (
            f"{shown} has leading or trailing whitespace: the webhook passes it verbatim to "
            f"the SDK as `AWS_ROLE_ARN` and STS rejects it; remove the whitespace"
        )
    if _WHITESPACE.search(value):
        return f"{shown} contains whitespace; write `{WANTED}`"
    if not value.startswith("arn:"):
        return _not_an_arn(shown, value)
    return _arn_problem(shown, value)


def _not_an_arn(shown: str, value: str) -> str:
    if value[:4].lower() == "arn:":
        return f"{shown}: `{value[:4]}` must be lower case `arn:`"
    if _BARE_NAME.fullmatch(value):
        return (
            f"{shown} is a role name, not an ARN: the SDK needs the full ARN in "
            f"`AWS_ROLE_ARN`; write `arn:aws:iam::<account>:role/{value}`"
        )
    return f"{shown} is not an ARN; write `{WANTED}`"


def _arn_problem(shown: str, value: str) -> str | None:
    from iamlint.iam.arn import arn_problems, assumed_role_parts, parse_arn

    problems = arn_problems(value, "principal")
    if problems:
        return f"{shown}: {problems[0]}; write `{WANTED}`"
    arn = parse_arn(value)
    if arn is None:
        return f"{shown} is not an ARN; write `{WANTED}`"
    assumed = assumed_role_parts(value)
    if assumed is not None:
        partition, account, role, _session = assumed
        return (
            f"{shown} is an STS session ARN, not a role ARN; write "
            f"`arn:{partition}:iam::{account}:role/{role}`"
        )
    if arn.service != "iam" or arn.resource_type != "role":
        what = _what(arn.service, arn.resource_type)
        return f"{shown} is {what}, not a role: IRSA assumes a role; write `{WANTED}`"
    if not arn.name:
        return f"{shown}: the role name after `role/` is empty; write `{WANTED}`"
    if not _ROLE_NAME.fullmatch(arn.resource_id):
        return (
            f"{shown}: role name `{arn.resource_id}` has characters IAM does not allow "
            "(letters, digits and `+=,.@_-`)"
        )
    return None


def _what(service: str, resource_type: str) -> str:
    if service != "iam":
        return f"a `{service}` ARN"
    names = {
        "instance-profile": "an instance-profile ARN",
        "user": "an IAM user ARN",
        "oidc-provider": "an OIDC provider ARN",
        "policy": "a policy ARN",
        "group": "an IAM group ARN",
        "": "the account root ARN",
    }
    return names.get(resource_type, f"an IAM `{resource_type}` ARN")
