"""T003 irsa-trust-without-sub: IRSA trust without a `:sub` condition.

## What it does
For every Allow statement that trusts an EKS OIDC provider
(`oidc.eks.<region>.amazonaws.com/id/<ID>`, or an issuer named for a cluster in the inputs
or the configuration), checks that a `Condition` tests the provider's `:sub` claim with a
positive operator (`StringEquals`, `StringLike`, ...). A `:sub` key under
`StringNotEquals`/`StringNotLike` alone does not scope the role and counts as missing.
Other OIDC providers (GitHub Actions, GitLab, Terraform Cloud, Cognito) are out of scope:
see T020 for GitHub.

## Why it matters
Without `:sub`, every pod in the cluster that mounts a service account token, in any
namespace, can call `AssumeRoleWithWebIdentity` for this role and get its permissions.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":
     "sts.amazonaws.com"}}}
```

## Fix
Add the service account the role is for, under `StringEquals`:
`"<issuer>:sub": "system:serviceaccount:<namespace>:<name>"`, where `<issuer>` is the
provider's issuer (`oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import IrsaStatement, irsa_statements, missing_claim_target


@rule(
    "T003",
    "irsa-trust-without-sub",
    "warning",
    "IRSA trust without a `:sub` condition: any service account in the cluster can assume "
    "the role.",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for irsa in irsa_statements(model, ctx.config):
        if _has_sub(irsa):
            continue
        issuer = irsa.providers[0][0]
        yield finding(
            "T003",
            missing_claim_target(irsa),
            f"IRSA trust for `{issuer}` has no `:sub` condition{_negated_note(irsa)}: every "
            "service account in the cluster can assume this role; add "
            f'`"{issuer}:sub": "system:serviceaccount:<namespace>:<name>"` under '
            "`StringEquals`",
            resource=irsa.policy.label,
        )


def _negated_note(irsa: IrsaStatement) -> str:
    negated = [
        entry.operator
        for parsed, entry in irsa.issuer_entries()
        if parsed.claim_lower == "sub" and entry.negated
    ]
    if not negated:
        return ""
    return f" selecting a service account (`{negated[0]}` only excludes the subjects it lists)"


def _has_sub(irsa: IrsaStatement) -> bool:
    return any(
        parsed.claim_lower == "sub" and entry.restricts for parsed, entry in irsa.issuer_entries()
    )
