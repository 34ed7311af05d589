"""Three-valued IAM policy evaluation: ALLOWED, DENIED or UNKNOWN (a condition, variable or
placeholder that cannot be decided from the inputs).

The logic follows the IAM policy evaluation guide for identity-based and resource-based
policies (no SCPs, permission boundaries or session policies):

1. An explicit `Deny` that applies wins (DENIED, `explicit_deny`). A `Deny` that might apply
   (UNKNOWN) makes an otherwise allowed request UNKNOWN.
2. Same account: an `Allow` in an identity policy, or in the resource policy for this very
   principal (its ARN, its role for a role session, or `*`), allows. A resource policy
   that names only the principal's account (`123456789012`, `arn:aws:iam::123456789012:root`)
   delegates to the account's identity policies and does not allow on its own.
3. Cross account: both the identity policy and the resource policy must allow.
4. Nothing allows: DENIED (implicit).

Matching: actions ignore case and take `*`/`?`; `NotAction`, `Resource` / `NotResource`
with wildcards; `Principal` / `NotPrincipal` in the resource policy; conditions through
`iamlint.iam.conditions`; policy variables only under `Version: 2012-10-17`. A statement
without `Resource` applies to the resource a resource policy is attached to and to nothing
in an identity policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

from iamlint.iam.arn import assumed_role_parts, parse_arn, role_arn_parts
from iamlint.iam.conditions import (
    FALSE,
    TRUE,
    UNKNOWN,
    ConditionContext,
    TriState,
    evaluate_condition,
    substitute,
    tri_all,
    tri_any,
)
from iamlint.iam.statements import Path, Principals, Stmt, iter_statements, supports_variables
from iamlint.iam.wildcard import compile_glob, has_wildcard
from iamlint.placeholders import contains_placeholder, loosen
from iamlint.record import field, record

IDENTITY, RESOURCE = "identity", "resource"


class Decision(Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "unknown"


@record(frozen=True)
class Request:
    """One API call to judge. `principal` is the caller's ARN (role, role session, user);
    leave it empty when unknown. `context` holds the condition keys whose values are known
    (a key mapped to None is known to be absent); with `complete_context` every other key
    is absent too."""

    action: str
    resource: str = "*"
    principal: str = ""
    context: Mapping[str, Any] | None = None
    complete_context: bool = False


@record
class PolicyRef:
    """A policy document with a label for messages (policy name, ARN or file). Its
    statements are normalised on first use and reused across evaluations, so do not change
    the document afterwards."""

    label: str
    document: Any
    _compiled: list[_Statement] | None = field(default=None, init=False, repr=False)

    @property
    def statements(self) -> list[_Statement]:
        if self._compiled is None:
            variables = supports_variables(self.document)
            self._compiled = [
                _Statement(stmt, variables) for stmt in iter_statements(self.document)
            ]
        return self._compiled


@record(frozen=True)
class Reason:
    """A statement that decided (or could decide) the outcome."""

    label: str  # the policy's label
    path: Path  # the statement's path in the document: ("Statement", 2)
    effect: str
    sid: str | None
    kind: str  # identity | resource
    certain: bool  # False when the statement applies only UNKNOWN-ly

    def __str__(self) -> str:
        where = f"Sid {self.sid!r}" if self.sid else "/".join(str(p) for p in self.path)
        return f"{self.label} ({where})"


@record(frozen=True)
class Evaluation:
    decision: Decision
    reasons: tuple[Reason, ...] = ()
    explicit_deny: bool = False
    uncertain: tuple[Reason, ...] = ()  # statements whose applicability is UNKNOWN

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    @property
    def denied(self) -> bool:
        return self.decision is Decision.DENIED

    @property
    def unknown(self) -> bool:
        return self.decision is Decision.UNKNOWN


def evaluate(
    request: Request,
    identity_policies: Iterable[PolicyRef],
    resource_policy: PolicyRef | None = None,
    same_account: bool = True,
) -> Evaluation:
    """Decide `request` under the principal's identity policies and, optionally, the
    resource's policy. `resource_policy=None` means the resource has no policy; if the
    inputs simply do not say, do not call this for a cross-account request."""
    ctx = ConditionContext(request.context, complete=request.complete_context)
    call = _Call(
        _text(request.action).lower(), _text(request.resource), _text(request.principal), ctx
    )
    denies: list[tuple[TriState, Reason]] = []
    identity_allows: list[tuple[TriState, Reason]] = []
    direct_allows: list[tuple[TriState, Reason]] = []
    account_allows: list[tuple[TriState, Reason]] = []
    for policy in identity_policies:
        for stmt in policy.statements:
            applies = stmt.applies(call, IDENTITY)
            if applies is not FALSE:
                reason = stmt.reason(policy.label, IDENTITY, applies)
                (denies if stmt.is_deny else identity_allows).append((applies, reason))
    if resource_policy is not None:
        for stmt in resource_policy.statements:
            applies = stmt.applies(call, RESOURCE)
            if applies is FALSE:
                continue
            reason = stmt.reason(resource_policy.label, RESOURCE, applies)
            if stmt.is_deny:
                denies.append((applies, reason))
            else:
                via_account = stmt.principal_via_account(call)
                (account_allows if via_account else direct_allows).append((applies, reason))
    return _decide(denies, identity_allows, direct_allows, account_allows, same_account)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _decide(
    denies: list[tuple[TriState, Reason]],
    identity_allows: list[tuple[TriState, Reason]],
    direct_allows: list[tuple[TriState, Reason]],
    account_allows: list[tuple[TriState, Reason]],
    same_account: bool,
) -> Evaluation:
    certain_denies = tuple(r for t, r in denies if t is TRUE)
    if certain_denies:
        return Evaluation(Decision.DENIED, certain_denies, explicit_deny=True)
    identity = tri_any(t for t, _ in identity_allows)
    direct = tri_any(t for t, _ in direct_allows)
    if same_account:
        allowed = tri_any((identity, direct))
    else:
        allowed = tri_all((identity, tri_any((direct, *(t for t, _ in account_allows)))))
    # in the same account, account-level grants delegate to identity policies: no reason
    allows = identity_allows + direct_allows + ([] if same_account else account_allows)
    uncertain = tuple(r for t, r in (*denies, *allows) if t is UNKNOWN)
    if allowed is FALSE:
        return Evaluation(Decision.DENIED, (), uncertain=uncertain)
    if allowed is TRUE and not denies:
        return Evaluation(Decision.ALLOWED, tuple(r for t, r in allows if t is TRUE))
    return Evaluation(Decision.UNKNOWN, uncertain, uncertain=uncertain)


class _Call:
    __slots__ = ("action", "context", "principal", "resource")

    def __init__(self, action: str, resource: str, principal: str, ctx: ConditionContext):
        self.action = action  # lower case
        self.resource = resource
        self.principal = principal
        self.context = ctx


class _Statement:
    """A statement prepared for repeated evaluation."""

    __slots__ = (
        "actions",
        "conditions",
        "is_deny",
        "not_actions",
        "resources",
        "stmt",
        "variables",
    )

    def __init__(self, stmt: Stmt, variables: bool) -> None:
        self.stmt = stmt
        self.variables = variables
        self.is_deny = stmt.is_deny
        self.actions = _ActionSet(v for v, _ in stmt.actions or ())
        self.not_actions = _ActionSet(v for v, _ in stmt.not_actions or ())
        items = stmt.resources if stmt.resources is not None else stmt.not_resources
        self.resources = [_resource_matcher(v, variables) for v, _ in items or ()]
        self.conditions = stmt.condition

    def reason(self, label: str, kind: str, applies: TriState) -> Reason:
        stmt = self.stmt
        return Reason(label, stmt.path, stmt.effect or "", stmt.sid, kind, applies is TRUE)

    def applies(self, call: _Call, kind: str) -> TriState:
        stmt = self.stmt
        if stmt.effect not in ("Allow", "Deny"):
            return FALSE  # IAM rejects such a policy; it grants and denies nothing
        action = self._action_matches(call.action)
        if action is FALSE:
            return FALSE
        resource = self._resource_matches(call, kind)
        if resource is FALSE:
            return FALSE
        principal = self._principal_matches(call) if kind == RESOURCE else TRUE
        if principal is FALSE:
            return FALSE
        condition = evaluate_condition(self.conditions, call.context, variables=self.variables)
        return tri_all((action, resource, principal, condition))

    def _action_matches(self, action: str) -> TriState:
        stmt = self.stmt
        if stmt.actions is not None and stmt.not_actions is None:
            return _with_unreadable(self.actions.matches(action), "Action" in stmt.unreadable)
        if stmt.not_actions is not None and stmt.actions is None:
            if self.not_actions.matches(action):
                return FALSE
            return UNKNOWN if "NotAction" in stmt.unreadable else TRUE
        return FALSE  # neither, or both: an invalid statement

    def _resource_matches(self, call: _Call, kind: str) -> TriState:
        stmt = self.stmt
        if stmt.resources is None and stmt.not_resources is None:
            return TRUE if kind == RESOURCE else FALSE
        if stmt.resources is not None and stmt.not_resources is not None:
            return FALSE
        negate = stmt.resources is None
        found = tri_any(match(call) for match in self.resources)
        if found is FALSE and ("NotResource" if negate else "Resource") in stmt.unreadable:
            found = UNKNOWN
        return ~found if negate else found

    def _principal_matches(self, call: _Call) -> TriState:
        stmt = self.stmt
        if stmt.principal is not None and stmt.not_principal is None:
            return _principals_match(stmt.principal, call.principal)[0]
        if stmt.not_principal is not None and stmt.principal is None:
            return ~_names_exactly(stmt.not_principal, call.principal)
        return FALSE

    def principal_via_account(self, call: _Call) -> bool:
        """True when the resource policy statement reaches the caller only through its
        account (root or bare account ID), not by naming it."""
        principal = self.stmt.principal
        if principal is None:
            return False
        return _principals_match(principal, call.principal)[1]


class _ActionSet:
    """Action patterns indexed for lookup: exact names in a set, wildcards filed under their
    service prefix (`ec2:Describe*` is tried only for `ec2:` actions). AWS managed policies
    list up to thousands of actions in one statement."""

    __slots__ = ("anywhere", "by_service", "exact")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.by_service: dict[str, list[Callable[[str], bool]]] = {}
        self.anywhere: list[Callable[[str], bool]] = []
        for pattern in patterns:
            low = pattern.lower()
            if not has_wildcard(low):
                self.exact.add(low)
                continue
            prefix, colon, _ = low.partition(":")
            matcher = compile_glob(low, True)
            if colon and not has_wildcard(prefix):
                self.by_service.setdefault(prefix, []).append(matcher)
            else:
                self.anywhere.append(matcher)

    def matches(self, action: str) -> bool:
        """`action` must be lower case."""
        if action in self.exact:
            return True
        for match in self.by_service.get(action.partition(":")[0], ()):
            if match(action):
                return True
        return any(match(action) for match in self.anywhere)


def _resource_matcher(pattern: str, variables: bool) -> Callable[[_Call], TriState]:
    if contains_placeholder(pattern):
        return lambda call: _placeholder_match(pattern, call.resource)
    if variables and "${" in pattern:
        return lambda call: _template_match(pattern, call.resource, call.context)
    glob = compile_glob(pattern)
    return lambda call: TRUE if glob(call.resource) else FALSE


def _with_unreadable(found: bool, unreadable: bool) -> TriState:
    if found:
        return TRUE
    return UNKNOWN if unreadable else FALSE


# ---------------------------------------------------------------------------------------
# resources with variables or placeholders


def _template_match(pattern: str, resource: str, ctx: ConditionContext) -> TriState:
    resolved = substitute(pattern, ctx, like=True)
    if resolved is None:
        return FALSE
    regex, certain = resolved
    if re.fullmatch(regex, resource, re.DOTALL) is None:
        return FALSE
    return TRUE if certain else UNKNOWN


def _placeholder_match(pattern: str, resource: str) -> TriState:
    """A pattern with unresolved parts: FALSE if it cannot match even with each placeholder
    read as `*`, else UNKNOWN."""
    loose = loosen(pattern)
    if loose is None or compile_glob(loose)(resource):
        return UNKNOWN
    return FALSE


# ---------------------------------------------------------------------------------------
# principals


def _principals_match(principals: Principals, caller: str) -> tuple[TriState, bool]:
    """(does the element name the caller, only through the caller's account?)"""
    if principals.anyone:
        return TRUE, False
    results: list[TriState] = []
    for kind, items in principals.by_type.items():
        for value, _ in items:
            matched, account_level = _principal_value_matches(kind, value, caller)
            if matched is TRUE and not account_level:
                return TRUE, False
            results.append(matched)
    found = tri_any(results)
    if found is FALSE and principals.unreadable:
        found = UNKNOWN
    return found, found is TRUE  # a TRUE here came from an account-level value


def _names_exactly(principals: Principals, caller: str) -> TriState:
    """`NotPrincipal` excludes only identities it names exactly: an account ARN does not
    exclude the account's roles, a role ARN does not exclude the role's sessions (the IAM
    guide has Deny/NotPrincipal list the account, the role and the assumed-role session)."""
    if principals.is_anyone:
        return TRUE
    results: list[TriState] = []
    for kind, items in principals.by_type.items():
        for value, _ in items:
            if contains_placeholder(value) or (kind == "AWS" and not caller):
                results.append(UNKNOWN)
            elif value == caller:
                return TRUE
            else:
                results.append(FALSE)
    found = tri_any(results)
    return UNKNOWN if found is FALSE and principals.unreadable else found


_ACCOUNT_ID = re.compile(r"\d{12}")


def _principal_value_matches(kind: str, value: str, caller: str) -> tuple[TriState, bool]:
    if kind != "AWS":
        if contains_placeholder(value):
            return UNKNOWN, False
        return (TRUE if value == caller else FALSE), False
    if value == "*":
        return TRUE, False
    if contains_placeholder(value) or not caller:
        return UNKNOWN, False
    account = _account_principal(value)
    if account is not None:
        caller_arn = parse_arn(caller)
        return (TRUE if caller_arn and caller_arn.account == account else FALSE), True
    return (TRUE if _same_identity(value, caller) else FALSE), False


def _account_principal(value: str) -> str | None:
    if _ACCOUNT_ID.fullmatch(value):
        return value
    arn = parse_arn(value)
    if arn is not None and arn.service == "iam" and arn.resource == "root":
        return arn.account
    return None


def _same_identity(principal: str, caller: str) -> bool:
    """The principal value names the caller: the same ARN, or a role whose session (or
    the role itself, under any path) the caller is. Role names compare without case, as
    IAM keeps them unique without case."""
    if principal == caller:
        return True
    role = role_arn_parts(principal)
    if role is None:
        return False
    partition, account, _, name = role
    caller_role = role_arn_parts(caller)
    if caller_role is not None:
        return (caller_role[0], caller_role[1], caller_role[3].lower()) == (
            partition,
            account,
            name.lower(),
        )
    session = assumed_role_parts(caller)
    if session is not None:
        return (session[0], session[1], session[2].lower()) == (partition, account, name.lower())
    return False


# ---------------------------------------------------------------------------------------
# convenience


class ActionDecisions(dict[str, Evaluation]):
    """Per-action evaluations, with the combined answer."""

    @property
    def decision(self) -> Decision:
        decisions = {e.decision for e in self.values()}
        if Decision.DENIED in decisions:
            return Decision.DENIED
        if Decision.UNKNOWN in decisions:
            return Decision.UNKNOWN
        return Decision.ALLOWED

    @property
    def denied(self) -> list[str]:
        return [action for action, e in self.items() if e.denied]

    @property
    def unknown(self) -> list[str]:
        return [action for action, e in self.items() if e.unknown]

    @property
    def explicitly_denied(self) -> list[str]:
        return [action for action, e in self.items() if e.explicit_deny]


def allows_all(
    actions: Mapping[str, str] | Iterable[str],
    resource: str = "*",
    *,
    identity_policies: Iterable[PolicyRef],
    resource_policy: PolicyRef | None = None,
    principal: str = "",
    same_account: bool = True,
    context: Mapping[str, Any] | None = None,
    complete_context: bool = False,
) -> ActionDecisions:
    """Evaluate several actions at once. `actions` is a list (all on `resource`) or a mapping
    action -> resource, e.g. for an ECR pull
    `{"ecr:GetAuthorizationToken": "*", "ecr:BatchGetImage": repo_arn,
    "ecr:GetDownloadUrlForLayer": repo_arn}`."""
    pairs = actions.items() if isinstance(actions, Mapping) else ((a, resource) for a in actions)
    policies = list(identity_policies)
    result = ActionDecisions()
    for action, target in pairs:
        request = Request(action, target, principal, context, complete_context)
        result[action] = evaluate(request, policies, resource_policy, same_account)
    return result
