"""T008 irsa-subject-wildcard: wildcard in `:sub` that never matches or spans namespaces.

## What it does
Checks the values of every `:sub` condition on an EKS issuer:
- under `StringEquals` (and `StringEqualsIgnoreCase`, with or without `IfExists` or a set
  qualifier) a `*` or `?` is a literal character: no service account has it in its
  subject, so the condition never matches (error);
- under `StringLike` a wildcard in the namespace part, or one that covers the
  `system:serviceaccount:` prefix (`*`, `system:serviceaccount:*`,
  `system:serviceaccount:*:app`, `system:serviceaccount:team-*`), lets service accounts of
  more than one namespace assume the role (security warning). A wildcard in the name only
  (`system:serviceaccount:app:*`) stays in one namespace and is not reported.

## Why it matters
The first form is a silent `AccessDenied`. The second hands the role to anyone who can
create a service account, in any namespace the pattern covers, which in most clusters is
far more people than the role was meant for.

## Example
```json
"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
                 "system:serviceaccount:app:*"}
```

## Fix
Name the service account (`system:serviceaccount:app:web`) under `StringEquals`, or use
`StringLike` with at most `system:serviceaccount:<namespace>:*`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding, Severity
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import has_placeholder, irsa_key_entries

PREFIX = "system:serviceaccount:"
_WILDCARDS = re.compile(r"[*?]")


@rule(
    "T008",
    "irsa-subject-wildcard",
    "error",
    "Wildcard in `:sub` under `StringEquals` (literal, never matches); under `StringLike`, a "
    "wildcard broader than one namespace.",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy, _statement, parsed, entry in irsa_key_entries(model, ctx.config):
        if parsed.claim_lower != "sub" or entry.negated:
            continue
        for value, ref in entry.texts():
            if not _WILDCARDS.search(value) or has_placeholder(value):
                continue
            if entry.is_string_equality:
                yield finding(
                    "T008",
                    ref.pointer,
                    f"`{value}` under `{entry.operator}`: `*` and `?` are literal characters "
                    "there, so no service account matches; name the service account, or use "
                    "`StringLike` for a pattern",
                    resource=policy.label,
                )
            elif entry.is_like and spans_namespaces(value):
                yield finding(
                    "T008",
                    ref.pointer,
                    f"`{value}` under `{entry.operator}` matches service accounts in more than "
                    "one namespace: name the namespace, at most "
                    "`system:serviceaccount:<namespace>:*`",
                    resource=policy.label,
                    severity=Severity.WARNING,
                )


def spans_namespaces(pattern: str) -> bool:
    """Whether a StringLike subject pattern can match more than one namespace."""
    lowered = pattern.lower()
    if not lowered.startswith(PREFIX):
        head = _WILDCARDS.split(lowered, 1)[0]
        return PREFIX.startswith(head)  # the wildcard stands inside the prefix
    rest = pattern[len(PREFIX) :]
    namespace, colon, _ = rest.partition(":")
    return bool(_WILDCARDS.search(namespace)) or not colon
