"""T020 github-oidc-trust-too-broad: GitHub Actions trust admits any repository.

## What it does
For every Allow statement that trusts the GitHub Actions provider
(`oidc-provider/token.actions.githubusercontent.com`, also with a GitHub Enterprise path),
checks the `token.actions.githubusercontent.com:sub` condition:
- no positive `:sub` condition at all (an `:aud` test alone does not scope the role);
- a `StringLike` pattern whose wildcard covers the owner: `*`, `repo:*`,
  `repo:*/infra:*`, `repo:my-org*/app:*` (the last one also matches `my-org-fork`).
`repo:<owner>/*` (one organisation) and narrower patterns are not reported; subjects in a
customised format (not starting with `repo:`) are left alone.

## Why it matters
The GitHub OIDC provider signs tokens for every workflow of every repository on
github.com. Without a subject that pins the owner, any GitHub user can write a workflow
that assumes this role.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
```

## Fix
Add `"StringLike": {"token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:*"}`,
narrower still with a branch (`:ref:refs/heads/main`) or environment
(`:environment:prod`).

## References
- https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import (
    GITHUB_ISSUER,
    ConditionEntry,
    PrincipalRef,
    TrustStatement,
    has_placeholder,
    issuer_entries,
    statement_oidc_issuers,
    trust_policies,
    trust_statements,
)

_WILDCARDS = re.compile(r"[*?]")


@rule(
    "T020",
    "github-oidc-trust-too-broad",
    "warning",
    "GitHub Actions OIDC trust without a `:sub` condition, or with a `:sub` pattern that admits "
    "any repository or organisation.",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            if not statement.allow:
                continue
            for issuer, ref in statement_oidc_issuers(statement):
                if _is_github(issuer):
                    yield from _check_github(policy, statement, issuer, ref)


def _is_github(issuer: str) -> bool:
    lowered = issuer.lower()
    return lowered == GITHUB_ISSUER or lowered.startswith(GITHUB_ISSUER + "/")


def _check_github(
    policy: Policy, statement: TrustStatement, issuer: str, ref: PrincipalRef
) -> Iterator[Finding]:
    subs = _sub_entries(statement, issuer)
    if not subs:
        condition = statement.condition_pointer
        yield finding(
            "T020",
            condition.at_key() if condition is not None else ref.pointer,
            f"GitHub Actions trust without a `{issuer}:sub` condition: a workflow in any "
            'repository on GitHub can assume this role; add `"StringLike": '
            f'{{"{issuer}:sub": "repo:<owner>/<repo>:*"}}`',
            resource=policy.label,
        )
        return
    for entry in subs:
        if not entry.is_like:
            continue
        for value, value_ref in entry.texts():
            problem = broad_subject(value)
            if problem and not has_placeholder(value):
                yield finding("T020", value_ref.pointer, problem, resource=policy.label)


def _sub_entries(statement: TrustStatement, issuer: str) -> list[ConditionEntry]:
    return [
        entry
        for parsed, entry in issuer_entries(statement)
        if parsed.issuer.lower() == issuer.lower()
        and parsed.claim_lower == "sub"
        and entry.restricts
    ]


def broad_subject(pattern: str) -> str:
    """Why a StringLike GitHub subject pattern admits other owners ("" when it does not)."""
    if not _WILDCARDS.search(pattern):
        return ""
    if not pattern.startswith("repo:"):
        head = _WILDCARDS.split(pattern, 1)[0]
        if "repo:".startswith(head):
            return (
                f"`{pattern}` matches workflows of every repository on GitHub: write "
                "`repo:<owner>/<repo>:*`"
            )
        return ""  # a customised subject format
    rest = pattern[len("repo:") :]
    owner, slash, _ = rest.partition("/")
    if not _WILDCARDS.search(owner) and slash:
        return ""
    if owner in ("*", "") or not slash:
        return (
            f"`{pattern}` matches repositories of any owner on GitHub: write "
            "`repo:<owner>/<repo>:*` (or `repo:<owner>/*` for a whole organisation)"
        )
    tail = rest[len(owner) + 1 :]
    return (
        f"`{pattern}` has a wildcard in the owner `{owner}`, which also matches other "
        f"organisations and users; write the owner literally: `repo:<owner>/{tail}`"
    )
