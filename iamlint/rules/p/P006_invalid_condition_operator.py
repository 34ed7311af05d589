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
  always false;
- surrounding whitespace.

Set operators on single-valued keys (`ForAllValues:StringEquals` on `aws:SourceAccount`)
are a different problem (T009 reports it for IRSA keys).

## Why it matters
IAM rejects an unknown or mis-cased operator with `MalformedPolicyDocument: Invalid
Condition type`, so the policy is not created or updated. `ForAllValues:Null` passes
validation but makes the condition meaningless, which silently widens or closes the grant.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringEqual": {"aws:PrincipalTag/team": "orders"},
                              "NullIfExists": {"aws:ResourceTag/team": "false"}}}]}
```

## Fix
Use the operator name exactly as AWS spells it (`StringEquals`, `ForAnyValue:StringLike`,
`BoolIfExists`), and `Null` without `IfExists` or set operators.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.placeholders import contains_placeholder, is_cfn_intrinsic
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import statements
from iamlint.rules.registry import rule


@rule(
    "P006",
    "invalid-condition-operator",
    "error",
    "Unknown condition operator, or `...IfExists`/`ForAllValues:`/`ForAnyValue:` misuse.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.conditions import operator_problems

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
                    yield finding(
                        "P006",
                        statement.pointer.child("Condition", operator).at_key(),
                        "; ".join(problems),
                        resource=policy.label,
                    )
