"""T007 irsa-subject-malformed: `:sub` is not `system:serviceaccount:<ns>:<name>`.

## What it does
Checks every value of every `:sub` condition on an EKS issuer (any string operator). The
subject of a service account token is exactly `system:serviceaccount:<namespace>:<name>`,
with a namespace that is a DNS label and a name that is a DNS subdomain (lowercase
letters, digits, `-`, and `.` in names). Reported, each with the value to write:
- the plural prefix `system:serviceaccounts:` (that is the group of all service accounts,
  never a token subject) and other prefix typos or a wrongly cased prefix;
- a value without the prefix (`app:web`), or without the namespace
  (`system:serviceaccount:web`), or with too many parts;
- leading or trailing whitespace;
- uppercase or invalid characters in the namespace or name (not under
  `StringEqualsIgnoreCase`).
Under `StringLike` the wildcards `*` and `?` are accepted wherever they stand (T008 judges
how broad they are). Placeholder values (`<namespace>`, `${NAMESPACE}`) are skipped.

## Why it matters
`StringEquals` compares the value with the token's subject character by character. A
malformed subject matches no service account: the pod gets `AccessDenied ... Not
authorized to perform sts:AssumeRoleWithWebIdentity` and the message names no cause.

## Example
```json
"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
                 "system:serviceaccounts:app:web"}
```

## Fix
Write `system:serviceaccount:<namespace>:<name>` with the service account's namespace and
name exactly as in its manifest, e.g. `system:serviceaccount:app:web`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
- https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import ConditionEntry, has_placeholder, irsa_key_entries

PREFIX = "system:serviceaccount:"
GROUP_PREFIX = "system:serviceaccounts:"
_WILDCARDS = re.compile(r"[*?]")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_LOOSE_PART = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9._]*$")


@rule(
    "T007",
    "irsa-subject-malformed",
    "error",
    "`:sub` value is not `system:serviceaccount:<namespace>:<name>` (typos, missing "
    "namespace, whitespace).",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy, _statement, parsed, entry in irsa_key_entries(model, ctx.config):
        if parsed.claim_lower != "sub" or not entry.base.lower().startswith("string"):
            continue
        template = has_placeholder(entry.key)
        for value, ref in entry.texts():
            if has_placeholder(value):
                continue
            problem = subject_problem(value, entry, template=template)
            if problem:
                fixes = _fixes(ref.pointer, value, entry, template)
                yield finding("T007", ref.pointer, problem, resource=policy.label, fixes=fixes)


def _fixes(pointer: Pointer, value: str, entry: ConditionEntry, template: bool) -> list[Fix]:
    corrected = corrected_subject(value, entry, template=template)
    if corrected is None or pointer.value != value:
        return []
    return fix(f"write `{corrected}`", replace_scalar(pointer, corrected))


def corrected_subject(value: str, entry: ConditionEntry, *, template: bool = False) -> str | None:
    """The subject `value` certainly meant (spacing, a misspelt or missing prefix, upper
    case), when that subject is itself valid; None when the intent is not certain."""
    for candidate in _candidates(value.strip()):
        if candidate != value and not subject_problem(candidate, entry, template=template):
            return candidate
    return None


def _candidates(value: str) -> list[str]:
    parts = value.split(":")
    prefix_letters = "".join(c for c in ":".join(parts[:-2]).lower() if c.isalpha())
    if len(parts) >= 3 and prefix_letters in ("systemserviceaccount", "systemserviceaccounts"):
        tail = ":".join(parts[-2:])
    elif len(parts) == 2:
        tail = value
    else:
        return [value]
    return [value, PREFIX + tail, PREFIX + tail.lower()]


def subject_problem(value: str, entry: ConditionEntry, *, template: bool = False) -> str:
    """What is wrong with `value` as a service account subject, with what to write.

    In a `template` (the key itself holds placeholders, as in documentation) the namespace
    and name are left alone: `namespace_name` there stands for a value, not a typo."""
    like = entry.is_like and bool(_WILDCARDS.search(value))
    ignore_case = "ignorecase" in entry.base.lower()
    if value != value.strip():
        stripped = value.strip()
        return f"`{value}` has whitespace around it: the subject has none; write `{stripped}`"
    if like and _wildcard_covers_prefix(value):
        return ""  # `*`, `system:*`: breadth is T008's
    lowered = value.lower()
    if lowered.startswith(GROUP_PREFIX):
        rest = value[len(GROUP_PREFIX) :]
        return (
            f"`{value}`: the prefix is `system:serviceaccount:` (singular); "
            f"`system:serviceaccounts:` is the group name, never a token subject; write "
            f"`{PREFIX}{rest}`"
        )
    if not value.startswith(PREFIX):
        if lowered.startswith(PREFIX) and not ignore_case:
            return (
                f"`{value}`: the prefix is case-sensitive; write `{PREFIX}{value[len(PREFIX) :]}`"
            )
        if not lowered.startswith(PREFIX):
            return _prefix_problem(value)
    return _parts_problem(value, value[len(PREFIX) :], like, ignore_case, template)


def _wildcard_covers_prefix(value: str) -> bool:
    head = _WILDCARDS.split(value, 1)[0]
    return len(head) < len(PREFIX) and PREFIX.startswith(head.lower())


def _prefix_problem(value: str) -> str:
    parts = value.split(":")
    if len(parts) == 2 and all(_LOOSE_PART.match(p) for p in parts):
        return (
            f"`{value}` lacks the `system:serviceaccount:` prefix: the token subject is "
            f"`{PREFIX}{value}`; write that"
        )
    if len(parts) == 1 and _LOOSE_PART.match(value):
        return (
            f"`{value}` is not a subject: write `{PREFIX}<namespace>:{value}` with the "
            "service account's namespace"
        )
    if len(parts) >= 3 and all(_LOOSE_PART.match(p) for p in parts[-2:]):
        return (
            f"`{value}` does not start with `system:serviceaccount:`; write "
            f"`{PREFIX}{parts[-2]}:{parts[-1]}`"
        )
    return f"`{value}` is not `system:serviceaccount:<namespace>:<name>`"


def _parts_problem(value: str, rest: str, like: bool, ignore_case: bool, template: bool) -> str:
    parts = rest.split(":")
    if len(parts) == 1 and not like:
        return (
            f"`{value}` has no namespace: write `{PREFIX}<namespace>:{rest}` with the service "
            "account's namespace"
        )
    if len(parts) > 2 and not like:
        return (
            f"`{value}` has {len(parts)} parts after the prefix: write `{PREFIX}<namespace>:<name>`"
        )
    if template:
        return ""
    checks = (("namespace", _NAMESPACE), ("name", _NAME))
    for (label, pattern), part in zip(checks, parts[:2], strict=False):
        problem = _part_problem(value, label, part, pattern, like, ignore_case)
        if problem:
            return problem
    return ""


def _part_problem(
    value: str, label: str, part: str, pattern: re.Pattern[str], like: bool, ignore_case: bool
) -> str:
    literal = _WILDCARDS.sub("a", part) if like else part
    if not part:
        return f"`{value}` has an empty {label}: write `{PREFIX}<namespace>:<name>`"
    if pattern.match(literal):
        return ""
    if pattern.match(literal.lower()):
        if ignore_case:
            return ""
        return (
            f"`{value}`: Kubernetes {label}s are lowercase, so the subject never has `{part}`; "
            f"write `{PREFIX}{value[len(PREFIX) :].lower()}`"
        )
    return (
        f"`{value}`: `{part}` is not a valid Kubernetes {label} (lowercase letters, digits"
        f"{', `.`' if label == 'name' else ''} and `-`), so no service account has this subject"
    )
