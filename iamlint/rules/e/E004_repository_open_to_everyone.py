"""E004 repository-open-to-everyone: ECR policy allows `*` without a condition saying who.

## What it does
Flags an `Allow` statement of an ECR repository or registry policy whose `Principal` is
`"*"` or `{"AWS": "*"}` and whose `Condition` does not pin the caller to an organisation,
accounts, roles or a VPC endpoint (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
`aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`,
`aws:SourceVpce`, ... with `StringEquals`/`StringLike`/`ArnLike`/`ForAnyValue:` forms). A
`Deny` statement for `*` that excludes everyone outside such values
(`StringNotEquals aws:PrincipalOrgID`) counts as the restriction too. Conditions that pass
when the key is absent (`...IfExists` on optional keys, `ForAllValues:`), negated operators
in the `Allow`, or the value `*` do not restrict.

## Why it matters
`*` means every authenticated principal of every AWS account: anyone can pull (or, with
write actions, push) the images. Public pulls are sometimes intended; usually the policy
was meant for the accounts of one organisation.

## Example
```json
{"Version": "2008-10-17",
 "Statement": [{"Sid": "AllowPull", "Effect": "Allow", "Principal": "*",
   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
```

## Fix
Name the accounts or roles in `Principal`, or keep `*` and add
`"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}` (or
`aws:PrincipalAccount` with a list of account IDs). If the images really are public,
suppress this finding for the repository (or publish to Amazon ECR Public).

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._ecr import (
    EcrPolicy,
    Statement,
    action_names,
    condition_uses,
    ecr_policies,
    is_everyone,
    is_restricted,
    principals,
    statements,
)
from iamlint.rules.registry import rule


@rule(
    "E004",
    "repository-open-to-everyone",
    "warning",
    'Repository policy allows `"*"` (any AWS account) without an `aws:PrincipalOrgID`/'
    "`aws:SourceAccount`-style condition.",
    tags=("security",),
    reads=("policies", "repositories"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for ecr in ecr_policies(model):
        guarded = _guarded_actions(ecr)
        for statement in statements(ecr.policy):
            if not statement.allows or is_restricted(statement):
                continue
            granted = _ecr_actions(statement)
            if not granted or all(_covered(a, guarded) for a in granted):
                continue
            for principal in principals(statement):
                if is_everyone(principal):
                    message = _message(ecr, statement, granted)
                    yield finding("E004", principal.pointer, message, resource=ecr.label)


def _ecr_actions(statement: Statement) -> list[str]:
    """The statement's `ecr:` action patterns (and `*`); NotAction counts as everything."""
    if "NotAction" in statement.data:
        return ["*"]
    return [a for a in action_names(statement) if a == "*" or a.lower().startswith("ecr:")]


def _guarded_actions(ecr: EcrPolicy) -> set[str]:
    """Actions a `Deny` for `*` refuses to everyone outside an organisation/account/..."""
    guarded: set[str] = set()
    for statement in statements(ecr.policy):
        if statement.data.get("Effect") != "Deny":
            continue
        if not any(is_everyone(p) for p in principals(statement)):
            continue
        if any(use.excludes for use in condition_uses(statement)):
            guarded.update(a.lower() for a in action_names(statement))
    return guarded


def _covered(action: str, guarded: set[str]) -> bool:
    return bool(guarded & {"*", "ecr:*", action.lower()})


def _message(ecr: EcrPolicy, statement: Statement, granted: list[str]) -> str:
    shown = _shown(granted)
    if "NotAction" in statement.data:
        shown = "every action but those in `NotAction`"
    weak = [use for use in condition_uses(statement) if not use.restricts]
    why = (
        f"; its condition `{weak[0].operator}` on `{weak[0].key}` does not restrict it "
        f"({weak[0].weakness})"
        if weak
        else ""
    )
    return (
        f"`Principal` `*` lets any AWS account call {shown} in this {ecr.scope_label}{why}: "
        "if that is not intended, name the accounts or roles, or add "
        '`"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-..."}}` '
        "(or `aws:PrincipalAccount`)"
    )


def _shown(names: list[str]) -> str:
    return ", ".join(f"`{a}`" for a in names[:3]) + (", ..." if len(names) > 3 else "")
