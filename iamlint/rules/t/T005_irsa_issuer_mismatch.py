"""T005 irsa-issuer-mismatch: condition key names another issuer than the provider.

## What it does
For every Allow statement that trusts an EKS OIDC provider, compares the issuer part of
each OIDC condition key (`<issuer>:sub`, `<issuer>:aud`) with the issuers of the
statement's `Federated` providers. Keys are compared case-insensitively, as IAM compares
condition keys; a key written with `https://` or as a provider ARN is compared by its
issuer (T006 reports its shape). The message says whether the cluster ID, the region or
the whole issuer differs, and shows both. Values with placeholders are skipped.

## Why it matters
The token of the provider in `Principal` carries only its own issuer's keys. A condition
on another issuer's `:sub` finds no such key in the request and never matches, so
`AssumeRoleWithWebIdentity` is denied. This happens when a trust policy is copied from
another cluster or region and only the ARN is updated.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
     "system:serviceaccount:app:web"}}}
```

## Fix
Write the condition keys with the issuer of the provider in `Principal` (the cluster's
`identity.oidc.issuer` without `https://`), or trust the provider the keys name.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import eks_issuer_parts, has_placeholder, irsa_statements


@rule(
    "T005",
    "irsa-issuer-mismatch",
    "error",
    "Condition key issuer differs from the `Federated` provider's issuer (other cluster ID or "
    "region): the condition can never match.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for irsa in irsa_statements(model, ctx.config):
        providers = [(i, ref) for i, ref in irsa.providers if not has_placeholder(i)]
        if len(providers) != len(irsa.providers) or not providers:
            continue
        known = {issuer.lower() for issuer, _ in providers}
        for parsed, entry in irsa.issuer_entries():
            if parsed.issuer.lower() in known or has_placeholder(parsed.issuer):
                continue
            issuer, ref = providers[0]
            yield finding(
                "T005",
                entry.key_pointer,
                f"condition key `{entry.key.strip()}` names issuer `{parsed.issuer}`, but the "
                f"`Federated` provider is `{issuer}` ({_difference(parsed.issuer, issuer)}): the "
                f"key is never in this provider's tokens, so the condition never matches; write "
                f"`{issuer}:{parsed.claim or 'sub'}`",
                resource=irsa.policy.label,
                related=[(ref.pointer, "the trusted OIDC provider")],
            )


def _difference(written: str, provider: str) -> str:
    mine, theirs = eks_issuer_parts(written), eks_issuer_parts(provider)
    if mine is None or theirs is None:
        return "another issuer"
    (region, cluster_id), (their_region, their_id) = mine, theirs
    if region.lower() != their_region.lower() and cluster_id.lower() != their_id.lower():
        return f"other region `{region}` vs `{their_region}` and other cluster ID"
    if region.lower() != their_region.lower():
        return f"other region: `{region}` vs `{their_region}`"
    return f"other cluster ID: `{cluster_id}` vs `{their_id}`"
