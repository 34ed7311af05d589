"""T010 federated-principal-malformed: `Federated` is not a valid identity provider.

## What it does
Checks every `Federated` principal of every trust statement. Valid values are
`arn:<partition>:iam::<12-digit account>:oidc-provider/<host>[/<path>]`,
`arn:<partition>:iam::<12-digit account>:saml-provider/<name>`, and the built-in
web-identity providers `cognito-identity.amazonaws.com`, `accounts.google.com`,
`graph.facebook.com` and `www.amazon.com`. Reported, with what to write:
the issuer URL instead of the ARN (`https://oidc.eks...`), a bare issuer host,
`https://` inside the ARN, an account ID that is not 12 digits (the troubleshooting
example's `11112222333` has 11), a region in the IAM ARN, an unknown partition, a
resource type other than `oidc-provider/`/`saml-provider/` (`oidc_provider/`, `role/`),
a trailing slash, whitespace. Placeholders (`<ACCOUNT_ID>`, `${AWS_ACCOUNT_ID}`) and
CloudFormation intrinsics are skipped.

## Why it matters
IAM rejects the policy (`MalformedPolicyDocument: Invalid principal in policy`) or, for
an ARN that is well-formed but names nothing, the trust never matches and
`AssumeRoleWithWebIdentity` fails with `AccessDenied`/`InvalidIdentityToken`.

## Example
```json
"Principal": {"Federated": "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}
```

## Fix
Use the provider ARN as `aws iam list-open-id-connect-providers` prints it:
`arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-users
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.arn import arn_problems, parse_arn
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import (
    WEB_IDENTITY_BUILTINS,
    has_placeholder,
    trust_policies,
    trust_statements,
)

PROVIDER_TYPES = ("oidc-provider", "saml-provider")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


@rule(
    "T010",
    "federated-principal-malformed",
    "error",
    "`Federated` principal is not an OIDC provider ARN "
    "`arn:<partition>:iam::<12 digits>:oidc-provider/<host>/<path>`, or names the issuer URL.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            for ref in statement.federated:
                value = ref.value
                if not isinstance(value, str) or has_placeholder(value):
                    continue
                problem = federated_problem(value)
                if problem:
                    yield finding("T010", ref.pointer, problem, resource=policy.label)


def federated_problem(value: str) -> str:
    text = value.strip()
    if text != value:
        return f"`Federated` value `{value}` has whitespace around it: write `{text}`"
    if text.lower() in WEB_IDENTITY_BUILTINS:
        return ""
    if _SCHEME.match(text):
        host = _SCHEME.sub("", text).rstrip("/")
        return (
            f"`Federated` is the issuer URL `{text}`: write the OIDC provider ARN "
            f"`{_provider_arn_hint(host)}`"
        )
    if not text.lower().startswith("arn:"):
        if "." in text.split("/", 1)[0]:
            return (
                f"`Federated` is the issuer `{text}`, not a provider ARN: write "
                f"`{_provider_arn_hint(text.rstrip('/'))}`"
            )
        return (
            f"`Federated` value `{text}` is neither an identity provider ARN "
            "(`arn:aws:iam::<account-id>:oidc-provider/<issuer>`) nor a web-identity provider"
        )
    return _arn_problem(text)


def _arn_problem(arn: str) -> str:
    generic = arn_problems(arn, "principal")
    if generic:
        return f"`{arn}`: {generic[0]}"
    parsed = parse_arn(arn)
    if parsed is None:
        return f"`{arn}` is not an ARN: expected `arn:aws:iam::<account-id>:oidc-provider/<issuer>`"
    kind, name = parsed.resource_type, parsed.resource_id
    if kind not in PROVIDER_TYPES or not parsed.resource.startswith(kind + "/"):
        return _resource_type_problem(arn, kind or parsed.resource)
    if _SCHEME.match(name):
        fixed = f"arn:{parsed.partition}:iam::{parsed.account}:{kind}/{_SCHEME.sub('', name)}"
        return f"`{arn}`: the provider name has no `https://`; write `{fixed}`"
    if not name.strip("/"):
        return f"`{arn}`: the provider name is empty"
    if name.endswith("/"):
        return f"`{arn}`: remove the trailing `/`; write `{arn.rstrip('/')}`"
    return ""


def _resource_type_problem(arn: str, kind: str) -> str:
    normalised = kind.lower().replace("_", "-")
    if normalised in ("oidc-provider", "oidcprovider", "oidc"):
        return f"`{arn}`: the resource type is `oidc-provider/` (lowercase, with a hyphen)"
    if normalised in ("saml-provider", "samlprovider", "saml"):
        return f"`{arn}`: the resource type is `saml-provider/` (lowercase, with a hyphen)"
    return (
        f"`{arn}` names a `{kind}`, not an identity provider: `Federated` takes an "
        "`oidc-provider/` or `saml-provider/` ARN (roles and users go under `AWS`)"
    )


def _provider_arn_hint(host: str) -> str:
    partition = "aws-cn" if host.split("/", 1)[0].endswith(".cn") else "aws"
    return f"arn:{partition}:iam::<account-id>:oidc-provider/{host}"
