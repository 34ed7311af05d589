"""P008 duplicate-sid: two statements of one policy share a `Sid`.

## What it does
Reports every statement whose `Sid` (statement ID) repeats the `Sid` of an earlier
statement in the same policy document. The finding points at the repeated `Sid` and lists
the first one as related. The comparison is exact (case-sensitive); empty `Sid`s are ignored.

## Why it matters
IAM requires statement IDs to be unique within a policy and rejects the document with
`MalformedPolicyDocument`; services that accept it anyway (some resource policies) leave the
`Sid` useless for telling the statements apart. A duplicate usually means a statement was
copied and the copy never renamed, or that two edits of the same statement were merged.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [
   {"Sid": "AllowPull", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"},
   {"Sid": "AllowPull", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
    "Resource": "*"}]}
```

## Fix
Give every statement its own `Sid` (`AllowPull`, `AllowAuthToken`), or merge the two
statements if they were meant to be one.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import IDENTITY, TRUST, Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import statements
from iamlint.rules.registry import rule


@rule(
    "P008",
    "duplicate-sid",
    "warning",
    "Duplicate `Sid` within a policy.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        first_seen: dict[str, tuple[int, Pointer]] = {}
        for statement in statements(policy):
            sid = statement.data.get("Sid")
            if not isinstance(sid, str) or not sid.strip():
                continue
            here = statement.pointer.child("Sid")
            if sid not in first_seen:
                first_seen[sid] = (statement.number, here)
                continue
            number, first = first_seen[sid]
            yield finding(
                "P008",
                here,
                f"duplicate `Sid` `{sid}` (statement {number} has it too): {_consequence(policy)}; "
                "rename this one or merge the two statements",
                resource=policy.label,
                related=[(first, f"first statement with `Sid` `{sid}`")],
            )


def _consequence(policy: Policy) -> str:
    if policy.kind in (IDENTITY, TRUST):
        return "IAM requires statement IDs to be unique within a policy and rejects it"
    return "statement IDs should be unique within a policy, this one no longer names one statement"
