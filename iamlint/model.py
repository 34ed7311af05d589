"""The model of one run: every object the inputs describe, each with its Pointer.

Sources (`iamlint/sources/`) fill it; rules read it. Nothing here opens files.
Objects refer to each other by ARN or name; `Model.index()` builds the lookups rules
need so that no rule has to be quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Document, Pointer
from iamlint.record import field, record

# Policy kinds
IDENTITY = "identity"
TRUST = "trust"
RESOURCE = "resource"  # generic resource policy
ECR_REPOSITORY = "ecr-repository"
ECR_REGISTRY = "ecr-registry"
ENDPOINT = "vpc-endpoint"

# Role usages (how the inputs use a role)
NODE_ROLE = "node"
FARGATE_ROLE = "fargate-pod-execution"
ECS_TASK_ROLE = "ecs-task"
ECS_EXECUTION_ROLE = "ecs-task-execution"
IRSA_ROLE = "irsa"
POD_IDENTITY_ROLE = "pod-identity"


_NOT_READ = object()


@record
class Policy:
    """One policy document, wherever it was found."""

    pointer: Pointer  # the document's root mapping
    kind: str  # IDENTITY | TRUST | RESOURCE | ECR_REPOSITORY | ECR_REGISTRY | ENDPOINT
    name: str = ""
    owner: str = ""  # role name/ARN, repository name, ...: for messages
    arn: str = ""  # managed policy ARN
    aws_managed: bool = False
    inferred: bool = False  # kind guessed from content (bare document)
    origin: str = "file"  # file | cli | terraform | cloudformation | live | shipped

    @property
    def document(self) -> Any:
        """The policy's data, looked up once (rules ask for it tens of thousands of times;
        documents do not change after loading). Not a record field: equality ignores it."""
        cached = self.__dict__.get("_document", _NOT_READ)
        if cached is _NOT_READ:
            cached = self.__dict__["_document"] = self.pointer.value
        return cached

    @property
    def label(self) -> str:
        return self.name or self.arn or self.owner or self.pointer.file


@record
class Attachment:
    """A managed policy attached to a role, by ARN."""

    arn: str
    pointer: Pointer


@record
class Role:
    name: str
    pointer: Pointer
    arn: str = ""
    account: str = ""
    path: str = "/"
    trust: Policy | None = None
    inline_policies: list[Policy] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    permissions_boundary: str = ""
    usages: set[str] = field(default_factory=set)
    origin: str = "file"
    # False when the source lists only part of the role's policies (`aws iam get-role`
    # output has none; an IaC policy reference unknown until deploy): permission checks can
    # then prove an allow, never a deny
    permissions_complete: bool = True

    @property
    def label(self) -> str:
        return self.arn or self.name


@record
class OidcProvider:
    arn: str
    url: str  # issuer host/path without https://
    pointer: Pointer
    client_ids: list[str] = field(default_factory=list)
    account: str = ""
    client_ids_known: bool = True  # list-open-id-connect-providers gives ARNs only


@record
class Cluster:
    name: str
    pointer: Pointer
    arn: str = ""
    account: str = ""
    region: str = ""
    issuer: str = ""  # host/path without https://
    authentication_mode: str = ""  # CONFIG_MAP | API_AND_CONFIG_MAP | API
    role_arn: str = ""
    origin: str = "file"  # file | cli | config | terraform | cloudformation | live


@record
class NodeGroup:
    cluster: str
    name: str
    pointer: Pointer
    node_role_arn: str = ""
    role_pointer: Pointer | None = None


@record
class FargateProfile:
    cluster: str
    name: str
    pointer: Pointer
    pod_execution_role_arn: str = ""
    role_pointer: Pointer | None = None
    selectors: list[dict[str, Any]] = field(default_factory=list)


@record
class PodIdentityAssociation:
    cluster: str
    namespace: str
    service_account: str
    role_arn: str
    pointer: Pointer


@record
class AccessEntry:
    cluster: str
    principal_arn: str
    pointer: Pointer
    type: str = "STANDARD"
    username: str = ""
    groups: list[str] = field(default_factory=list)


@record
class AwsAuthMapping:
    """One entry of mapRoles / mapUsers / mapAccounts, as the authenticator reads it."""

    section: str  # mapRoles | mapUsers | mapAccounts
    pointer: Pointer  # the entry inside the embedded document
    arn: str = ""  # rolearn / userarn (account ID for mapAccounts)
    arn_pointer: Pointer | None = None
    username: str | None = None
    groups: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # keys as written


@record
class AwsAuth:
    """The aws-auth ConfigMap (or a lookalike: rules decide)."""

    name: str
    namespace: str | None
    pointer: Pointer  # ConfigMap root
    mappings: list[AwsAuthMapping] = field(default_factory=list)
    sections: dict[str, Pointer] = field(default_factory=dict)  # data key -> its value
    embedded: dict[str, Document | None] = field(default_factory=dict)  # parsed section
    parse_errors: dict[str, Any] = field(default_factory=dict)  # section -> ParseError
    # section -> the parser's error position inside the section text (maps to the outer file)
    parse_error_pointers: dict[str, Pointer] = field(default_factory=dict)
    cluster: str = ""


@record
class ServiceAccount:
    name: str
    namespace: str
    pointer: Pointer
    namespace_explicit: bool = True
    annotations: dict[str, Any] = field(default_factory=dict)
    role_arn: str = ""  # eks.amazonaws.com/role-arn
    audience: str = "sts.amazonaws.com"
    cluster: str = ""
    origin: str = "file"

    @property
    def subject(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    @property
    def label(self) -> str:
        return f"ServiceAccount {self.namespace}/{self.name}"


@record
class Container:
    name: str
    image: str
    pointer: Pointer  # the container mapping
    image_pointer: Pointer | None = None
    # ECS container definitions only (other sources leave the defaults)
    log_driver: str = ""  # logConfiguration.logDriver
    log_driver_pointer: Pointer | None = None
    # what the ECS agent fetches with the task execution role on every launch type:
    # (what, where) for secrets, log secretOptions, repositoryCredentials, environmentFiles
    execution_role_uses: list[tuple[str, Pointer]] = field(default_factory=list)
    init_process_enabled: bool = False  # linuxParameters.initProcessEnabled is true
    linux_parameters_pointer: Pointer | None = None


@record
class Workload:
    kind: str  # Deployment, Pod, ...
    name: str
    namespace: str
    pointer: Pointer
    pod_spec: Pointer | None = None
    service_account_name: str = "default"
    service_account_explicit: bool = False
    namespace_explicit: bool = True
    containers: list[Container] = field(default_factory=list)
    cluster: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


@record
class Kubeconfig:
    pointer: Pointer


@record
class Repository:
    name: str
    pointer: Pointer
    arn: str = ""
    account: str = ""
    region: str = ""
    policy: Policy | None = None


@record
class TaskDefinition:
    family: str
    pointer: Pointer
    task_role_arn: str = ""
    execution_role_arn: str = ""
    containers: list[Container] = field(default_factory=list)
    enable_execute_command: bool = False
    exec_pointer: Pointer | None = None
    arn: str = ""  # taskDefinitionArn (describe-task-definition output)
    revision: str = ""
    # requiresCompatibilities as written (upper case); empty means the EC2 default
    requires_compatibilities: list[str] = field(default_factory=list)


@record
class EcsService:
    """An ECS service, or a run-task / describe-tasks entry: what starts tasks."""

    name: str
    pointer: Pointer
    task_definition: str = ""  # family, family:revision or task definition ARN
    enable_execute_command: bool = False
    kind: str = "service"  # service | run-task | task
    exec_pointer: Pointer | None = None  # the enableExecuteCommand value
    task_definition_pointer: Pointer | None = None


@record
class VpcEndpoint:
    service: str
    pointer: Pointer
    vpc: str = ""
    policy: Policy | None = None


@record
class InstanceProfile:
    """An EC2 instance profile: the role that instances launched with it (nodes) get."""

    name: str
    pointer: Pointer
    arn: str = ""
    roles: list[str] = field(default_factory=list)  # names, ARNs or IaC ids: Model.resolve_role
    origin: str = "file"


@record
class Unresolved:
    """A value unknown until deploy (X008) or a reference not in the inputs (X006)."""

    rule: str  # X006 | X008
    pointer: Pointer
    message: str
    resource: str = ""


@record
class RoleUse:
    """One place in the inputs that makes a role do something (the edge rules check)."""

    usage: str  # NODE_ROLE | FARGATE_ROLE | ECS_TASK_ROLE | ECS_EXECUTION_ROLE | IRSA_ROLE | ...
    role_arn: str  # as written (stripped)
    pointer: Pointer  # where the reference is written
    owner: Any  # the ServiceAccount / NodeGroup / TaskDefinition / ... that refers
    role: Role | None = None  # resolved in the inputs, else None


@record
class Model:
    documents: list[Document] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    managed_policies: list[Policy] = field(default_factory=list)  # customer managed, by ARN
    oidc_providers: list[OidcProvider] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    node_groups: list[NodeGroup] = field(default_factory=list)
    fargate_profiles: list[FargateProfile] = field(default_factory=list)
    pod_identity_associations: list[PodIdentityAssociation] = field(default_factory=list)
    access_entries: list[AccessEntry] = field(default_factory=list)
    aws_auth: list[AwsAuth] = field(default_factory=list)
    service_accounts: list[ServiceAccount] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    kubeconfigs: list[Kubeconfig] = field(default_factory=list)
    repositories: list[Repository] = field(default_factory=list)
    task_definitions: list[TaskDefinition] = field(default_factory=list)
    ecs_services: list[EcsService] = field(default_factory=list)
    vpc_endpoints: list[VpcEndpoint] = field(default_factory=list)
    instance_profiles: list[InstanceProfile] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    role_uses: list[RoleUse] = field(default_factory=list)  # filled by iamlint.link
    # `aws iam get-role-policy` output: (role name, policy), attached to roles by name
    loose_role_policies: list[tuple[str, Policy]] = field(default_factory=list)
    # findings produced while extracting (X003 embedded parse errors, ...)
    extraction_findings: list[Finding] = field(default_factory=list)
    default_namespace: str = "default"
    # accounts whose complete role list / OIDC provider list the inputs hold (an untruncated
    # `get-account-authorization-details`, `list-open-id-connect-providers`, live mode):
    # only there may "does not exist" be concluded (I006, I004)
    complete_role_accounts: set[str] = field(default_factory=set)
    complete_provider_accounts: set[str] = field(default_factory=set)
    # ARNs (lower case) a live lookup found not to exist (`check --aws`: iam:GetRole said
    # NoSuchEntity): "does not exist" is concluded for them too (I006)
    absent_arns: set[str] = field(default_factory=set)
    live_accounts: set[str] = field(default_factory=set)  # accounts live mode read

    _indexes: dict[str, dict[str, list[Any]]] = field(default_factory=dict, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def add_policy(self, policy: Policy) -> Policy:
        self.policies.append(policy)
        return policy

    def index(self, name: str) -> dict[str, list[Any]]:
        """Lookups by key, built once per run on first use."""
        built = self._indexes.get(name)
        if built is None:
            built = _INDEX_BUILDERS[name](self)
            self._indexes[name] = built
        return built

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """A run-wide analysis computed once and shared by the rules that need it."""
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]

    def roles_by_arn(self, arn: str) -> list[Role]:
        return self.index("roles_by_arn").get(arn.lower(), [])

    def roles_by_name(self, name: str) -> list[Role]:
        return self.index("roles_by_name").get(name.lower(), [])

    def resolve_role(self, arn_or_name: str) -> Role | None:
        """The role an ARN (or bare name) refers to, if the inputs define it.

        By ARN first; then by name when the candidate role's ARN (account) is unknown,
        as for IaC roles whose account is only known at deploy time.
        """
        text = arn_or_name.strip()
        exact = self.roles_by_arn(text)
        if exact:
            return exact[-1]
        name = text.rsplit("/", 1)[-1] if text.startswith("arn:") else text
        if text.startswith("arn:") and ":role/" not in text:
            return None
        account = text.split(":")[4] if text.startswith("arn:") and text.count(":") >= 5 else ""
        for role in reversed(self.roles_by_name(name)):
            if not role.arn or not account or role.account in ("", account):
                return role
        return None

    def service_accounts_in(self, namespace: str) -> list[ServiceAccount]:
        return self.index("sa_by_namespace").get(namespace, [])


def _group(items: list[Any], key: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for value in key(item):
            if value:
                grouped[value].append(item)
    return dict(grouped)


_INDEX_BUILDERS = {
    "roles_by_arn": lambda m: _group(m.roles, lambda r: [r.arn.lower()]),
    "roles_by_name": lambda m: _group(m.roles, lambda r: [r.name.lower()]),
    "sa_by_namespace": lambda m: _group(m.service_accounts, lambda s: [s.namespace]),
    "sa_by_subject": lambda m: _group(m.service_accounts, lambda s: [s.subject]),
    "providers_by_url": lambda m: _group(m.oidc_providers, lambda p: [p.url.lower()]),
    "providers_by_arn": lambda m: _group(m.oidc_providers, lambda p: [p.arn.lower()]),
    "clusters_by_name": lambda m: _group(m.clusters, lambda c: [c.name]),
    "managed_by_arn": lambda m: _group(m.managed_policies, lambda p: [p.arn.lower()]),
}
