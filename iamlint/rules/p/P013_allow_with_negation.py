"""P013 allow-with-negation: `NotPrincipal` or `NotAction` (on `*`) with `Allow`.

## What it does
Reports `Allow` statements that grant by exclusion:

- `NotPrincipal` with `"Effect": "Allow"`: every principal except the listed ones,
  including anonymous callers where the service allows them;
- `NotAction` with `"Effect": "Allow"` on `"Resource": "*"`: every action of every AWS
  service except the listed ones, including services and actions added later.

AWS managed policies are never reported: some (`PowerUserAccess`) use `NotAction` with
`Allow` by design. A document without ARN or owner (a bare file, `get-policy-version`
output) is taken as AWS managed when it is a verbatim copy of one.

## Why it matters
Both forms grant far more than a reader expects, and the grant grows as AWS adds services
and actions. AWS documentation recommends against `NotPrincipal` with `Allow`, and
`NotAction` with `Allow` on `*` is close to administrator access. For a workload role
(IRSA, Pod Identity, ECS task role) the pod or task can then reach almost every service.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
```

## Fix
List what is allowed in `Action` (and the principals in `Principal`). To carve exceptions
out of a broad grant, use a `Deny` statement with `NotAction`/`NotPrincipal` instead.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import Problem, Statement, is_aws_managed, statements
from iamlint.rules.registry import rule


@rule(
    "P013",
    "allow-with-negation",
    "warning",
    "`NotPrincipal` with `Allow`, or `NotAction` with `Allow` on `*` resource.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        problems = [p for s in statements(policy) if s.allow for p in _problems(s)]
        if problems and not is_aws_managed(policy):
            for pointer, message in problems:
                yield finding("P013", pointer, message, resource=policy.label)


def _problems(statement: Statement) -> Iterator[Problem]:
    if statement.has("NotPrincipal"):
        yield statement.pointer.child("NotPrincipal").at_key(), (
            f"`NotPrincipal` with `Allow` (statement {statement.number}) grants access to every "
            "principal except the listed ones, anonymous callers included; list the principals "
            "in `Principal` instead, or use `Deny` with `NotPrincipal`"
        )
    if statement.has("NotAction") and _on_every_resource(statement):
        yield statement.pointer.child("NotAction").at_key(), (
            f"`NotAction` with `Allow` on `\"Resource\": \"*\"` (statement {statement.number}) "
            "allows every action of every service except the listed ones, including services "
            "added later; list the allowed actions in `Action`, or use `Deny` with `NotAction`"
        )


def _on_every_resource(statement: Statement) -> bool:
    return any(value.strip() == "*" for value, _ in statement.strings("Resource"))
