"""P002 policy-version: `Version` missing or `2008-10-17`, so policy variables are literal text.

## What it does
Checks the `Version` of every policy document:

- policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${aws:SourceIdentity}`,
  `${*}`, `${?}`, `${$}`) in `Resource`, `NotResource` or condition values while `Version`
  is missing or `2008-10-17`: an **error**, because the variables are then plain text;
- `Version` missing in an identity or trust policy without variables: a warning (the
  policy silently uses the 2008 language version);
- `2008-10-17` without variables is fine: AWS itself writes it into ECR repository
  policies. An invalid value (`2012-10-18`) is P001's.

Placeholders such as `${AWS_ACCOUNT_ID}` or CloudFormation's `${AWS::Region}` are not
policy variables. Variables are substituted only in `Resource` and condition values, so
other places are not looked at.

## Why it matters
Without `"Version": "2012-10-17"` IAM evaluates the policy with the 2008 language, where
`arn:aws:s3:::bucket/${aws:username}/*` matches only an object literally named
`${aws:username}`: the grant never applies (AccessDenied) or a condition never matches.
Nothing reports it at deploy time.

## Example
```json
{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::team-data/${aws:PrincipalTag/team}/*"}]}
```

## Fix
Add `"Version": "2012-10-17"` as the first key of the policy.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

import re
from collections.abc import Iterator

from iamlint.finding import Finding, Fix, Severity
from iamlint.load.document import Pointer
from iamlint.model import IDENTITY, TRUST, Model, Policy
from iamlint.placeholders import contains_policy_variable
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, insert_first_key, replace_scalar
from iamlint.rules.p._policy import Statement, items, statements
from iamlint.rules.registry import rule

CURRENT = "2012-10-17"
LEGACY = "2008-10-17"
DOLLAR_BRACE = re.compile(r"\$\{[^{}]*\}")
ADD = f"add `\"Version\": \"{CURRENT}\"` as the first key of the policy"


@rule(
    "P002",
    "policy-version",
    "warning",
    "Policy variables with `Version` missing or `2008-10-17` (literal strings then: error); "
    "`Version` missing in an identity or trust policy.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        document = policy.document
        if not isinstance(document, dict) or "Statement" not in document:
            continue  # not a policy yet (P001)
        version = document.get("Version")
        if "Version" in document and version != LEGACY:
            continue  # current, or invalid (P001)
        variable = _first_variable(policy)
        if variable is not None:
            yield _variable_finding(policy, version, *variable)
        elif version is None and policy.kind in (IDENTITY, TRUST):
            yield finding(
                "P002",
                policy.pointer,
                f"policy has no `Version`: IAM then uses the `{LEGACY}` language, without policy "
                f"variables and newer features; {ADD}",
                resource=policy.label,
                fixes=_add_version(policy),
            )


def _add_version(policy: Policy) -> list[Fix]:
    return fix(
        f'add `"Version": "{CURRENT}"`', insert_first_key(policy.pointer, "Version", CURRENT)
    )


def _variable_finding(policy: Policy, version: object, text: str, where: Pointer) -> Finding:
    variable = _variable_in(text)
    inside = f" in `{text}`" if variable != text else ""
    literal = f"`{variable}`{inside} is taken literally, not substituted"
    if version == LEGACY:
        return finding(
            "P002",
            policy.pointer.child("Version"),
            f"`Version` `{LEGACY}` does not support policy variables: {literal}; write "
            f"`\"Version\": \"{CURRENT}\"`",
            resource=policy.label,
            severity=Severity.ERROR,
            related=[(where, "policy variable")],
            fixes=fix(
                f"write `{CURRENT}`", replace_scalar(policy.pointer.child("Version"), CURRENT)
            ),
        )
    return finding(
        "P002",
        where,
        f"policy has no `Version`, so IAM uses `{LEGACY}` and {literal}; {ADD}",
        resource=policy.label,
        severity=Severity.ERROR,
        related=[(policy.pointer, "the policy without `Version`")],
        fixes=_add_version(policy),
    )


def _variable_in(text: str) -> str:
    for match in DOLLAR_BRACE.finditer(text):
        if contains_policy_variable(match.group(0)):
            return match.group(0)
    return text


def _first_variable(policy: Policy) -> tuple[str, Pointer] | None:
    for statement in statements(policy):
        for value, pointer in _substituted_values(statement):
            if isinstance(value, str) and contains_policy_variable(value):
                return value, pointer
    return None


def _substituted_values(statement: Statement) -> Iterator[tuple[object, Pointer]]:
    """Where IAM substitutes variables: resources and condition values."""
    yield from statement.items("Resource")
    yield from statement.items("NotResource")
    condition = statement.data.get("Condition")
    if not isinstance(condition, dict):
        return
    for operator, block in condition.items():
        if isinstance(block, dict):
            for key, value in block.items():
                yield from items(value, statement.pointer.child("Condition", operator, key))
