"""`iamlint check PATHS --aws`: read from the live account what the files reference but do
not define, and nothing else.

This is the pull-request check: "does the role my chart points at trust my service
account in the real account?". `references_in(model, config)` lists, from the model the
files build:
- roles named by ARN (ServiceAccount annotations, Pod Identity associations, node groups,
  Fargate profiles, task definitions) that no file defines;
- OIDC providers named by the trust policies (of the files, then of the roles read);
- repository policies of the private ECR images the workloads and task definitions run;
- clusters named (`--cluster`, config `clusters:`, node groups...) without a known issuer.
`read_references` reads them by name (`iam:GetRole` + the role's inline and attached
policies, `iam:GetPolicy`/`GetPolicyVersion` for customer managed ones, AWS managed ones
being shipped; `iam:ListOpenIDConnectProviders` + `GetOpenIDConnectProvider`;
`ecr:GetRepositoryPolicy`; `eks:DescribeCluster`) into the documents `aws iam get-role`
and friends print. Objects of another account than the caller's are not read (X006
stays); a role that `GetRole` does not find is recorded as absent (I006).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from iamlint.config import Config
from iamlint.model import TRUST, Model
from iamlint.record import field, record
from iamlint.sources.aws_live import (
    ABSENT,
    MAX_WORKERS,
    LiveRead,
    LiveReader,
    make_session,
)
from iamlint.sources.refs import account_of


@record
class References:
    """What the files name but do not define."""

    roles: set[str] = field(default_factory=set)  # role ARNs as written
    providers: set[str] = field(default_factory=set)  # OIDC provider ARNs
    known_issuers: set[str] = field(default_factory=set)  # providers the files define (url)
    repositories: set[tuple[str, str, str]] = field(default_factory=set)  # account, region, name
    clusters: set[tuple[str, str, str]] = field(default_factory=set)  # name, region, account

    @property
    def empty(self) -> bool:
        return not (self.roles or self.providers or self.repositories or self.clusters)


def resolve_live(
    paths: Iterable[str],
    config: Config,
    profile: str | None = None,
    regions: Iterable[str] | None = None,
    *,
    session: Any = None,
    clients: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> LiveRead:
    """Build the model of `paths`, then read what it references from the live account."""
    from iamlint.api import build_model

    model = build_model(paths, config)
    return read_references(
        references_in(model), regions, profile, session=session, clients=clients, progress=progress
    )


def read_references(
    refs: References,
    regions: Iterable[str] | None = None,
    profile: str | None = None,
    max_workers: int = MAX_WORKERS,
    *,
    session: Any = None,
    clients: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> LiveRead:
    """Read the referenced objects; no call at all when the files reference nothing."""
    if refs.empty:
        return LiveRead(regions=list(regions or [])).finish()
    reader = _Lookup(session or make_session(profile), regions, clients, progress)
    reader.read_identity()
    reader.run(max_workers, reader.read_objects, refs)
    reader.run(max_workers, reader.read_providers, refs)  # the roles read name some
    return reader.result.finish()


# --- what the files reference ----------------------------------------------------------


def references_in(model: Model) -> References:
    refs = References(known_issuers={p.url.lower() for p in model.oidc_providers if p.url})
    refs.roles = set(_missing_roles(model))
    refs.providers = {
        arn for p in model.policies if p.kind == TRUST for arn in federated_providers(p.document)
    } - {p.arn for p in model.oidc_providers}
    refs.providers = {a for a in refs.providers if _issuer(a) not in refs.known_issuers}
    refs.repositories = set(_missing_repositories(model))
    refs.clusters = set(_clusters_without_issuer(model))
    return refs


def _missing_roles(model: Model) -> Iterator[str]:
    from iamlint.iam.arn import role_arn_parts
    from iamlint.placeholders import contains_placeholder

    for use in model.role_uses:
        arn = use.role_arn.strip()
        parts = role_arn_parts(arn)
        if use.role is not None or parts is None or contains_placeholder(arn):
            continue
        if len(parts[1]) == 12 and parts[1].isdigit():
            yield arn


def federated_providers(document: Any) -> Iterator[str]:
    """The `oidc-provider/` ARNs a trust policy's `Federated` principals name."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        federated = principal.get("Federated") if isinstance(principal, dict) else None
        for value in federated if isinstance(federated, list) else [federated]:
            if isinstance(value, str) and ":oidc-provider/" in value and _concrete(value):
                yield value.strip()


def _issuer(provider_arn: str) -> str:
    return provider_arn.split(":oidc-provider/", 1)[-1].lower()


def _concrete(text: str) -> bool:
    from iamlint.placeholders import contains_placeholder

    return not contains_placeholder(text)


def _missing_repositories(model: Model) -> Iterator[tuple[str, str, str]]:
    from iamlint.iam.arn import parse_ecr_image

    containers = [c for w in model.workloads for c in w.containers]
    containers += [c for t in model.task_definitions for c in t.containers]
    for container in containers:
        image = parse_ecr_image(container.image)
        if image is None or not _concrete(f"{image.account}:{image.region}:{image.repository}"):
            continue
        if not (len(image.account) == 12 and image.account.isdigit()):
            continue
        if not _repository_policy_known(model, image.account, image.region, image.repository):
            yield image.account, image.region, image.repository


def _repository_policy_known(model: Model, account: str, region: str, name: str) -> bool:
    return any(
        r.name == name
        and r.policy is not None
        and r.account in ("", account)
        and r.region in ("", region)
        for r in model.repositories
    )


def _clusters_without_issuer(model: Model) -> Iterator[tuple[str, str, str]]:
    """Clusters the run names (config, `--cluster`) or objects name, with no known issuer."""
    known = {c.name: c for c in model.clusters}
    named = [c.name for c in model.clusters]
    named += [g.cluster for g in model.node_groups] + [p.cluster for p in model.fargate_profiles]
    named += [a.cluster for a in model.pod_identity_associations]
    named += [s.cluster for s in model.service_accounts]
    for name in dict.fromkeys(n for n in named if n and _concrete(n)):
        cluster = known.get(name)
        if cluster is not None and cluster.issuer:
            continue
        region = cluster.region if cluster is not None else ""
        account = cluster.account if cluster is not None else ""
        yield name, region, account


# --- reading them ----------------------------------------------------------------------


class _Lookup(LiveReader):
    def read_objects(self, refs: References) -> None:
        for arn in sorted(refs.roles):
            if account_of(arn) == self.account:
                self.later(lambda arn=arn: self._role(arn))
        for account, region, name in sorted(refs.repositories):
            if account == self.account:
                self.later(lambda region=region, name=name: self._repository_policy(region, name))
        for name, region, account in sorted(refs.clusters):
            if account in ("", self.account):
                self.later(lambda name=name, region=region: self._cluster(name, region))

    # --- roles ------------------------------------------------------------------------

    def _role(self, arn: str) -> None:
        iam = self.client("iam", self.home_region)
        name = arn.rsplit("/", 1)[-1]
        found = self.fetch(iam, "get_role", arn, RoleName=name)
        if found is ABSENT:
            self.result.note_absent(arn)
            return
        role = dict((found or {}).get("Role") or {})
        if not role:
            return
        policies = self._role_policies(iam, arn, name)
        # without the full list the role's permissions stay unknown, never "denied"
        role.update(policies or {})
        self.result.add(role.get("Arn") or arn, {"Role": role})

    def _role_policies(self, iam: Any, arn: str, name: str) -> dict[str, Any] | None:
        """RolePolicyList + AttachedManagedPolicies, as in get-account-authorization-details;
        None when part of it could not be read."""
        names = self.pages(iam, "list_role_policies", "PolicyNames", arn, RoleName=name)
        attached = self.pages(
            iam, "list_attached_role_policies", "AttachedPolicies", arn, RoleName=name
        )
        if names is None or attached is None:
            return None
        inline = []
        for policy_name in names:
            found = self.call(iam, "get_role_policy", arn, RoleName=name, PolicyName=policy_name)
            if found is None:
                return None
            inline.append({"PolicyName": policy_name, "PolicyDocument": found["PolicyDocument"]})
        for item in attached:
            policy_arn = str(item.get("PolicyArn") or "")
            customer = policy_arn and ":iam::aws:policy/" not in policy_arn  # AWS's are shipped
            if customer and self.first_time(policy_arn):
                self.later(lambda policy_arn=policy_arn: self._managed_policy(iam, policy_arn))
        return {"RolePolicyList": inline, "AttachedManagedPolicies": attached}

    def _managed_policy(self, iam: Any, arn: str) -> None:
        policy = (self.call(iam, "get_policy", arn, PolicyArn=arn) or {}).get("Policy")
        if not policy or not policy.get("DefaultVersionId"):
            return
        version = self.call(
            iam, "get_policy_version", arn, PolicyArn=arn, VersionId=policy["DefaultVersionId"]
        )
        document = (version or {}).get("PolicyVersion")
        if document:
            detail = {**policy, "PolicyVersionList": [{**document, "IsDefaultVersion": True}]}
            self.result.add(arn, {"RoleDetailList": [], "Policies": [detail]})

    # --- providers, repositories, clusters -------------------------------------------

    def read_providers(self, refs: References) -> None:
        named = set(refs.providers)
        for document in self.result.documents:
            role = document.data.get("Role")
            if isinstance(role, dict):
                named.update(federated_providers(role.get("AssumeRolePolicyDocument")))
        wanted = {
            a.lower()
            for a in named
            if account_of(a) == self.account and _issuer(a) not in refs.known_issuers
        }
        if not wanted:
            return
        iam = self.client("iam", self.home_region)
        listed = self.call(iam, "list_open_id_connect_providers", self.where("iam"))
        if listed is None:
            return
        # the complete list: a provider missing from it is not registered (I004)
        self.result.add(self.where("iam", "oidc-providers"), listed)
        for item in listed.get("OpenIDConnectProviderList") or []:
            arn = str(item.get("Arn") or "")
            if arn.lower() in wanted:
                self.later(lambda arn=arn: self._provider(iam, arn))

    def _provider(self, iam: Any, arn: str) -> None:
        found = self.call(iam, "get_open_id_connect_provider", arn, OpenIDConnectProviderArn=arn)
        if found is not None:
            self.result.add(arn, found)

    def _repository_policy(self, region: str, name: str) -> None:
        from iamlint.iam.arn import partition_for_region

        ecr = self.client("ecr", region)
        arn = f"arn:{partition_for_region(region)}:ecr:{region}:{self.account}:repository/{name}"
        found = self.call(
            ecr, "get_repository_policy", arn, registryId=self.account, repositoryName=name
        )
        if found is not None and found.get("policyText"):
            self.result.add(arn, found)

    def _cluster(self, name: str, region: str) -> None:
        region = region or self.home_region
        eks = self.client("eks", region)
        found = self.call(eks, "describe_cluster", self.where(region, "eks", name), name=name)
        if found is not None:
            self.result.add(found.get("cluster", {}).get("arn") or name, found)
