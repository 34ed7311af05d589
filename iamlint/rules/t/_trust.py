"""Trust-policy helpers shared by the T rules (and the I rules): registers no rule.

Reading trust documents
- `trust_policies(model) -> list[Policy]`: every trust policy of the run, once (the
  `kind == "trust"` policies plus `Role.trust` of every role).
- `trust_statements(policy) -> Iterator[TrustStatement]`: its statements, normalised. A
  `TrustStatement` has `pointer` (the statement), `effect`/`allow`, the principals as
  `PrincipalRef` (`.value`, `.text`, `.pointer`) lists `aws`, `services`, `federated`
  (strings and lists alike; non-string values such as `{"Fn::Sub": ...}` are kept,
  `.text` is "" for them),
  `principal_star` (`"*"` or `{"AWS": "*"}`), `actions` (`ActionRef`s; empty when the
  statement uses `NotAction`) and `conditions` (`ConditionEntry`s).
- `ConditionEntry`: one (operator, key) pair of a `Condition` block: `operator` as
  written, read through `iamlint.iam.conditions.parse_operator` (case mistakes forgiven)
  into `base` (canonical, without `ForAllValues:`/`ForAnyValue:` and `IfExists`),
  `qualifier` ("", "ForAllValues", "ForAnyValue"), `if_exists`, `negated`, `is_like`,
  `is_string_equality`; `key` as written and `key_lower`; `values`
  (`ValueRef`s: `.value` and `.pointer`; a scalar is one value; `.texts()` gives strings);
  `pointer` (the key's value), `.key_pointer` (the key), `.operator_pointer` (the
  operator key); `.restricts`: a positive test with a value other than a bare `*`.
  Keys are case-insensitive, values are not. The same key under two operators gives two
  entries.
- `TrustStatement.entries(predicate)`, `.has_key(*keys)`, `.allows(action)` (Allow and an
  `Action` matching `action`, wildcards and case included), `.service_texts()`,
  `.condition_pointer`, `.action_pointer`, `.principal_pointer`.
- `trusted_services(policy) -> set[str]`: services an Allow statement lets assume the role.
(`iamlint/iam/statements.py` did not exist when this was written; `trust_statements` is the
place to delegate to it.)

OIDC issuers
- `parse_issuer_key(key) -> IssuerKey | None`: a condition key naming an OIDC issuer
  (`<host/path>:<claim>`, or malformed forms: `https://` scheme, trailing slash, a
  provider ARN, no claim), with `issuer` normalised (no scheme, no ARN prefix, no trailing
  slash) and the problems found.
- `provider_issuer(federated) -> str | None`: host/path of an `oidc-provider/` ARN.
- `is_eks_issuer(issuer)`, `eks_issuer_parts(issuer) -> (region, id) | None`.
- `irsa_issuers(model, config) -> set[str]`: issuers of clusters in the inputs or in the
  config (lowercase), which are IRSA issuers whatever their host.
- `is_irsa_issuer(issuer, extra)`; `statement_oidc_issuers(statement)`.
- `irsa_statements(model, config) -> Iterator[IrsaStatement]`: Allow statements trusting an
  EKS provider (`.policy`, `.statement`, `.providers` as (issuer, PrincipalRef), `.issuers`).
- `issuer_entries(statement) -> [(IssuerKey, ConditionEntry)]`; `irsa_key_entries(model,
  config)`: every (policy, statement, IssuerKey, entry) whose key names an IRSA issuer,
  in any trust statement (so a key is checked even when the principal is broken).
- `missing_claim_target(irsa) -> Pointer`: where to report a missing condition.
EKS issuer and provider ARN parsing come from `iamlint.iam.arn`.

Small helpers: `POD_IDENTITY`, `GITHUB_ISSUER`, `WEB_IDENTITY_BUILTINS`,
`has_placeholder(value)` (non-strings such as CFN intrinsics count as unresolved),
`is_web_identity_principal(federated)`, `is_saml_principal(federated)`,
`expected_assume_actions(statement) -> list[str]`, `code_list(items)` ("`a` and `b`").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from iamlint.config import Config
from iamlint.iam.arn import (
    eks_oidc_issuer_parts,
    normalise_issuer,
    oidc_provider_arn_parts,
    parse_arn,
)
from iamlint.iam.conditions import Operator, parse_operator
from iamlint.iam.statements import statement_items
from iamlint.iam.wildcard import action_matches
from iamlint.load.document import Pointer
from iamlint.model import TRUST, Model, Policy
from iamlint.placeholders import contains_placeholder
from iamlint.record import field, record

POD_IDENTITY = "pods.eks.amazonaws.com"
GITHUB_ISSUER = "token.actions.githubusercontent.com"
# Federated values that are not ARNs but valid web-identity providers
WEB_IDENTITY_BUILTINS = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
        "graph.facebook.com",
        "www.amazon.com",
    }
)
ASSUME_WEB_IDENTITY = "sts:assumerolewithwebidentity"

_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


class ValueRef:
    """A value of a policy element with where it is written. The Pointer is made when
    asked for (a finding): a run reads hundreds of thousands of values."""

    __slots__ = ("doc", "path", "value")

    def __init__(self, value: Any, doc: Any, path: tuple[Any, ...]) -> None:
        self.value = value
        self.doc = doc
        self.path = path

    @property
    def pointer(self) -> Pointer:
        return Pointer(self.doc, self.path)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r}, {self.path!r})"


class TextRef(ValueRef):
    """A string-or-other value of a policy element with where it is written."""

    __slots__ = ()

    @property
    def text(self) -> str:
        return self.value.strip() if isinstance(self.value, str) else ""


PrincipalRef = TextRef  # a principal value (AWS/Service/Federated entry)
ActionRef = TextRef  # an Action entry


@record(frozen=True)
class ConditionEntry:
    operator: str
    key: str
    values: tuple[ValueRef, ...]
    pointer: Pointer  # the key's value

    @property
    def key_lower(self) -> str:
        return self.key.strip().lower()

    @property
    def key_pointer(self) -> Pointer:
        return self.pointer.at_key()

    @property
    def operator_pointer(self) -> Pointer:
        return Pointer(self.pointer.doc, self.pointer.path[:-1], key=True)

    @property
    def parsed_operator(self) -> Operator | None:
        """The operator as `iamlint.iam.conditions` reads it (case mistakes forgiven)."""
        return parse_operator(self.operator, strict=False)

    @property
    def qualifier(self) -> str:
        parsed = self.parsed_operator
        return parsed.set_qualifier or "" if parsed else ""

    @property
    def base(self) -> str:
        parsed = self.parsed_operator
        return parsed.base if parsed else self.operator

    @property
    def if_exists(self) -> bool:
        parsed = self.parsed_operator
        return parsed.if_exists if parsed else False

    @property
    def is_like(self) -> bool:
        """Wildcards `*`/`?` match here (StringLike, StringNotLike, ArnLike...)."""
        parsed = self.parsed_operator
        return parsed.is_like if parsed else False

    @property
    def is_string_equality(self) -> bool:
        """`*` is a literal character under these operators."""
        return self.base in ("StringEquals", "StringEqualsIgnoreCase")

    @property
    def negated(self) -> bool:
        """Negated operators (`StringNotEquals`...). An unknown operator is taken as written
        positively: P006 reports it, and the trust rules judge the key and values."""
        parsed = self.parsed_operator
        return parsed.negated if parsed else "not" in self.operator.lower()

    @property
    def restricts(self) -> bool:
        """A positive test with a value that is not a bare `*` (under a Like operator)."""
        if self.negated or not self.values:
            return False
        if self.is_like:
            return any(
                not (isinstance(v.value, str) and set(v.value) <= {"*"}) for v in self.values
            )
        return True

    def texts(self) -> list[tuple[str, ValueRef]]:
        return [(v.value, v) for v in self.values if isinstance(v.value, str)]


@record
class TrustStatement:
    policy: Policy
    pointer: Pointer
    data: dict[str, Any]
    effect: Any = None
    principal_star: bool = False
    aws: list[PrincipalRef] = field(default_factory=list)
    services: list[PrincipalRef] = field(default_factory=list)
    federated: list[PrincipalRef] = field(default_factory=list)
    actions: list[ActionRef] = field(default_factory=list)
    conditions: list[ConditionEntry] = field(default_factory=list)

    @property
    def allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def condition_pointer(self) -> Pointer | None:
        return self.pointer.child("Condition") if "Condition" in self.data else None

    @property
    def action_pointer(self) -> Pointer:
        for name in ("Action", "NotAction"):
            if name in self.data:
                return self.pointer.child(name)
        return self.pointer

    @property
    def principal_pointer(self) -> Pointer:
        return self.pointer.child("Principal") if "Principal" in self.data else self.pointer

    def entries(self, predicate: Callable[[ConditionEntry], bool]) -> list[ConditionEntry]:
        return [entry for entry in self.conditions if predicate(entry)]

    def has_key(self, *keys: str) -> bool:
        wanted = {k.lower() for k in keys}
        return any(entry.key_lower in wanted for entry in self.conditions)

    def allows(self, action: str) -> bool:
        """An Allow statement whose Action list matches `action` (wildcards included)."""
        return self.allow and any(action_matches(a.text, action) for a in self.actions if a.text)

    def service_texts(self) -> set[str]:
        return {s.text.lower() for s in self.services if s.text}


def trust_policies(model: Model) -> list[Policy]:
    found: list[Policy] = model.memo("trust-policies", lambda: _trust_policies(model))
    return list(found)


def _trust_policies(model: Model) -> list[Policy]:
    seen: set[int] = set()
    found: list[Policy] = []
    candidates = [p for p in model.policies if p.kind == TRUST]
    candidates += [r.trust for r in model.roles if r.trust is not None]
    for policy in candidates:
        if id(policy) not in seen and isinstance(policy.document, dict):
            seen.add(id(policy))
            found.append(policy)
    return found


def trusted_services(policy: Policy) -> set[str]:
    """Service principals (lowercase) that an Allow statement lets call `sts:AssumeRole`."""
    found: set[str] = set()
    for statement in trust_statements(policy):
        if statement.allows("sts:AssumeRole"):
            found |= statement.service_texts()
    return found


def trust_statements(policy: Policy) -> Iterator[TrustStatement]:
    """The policy's statements, read once per policy: some twenty rules walk every trust
    policy, and reading a statement builds a Pointer for every value in it."""
    cached = policy.__dict__.get(_STATEMENTS_CACHE)
    if cached is None:
        cached = policy.__dict__[_STATEMENTS_CACHE] = tuple(_read_statements(policy))
    return iter(cached)


# not a record field: equality and repr of the Policy ignore it
_STATEMENTS_CACHE = "_trust_statements"


def _read_statements(policy: Policy) -> Iterator[TrustStatement]:
    for _, path, data in statement_items(policy.document):
        yield _statement(policy, policy.pointer.child(*path), data)


def _statement(policy: Policy, pointer: Pointer, data: dict[str, Any]) -> TrustStatement:
    statement = TrustStatement(policy=policy, pointer=pointer, data=data, effect=data.get("Effect"))
    doc, path = pointer.doc, pointer.path
    _read_principal(statement, data.get("Principal"), doc, (*path, "Principal"))
    if "Action" in data:
        statement.actions = _refs(ActionRef, data["Action"], doc, (*path, "Action"))
    condition = data.get("Condition")
    if isinstance(condition, dict):
        statement.conditions = list(_condition_entries(condition, doc, (*path, "Condition")))
    return statement


def _read_principal(
    statement: TrustStatement, principal: Any, doc: Any, path: tuple[Any, ...]
) -> None:
    if principal == "*":
        statement.principal_star = True
        return
    if not isinstance(principal, dict):
        return
    for name, target in (
        ("AWS", statement.aws),
        ("Service", statement.services),
        ("Federated", statement.federated),
    ):
        if name in principal:
            target.extend(_refs(PrincipalRef, principal[name], doc, (*path, name)))
    statement.principal_star = any(ref.text == "*" for ref in statement.aws)


def _condition_entries(
    condition: dict[str, Any], doc: Any, path: tuple[Any, ...]
) -> Iterator[ConditionEntry]:
    for operator, block in condition.items():
        if not isinstance(operator, str) or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if not isinstance(key, str):
                continue
            where = (*path, operator, key)
            values = tuple(_refs(ValueRef, value, doc, where))
            yield ConditionEntry(
                operator=operator, key=key, values=values, pointer=Pointer(doc, where)
            )


_Ref = TypeVar("_Ref", bound=ValueRef)


def _refs(kind: type[_Ref], value: Any, doc: Any, path: tuple[Any, ...]) -> list[_Ref]:
    """One reference per item of a list, or one for a scalar."""
    if isinstance(value, list):
        return [kind(item, doc, (*path, index)) for index, item in enumerate(value)]
    return [kind(value, doc, path)]


# --- OIDC issuers ---------------------------------------------------------------


@record(frozen=True)
class IssuerKey:
    """A condition key `<issuer>:<claim>` as written, and what is wrong with its shape."""

    key: str
    issuer: str  # normalised: no scheme, no ARN prefix, no trailing slash
    claim: str  # "" when the key has none
    scheme: str = ""  # "https://" when written with one
    arn_prefix: str = ""  # "arn:aws:iam::...:oidc-provider/" when written as a provider ARN
    trailing_slash: bool = False

    @property
    def well_formed(self) -> bool:
        return not (self.scheme or self.arn_prefix or self.trailing_slash) and bool(self.claim)

    @property
    def claim_lower(self) -> str:
        return self.claim.lower()

    def written(self, claim: str) -> str:
        """The key as it should be written with `claim`."""
        return f"{self.issuer}:{claim}"


@lru_cache(maxsize=4096)
def parse_issuer_key(key: str) -> IssuerKey | None:
    """The OIDC issuer key `key`, or None for global/service keys (`aws:...`, `sts:...`).
    (Cached: a run has a few distinct keys, read by many rules.)"""
    text = key.strip()
    scheme_match = _SCHEME.match(text)
    scheme = scheme_match.group(0) if scheme_match else ""
    rest = text[len(scheme) :]
    arn_prefix = ""
    arn = parse_arn(rest) if rest.startswith("arn:") else None
    if arn is not None and arn.service == "iam" and arn.resource_type == "oidc-provider":
        arn_prefix = rest[: len(rest) - len(arn.resource_id)]
        rest = arn.resource_id
    issuer, claim = _split_claim(rest)
    if not scheme and not arn_prefix and not _looks_like_host(issuer):
        return None
    trailing = issuer.endswith("/")
    return IssuerKey(
        key=key,
        issuer=issuer.rstrip("/"),
        claim=claim,
        scheme=scheme,
        arn_prefix=arn_prefix,
        trailing_slash=trailing,
    )


def _split_claim(text: str) -> tuple[str, str]:
    """`host/path:claim` -> (host/path, claim); no claim when the tail looks like a path."""
    head, sep, tail = text.rpartition(":")
    if not sep or "/" in tail or "." in tail:
        return text, ""
    return head, tail


def _looks_like_host(issuer: str) -> bool:
    host = issuer.split("/", 1)[0]
    return "." in host and not host.startswith(".")


def provider_issuer(federated: str) -> str | None:
    """`arn:aws:iam::123456789012:oidc-provider/<issuer>` -> `<issuer>` (no scheme)."""
    parts = oidc_provider_arn_parts(federated)
    return normalise_issuer(parts[2]) if parts else None


def is_eks_issuer(issuer: str) -> bool:
    return eks_oidc_issuer_parts(issuer) is not None


def eks_issuer_parts(issuer: str) -> tuple[str, str] | None:
    """(region, cluster ID) of an EKS issuer; None for other issuers."""
    return eks_oidc_issuer_parts(issuer)


def irsa_issuers(model: Model, config: Config) -> set[str]:
    """Issuers known to belong to EKS clusters from the inputs or the configuration.
    (Computed once per run: it is asked for every trust policy.)"""

    def build() -> frozenset[str]:
        found = {c.issuer for c in model.clusters if c.issuer}
        found |= {c.oidc_issuer for c in config.clusters if c.oidc_issuer}
        return frozenset(normalise_issuer(issuer).lower() for issuer in found)

    return set(model.memo(f"irsa-issuers-{id(config)}", build))


def is_irsa_issuer(issuer: str, extra: Iterable[str] = ()) -> bool:
    return is_eks_issuer(issuer) or issuer.lower() in extra


def statement_oidc_issuers(statement: TrustStatement) -> list[tuple[str, PrincipalRef]]:
    """(issuer, principal) for every `oidc-provider/` ARN among the Federated principals."""
    found = []
    for ref in statement.federated:
        issuer = provider_issuer(ref.text) if ref.text else None
        if issuer:
            found.append((issuer, ref))
    return found


@record(frozen=True)
class IrsaStatement:
    """An Allow statement trusting at least one EKS (IRSA) OIDC provider."""

    policy: Policy
    statement: TrustStatement
    providers: tuple[tuple[str, PrincipalRef], ...]  # (issuer, Federated principal)

    @property
    def issuers(self) -> set[str]:
        return {issuer.lower() for issuer, _ in self.providers}

    def issuer_entries(self) -> list[tuple[IssuerKey, ConditionEntry]]:
        return issuer_entries(self.statement)


def missing_claim_target(irsa: IrsaStatement) -> Pointer:
    """Where to report a missing condition: the `Condition` key, else the principal."""
    condition = irsa.statement.condition_pointer
    return condition.at_key() if condition is not None else irsa.providers[0][1].pointer


def irsa_statements(model: Model, config: Config) -> Iterator[IrsaStatement]:
    """(Found once per run: a dozen T and I rules ask.)"""
    found: tuple[IrsaStatement, ...] = model.memo(
        f"irsa-statements-{id(config)}", lambda: tuple(_irsa_statements(model, config))
    )
    return iter(found)


def _irsa_statements(model: Model, config: Config) -> Iterator[IrsaStatement]:
    extra = irsa_issuers(model, config)
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            if not statement.allow:
                continue
            providers = tuple(
                (issuer, ref)
                for issuer, ref in statement_oidc_issuers(statement)
                if is_irsa_issuer(issuer, extra)
            )
            if providers:
                yield IrsaStatement(policy, statement, providers)


def issuer_entries(statement: TrustStatement) -> list[tuple[IssuerKey, ConditionEntry]]:
    """Condition entries whose key names an OIDC issuer, with the parsed key."""
    found = []
    for entry in statement.conditions:
        parsed = parse_issuer_key(entry.key)
        if parsed is not None:
            found.append((parsed, entry))
    return found


def irsa_key_entries(
    model: Model, config: Config
) -> Iterator[tuple[Policy, TrustStatement, IssuerKey, ConditionEntry]]:
    """Every condition entry, in any trust statement, whose key names an IRSA issuer.
    (Found once per run.)"""
    found: tuple[tuple[Policy, TrustStatement, IssuerKey, ConditionEntry], ...] = model.memo(
        f"irsa-key-entries-{id(config)}", lambda: tuple(_irsa_key_entries(model, config))
    )
    return iter(found)


def _irsa_key_entries(
    model: Model, config: Config
) -> Iterator[tuple[Policy, TrustStatement, IssuerKey, ConditionEntry]]:
    extra = irsa_issuers(model, config)
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            for parsed, entry in issuer_entries(statement):
                if is_irsa_issuer(parsed.issuer, extra):
                    yield policy, statement, parsed, entry


# --- small helpers ----------------------------------------------------------------


def is_web_identity_principal(federated: str) -> bool:
    """An OIDC provider ARN or a built-in web-identity provider (Cognito, Google...)."""
    text = federated.strip()
    return provider_issuer(text) is not None or text.lower() in WEB_IDENTITY_BUILTINS


def is_saml_principal(federated: str) -> bool:
    return ":saml-provider/" in federated.lower()


def expected_assume_actions(statement: TrustStatement) -> list[str]:
    """The STS actions the statement's principal uses to assume a role."""
    federated = [ref.text for ref in statement.federated if ref.text]
    if any(is_saml_principal(f) for f in federated):
        return ["sts:AssumeRoleWithSAML"]
    if federated:
        return ["sts:AssumeRoleWithWebIdentity"]
    if POD_IDENTITY in statement.service_texts():
        return ["sts:AssumeRole", "sts:TagSession"]
    return ["sts:AssumeRole"]


def code_list(items: Iterable[str]) -> str:
    """`a`, `a` and `b`, `a`, `b` and `c`."""
    quoted = [f"`{item}`" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def has_placeholder(value: Any) -> bool:
    """True for unresolved values (placeholders, CFN intrinsics as mappings)."""
    return not isinstance(value, str) or contains_placeholder(value)
