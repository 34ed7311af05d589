"""T011 trust-any-principal: trust allows `Principal` `*` without a restricting condition.

## What it does
Reports Allow statements of trust policies whose principal is `"*"` or contains
`{"AWS": "*"}`, unless a positive condition restricts the caller by one of
`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`,
`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`,
`aws:SourceOrgPaths`, `aws:userid`, `sts:ExternalId` or a network origin
(`aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:VpcSourceIp`). Keys are matched
case-insensitively under any operator; a bare `*` value under a `Like` operator does not
restrict.

## Why it matters
`"*"` means every IAM principal of every AWS account. Anyone who learns the role ARN can
assume it and act with its permissions.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
```

## Fix
Name the trusted account or role (`{"AWS": "arn:aws:iam::111122223333:role/ci"}`), or
keep `*` and add a condition such as
`"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import TrustStatement, trust_policies, trust_statements

RESTRICTING_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
        "sts:externalid",
        "aws:sourceip",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpcsourceip",
    }
)


@rule(
    "T011",
    "trust-any-principal",
    "warning",
    '`Principal` `"*"` or `{"AWS": "*"}` with `Allow` and no restricting condition.',
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            if not statement.allow or not statement.principal_star or _restricted(statement):
                continue
            yield finding(
                "T011",
                _star_pointer(statement),
                "trust allows `Principal` `*`: every IAM principal of every AWS account can "
                "assume this role; name the trusted account or role "
                '(`{"AWS": "arn:aws:iam::<account-id>:role/<name>"}`) or add a condition '
                'such as `"StringEquals": {"aws:PrincipalOrgID": "<org-id>"}`',
                resource=policy.label,
            )


def _restricted(statement: TrustStatement) -> bool:
    return any(e.key_lower in RESTRICTING_KEYS and e.restricts for e in statement.conditions)


def _star_pointer(statement: TrustStatement) -> Pointer:
    for ref in statement.aws:
        if ref.text == "*":
            return ref.pointer
    return statement.principal_pointer
