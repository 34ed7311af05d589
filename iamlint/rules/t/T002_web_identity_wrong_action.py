"""T002 web-identity-wrong-action: OIDC principal allowed another action than web identity.

## What it does
For every trust statement whose `Federated` principal is an OIDC provider ARN
(`arn:aws:iam::<account>:oidc-provider/<issuer>`) or a built-in web-identity provider
(`cognito-identity.amazonaws.com`, `accounts.google.com`, `graph.facebook.com`,
`www.amazon.com`), reports every action that a web-identity sign-in cannot use, such as
`sts:AssumeRole` or `sts:AssumeRoleWithSAML`. `sts:TagSession` (session tags carried in
the token's `https://aws.amazon.com/tags` claim) and `sts:SetSourceIdentity` are allowed
beside `sts:AssumeRoleWithWebIdentity`; wildcards that cover
`sts:AssumeRoleWithWebIdentity` (`sts:*`, `sts:AssumeRole*`) work and are not reported.
It also reports a statement whose actions leave out `sts:AssumeRoleWithWebIdentity`
altogether (e.g. only `sts:TagSession`) when no other statement of the policy allows it
for that provider. SAML providers (`saml-provider/`) use `sts:AssumeRoleWithSAML` and are
not checked here.

## Why it matters
IRSA, GitHub Actions and every other OIDC federation call `AssumeRoleWithWebIdentity`.
A trust statement that allows the provider `sts:AssumeRole` instead never matches the
call, and the pod fails with `AccessDenied ... Not authorized to perform
sts:AssumeRoleWithWebIdentity`.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
 "Action": "sts:AssumeRole"}
```

## Fix
Write `"Action": "sts:AssumeRoleWithWebIdentity"` (add `sts:TagSession` only if the
provider passes session tags).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.wildcard import action_matches
from iamlint.model import Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import (
    ASSUME_WEB_IDENTITY,
    TrustStatement,
    is_web_identity_principal,
    trust_policies,
    trust_statements,
)

USABLE = ("sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity")


@rule(
    "T002",
    "web-identity-wrong-action",
    "error",
    "`Federated` OIDC provider principal with an action other than "
    "`sts:AssumeRoleWithWebIdentity`.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        statements = list(trust_statements(policy))
        allowed_providers = _providers_allowed_web_identity(statements)
        for statement in statements:
            providers = _web_identity_providers(statement)
            if not providers or not statement.allow:
                continue
            yield from _wrong_actions(policy, statement)
            if not providers & allowed_providers:
                yield from _missing_web_identity(policy, statement)


def _web_identity_providers(statement: TrustStatement) -> set[str]:
    return {ref.text.lower() for ref in statement.federated if is_web_identity_principal(ref.text)}


def _providers_allowed_web_identity(statements: list[TrustStatement]) -> set[str]:
    allowed: set[str] = set()
    for statement in statements:
        if statement.allows(ASSUME_WEB_IDENTITY):
            allowed |= _web_identity_providers(statement)
    return allowed


def _wrong_actions(policy: Policy, statement: TrustStatement) -> Iterator[Finding]:
    for action in statement.actions:
        text = action.text
        if not text or not text.lower().startswith("sts:"):
            continue  # non-STS actions are T001's
        if any(action_matches(text, usable) for usable in USABLE):
            continue
        yield finding(
            "T002",
            action.pointer,
            f"`{text}` for a web-identity (OIDC) principal: the token is exchanged with "
            "`AssumeRoleWithWebIdentity`, so write `sts:AssumeRoleWithWebIdentity`",
            resource=policy.label,
        )


def _missing_web_identity(policy: Policy, statement: TrustStatement) -> Iterator[Finding]:
    written = [a.text for a in statement.actions if a.text]
    if not written or not all(a.lower().startswith("sts:") for a in written):
        return  # no Action (P009) or a permissions policy (T001)
    if not all(any(action_matches(a, u) for u in USABLE) for a in written):
        return  # the wrong actions are reported one by one above
    yield finding(
        "T002",
        statement.action_pointer,
        "the OIDC provider is allowed only "
        + ", ".join(f"`{a}`" for a in written)
        + ": no statement allows `sts:AssumeRoleWithWebIdentity`, which the sign-in needs; "
        "add it to the actions",
        resource=policy.label,
    )
