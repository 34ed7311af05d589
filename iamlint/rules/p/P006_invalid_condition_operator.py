"""P006 invalid-condition-operator: unknown condition operator, or `IfExists`/set-operator misuse.

## What it does
Checks every condition operator (the keys of a statement's `Condition` block) against the
operators IAM knows: `StringEquals`, `StringLike`, `ArnLike`, `IpAddress`, `Bool`, `Null`,
the `Numeric...`/`Date...` families and the others, each optionally followed by `IfExists`
and preceded by `ForAllValues:` or `ForAnyValue:`. Reported:

- an unknown operator, with the closest one (`StringEqual` -> `StringEquals`);
- a case mistake (`stringEquals`, `forAllValues:`): IAM's operator names are case-sensitive;
- `NullIfExists` (`IfExists` cannot be added to `Null`);
- `ForAllValues:Null` / `ForAnyValue:Null`, which AWS accepts but which are always true /
  always false (a warning);
- surrounding whitespace.

A set operator on a global key that is single-valued (`ForAllValues:StringEquals` on
`aws:SourceAccount`; the catalogue types multivalued keys as `ArrayOf...`) is a warning:
AWS accepts it, but `ForAllValues:` is then also true when the key is missing (fails open)
and `ForAnyValue:` with a negated operator is false when it is missing (a `Deny` with
`ForAnyValue:StringNotEquals` stops applying). `ForAnyValue:` with a positive operator
means the plain operator there and is left alone. Service keys are
left alone (their single/multi typing is less reliable), IRSA `:sub`/`:aud` keys are T009's,
and AWS managed policies are not warned about.

## Why it matters
IAM rejects an unknown or mis-cased operator with `MalformedPolicyDocument: Invalid
Condition type`, so the policy is not created or updated. `ForAllValues:Null` and set
operators on single-valued keys pass validation but change what the condition means, which
silently widens or closes the grant.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEqual": {"aws:PrincipalTag/team": "orders"},
                              "NullIfExists": {"aws:ResourceTag/team": "false"}}}]}
```

## Fix
Use the operator name exactly as AWS spells it (`StringEquals`, `ForAnyValue:StringLike`,
`BoolIfExists`), `Null` without `IfExists` or set operators, and set operators only on
multivalued keys (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding, Severity
from iamlint.model import Model, Policy
from iamlint.placeholders import contains_placeholder, is_cfn_intrinsic
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import Statement, is_aws_managed, statements
from iamlint.rules.registry import rule


@rule(
    "P006",
    "invalid-condition-operator",
    "error",
    "Unknown condition operator, or `...IfExists`/`ForAllValues:`/`ForAnyValue:` misuse.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.conditions import operator_problems, parse_operator

    for policy in model.policies:
        for statement in statements(policy):
            condition = statement.data.get("Condition")
            if not isinstance(condition, dict) or is_cfn_intrinsic(condition):
                continue
            for operator in condition:
                if not isinstance(operator, str) or contains_placeholder(operator):
                    continue
                problems = operator_problems(operator)
                if problems:
                    accepted = parse_operator(operator) is not None  # valid, but meaningless
                    yield finding(
                        "P006",
                        statement.pointer.child("Condition", operator).at_key(),
                        "; ".join(problems),
                        resource=policy.label,
                        severity=Severity.WARNING if accepted else None,
                    )
                else:
                    yield from _set_operator_on_single_value(policy, statement, operator)


def _set_operator_on_single_value(
    policy: Policy, statement: Statement, operator: str
) -> Iterator[Finding]:
    from iamlint.iam.catalogue import condition_key_types
    from iamlint.iam.conditions import FOR_ALL_VALUES, is_multivalued_type, parse_operator

    parsed = parse_operator(operator)
    block: Any = statement.data["Condition"][operator]
    if parsed is None or not parsed.set_qualifier or not isinstance(block, dict):
        return
    for key in block:
        if not isinstance(key, str) or not key.lower().startswith("aws:"):
            continue
        types = condition_key_types(key)
        if not types or is_multivalued_type(types) or is_aws_managed(policy):
            continue
        plain = operator.partition(":")[2]
        if parsed.set_qualifier == FOR_ALL_VALUES:
            effect = "the condition is then also true when the key is missing (fails open)"
        elif parsed.negated:
            effect = (
                f"the condition is then false when the key is missing, where `{plain}` alone "
                "is true (a `Deny` stops applying)"
            )
        else:
            continue  # ForAnyValue with a positive operator means the plain operator
        yield finding(
            "P006",
            statement.pointer.child("Condition", operator, key).at_key(),
            f"`{parsed.set_qualifier}:` on `{key}`, which is single-valued: {effect}; "
            f"write `{plain}`",
            resource=policy.label,
            severity=Severity.WARNING,
        )
