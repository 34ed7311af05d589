"""I001 role-does-not-trust-service-account: the role's trust does not admit the ServiceAccount.

## What it does
For every ServiceAccount whose `eks.amazonaws.com/role-arn` annotation names a role defined
in the inputs, evaluates the role's trust policy for the token the pod presents: subject
`system:serviceaccount:<namespace>:<name>`. Statements trusting the cluster's OIDC provider
are evaluated with IAM semantics: `StringEquals` compares literally (a `*` is a literal
character there), `StringLike` matches `*` and `?`, values are case-sensitive, condition
keys are not, several values are OR-ed, `StringNotEquals`/`StringNotLike` exclude, and
`ForAnyValue:`/`ForAllValues:` are read as IAM reads them for the single-valued `:sub`.
Reported when no statement admits the subject, with the closest subject the trust names
and what differs (namespace, name, the plural `system:serviceaccounts:` prefix, a wildcard
under `StringEquals`, case, whitespace), or when the role trusts no Kubernetes OIDC
provider at all.

Not reported: a trust without a `:sub` condition (every service account may assume the
role: T003), statements whose principal cannot be read (placeholders, unresolved
intrinsics), roles not in the inputs (X006), service accounts that an EKS Pod Identity
association also targets (the association wins: K010), another cluster's provider (I002),
and a role shared with another annotated service account that the trust does admit
(I007). A condition key written with `https://` or a trailing slash still counts as the
`:sub` key here: T006 reports its shape.

The finding points at the trust's `:sub` value when the trust is in a file you edit (a
policy file, CloudFormation, Terraform), with the annotation as related location; when the
trust comes from `aws iam get-role` output (a snapshot of the live role) it points at the
annotation instead.

## Why it matters
The pod's `AssumeRoleWithWebIdentity` call fails: `AccessDenied ... Not authorized to
perform sts:AssumeRoleWithWebIdentity`, and CloudTrail shows only the subject that was
refused (troubleshooting seeds 000/001).

## Example
ServiceAccount `prod/app` annotated with `arn:aws:iam::111122223333:role/app`, whose trust says
```json
"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
                 "system:serviceaccount:staging:app"}
```

## Fix
Make the trust's `:sub` value exactly `system:serviceaccount:<namespace>:<name>` of the
ServiceAccount (here `system:serviceaccount:prod:app`), or annotate the ServiceAccount the
trust names. For several service accounts use a list of values, or `StringLike` with a
pattern.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
- https://repost.aws/knowledge-center/eks-pods-iam-role-service-accounts
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.conditions import FALSE
from iamlint.iam.wildcard import glob_match, has_wildcard
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    NO_WEB_IDENTITY,
    SUBJECT,
    SUBJECT_PREFIX,
    Binding,
    bindings,
    namespace_note,
    role_name,
    trust_editable,
)
from iamlint.rules.k._k8s import edit_distance
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import ConditionEntry, code_list

PLURAL_PREFIX = "system:serviceaccounts:"


@rule(
    "I001",
    "role-does-not-trust-service-account",
    "error",
    "ServiceAccount's role does not trust it: no trust statement's `:sub` admits "
    "`system:serviceaccount:<ns>:<name>`.",
    reads=("service_accounts", "roles", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for binding in bindings(model, ctx.config):
        if binding.verdict == SUBJECT:
            yield _subject_finding(binding)
        elif binding.verdict == NO_WEB_IDENTITY:
            yield _no_web_identity_finding(binding)


def _subject_finding(binding: Binding) -> Finding:
    sa = binding.sa
    closest = closest_subject(binding)
    if closest is None:  # every statement failed on a value that is not a string
        pointer = binding.judged[0].statement.pointer
        message = f"role `{role_name(binding.role)}` does not trust {sa.subject}"
    else:
        pointer, message = closest[1], closest[2]
    if _namespace_matters(closest):
        message += namespace_note(sa.namespace_explicit, sa.namespace)
    return _located(binding, pointer, message)


def _located(binding: Binding, trust_pointer: Pointer, message: str) -> Finding:
    sa = binding.sa
    if trust_editable(binding.role):
        return finding(
            "I001",
            trust_pointer,
            message,
            resource=sa.label,
            related=[(binding.annotation, f"{sa.label} is annotated with this role")],
            discriminator=sa.subject,
        )
    return finding(
        "I001",
        binding.annotation,
        message,
        resource=sa.label,
        related=[(trust_pointer, f"trust policy of role {role_name(binding.role)}")],
        discriminator=sa.subject,
    )


def _namespace_matters(closest: tuple[int, Pointer, str, str] | None) -> bool:
    return closest is not None and "namespace" in closest[3]


def closest_subject(binding: Binding) -> tuple[int, Pointer, str, str] | None:
    """(score, value pointer, message, what differs) for the trust value closest to the SA."""
    best: tuple[int, Pointer, str, str] | None = None
    for judged in binding.judged:
        for entry, result in judged.sub_results:
            if result is not FALSE:
                continue
            for value, ref in entry.texts():
                scored = _describe(binding, entry, value)
                if scored is not None and (best is None or scored[0] < best[0]):
                    best = (scored[0], ref.pointer, scored[1], scored[2])
    return best


def _describe(binding: Binding, entry: ConditionEntry, value: str) -> tuple[int, str, str] | None:
    """(closeness, message, difference) of one `:sub` value that does not admit the SA."""
    sa = binding.sa
    role = f"role `{role_name(binding.role)}`"
    if entry.negated:
        if not _matches(entry, value, sa.subject):
            return None
        return (
            0,
            f"{role} excludes this ServiceAccount ({sa.namespace}/{sa.name}) with "
            f"`{entry.operator}` `{value}`; remove that value, or use another role for it",
            "excluded",
        )
    difference, score = _difference(entry, value, sa.namespace, sa.name)
    fix = f"write `{sa.subject}` in the trust's `:sub` condition"
    if "`StringLike`" in difference:
        fix = f"or write `{sa.subject}`"
    elif "namespace" in difference or "name differs" in difference:
        fix += " or correct the ServiceAccount"
    return (
        score,
        f"{role} trusts `{value}`; this ServiceAccount is {sa.namespace}/{sa.name}: "
        f"{difference}{', ' if fix.startswith('or ') else '; '}{fix}",
        difference,
    )


def _matches(entry: ConditionEntry, pattern: str, subject: str) -> bool:
    if "ignorecase" in entry.base.lower():
        return glob_match(pattern, subject, ignore_case=True) if entry.is_like else (
            pattern.casefold() == subject.casefold()
        )
    return glob_match(pattern, subject) if entry.is_like else pattern == subject


def _difference(entry: ConditionEntry, value: str, namespace: str, name: str) -> tuple[str, int]:
    """What differs between the trusted `value` and the subject, and how far apart they are."""
    notes: list[str] = []
    text = value
    if text != text.strip():
        notes.append("the value has whitespace around it")
        text = text.strip()
    lowered = text.lower()
    if lowered.startswith(PLURAL_PREFIX):
        notes.append(
            "the prefix is `system:serviceaccount:` (singular; `system:serviceaccounts:` is a "
            "group, never a token subject)"
        )
        text = SUBJECT_PREFIX + text[len(PLURAL_PREFIX) :]
    elif lowered.startswith(SUBJECT_PREFIX) and not text.startswith(SUBJECT_PREFIX):
        notes.append("the prefix is case-sensitive")
        text = SUBJECT_PREFIX + text[len(SUBJECT_PREFIX) :]
    if not text.startswith(SUBJECT_PREFIX):
        return "it is not a `system:serviceaccount:<namespace>:<name>` subject", 1000
    subject = f"{SUBJECT_PREFIX}{namespace}:{name}"
    like = entry.is_like
    if not like and has_wildcard(text) and glob_match(text, subject):
        notes.append(f"`*` is a literal character under `{entry.operator}`: use `StringLike`")
        return "; ".join(notes), len(notes) - 1
    if not like and text.lower() == subject.lower() and text != subject:
        notes.append("the case differs: subjects are case-sensitive")
        return "; ".join(notes), len(notes) - 1
    part_notes, score = _part_differences(text[len(SUBJECT_PREFIX) :], namespace, name, like)
    return "; ".join(notes + part_notes) or "it does not match", score + len(notes)


def _part_differences(rest: str, namespace: str, name: str, like: bool) -> tuple[list[str], int]:
    trusted_ns, sep, trusted_name = rest.partition(":")
    if not sep:
        return [f"`{rest}` has no namespace part"], 500

    def same(pattern: str, actual: str) -> bool:
        return glob_match(pattern, actual) if like else pattern == actual

    notes = []
    score = 0
    if not same(trusted_ns, namespace):
        notes.append(f"the namespace differs (`{trusted_ns}` vs `{namespace}`)")
        score += 10 + edit_distance(trusted_ns, namespace, 50)
    if not same(trusted_name, name):
        notes.append(f"the name differs (`{trusted_name}` vs `{name}`)")
        score += 10 + edit_distance(trusted_name, name, 50)
    return notes, score


def _no_web_identity_finding(binding: Binding) -> Finding:
    sa = binding.sa
    view = binding.view
    assert view is not None
    others = sorted(set(view.others))
    trusted = f"it trusts {code_list(others)}" if others else "it has no Allow statement"
    pod_identity = (
        " (for EKS Pod Identity, create an association instead of the annotation)"
        if view.pod_identity
        else ""
    )
    message = (
        f"role `{role_name(binding.role)}` trusts no Kubernetes OIDC provider ({trusted}), so "
        f"{sa.label} cannot assume it with AssumeRoleWithWebIdentity; add a statement "
        "trusting the cluster's OIDC provider with `sts:AssumeRoleWithWebIdentity` and "
        f"`<issuer>:sub` = `{sa.subject}`{pod_identity}"
    )
    statement = view.policy.pointer
    target = statement.child("Statement") if isinstance(view.policy.document, dict) and (
        "Statement" in view.policy.document
    ) else statement
    return _located(binding, target.at_key() if target is not statement else target, message)
