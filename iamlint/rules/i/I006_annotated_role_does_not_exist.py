"""I006 annotated-role-does-not-exist: the role a ServiceAccount names is not in its account.

## What it does
For every ServiceAccount whose `eks.amazonaws.com/role-arn` annotation names a role that
the inputs do not define, and whose account's complete role list is in the inputs (an
untruncated `aws iam get-account-authorization-details` output listing that account's
roles, or live mode), or that `iamlint check --aws` looked up in the live account
without finding it: the role does not exist. Roles are matched by name,
case-insensitively, as IAM names them. Without the complete list nothing is concluded:
X006 says the role was not found in the inputs.

## Why it matters
The pod's `AssumeRoleWithWebIdentity` call fails with `AccessDenied` (STS does not say
whether the role is missing or refuses the token), usually after a role was renamed,
recreated under another name, or created in another account.

## Example
The account's roles (`aws iam get-account-authorization-details`) are
`app-s3-read` and `app-sqs`, and a ServiceAccount names another:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reporter
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app-s3-reader
```

## Fix
Annotate the name of an existing role (mind the path: `role/<path>/<name>`), or create the
role:
```yaml
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app-s3-read
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.arn import role_arn_parts
from iamlint.model import IRSA_ROLE, Model, ServiceAccount
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import association_for
from iamlint.rules.registry import rule


@rule(
    "I006",
    "annotated-role-does-not-exist",
    "error",
    "Role named by a ServiceAccount annotation does not exist (complete account snapshot).",
    reads=("service_accounts", "roles", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in model.role_uses:
        if use.usage != IRSA_ROLE or use.role is not None or contains_placeholder(use.role_arn):
            continue
        parts = role_arn_parts(use.role_arn)
        looked_up = use.role_arn.strip().lower() in model.absent_arns
        if parts is None or not (looked_up or parts[1] in model.complete_role_accounts):
            continue
        sa = use.owner
        if isinstance(sa, ServiceAccount) and association_for(model, sa) is not None:
            continue  # the annotation is unused (K010)
        yield finding(
            "I006",
            use.pointer,
            _live_message(parts[1], parts[3]) if looked_up else _message(model, parts[1], parts[3]),
            resource=sa.label if isinstance(sa, ServiceAccount) else use.role_arn,
        )


def _live_message(account: str, name: str) -> str:
    return (
        f"role `{name}` does not exist in account {account}: `iam:GetRole` found no such "
        "role (iamlint check --aws); annotate an existing role or create this one"
    )


def _message(model: Model, account: str, name: str) -> str:
    by_account: dict[str, list[str]] = model.memo(
        "role-names-by-account", lambda: _role_names_by_account(model)
    )
    names = by_account.get(account, [])
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return (
        f"role `{name}` does not exist in account {account}: the scanned "
        f"`get-account-authorization-details` output lists all {len(names)} roles of the "
        f"account{hint}; annotate an existing role or create this one"
    )


def _role_names_by_account(model: Model) -> dict[str, list[str]]:
    """Sorted role names per account (asked once per finding: a scan for each is quadratic)."""
    names: dict[str, set[str]] = {}
    for role in model.roles:
        if role.name:
            names.setdefault(role.account, set()).add(role.name)
    return {account: sorted(found) for account, found in names.items()}
