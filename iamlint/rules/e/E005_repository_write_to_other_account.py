"""E005 repository-write-to-other-account: ECR policy lets another account push or delete.

## What it does
Flags an `Allow` statement of an ECR repository policy that grants push, delete or
policy-changing actions (`ecr:PutImage`, the layer upload actions, `ecr:BatchDeleteImage`,
`ecr:DeleteRepository`, `ecr:SetRepositoryPolicy`, `ecr:DeleteRepositoryPolicy`,
`ecr:PutLifecyclePolicy`, `ecr:PutImageTagMutability`, and patterns covering them such as
`ecr:*`, `ecr:Put*`, `*`, or a `NotAction` that leaves them out) to a principal of
another account: any principal (`*`), or an account/ARN whose account differs from the
registry's. The registry's account comes from `get-repository-policy` output
(`registryId`), the repository resource, or the `arn:aws:ecr:...` `Resource` of the
statements; when it is unknown, only `*` is reported.

## Why it matters
Another account that can push can replace the images your workloads run (tags are mutable
by default), and one that can delete or rewrite the policy can break every pull. Cross-
account access to a registry is usually meant for pulling.

## Example
```json
{"registryId": "111122223333", "repositoryName": "app",
 "policyText": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",
   \"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:*\"}]}"}
```

## Fix
Grant other accounts the pull actions only (`ecr:BatchGetImage`,
`ecr:GetDownloadUrlForLayer`, optionally `ecr:BatchCheckLayerAvailability`), and push from
a role of the registry's own account (e.g. the CI role). If another account really must
push, name its CI role rather than the account, and enable tag immutability.

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
- https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._ecr import (
    REPOSITORY,
    EcrPolicy,
    Principal,
    Statement,
    action_names,
    condition_uses,
    ecr_policies,
    is_everyone,
    principal_account,
    principals,
    statements,
)
from iamlint.rules.registry import rule

# lower-case action -> what it lets the caller do
WRITE_ACTIONS = {
    "ecr:putimage": "push images",
    "ecr:initiatelayerupload": "push images",
    "ecr:uploadlayerpart": "push images",
    "ecr:completelayerupload": "push images",
    "ecr:putimagetagmutability": "make tags mutable",
    "ecr:batchdeleteimage": "delete images",
    "ecr:putlifecyclepolicy": "expire images",
    "ecr:deleterepository": "delete the repository",
    "ecr:setrepositorypolicy": "rewrite this policy",
    "ecr:deleterepositorypolicy": "rewrite this policy",
}


@rule(
    "E005",
    "repository-write-to-other-account",
    "warning",
    "Repository policy grants push/delete actions (`ecr:PutImage`, `ecr:*`, "
    "`ecr:DeleteRepository`, ...) to another account.",
    tags=("security",),
    reads=("policies", "repositories"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for ecr in ecr_policies(model):
        if ecr.scope != REPOSITORY:
            continue
        for statement in statements(ecr.policy):
            if not statement.allows:
                continue
            writes = granted_writes(statement)
            if not writes:
                continue
            for principal in principals(statement):
                outsider = _outsider(principal, ecr)
                if outsider:
                    message = _message(outsider, ecr, statement, writes)
                    yield finding("E005", principal.pointer, message, resource=ecr.label)


def granted_writes(statement: Statement) -> list[str]:
    """The write actions (lower case) the statement's Action / NotAction grants."""
    if "NotAction" in statement.data:
        excluded = {w for a in _not_actions(statement) for w in _writes_matching(a)}
        return [w for w in WRITE_ACTIONS if w not in excluded]
    found: list[str] = []
    for pattern in action_names(statement):
        found.extend(w for w in _writes_matching(pattern) if w not in found)
    return found


@lru_cache(maxsize=256)
def _writes_matching(pattern: str) -> tuple[str, ...]:
    from iamlint.iam.catalogue import expand_action

    text = pattern.strip().lower()
    if text and set(text) <= {"*"}:
        return tuple(WRITE_ACTIONS)
    prefix = text.partition(":")[0]
    if prefix != "ecr" and not {"*", "?"} & set(prefix):
        return ()
    matched = {a.lower() for a in expand_action(text)}
    return tuple(w for w in WRITE_ACTIONS if w in matched)


def _not_actions(statement: Statement) -> list[str]:
    value = statement.data.get("NotAction")
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [a for a in items if isinstance(a, str)]


def _outsider(principal: Principal, ecr: EcrPolicy) -> str:
    """How to name the principal when it is outside the registry's account, else ''."""
    if is_everyone(principal):
        return "`*`"
    if principal.type != "AWS" or not ecr.account:
        return ""
    account = principal_account(principal.value)
    if not account or account == ecr.account:
        return ""
    return f"`{principal.value}`" + ("" if principal.value == account else f" (account {account})")


def _message(outsider: str, ecr: EcrPolicy, statement: Statement, writes: list[str]) -> str:
    abilities = list(dict.fromkeys(WRITE_ACTIONS[w] for w in writes))
    what = f"{_join(abilities)} ({_written(statement)})"
    if outsider == "`*`":
        keys = sorted({use.key for use in condition_uses(statement) if use.restricts})
        head = (
            f"`Principal` `*` (limited only by its condition on `{keys[0]}`) lets other "
            f"accounts {what}"
            if keys
            else f"`Principal` `*` lets any AWS account {what}"
        )
    else:
        head = f"{outsider} is not the registry account {ecr.account}, yet may {what}"
    return (
        f"{head}: grant other accounts the pull actions only (`ecr:BatchGetImage`, "
        "`ecr:GetDownloadUrlForLayer`) and push from a role of the registry's own account"
    )


def _written(statement: Statement) -> str:
    if "NotAction" in statement.data:
        return "`NotAction` leaves them allowed"
    shown = [a for a in action_names(statement) if _writes_matching(a)]
    text = ", ".join(f"`{a}`" for a in shown[:4]) + (", ..." if len(shown) > 4 else "")
    return text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
