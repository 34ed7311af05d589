"""I005 trust-subject-without-service-account: the trust names a ServiceAccount no manifest defines.

## What it does
For every `:sub` value of an IRSA trust statement (EKS issuers and the issuers of clusters
in the inputs or the config) of the form `system:serviceaccount:<namespace>:<name>`
(`StringLike` patterns in the name allowed), reports the value when the scanned manifests
define ServiceAccounts in that namespace but none that matches. Namespaces the scan holds
no ServiceAccount of are not judged (they are simply not in the scan), nor are
ServiceAccounts known to run in a cluster whose issuer is not the statement's. Trusts
whose role is annotated on a ServiceAccount it does not admit are left to I001/I007,
which name the closest subject.

## Why it matters
An orphan subject is either a leftover that still grants the role to whoever creates that
ServiceAccount later, or a typo for a ServiceAccount that is then refused.

## Example
The scan defines ServiceAccounts `prod/web` and `prod/worker`, and a trust names:
```json
"Condition": {"StringEquals": {
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
    "system:serviceaccount:prod:wroker"
}}
```

## Fix
Correct the name, or remove the subject when the ServiceAccount is gone:
```json
"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
  "system:serviceaccount:prod:worker"
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.wildcard import glob_match, has_wildcard
from iamlint.model import Model, ServiceAccount
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    SHARED,
    SUBJECT,
    SUBJECT_PREFIX,
    bindings,
    cluster_issuer,
    cluster_of,
)
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import ConditionEntry, IrsaStatement, has_placeholder, irsa_statements


@rule(
    "I005",
    "trust-subject-without-service-account",
    "info",
    "Trust policy subject names a ServiceAccount that none of the scanned manifests define.",
    reads=("policies", "roles", "service_accounts"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    if not model.service_accounts:
        return
    explained = {
        id(b.role.trust) for b in bindings(model, ctx.config) if b.verdict in (SUBJECT, SHARED)
    }
    for irsa in irsa_statements(model, ctx.config):
        if id(irsa.policy) in explained:
            continue
        for parsed, entry in irsa.issuer_entries():
            if parsed.claim_lower != "sub" or entry.negated or not entry.base.startswith("String"):
                continue
            for value, ref in entry.texts():
                message = _orphan(model, irsa, entry, value)
                if message:
                    yield finding("I005", ref.pointer, message, resource=irsa.policy.label)


def _orphan(model: Model, irsa: IrsaStatement, entry: ConditionEntry, value: str) -> str:
    if has_placeholder(value) or not value.startswith(SUBJECT_PREFIX):
        return ""
    namespace, sep, name = value[len(SUBJECT_PREFIX) :].partition(":")
    if not sep or not name or has_wildcard(namespace) or ":" in name:
        return ""
    if has_wildcard(name) and not entry.is_like:
        return ""  # a literal `*`: T008
    if _defined_exactly(model, irsa, namespace, name):
        return ""  # the usual case, answered without listing the namespace
    defined = [s for s in model.service_accounts_in(namespace) if _same_issuer(model, s, irsa)]
    if not defined:
        return ""
    ignore_case = "ignorecase" in entry.base.lower()
    if any(_name_matches(name, s.name, entry.is_like, ignore_case) for s in defined):
        return ""
    names = sorted({s.name for s in defined if s.name})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else "; a leftover, or a typo?"
    return (
        f"`{value}` names a ServiceAccount that none of the scanned manifests define "
        f"(namespace `{namespace}` has {', '.join(f'`{n}`' for n in names[:8])}){hint}"
    )


def _defined_exactly(model: Model, irsa: IrsaStatement, namespace: str, name: str) -> bool:
    subject = f"{SUBJECT_PREFIX}{namespace}:{name}"
    found = model.index("sa_by_subject").get(subject, [])
    return any(s.name == name and _same_issuer(model, s, irsa) for s in found)


def _name_matches(pattern: str, name: str, like: bool, ignore_case: bool) -> bool:
    if like:
        return glob_match(pattern, name, ignore_case=ignore_case)
    return pattern.casefold() == name.casefold() if ignore_case else pattern == name


def _same_issuer(model: Model, sa: ServiceAccount, irsa: IrsaStatement) -> bool:
    issuer = cluster_issuer(cluster_of(model, sa))
    return issuer is None or issuer in irsa.issuers
