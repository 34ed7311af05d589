"""What T013, T014 and T015 share: does the trust policy of a role used by an AWS service
(EKS Fargate, ECS tasks, EC2 nodes) let that service assume it?

Not a rule module: registers nothing; the evaluator is imported when a check runs.

`service_trust_findings(model, rule_id, usages, service)` checks every role the inputs use
with one of `usages` (`Model.role_uses`) and resolve to a role with a trust policy. The trust
is evaluated for `sts:AssumeRole` by the service principal (`<service>.amazonaws.com`, the
China form `.amazonaws.com.cn`, and the principal as written when only its case differs)
with `iamlint.iam.evaluate`; the request context says it is an AWS service calling without
an `sts:ExternalId`, every other condition key is unknown. Only a DENIED answer is reported:
an explicit `Deny`, a statement for the service whose condition can never match, or no
statement for the service at all. One finding per role, at the trust policy; the places that
use the role are related.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from iamlint.finding import Finding
from iamlint.link import USAGE_LABELS
from iamlint.load.document import Pointer
from iamlint.model import Model, Policy, Role, RoleUse
from iamlint.record import record
from iamlint.rules.base import finding
from iamlint.rules.t._trust import TrustStatement, code_list, trust_statements

if TYPE_CHECKING:
    from iamlint.iam.evaluate import Evaluation

ASSUME = "sts:AssumeRole"


@record
class TrustVerdict:
    denied: bool
    explicit: Evaluation | None = None  # the evaluation that found an explicit Deny


def service_trust_findings(
    model: Model, rule_id: str, usages: Iterable[str], service: str
) -> Iterator[Finding]:
    wanted = set(usages)
    by_role: dict[int, list[RoleUse]] = {}
    for use in model.role_uses:
        if use.usage in wanted and use.role is not None and use.role.trust is not None:
            by_role.setdefault(id(use.role), []).append(use)
    for uses in by_role.values():
        role = uses[0].role
        assert role is not None and role.trust is not None
        if not isinstance(role.trust.document, dict):
            continue
        verdict = trust_verdict(role, role.trust, service)
        if verdict.denied:
            yield _finding(rule_id, role, role.trust, service, uses, verdict)


def trust_verdict(role: Role, trust: Policy, service: str) -> TrustVerdict:
    from iamlint.iam.evaluate import PolicyRef, Request, evaluate

    if _plainly_trusts(trust.document, service):
        return TrustVerdict(denied=False)
    ref = PolicyRef(trust.label, trust.document)
    explicit = None
    for principal in principal_variants(trust, service):
        context = {
            "aws:PrincipalIsAWSService": "true",
            "aws:PrincipalServiceName": principal,
            "sts:ExternalId": None,
        }
        request = Request(ASSUME, role.arn or "*", principal, context)
        evaluation = evaluate(request, [], ref, same_account=True)
        if not evaluation.denied:
            return TrustVerdict(denied=False)
        if evaluation.explicit_deny and explicit is None:
            explicit = evaluation
    return TrustVerdict(denied=True, explicit=explicit)


_PLAIN_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "Action", "Condition"})
# the condition keys the request context below knows
_CONTEXT_KEYS = frozenset(
    {"aws:principalisawsservice", "aws:principalservicename", "sts:externalid"}
)


def _plainly_trusts(document: dict[str, Any], service: str) -> bool:
    """The usual trust, decided without the evaluator: only `Allow` statements, and one
    of them names the service and `sts:AssumeRole`, with no condition or one on keys the
    request context does not know (then it may match: not a denial, which is all that
    is reported)."""
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return False
    if any(not isinstance(st, dict) or st.get("Effect") != "Allow" for st in statements):
        return False
    return any(_plain_grant(st, service) for st in statements)


def _plain_grant(statement: dict[str, Any], service: str) -> bool:
    if not _PLAIN_STATEMENT_KEYS.issuperset(statement):
        return False
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return False
    services = principal.get("Service")
    actions = statement.get("Action")
    return (
        (services == service or (isinstance(services, list) and service in services))
        and (actions == ASSUME or (isinstance(actions, list) and ASSUME in actions))
        and _undecided(statement.get("Condition", {}))
    )


def _undecided(condition: Any) -> bool:
    """No condition, or plain tests (no `IfExists`, no set qualifier, not `Null`) of keys
    the request context does not know: the evaluator answers "unknown", never "no"."""
    from iamlint.iam.conditions import parse_operator

    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        parsed = parse_operator(operator)
        if parsed is None or parsed.if_exists or parsed.set_qualifier or parsed.base == "Null":
            return False
        if not isinstance(block, dict):
            return False
        if any(not isinstance(key, str) or key.lower() in _CONTEXT_KEYS for key in block):
            return False
    return True


def principal_variants(trust: Policy, service: str) -> list[str]:
    """The service principal, its China form, and the written forms differing only in case
    or surrounding spaces (T016 judges the spelling)."""
    variants = [service, f"{service}.cn"]
    for statement in trust_statements(trust):
        for ref in statement.services:
            text = ref.value if isinstance(ref.value, str) else ""
            if text.strip().lower() in (service, f"{service}.cn") and text not in variants:
                variants.append(text)
    return variants


def _finding(
    rule_id: str,
    role: Role,
    trust: Policy,
    service: str,
    uses: list[RoleUse],
    verdict: TrustVerdict,
) -> Finding:
    from iamlint.rules.e._pull import owner_label, role_label

    label = role_label(role)
    what = " and ".join(dict.fromkeys(USAGE_LABELS[u.usage] for u in uses))
    owners = owner_label(uses[0].owner)
    if len(uses) > 1:
        owners += f" (and {len(uses) - 1} more, listed as related)"
    pointer, detail = _where_and_why(trust, service, verdict)
    message = (
        f"role `{label}` is the {what} of {owners}, but its trust policy does not let "
        f"`{service}` assume it ({detail}): allow `{ASSUME}` for "
        f'`"Principal": {{"Service": "{service}"}}`'
    )
    related = [
        (u.pointer, f"used as {USAGE_LABELS[u.usage]} by {owner_label(u.owner)}") for u in uses
    ]
    return finding(rule_id, pointer, message, resource=role.arn or label, related=related)


def _where_and_why(trust: Policy, service: str, verdict: TrustVerdict) -> tuple[Pointer, str]:
    if verdict.explicit is not None and verdict.explicit.reasons:
        reason = verdict.explicit.reasons[0]
        return trust.pointer.child(*reason.path), f"an explicit `Deny` for `{service}` wins"
    statements = [s for s in trust_statements(trust) if s.allow]
    for statement in statements:
        if _names_service(statement, service):
            if not statement.allows(ASSUME):
                actions = [a.text for a in statement.actions if a.text] or ["no action"]
                why = f"its statement for `{service}` allows {code_list(actions)}, not `{ASSUME}`"
                return statement.action_pointer, why
            if statement.condition_pointer is not None:
                keys = [entry.key for entry in statement.conditions]
                why = (
                    f"the condition on {code_list(keys)} of its statement for `{service}` "
                    "never matches a request from that service"
                )
                return statement.condition_pointer.at_key(), why
    trusted = _trusted_principals(statements)
    detail = f"it trusts only {code_list(trusted)}" if trusted else "no statement allows it"
    for statement in statements:
        if statement.services:
            return statement.principal_pointer.child("Service"), detail
    if statements:
        return statement_principal(statements[0]), detail
    document = trust.document
    has_statement = isinstance(document, dict) and "Statement" in document
    return (trust.pointer.child("Statement").at_key() if has_statement else trust.pointer), detail


def statement_principal(statement: TrustStatement) -> Pointer:
    return statement.principal_pointer if "Principal" in statement.data else statement.pointer


def _names_service(statement: TrustStatement, service: str) -> bool:
    return any(t in (service, f"{service}.cn") for t in statement.service_texts())


def _trusted_principals(statements: list[TrustStatement]) -> list[str]:
    found: list[str] = []
    for statement in statements:
        if statement.principal_star:
            found.append("*")
        for ref in (*statement.services, *statement.aws, *statement.federated):
            if ref.text and ref.text not in found:
                found.append(ref.text)
    return found[:4]
