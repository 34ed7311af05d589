"""P007 operator-key-type-mismatch: a condition operator does not fit the type of its key.

## What it does
Looks up the type of every condition key in the shipped catalogue (global `aws:` keys and
service keys: String, ARN, Numeric, Date, Bool, IPAddress, Binary, and their `ArrayOf`
forms) and reports an operator of another family: `StringEquals` on `aws:SourceIp`
(an IP address), `Bool` on `aws:SourceVpc` (a string), `DateGreaterThan` on
`aws:PrincipalTag/team`, `NumericLessThan` on `aws:CurrentTime`. The message names the
operator to use instead, keeping `IfExists` and set operators.

Lenient where AWS is: String operators on ARN keys (AWS documents them as working),
ARN operators on String keys, String operators on Bool keys, `Null` on anything, and
Numeric operators on `aws:EpochTime` are fine. Unknown keys are skipped, and so are the
claims of OIDC providers (`<issuer>:sub`, `<issuer>:aud`: strings).

## Why it matters
IAM accepts the policy, but the comparison never does what was meant: `StringEquals` on
`aws:SourceIp` compares `203.0.113.0/24` as text against the caller's address and never
matches, so an `Allow` never applies (AccessDenied) and a `Deny` never protects.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:SourceIp": "203.0.113.0/24"}}}]}
```

## Fix
Use the operator family of the key's type: `IpAddress`/`NotIpAddress` for IP addresses,
`Bool` for booleans, `Date...` for dates, `Numeric...` for numbers, `String...` or
`Arn...` for strings and ARNs.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.placeholders import contains_placeholder, is_cfn_intrinsic
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import statements
from iamlint.rules.registry import rule

# operator family to use for a key type, by what the written operator compares
_BY_TYPE = {
    "IPAddress": {"": "IpAddress", "not": "NotIpAddress"},
    "Bool": {"": "Bool", "not": "Bool"},
    "Binary": {"": "BinaryEquals", "not": "BinaryEquals"},
}
TYPE_WORDS = {"ip": "IP address", "bool": "boolean", "arn": "ARN"}
_ORDERED = {"eq": "Equals", "lt": "LessThan", "le": "LessThanEquals", "gt": "GreaterThan",
            "ge": "GreaterThanEquals"}
_STRING = {"eq": "StringEquals", "eq_ic": "StringEqualsIgnoreCase", "like": "StringLike"}
_STRING_NOT = {"eq": "StringNotEquals", "eq_ic": "StringNotEqualsIgnoreCase",
               "like": "StringNotLike"}


@rule(
    "P007",
    "operator-key-type-mismatch",
    "warning",
    "Condition operator type does not fit the key (e.g. `StringEquals` on `aws:SourceIp`, "
    "`Bool` on a string key).",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        for statement in statements(policy):
            condition = statement.data.get("Condition")
            if not isinstance(condition, dict) or is_cfn_intrinsic(condition):
                continue
            for operator, block in condition.items():
                if not isinstance(block, dict):
                    continue
                for key in block:
                    message = _mismatch(operator, key)
                    if message:
                        pointer = statement.pointer.child("Condition", operator, key).at_key()
                        yield finding("P007", pointer, message, resource=policy.label)


@lru_cache(maxsize=1 << 12)  # the same operator and key pairs recur across policies
def _mismatch(operator: Any, key: Any) -> str | None:
    from iamlint.iam.catalogue import condition_key_types
    from iamlint.iam.conditions import operator_fits_key_type, parse_operator

    if not isinstance(operator, str) or not isinstance(key, str) or contains_placeholder(key):
        return None
    if _is_identity_provider_claim(key):
        return None
    parsed = parse_operator(operator, strict=False)  # case mistakes are P006's
    types = condition_key_types(key)
    if parsed is None or not types or operator_fits_key_type(parsed, types):
        return None
    wanted = _suggest(parsed, types[0])
    hint = f"; use `{wanted}`" if wanted else ""
    compared = TYPE_WORDS.get(parsed.type, parsed.type)
    return (
        f"`{operator}` compares {compared} values but `{key}` is of type "
        f"{' or '.join(types)}: the condition never matches as intended{hint}"
    )


def _is_identity_provider_claim(key: str) -> bool:
    """`oidc.eks.../id/X:sub`, `token.actions.githubusercontent.com:aud`: strings."""
    prefix = key.partition(":")[0]
    return "." in prefix or "/" in prefix


def _suggest(parsed: Any, key_type: str) -> str:
    base_type = key_type.removeprefix("ArrayOf")
    compare = parsed.compare
    if base_type in _BY_TYPE:
        base = _BY_TYPE[base_type]["not" if parsed.negated else ""]
    elif base_type in ("Numeric", "Date"):
        family = "Numeric" if base_type == "Numeric" else "Date"
        ordered = _ORDERED.get(compare, "Equals")
        base = family + ("NotEquals" if parsed.negated and ordered == "Equals" else ordered)
    elif base_type in ("String", "ARN"):
        table = _STRING_NOT if parsed.negated else _STRING
        base = table.get(compare, table["eq"])
    else:
        return ""
    qualifier = f"{parsed.set_qualifier}:" if parsed.set_qualifier else ""
    suffix = "IfExists" if parsed.if_exists else ""
    return f"{qualifier}{base}{suffix}"
