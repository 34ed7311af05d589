"""T004 irsa-trust-without-aud: an IRSA trust statement has no `:aud` condition.

## What it does
For every Allow statement that trusts an EKS OIDC provider, checks that a `Condition`
tests the provider's `:aud` claim with a positive operator. Many documentation examples
leave it out; AWS's recommended trust (what `eksctl` and the console write) has it.

## Why it matters
With the default audience the `:sub` condition already scopes the role, so this is
information, not an error. The `:aud` test makes the trust accept only tokens minted for
STS (`sts.amazonaws.com`), not tokens the cluster issues for other audiences that happen
to carry the same subject.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
     "system:serviceaccount:app:web"}}}
```

## Fix
Add `"<issuer>:aud": "sts.amazonaws.com"` under `StringEquals` (or the audience set by
the service account's `eks.amazonaws.com/audience` annotation).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import IrsaStatement, irsa_statements, missing_claim_target


@rule(
    "T004",
    "irsa-trust-without-aud",
    "info",
    "IRSA trust without an `:aud` condition.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for irsa in irsa_statements(model, ctx.config):
        if _has_aud(irsa):
            continue
        issuer = irsa.providers[0][0]
        yield finding(
            "T004",
            missing_claim_target(irsa),
            f"IRSA trust for `{issuer}` has no `:aud` condition; AWS's recommended trust adds "
            f'`"{issuer}:aud": "sts.amazonaws.com"` under `StringEquals`',
            resource=irsa.policy.label,
        )


def _has_aud(irsa: IrsaStatement) -> bool:
    return any(
        parsed.claim_lower == "aud" and entry.restricts for parsed, entry in irsa.issuer_entries()
    )
