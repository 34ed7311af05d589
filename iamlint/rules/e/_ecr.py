"""What the E rules share: which policies are ECR policies, and their principals.

Not a rule module: registers nothing and imports only the model.

A policy is an ECR policy when it came from an ECR source (`get-repository-policy`,
`get-registry-policy`, IaC repository resources) or when it is a bare resource policy
(statements with a `Principal`) that lists `ecr:` actions: such a document can only be a
repository policy, or a registry policy when every `ecr:` action it names is one of the
registry-level replication / pull-through-cache actions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.iam.statements import statement_items
from iamlint.load.document import Pointer
from iamlint.model import ECR_REGISTRY, ECR_REPOSITORY, RESOURCE, Model, Policy
from iamlint.record import field, record

REPOSITORY = "repository"
REGISTRY = "registry"

# Actions a registry permissions policy grants (cross-account replication, pull through cache).
REGISTRY_ACTIONS = frozenset(
    {"ecr:replicateimage", "ecr:createrepository", "ecr:batchimportupstreamimage"}
)


@record
class EcrPolicy:
    policy: Policy
    scope: str  # REPOSITORY | REGISTRY
    account: str = ""  # the registry's account, when the inputs say it
    repository: str = ""

    @property
    def label(self) -> str:
        return self.policy.label

    @property
    def scope_label(self) -> str:
        return f"{self.scope} policy"


@record
class Statement:
    data: dict[str, Any]
    pointer: Pointer
    # read once for all E rules (see `principals`, `action_names`, `condition_uses`)
    cached: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def allows(self) -> bool:
        return self.data.get("Effect") == "Allow"


@record
class Principal:
    type: str  # AWS | Service | Federated | CanonicalUser | * (the bare "*" form)
    value: str
    statement: Pointer  # the statement; `pointer` is made only for a finding
    parts: tuple[str | int, ...] = ()

    @property
    def pointer(self) -> Pointer:
        return self.statement.child("Principal", *self.parts)


def ecr_policies(model: Model) -> Iterator[EcrPolicy]:
    """Repository and registry policies of the inputs, with the registry account if known
    (found once per run: every E rule reads them)."""
    found: list[EcrPolicy] = model.memo("ecr-policies", lambda: list(_ecr_policies(model)))
    return iter(found)


def _ecr_policies(model: Model) -> Iterator[EcrPolicy]:
    repositories = {id(r.policy): r for r in model.repositories if r.policy is not None}
    for policy in model.policies:
        scope = _scope(policy)
        if scope is None:
            continue
        repository = repositories.get(id(policy))
        account = repository.account if repository and is_account_id(repository.account) else ""
        name = repository.name if repository else ""
        yield EcrPolicy(policy, scope, account or _resource_account(policy), name)


def _scope(policy: Policy) -> str | None:
    if policy.kind == ECR_REPOSITORY:
        return REPOSITORY
    if policy.kind == ECR_REGISTRY:
        return REGISTRY
    if policy.kind != RESOURCE:
        return None
    actions = {a.lower() for s in statements(policy) for a in _strings(_actions(s.data))}
    ecr_actions = {a for a in actions if a.startswith("ecr:")}
    if not ecr_actions:
        return None
    return REGISTRY if ecr_actions <= REGISTRY_ACTIONS else REPOSITORY


def statements(policy: Policy) -> Iterator[Statement]:
    """The policy's statements, read once (kept beside the policy's cached document, which
    does not change after loading)."""
    found = policy.__dict__.get(_STATEMENTS)
    if found is None:
        found = policy.__dict__[_STATEMENTS] = [
            Statement(data, policy.pointer.child(*path))
            for _, path, data in statement_items(policy.document)
        ]
    return iter(found)


_STATEMENTS = "_ecr_statements"


def principals(statement: Statement) -> Iterator[Principal]:
    """Every principal value of `Principal` (not `NotPrincipal`), with its pointer."""
    found = statement.cached.get("principals")
    if found is None:
        found = statement.cached["principals"] = list(_principals(statement))
    return iter(found)


def _principals(statement: Statement) -> Iterator[Principal]:
    value = statement.data.get("Principal")
    base = statement.pointer
    if isinstance(value, str):
        yield Principal("*" if value.strip() == "*" else "AWS", value.strip(), base)
        return
    if not isinstance(value, dict):
        return
    for kind, entries in value.items():
        if isinstance(entries, str):
            yield Principal(str(kind), entries.strip(), base, (kind,))
        elif isinstance(entries, list):
            for index, entry in enumerate(entries):
                if isinstance(entry, str):
                    yield Principal(str(kind), entry.strip(), base, (kind, index))


def is_everyone(principal: Principal) -> bool:
    return principal.type in ("*", "AWS") and principal.value == "*"


def action_names(statement: Statement) -> list[str]:
    """`Action` entries (strings), as `actions` gives them without pointers."""
    found = statement.cached.get("actions")
    if found is None:
        value = statement.data.get("Action")
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        found = statement.cached["actions"] = [a.strip() for a in items if isinstance(a, str)]
    return found  # type: ignore[no-any-return]


def actions(statement: Statement) -> list[tuple[str, Pointer]]:
    """`Action` entries (strings) with their pointers; `NotAction` is not included."""
    value = statement.data.get("Action")
    pointer = statement.pointer.child("Action")
    if isinstance(value, str):
        return [(value.strip(), pointer)]
    if isinstance(value, list):
        return [(a.strip(), pointer.child(i)) for i, a in enumerate(value) if isinstance(a, str)]
    return []


def principal_account(value: str) -> str:
    """The 12-digit account of a principal (`123456789012` or an ARN); '' when unknown."""
    text = value.strip()
    parts = text.split(":", 5)
    account = parts[4] if len(parts) == 6 and parts[0] == "arn" else text
    return account if is_account_id(account) else ""


def is_account_id(text: str) -> bool:
    return len(text) == 12 and text.isdigit()


def _actions(statement: dict[str, Any]) -> Any:
    return statement.get("Action", statement.get("NotAction"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _resource_account(policy: Policy) -> str:
    """The account of the `arn:aws:ecr:...` resources the statements name (if one)."""
    accounts = set()
    for statement in statements(policy):
        for resource in _strings(statement.data.get("Resource")):
            parts = resource.split(":", 5)
            if len(parts) == 6 and parts[2] == "ecr" and is_account_id(parts[4]):
                accounts.add(parts[4])
    return accounts.pop() if len(accounts) == 1 else ""


# --- conditions that say who may use an open principal ------------------------------

# Keys that pin the caller to accounts, an organisation, roles, or a network path.
RESTRICTING_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalservicename",
        "aws:userid",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpce",
        "aws:sourcevpc",
    }
)
# Present in every signed request: `...IfExists` on them still restricts.
ALWAYS_PRESENT_KEYS = frozenset({"aws:principalaccount", "aws:principalarn", "aws:userid"})


@record
class ConditionUse:
    operator: str  # as written
    key: str  # as written
    restricts: bool  # limits the statement to the values (an Allow guard)
    excludes: bool  # negated form: matches everyone outside the values (a Deny guard)
    weakness: str = ""  # why it does not restrict, when it does not


def condition_uses(statement: Statement) -> list[ConditionUse]:
    """Every (operator, restricting key) pair of the statement's `Condition`."""
    found = statement.cached.get("conditions")
    if found is None:
        found = statement.cached["conditions"] = _condition_uses(statement)
    return found  # type: ignore[no-any-return]


def _condition_uses(statement: Statement) -> list[ConditionUse]:
    condition = statement.data.get("Condition")
    if not isinstance(condition, dict):
        return []
    uses = []
    for operator, block in condition.items():
        if not isinstance(operator, str) or not isinstance(block, dict):
            continue
        for key, values in block.items():
            if isinstance(key, str) and key.strip().lower() in RESTRICTING_KEYS:
                uses.append(_use(operator, key, values))
    return uses


def _use(operator: str, key: str, values: Any) -> ConditionUse:
    from iamlint.iam.conditions import parse_operator

    parsed = parse_operator(operator.strip(), strict=False)
    if parsed is None or parsed.type not in ("string", "arn"):
        return ConditionUse(operator, key, False, False, "it is not a string or ARN operator")
    written = _strings(values)
    open_value = not written or any(v.strip() == "*" for v in written)
    weakness = ""
    if not written:
        weakness = "it has no value"
    elif open_value:
        weakness = "its value `*` matches every caller"
    elif parsed.negated:
        weakness = "a negated operator in an `Allow` admits everyone outside the values"
    elif parsed.set_qualifier == "ForAllValues":
        weakness = "`ForAllValues:` is true when the key is absent"
    elif parsed.if_exists and key.strip().lower() not in ALWAYS_PRESENT_KEYS:
        weakness = "`...IfExists` is true when the key is absent"
    return ConditionUse(
        operator,
        key,
        restricts=not weakness,
        excludes=parsed.negated and not open_value,
        weakness=weakness,
    )


def is_restricted(statement: Statement) -> bool:
    return any(use.restricts for use in condition_uses(statement))
