"""IRSA cross-reference analysis shared by the I rules, K003, K010 and T018: registers no rule.

A `Binding` is one ServiceAccount whose `eks.amazonaws.com/role-arn` annotation names a role
defined in the inputs. `bindings(model, config)` judges each one once per run (cached with
`Model.memo`): does the role's trust policy admit the service account's token?

How a trust is read (`trust_view`): every Allow statement is
- a *candidate* when it trusts a Kubernetes OIDC provider: an EKS issuer, an issuer of a
  cluster in the inputs or the config, or another issuer whose `:sub` values are
  `system:serviceaccount:...` subjects (a self-managed cluster);
- *undecidable* when its principal cannot be read (placeholder, unresolved intrinsic,
  a provider ARN that is not one, `"Principal": "*"`, `NotPrincipal`), or it trusts an
  unknown issuer without any `:sub` condition;
- *other* otherwise (services, accounts, GitHub Actions and other CI issuers).
An undecidable statement might admit the token, so no "does not trust" verdict is drawn
from a trust that has one.

How a candidate is judged (`Judged`): each `:sub` and `:aud` condition entry is evaluated
with IAM semantics (`iamlint.iam.conditions.evaluate_condition`: StringEquals literal,
StringLike globs, values case-sensitive, several values OR-ed, negated operators
excluding, set qualifiers, placeholders unknown) against the token's subject
`system:serviceaccount:<ns>:<name>` and audience. Condition keys are matched by their
claim; a key written with `https://`, a trailing slash or another issuer still counts as
that claim (T005/T006 report its shape, so one mistake is reported once). A statement
without `:sub` admits every service account (T003's business).

Verdicts, in the order they are decided:
`OVERRIDDEN` (a Pod Identity association targets the same service account: K010),
`UNKNOWN`, `NO_WEB_IDENTITY` (I001), `WRONG_CLUSTER` (I002), `SUBJECT` (I001),
`SHARED` (I007: another service account annotated with the role is admitted),
`AUDIENCE` (I003, the trust's `:aud`), `CLIENT_ID` (I003, the provider's client IDs),
`TRUSTED`.

Also here: `trust_editable(role)` (which side a finding points at), `association_for`,
`cluster_issuer`, `note_unresolved(model, config)` (X006 notes, called by `iamlint.link`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from iamlint.config import Config
from iamlint.iam.arn import normalise_issuer, oidc_provider_arn_parts
from iamlint.iam.conditions import (
    FALSE,
    TRUE,
    TriState,
    evaluate_condition,
    parse_operator,
    tri_all,
)
from iamlint.load.document import Pointer
from iamlint.model import (
    IRSA_ROLE,
    Cluster,
    Model,
    OidcProvider,
    PodIdentityAssociation,
    Policy,
    Role,
    RoleUse,
    ServiceAccount,
    Unresolved,
    Workload,
)
from iamlint.placeholders import contains_placeholder
from iamlint.record import field, record
from iamlint.rules.t._trust import (
    POD_IDENTITY,
    WEB_IDENTITY_BUILTINS,
    ConditionEntry,
    PrincipalRef,
    TrustStatement,
    irsa_issuers,
    is_irsa_issuer,
    is_saml_principal,
    issuer_entries,
    provider_issuer,
    trust_statements,
)

SUBJECT_PREFIX = "system:serviceaccount:"
DEFAULT_AUDIENCE = "sts.amazonaws.com"
NOT_EDITABLE_ORIGINS = ("cli", "live")  # snapshots: the user edits the IaC or the manifest

OVERRIDDEN = "overridden"
UNKNOWN = "unknown"
NO_WEB_IDENTITY = "no-web-identity"
WRONG_CLUSTER = "wrong-cluster"
SUBJECT = "subject"
SHARED = "shared"
AUDIENCE = "audience"
CLIENT_ID = "client-id"
TRUSTED = "trusted"


@record(frozen=True)
class Candidate:
    """An Allow statement trusting a Kubernetes OIDC provider."""

    statement: TrustStatement
    providers: tuple[tuple[str, PrincipalRef], ...]  # (issuer as written, Federated value)

    @property
    def issuers(self) -> set[str]:
        return {issuer.lower() for issuer, _ in self.providers}

    @property
    def concrete(self) -> bool:
        """Every provider's issuer is a real value (no placeholder)."""
        return not any(contains_placeholder(issuer) for issuer, _ in self.providers)


@record
class TrustView:
    policy: Policy
    candidates: list[Candidate] = field(default_factory=list)
    undecidable: bool = False
    others: list[str] = field(default_factory=list)  # other principals, for messages
    pod_identity: list[tuple[TrustStatement, PrincipalRef]] = field(default_factory=list)


@record
class Judged:
    """One candidate statement judged for one service account's token."""

    candidate: Candidate
    sub: TriState
    sub_results: list[tuple[ConditionEntry, TriState]]
    aud: TriState
    aud_results: list[tuple[ConditionEntry, TriState]]

    @property
    def statement(self) -> TrustStatement:
        return self.candidate.statement


@record
class Binding:
    sa: ServiceAccount
    use: RoleUse
    role: Role
    verdict: str = UNKNOWN
    view: TrustView | None = None
    cluster: Cluster | None = None
    association: PodIdentityAssociation | None = None
    judged: list[Judged] = field(default_factory=list)
    provider: OidcProvider | None = None  # CLIENT_ID: the provider lacking the audience

    @property
    def annotation(self) -> Pointer:
        return self.use.pointer

    @property
    def admitted(self) -> bool:
        """Some statement's `:sub` condition certainly admits this service account."""
        return any(j.sub is TRUE for j in self.judged)


# --- reading trust policies --------------------------------------------------------


def trust_view(model: Model, config: Config, policy: Policy) -> TrustView:
    views: dict[int, TrustView] = model.memo("irsa-trust-views", dict)
    view = views.get(id(policy))
    if view is None:
        view = _read_trust(model, policy, irsa_issuers(model, config))
        views[id(policy)] = view
    return view


def _read_trust(model: Model, policy: Policy, extra: set[str]) -> TrustView:
    view = TrustView(policy)
    for statement in trust_statements(policy):
        if statement.allow:
            _classify(model, view, statement, extra)
    return view


def _classify(model: Model, view: TrustView, statement: TrustStatement, extra: set[str]) -> None:
    if statement.principal_star or "NotPrincipal" in statement.data:
        view.undecidable = True
        return
    view.others += [ref.text for ref in (*statement.services, *statement.aws) if ref.text]
    view.pod_identity += [
        (statement, ref) for ref in statement.services if ref.text.lower() == POD_IDENTITY
    ]
    providers = []
    for ref in statement.federated:
        issuer = _federated_issuer(model, ref)
        if issuer is not None:
            providers.append((issuer, ref))
        elif ref.text and (is_saml_principal(ref.text) or ref.text in WEB_IDENTITY_BUILTINS):
            view.others.append(ref.text)
        else:
            view.undecidable = True  # an intrinsic, a placeholder, an IaC id, a broken ARN
    kubernetes = []
    for issuer, ref in providers:
        if _kubernetes_issuer(issuer, statement, extra):
            kubernetes.append((issuer, ref))
        elif _sub_entries(statement):
            view.others.append(issuer)  # GitHub Actions, GitLab...: out of scope
        else:
            view.undecidable = True  # an unknown issuer admitting any subject
    if kubernetes:
        view.candidates.append(Candidate(statement, tuple(kubernetes)))


def _federated_issuer(model: Model, ref: PrincipalRef) -> str | None:
    """The issuer a `Federated` value names: an `oidc-provider/` ARN, or a provider the same
    template defines (`!GetAtt Provider.Arn`, `!Ref Provider`: its IaC identity)."""
    identity = ref.text or _template_reference(ref)
    if not identity:
        return None
    issuer = provider_issuer(identity)
    if issuer is None:
        found = model.index("providers_by_arn").get(identity.lower(), [])
        issuer = found[-1].url if found and found[-1].url else None
    return issuer


def _template_reference(ref: PrincipalRef) -> str:
    """`cfn:<file>#<LogicalId>` for `{"Fn::GetAtt": [id, "Arn"]}` / `{"Ref": id}`."""
    value = ref.value
    if not isinstance(value, dict) or len(value) != 1:
        return ""
    target = value.get("Ref")
    attribute = value.get("Fn::GetAtt")
    if isinstance(attribute, str) and attribute.endswith(".Arn"):
        target = attribute[: -len(".Arn")]
    elif isinstance(attribute, list) and len(attribute) == 2 and attribute[1] == "Arn":
        target = attribute[0]
    if not isinstance(target, str):
        return ""
    from iamlint.sources.cloudformation import synthetic_id

    return synthetic_id(ref.pointer.file, target)


def _kubernetes_issuer(issuer: str, statement: TrustStatement, extra: set[str]) -> bool:
    if is_irsa_issuer(issuer, extra) or contains_placeholder(issuer):
        return True
    values = [
        value for entry in _sub_entries(statement) for value, _ in entry.texts()
    ]
    return any(value.strip().lower().startswith("system:serviceaccount") for value in values)


def _sub_entries(statement: TrustStatement) -> list[ConditionEntry]:
    return [e for parsed, e in issuer_entries(statement) if parsed.claim_lower == "sub"]


def trust_editable(role: Role) -> bool:
    """The trust is in a file the user edits (IaC, a policy file), not a CLI snapshot."""
    trust = role.trust
    return trust is not None and trust.origin not in NOT_EDITABLE_ORIGINS and (
        role.origin not in NOT_EDITABLE_ORIGINS
    )


# --- judging -----------------------------------------------------------------------


def judge(candidate: Candidate, subject: str, audience: str) -> Judged:
    subs: list[tuple[ConditionEntry, TriState]] = []
    auds: list[tuple[ConditionEntry, TriState]] = []
    for parsed, entry in issuer_entries(candidate.statement):
        if parsed.claim_lower == "sub":
            subs.append((entry, evaluate_entry(entry, subject)))
        elif parsed.claim_lower == "aud":
            auds.append((entry, evaluate_entry(entry, audience)))
    return Judged(
        candidate,
        sub=tri_all(result for _, result in subs),
        sub_results=subs,
        aud=tri_all(result for _, result in auds),
        aud_results=auds,
    )


def evaluate_entry(entry: ConditionEntry, value: str) -> TriState:
    """One condition entry against the token's claim value (the key is present)."""
    written = entry.pointer.value
    if _plain_string_equals(entry.operator, written):  # most trusts: a shortcut, same answer
        return TRUE if value in (written if isinstance(written, list) else (written,)) else FALSE
    block = {entry.operator: {entry.key: written}}
    return evaluate_condition(block, {entry.key: value})


def _plain_string_equals(operator: str, written: Any) -> bool:
    """`StringEquals` (no set qualifier, no `IfExists`) with literal strings only: no policy
    variable and no placeholder, so the answer is plain string equality."""
    parsed = parse_operator(operator)
    if parsed is None or parsed.base != "StringEquals" or parsed.set_qualifier:
        return False
    if parsed.if_exists or parsed.negated:
        return False
    values = written if isinstance(written, list) else (written,)
    return bool(values) and all(
        isinstance(v, str) and "${" not in v and not contains_placeholder(v) for v in values
    )


def bindings(model: Model, config: Config) -> list[Binding]:
    return model.memo("irsa-bindings", lambda: _build_bindings(model, config))  # type: ignore[no-any-return]


def _build_bindings(model: Model, config: Config) -> list[Binding]:
    found = []
    for use in model.role_uses:
        owner = use.owner
        if use.usage == IRSA_ROLE and use.role is not None and isinstance(owner, ServiceAccount):
            binding = Binding(sa=use.owner, use=use, role=use.role)
            _decide(model, config, binding)
            found.append(binding)
    _mark_shared(found)
    return found


def _decide(model: Model, config: Config, binding: Binding) -> None:
    sa, role = binding.sa, binding.role
    binding.association = association_for(model, sa)
    binding.cluster = cluster_of(model, sa)
    if binding.association is not None:
        binding.verdict = OVERRIDDEN
        return
    if role.trust is None:
        return
    view = binding.view = trust_view(model, config, role.trust)
    if not view.candidates:
        binding.verdict = UNKNOWN if view.undecidable else NO_WEB_IDENTITY
        return
    candidates = _in_cluster(view.candidates, cluster_issuer(binding.cluster))
    if not candidates:
        binding.verdict = UNKNOWN if view.undecidable else WRONG_CLUSTER
        return
    binding.judged = [judge(c, sa.subject, sa.audience) for c in candidates]
    binding.verdict = _verdict(model, binding, view.undecidable)


def _in_cluster(candidates: list[Candidate], issuer: str | None) -> list[Candidate]:
    if issuer is None:
        return candidates
    return [c for c in candidates if issuer in c.issuers or not c.concrete]


def _verdict(model: Model, binding: Binding, undecidable: bool) -> str:
    judged = binding.judged
    if all(j.sub is FALSE for j in judged):
        return UNKNOWN if undecidable else SUBJECT
    passing = [j for j in judged if j.sub is not FALSE]
    if all(j.aud is FALSE for j in passing):
        return UNKNOWN if undecidable else AUDIENCE
    passing = [j for j in passing if j.aud is not FALSE]
    lacking = [_provider_lacking(model, j, binding.sa.audience) for j in passing]
    if not undecidable and lacking and all(p is not None for p in lacking):
        binding.provider = lacking[0]
        return CLIENT_ID
    return TRUSTED if any(j.sub is TRUE and j.aud is TRUE for j in passing) else UNKNOWN


def _provider_lacking(model: Model, judged: Judged, audience: str) -> OidcProvider | None:
    """The provider of the statement, when the inputs list its client IDs without `audience`."""
    lacking = None
    for issuer, ref in judged.candidate.providers:
        provider = provider_for(model, ref.text, issuer)
        if provider is None or not provider.client_ids_known or audience in provider.client_ids:
            return None
        lacking = lacking or provider
    return lacking


def provider_for(model: Model, arn: str, issuer: str) -> OidcProvider | None:
    """The provider in the inputs that a `Federated` ARN names (by issuer; by account when
    both sides know it)."""
    parts = oidc_provider_arn_parts(arn)
    account = parts[1] if parts else ""
    found: list[OidcProvider] = model.index("providers_by_url").get(
        normalise_issuer(issuer).lower(), []
    )
    for provider in reversed(found):
        if not provider.account or not account or provider.account == account:
            return provider
    return None


def _mark_shared(found: list[Binding]) -> None:
    """I007: a role annotated on several service accounts whose trust admits some of them."""
    by_role: dict[int, list[Binding]] = defaultdict(list)
    for binding in found:
        by_role[id(binding.role)].append(binding)
    for group in by_role.values():
        admitted = {b.sa.subject for b in group if b.admitted}
        for binding in group:
            if binding.verdict == SUBJECT and admitted - {binding.sa.subject}:
                binding.verdict = SHARED


def bindings_of_role(model: Model, config: Config, role: Role) -> list[Binding]:
    return [b for b in bindings(model, config) if b.role is role]


# --- service accounts, associations, clusters ----------------------------------------


def association_for(model: Model, sa: ServiceAccount) -> PodIdentityAssociation | None:
    by_subject: dict[tuple[str, str], list[PodIdentityAssociation]] = model.memo(
        "pod-identity-by-subject", lambda: _associations_by_subject(model)
    )
    for association in by_subject.get((sa.namespace, sa.name), []):
        if same_cluster(association.cluster, sa.cluster):
            return association
    return None


def _associations_by_subject(model: Model) -> dict[tuple[str, str], list[PodIdentityAssociation]]:
    grouped: dict[tuple[str, str], list[PodIdentityAssociation]] = defaultdict(list)
    for association in model.pod_identity_associations:
        grouped[(association.namespace, association.service_account)].append(association)
    return dict(grouped)


def same_cluster(a: str, b: str) -> bool:
    """Two cluster references that may be the same cluster (unknown matches anything)."""
    return not a or not b or a == b


def cluster_of(model: Model, sa: ServiceAccount) -> Cluster | None:
    if not sa.cluster:
        return None
    found: list[Cluster] = model.index("clusters_by_name").get(sa.cluster, [])
    with_issuer = [c for c in found if c.issuer]
    chosen = with_issuer or found
    return chosen[-1] if chosen else None


def cluster_issuer(cluster: Cluster | None) -> str | None:
    """The cluster's issuer (lowercase, no scheme) when known and real."""
    if cluster is None or not cluster.issuer or contains_placeholder(cluster.issuer):
        return None
    return normalise_issuer(cluster.issuer).lower()


def clusters_with_issuer(model: Model, issuer: str) -> list[Cluster]:
    by_issuer: dict[str, list[Cluster]] = model.memo(
        "clusters-by-issuer", lambda: _clusters_by_issuer(model)
    )
    return list(by_issuer.get(issuer.lower(), []))


def _clusters_by_issuer(model: Model) -> dict[str, list[Cluster]]:
    grouped: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in model.clusters:
        issuer = cluster_issuer(cluster)
        if issuer is not None:
            grouped[issuer].append(cluster)
    return dict(grouped)


def role_name(role: Role) -> str:
    return role.name or role.label


def namespace_note(sa_namespace_explicit: bool, namespace: str) -> str:
    """The hint added when the namespace a finding depends on was assumed."""
    if sa_namespace_explicit:
        return ""
    return (
        f" (namespace `{namespace}` assumed: the manifest has none; pass --default-namespace "
        "if it is deployed elsewhere)"
    )


# --- X006 notes (called by iamlint.link) -------------------------------------------


def note_unresolved(model: Model, config: Config) -> None:
    """X006, once per missing object, for the IRSA checks that could not run."""
    found = bindings(model, config)
    notes: dict[str, Unresolved] = {}
    for binding in found:
        if binding.verdict == OVERRIDDEN or binding.view is None or not binding.view.candidates:
            continue
        _note_cluster(model, binding, notes)
        _note_providers(model, binding, notes)
    _note_missing_service_accounts(model, notes)
    model.unresolved.extend(notes.values())


def _note_cluster(model: Model, binding: Binding, notes: dict[str, Unresolved]) -> None:
    if cluster_issuer(binding.cluster) is not None:
        return
    cluster = binding.cluster
    if cluster is not None and cluster.origin in ("cloudformation", "terraform"):
        return  # the template's own X008 note says the issuer is known only after deploy
    if cluster is not None:
        key = f"cluster:{cluster.name}"
        message = (
            f"cluster `{cluster.name}` has no known OIDC issuer: whether the roles of its "
            "ServiceAccounts trust its OIDC provider (I002) was not checked; declare "
            f"`oidc_issuer` for it under `clusters:` in the config, or scan "
            f"`aws eks describe-cluster --name {cluster.name}` output"
        )
    else:
        key = "cluster:"
        if key in notes:
            return  # noted once; listing the clusters again per ServiceAccount is quadratic
        names = sorted({c.name for c in model.clusters})
        which = f"the inputs hold several clusters ({', '.join(names)})" if names else (
            "no cluster is in the inputs"
        )
        message = (
            f"the cluster the ServiceAccounts run in is not known ({which}): whether their "
            "roles trust its OIDC provider (I002) was not checked; pass --cluster NAME and "
            "declare it under `clusters:` in the config (name, oidc_issuer), or scan "
            "`aws eks describe-cluster` output"
        )
    notes.setdefault(key, Unresolved("X006", binding.annotation, message, resource=key))


def _note_providers(model: Model, binding: Binding, notes: dict[str, Unresolved]) -> None:
    """Providers of the statements judged for the ServiceAccount (its cluster's, if known)."""
    for judged in binding.judged:
        for issuer, ref in judged.candidate.providers:
            if not ref.text or contains_placeholder(ref.text):
                continue  # a template's own provider is in the inputs by construction
            if provider_for(model, ref.text, issuer) is not None:
                continue
            key = f"provider:{ref.text.lower()}"
            message = (
                f"OIDC provider `{ref.text}` is not in the scanned inputs: whether it accepts "
                "the ServiceAccounts' audience (I003) and is registered in the role's account "
                "(I004) was not checked; scan `aws iam list-open-id-connect-providers` and "
                "`get-open-id-connect-provider` output or the IaC that creates it"
            )
            notes.setdefault(key, Unresolved("X006", ref.pointer, message, resource=ref.text))


def _note_missing_service_accounts(model: Model, notes: dict[str, Unresolved]) -> None:
    for workload, pointer in workloads_naming_service_accounts(model):
        namespace, name = workload.namespace, workload.service_account_name
        if service_account_scope(model, workload) or contains_placeholder(name):
            continue  # defined, or K003 decides
        key = f"serviceaccount:{namespace}/{name}"
        scope = (
            f"none of namespace `{namespace}`'s are"
            if workload.namespace_explicit
            else f"none of its directory's are; namespace `{namespace}` assumed"
        )
        message = (
            f"ServiceAccount {namespace}/{name} is not in the scanned manifests ({scope}): "
            "whether it exists (K003) and the IAM role it names were not checked; scan the "
            "manifest that defines it"
        )
        notes.setdefault(key, Unresolved("X006", pointer, message, resource=key))


def service_account_scope(model: Model, workload: Workload) -> list[ServiceAccount]:
    """The scanned ServiceAccounts that show the scan holds the workload's namespace.

    A manifest without a namespace is deployed wherever `-n`, Helm or Kustomize put it, so
    for such a workload only ServiceAccounts from its own directory (a chart, a
    kustomization) count: namespace-less manifests of other directories may well be
    deployed to other namespaces."""
    if workload.namespace_explicit:
        return model.service_accounts_in(workload.namespace)
    by_folder: dict[tuple[str, str], list[ServiceAccount]] = model.memo(
        "sa-by-namespace-and-directory", lambda: _by_namespace_and_directory(model)
    )
    return by_folder.get((workload.namespace, _directory(workload.pointer.file)), [])


def _by_namespace_and_directory(model: Model) -> dict[tuple[str, str], list[ServiceAccount]]:
    grouped: dict[tuple[str, str], list[ServiceAccount]] = defaultdict(list)
    for sa in model.service_accounts:
        if sa.namespace:  # as `service_accounts_in`
            grouped[(sa.namespace, _directory(sa.pointer.file))].append(sa)
    return dict(grouped)


def _directory(path: str) -> str:
    return path.replace("\\", "/").rpartition("/")[0]


def workloads_naming_service_accounts(model: Model) -> Iterator[tuple[Workload, Pointer]]:
    """(workload, the `serviceAccountName` value) for workloads naming a non-default one."""
    for workload in model.workloads:
        spec = workload.pod_spec
        if spec is None or not workload.service_account_explicit:
            continue
        if workload.service_account_name == "default":
            continue
        data = spec.value if isinstance(spec.value, dict) else {}
        key = "serviceAccountName" if data.get("serviceAccountName") else "serviceAccount"
        yield workload, spec.child(key)
