"""I007 role-shared-partially-trusted: ServiceAccounts share a role whose trust admits only some.

## What it does
Groups the ServiceAccounts by the role their `eks.amazonaws.com/role-arn` annotation names
(roles defined in the inputs). When the role's trust admits some of them but not another,
reports the one left out (once per ServiceAccount): the role is evidently meant to be
shared, and the trust's `:sub` list was not extended. The other way round too: a trust
that admits a ServiceAccount of the scan which is annotated with a different role, while
the role is in use by others (a leftover subject, or the wrong annotation).
A ServiceAccount that no annotated ServiceAccount of the role is admitted for is I001's
(a typo rather than a missing entry).

## Why it matters
The pods of the ServiceAccount left out get `AccessDenied` on
`sts:AssumeRoleWithWebIdentity`, while the others work, which makes it look like a
problem of the pod rather than of the trust. A subject kept for a ServiceAccount that uses
another role grants more than needed.

## Example
`prod/api` and `prod/worker` are both annotated with
`eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app`, and the trust of `app`
admits only one of them:
```json
"Condition": {"StringEquals": {
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
    "system:serviceaccount:prod:api",
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":
    "sts.amazonaws.com"
}}
```

## Fix
List every ServiceAccount in the `:sub` condition (a list of values, or a `StringLike`
pattern limited to one namespace), or give each ServiceAccount its own role:
```json
"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": [
  "system:serviceaccount:prod:api",
  "system:serviceaccount:prod:worker"
]
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.wildcard import has_wildcard
from iamlint.load.document import Pointer
from iamlint.model import Model, Role, ServiceAccount
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    SHARED,
    SUBJECT_PREFIX,
    Binding,
    association_for,
    bindings,
    role_name,
    trust_editable,
)
from iamlint.rules.registry import rule
from iamlint.sources.refs import role_name_of


@rule(
    "I007",
    "role-shared-partially-trusted",
    "warning",
    "ServiceAccounts annotated with one role where the trust admits only some of them.",
    reads=("service_accounts", "roles", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    found = bindings(model, ctx.config)
    by_role: dict[int, list[Binding]] = {}
    for binding in found:
        by_role.setdefault(id(binding.role), []).append(binding)
    for group in by_role.values():
        admitted = sorted({f"{b.sa.namespace}/{b.sa.name}" for b in group if b.admitted})
        for binding in group:
            if binding.verdict == SHARED:
                yield _left_out(binding, admitted)
        if admitted:
            yield from _admitted_elsewhere(model, group)


def _left_out(binding: Binding, admitted: list[str]) -> Finding:
    sa = binding.sa
    message = (
        f"role `{role_name(binding.role)}` is also annotated on {sa.label}, but its trust "
        f"admits only {', '.join(admitted)}: add `{sa.subject}` to the `:sub` condition "
        f"(a list of values), or give {sa.namespace}/{sa.name} its own role"
    )
    trust_pointer = _sub_pointer(binding)
    if trust_editable(binding.role) and trust_pointer is not None:
        return finding("I007", trust_pointer, message, resource=sa.label,
                       related=[(binding.annotation, f"{sa.label} is annotated with this role")],
                       discriminator=sa.subject)
    related = [(trust_pointer, "trust policy")] if trust_pointer is not None else []
    return finding("I007", binding.annotation, message, resource=sa.label, related=related,
                   discriminator=sa.subject)


def _sub_pointer(binding: Binding) -> Pointer | None:
    for judged in binding.judged:
        for entry, _result in judged.sub_results:
            if not entry.negated:
                return entry.pointer
    return None


def _admitted_elsewhere(model: Model, group: list[Binding]) -> Iterator[Finding]:
    """Subjects the trust admits whose ServiceAccount is annotated with another role."""
    role = group[0].role
    annotated = {b.sa.subject for b in group}
    seen: set[str] = set()
    for judged in (j for b in group for j in b.judged):
        for entry, _result in judged.sub_results:
            if entry.negated or entry.base not in ("StringEquals", "StringLike"):
                continue
            for value, ref in entry.texts():
                if value in seen or value in annotated or has_wildcard(value):
                    continue
                seen.add(value)
                other = _annotated_elsewhere(model, role, value)
                if other is not None:
                    yield _elsewhere_finding(role, other, ref.pointer, value)


def _annotated_elsewhere(model: Model, role: Role, subject: str) -> ServiceAccount | None:
    if not subject.startswith(SUBJECT_PREFIX):
        return None
    candidates: list[ServiceAccount] = model.index("sa_by_subject").get(subject, [])
    for sa in candidates:
        if not sa.role_arn or association_for(model, sa) is not None:
            continue
        resolved = model.resolve_role(sa.role_arn)
        if resolved is role:
            continue
        if resolved is None and role_name_of(sa.role_arn).lower() == role.name.lower():
            continue
        return sa
    return None


def _elsewhere_finding(role: Role, sa: ServiceAccount, pointer: Pointer, value: str) -> Finding:
    other = role_name_of(sa.role_arn) or sa.role_arn
    message = (
        f"the trust of role `{role_name(role)}` admits `{value}`, but {sa.label} is annotated "
        f"with role `{other}`: remove the subject from this trust, or annotate the "
        "ServiceAccount with this role"
    )
    annotation = sa.pointer.child("metadata", "annotations", "eks.amazonaws.com/role-arn")
    if trust_editable(role):
        return finding("I007", pointer, message, resource=sa.label,
                       related=[(annotation, f"{sa.label}'s annotation")],
                       discriminator=sa.subject)
    return finding("I007", annotation, message, resource=sa.label,
                   related=[(pointer, f"trust policy of role {role_name(role)}")],
                   discriminator=sa.subject)
