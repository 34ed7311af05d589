"""T009 irsa-set-operator-on-single-valued-key: `ForAllValues:`/`ForAnyValue:` on `:sub`/`:aud`.

## What it does
Reports a `ForAllValues:` or `ForAnyValue:` qualifier on a condition whose key is an EKS
issuer's `:sub` or `:aud`. These keys hold one value, and the set qualifiers are meant for
multivalued keys:
- `ForAllValues:` is true when the key is absent from the request (an empty set passes
  "all values"): the condition fails open;
- `ForAnyValue:` is false when the key is absent: the condition fails closed and, with a
  single value, only does what the plain operator does.
The message says which one applies.

## Why it matters
`ForAllValues:StringLike` on `:sub` is copied around as "the way to allow several service
accounts", but a list under plain `StringEquals`/`StringLike` already means "any of
these". The set form makes the trust depend on the key being present instead of on its
value, which IAM Access Analyzer also warns about.

## Example
```json
"ForAllValues:StringEquals": {
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
    ["system:serviceaccount:app:web", "system:serviceaccount:app:worker"]}
```

## Fix
Drop the qualifier: `"StringEquals": {"...:sub": ["system:serviceaccount:app:web",
"system:serviceaccount:app:worker"]}` (a list of values already matches any of them).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import irsa_key_entries


@rule(
    "T009",
    "irsa-set-operator-on-single-valued-key",
    "warning",
    "`ForAllValues:` on `:sub`/`:aud` (single-valued keys: fails open) or `ForAnyValue:` "
    "(fails closed).",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy, _statement, parsed, entry in irsa_key_entries(model, ctx.config):
        if parsed.claim_lower not in ("sub", "aud") or not entry.qualifier:
            continue
        plain = entry.operator.partition(":")[2]
        if entry.qualifier == "ForAllValues":
            effect = "it is true when the key is missing from the request (fails open)"
        else:
            effect = (
                "it is false when the key is missing (fails closed) and otherwise only does "
                f"what `{plain}` does"
            )
        yield finding(
            "T009",
            entry.operator_pointer,
            f"`{entry.operator}` on the single-valued key `:{parsed.claim}`: {effect}; write "
            f"`{plain}` (a list of values already matches any of them)",
            resource=policy.label,
            discriminator=f"{entry.pointer.describe()}",
        )
