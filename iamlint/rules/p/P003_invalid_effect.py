"""P003 invalid-effect: `Effect` is not exactly `Allow` or `Deny`.

## What it does
Checks every statement of every IAM policy document (identity, trust, repository and
endpoint policies) for an `Effect` that is exactly `Allow` or `Deny`. The comparison is
case-sensitive, as AWS enforces it.

## Why it matters
IAM rejects the whole policy with `MalformedPolicyDocument` (`allow`, `ALLOW` and
`Allowed` are all invalid), so the role, repository policy or deployment that carries it
fails to create or update.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "allow", "Action": "ecr:BatchGetImage", "Resource": "*"}]}
```

## Fix
Write `"Effect": "Allow"` or `"Effect": "Deny"` (capitalised, nothing else).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.placeholders import is_cfn_intrinsic
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar
from iamlint.rules.p._policy import statements
from iamlint.rules.registry import rule

VALID = ("Allow", "Deny")


@rule(
    "P003",
    "invalid-effect",
    "error",
    "`Effect` not exactly `Allow`/`Deny` (case-sensitive).",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        for statement in statements(policy):
            effect = statement.data.get("Effect")
            if effect in VALID or is_cfn_intrinsic(effect):
                continue
            where = (
                statement.pointer.child("Effect") if statement.has("Effect") else statement.pointer
            )
            yield finding(
                "P003", where, _message(effect), resource=policy.label, fixes=_fixes(where, effect)
            )


def _fixes(where: Pointer, effect: object) -> list[Fix]:
    if not isinstance(effect, str) or effect.strip().capitalize() not in VALID:
        return []
    wanted = effect.strip().capitalize()
    return fix(f"write `{wanted}`", replace_scalar(where, wanted))


def _message(effect: object) -> str:
    if effect is None:
        return 'statement has no `Effect`: write `"Effect": "Allow"` or `"Deny"`'
    if isinstance(effect, str) and effect.strip().capitalize() in VALID:
        wanted = effect.strip().capitalize()
        return f"`Effect` is `{effect}`: it is case-sensitive, write `{wanted}`"
    return f"`Effect` is `{effect}`: only `Allow` or `Deny` are valid"
