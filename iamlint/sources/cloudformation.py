"""CloudFormation templates (JSON/YAML, CDK `cdk.out`) -> model.

A template is recognised by `AWSTemplateFormatVersion`, by a `Resources` mapping of
`Type: AWS::...` entries, or (eksctl and CDK test fragments) by being such a mapping
itself. Intrinsics are resolved as far as the template allows (`cfn_values`); model
objects point into a resolved view of the template (`view`), so rules see resolved
values and findings still land on the original line and column.

Identity of resources a template defines. Until deploy a role has no ARN, so every IAM
role, managed policy, instance profile and OIDC provider of a template gets the synthetic
identity `cfn:<file>#<LogicalId>` as its `arn`, and every reference to it inside the
template (`!GetAtt NodeRole.Arn`, `!Ref NodeRole`, a `RoleName` given as a literal) is
written as that same string, so `Model.resolve_role` finds it by exact match. A role
with a literal `RoleName` is also found by name from other inputs (its account is
unknown). A cluster without a literal `Name` is named the same way. A service's task
definition in the same template is linked directly: the task definition is marked
`enable_execute_command`, and the service's `task_definition` stays empty.

Anything that stays unknown (parameters without a default, imports, attributes of other
resources inside a policy, conditions over deploy-time values) becomes an X008 note on
the object that needed it; checks of it are skipped, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from iamlint.load import ParseError, load_embedded
from iamlint.load.document import Path, Pointer
from iamlint.model import (
    ECR_REGISTRY,
    ECR_REPOSITORY,
    ENDPOINT,
    IDENTITY,
    TRUST,
    AccessEntry,
    Attachment,
    Cluster,
    EcsService,
    FargateProfile,
    InstanceProfile,
    Model,
    NodeGroup,
    OidcProvider,
    PodIdentityAssociation,
    Policy,
    Repository,
    Role,
    TaskDefinition,
    Unresolved,
    VpcEndpoint,
)
from iamlint.sources.awscli import normalise_url
from iamlint.sources.cfn_values import (
    Symbolic,
    Template,
    is_intrinsic,
    unknown_reason,
    unknown_reasons,
)
from iamlint.sources.cfn_values import Unresolved as Unresolvedvalue
from iamlint.sources.common import policy_at
from iamlint.sources.containers import ecs_containers
from iamlint.sources.refs import role_name_of
from iamlint.sources.view import view

ORIGIN = "cloudformation"
RESOURCE_PREFIXES = ("AWS::", "Custom::", "Alexa::")


def extract_cloudformation(pointer: Pointer, model: Model) -> bool:
    data = pointer.value
    if is_cdk_manifest(data):
        return True  # cdk.out/manifest.json: its templates are linted as files of their own
    resources_path = template_resources_path(data)
    if resources_path is None:
        return False
    _Extraction(pointer, model, resources_path).run()
    return True


def template_resources_path(data: Any) -> Path | None:
    """Where the resources of a template are: ("Resources",), () for a bare fragment."""
    if not isinstance(data, dict):
        return None
    resources = data.get("Resources")
    if "AWSTemplateFormatVersion" in data or (
        isinstance(resources, dict) and _resources(resources)
    ):
        return ("Resources",)
    if _resources(data):
        return ()
    return None


def _resources(mapping: dict[Any, Any]) -> bool:
    """Every value a `Type: AWS::...`-style resource, at least one of them an AWS one."""
    types = [v.get("Type") if isinstance(v, dict) else None for v in mapping.values()]
    if not types or not all(isinstance(t, str) and "::" in t for t in types):
        return False
    return any(t.startswith("AWS::") for t in types)


def is_cdk_manifest(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), dict):
        return False
    return "version" in data and any(
        isinstance(a, dict) and a.get("type") == "aws:cloudformation:stack"
        for a in data["artifacts"].values()
    )


def synthetic_id(file: str, logical_id: str) -> str:
    """The identity of a template resource before deploy (see the module docstring)."""
    return f"cfn:{file}#{logical_id}"


class _Extraction:
    """One template: resolution context, its resolved view, and what it defined so far."""

    def __init__(self, pointer: Pointer, model: Model, resources_path: Path) -> None:
        self.model = model
        self.file = pointer.file
        data = pointer.value
        raw = pointer.doc.get(pointer.path + resources_path)
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.template = Template(data if resources_path else {}, self.raw)
        base = pointer.child(*resources_path)
        tree = self.template.resolve_tree(self.raw, base.path, base.doc)
        prefix = len(base.path)
        self.root = view(base, tree.value, {k[prefix:]: v for k, v in tree.aliases.items()})
        self.notes: dict[str, list[Unresolvedvalue]] = defaultdict(list)
        for note in tree.unresolved:
            relative = note.path[prefix:]
            if relative:
                self.notes[str(relative[0])].append(Unresolvedvalue(relative, note.why))
        self.roles: dict[str, Role] = {}
        self.task_definitions: dict[str, TaskDefinition] = {}
        self.cluster_names: dict[str, str] = {}

    def run(self) -> None:
        resources = self.root.value if isinstance(self.root.value, dict) else {}
        selected = [
            (logical_id, resource["Type"])
            for logical_id, resource in resources.items()
            if isinstance(resource, dict)
            and isinstance(resource.get("Type"), str)
            and self.template.condition(resource.get("Condition")) is not False
        ]
        for phase in (0, 1, 2):
            for logical_id, kind in selected:
                entry = _HANDLERS.get(kind)
                if entry is not None and entry[0] == phase:
                    entry[1](self, _Resource(self, str(logical_id), kind))

    # --- references ------------------------------------------------------------------

    def target(self, raw: Any, kinds: tuple[str, ...]) -> str | None:
        """The logical ID a reference names when it is a resource of one of `kinds`."""
        logical_id = _referenced_id(raw)
        if logical_id is None and isinstance(raw, dict) and "Fn::If" in raw:
            argument = raw["Fn::If"]
            if isinstance(argument, list) and len(argument) == 3:
                outcome = self.template.condition(argument[0])
                if outcome is not None:
                    return self.target(argument[1] if outcome else argument[2], kinds)
        if logical_id is not None and self.template.resource_type(logical_id) in kinds:
            return logical_id
        return None

    def role_reference(self, resource: _Resource, key: str, *path: Any) -> str:
        """A role reference as the model writes it ('' and an X008 note when unknown)."""
        raw = resource.raw_value(key, *path)
        logical_id = self.target(raw, ("AWS::IAM::Role",))
        if logical_id is not None:
            return synthetic_id(self.file, logical_id)
        pointer = resource.properties.child(key, *path)
        value = pointer.value
        if isinstance(value, str) and value.strip():
            return self._named_role(value.strip())
        if value is not None:
            why = unknown_reason(self.template.resolve(raw)) or "not a string"
            resource.note(pointer, f"`{key}` {why}; checks of this role are skipped")
        return ""

    def _named_role(self, text: str) -> str:
        """A literal role name or ARN; a template role with that `RoleName` wins."""
        name = role_name_of(text) if text.startswith("arn:") else text
        if "${" not in name:
            for logical_id, role in self.roles.items():
                if role.name and role.name == name:
                    return synthetic_id(self.file, logical_id)
        return text

    def cluster_reference(self, resource: _Resource, key: str) -> str:
        logical_id = self.target(resource.raw_value(key), ("AWS::EKS::Cluster",))
        if logical_id is not None:
            return self.cluster_names.get(logical_id, synthetic_id(self.file, logical_id))
        value = resource.get(key)
        return value.strip() if isinstance(value, str) else ""

    # --- policies --------------------------------------------------------------------

    def policy(
        self, resource: _Resource, pointer: Pointer, kind: str, label: str, owner: str = ""
    ) -> Policy | None:
        """The policy document at `pointer` (mapping or JSON text), or an X008 note."""
        name = f"{resource.label} ({label})"
        value = pointer.value
        if value is None:
            return None
        if is_intrinsic(value):
            why = unknown_reason(self.template.resolve(value)) or "is known only after deploy"
            resource.note(pointer, f"{name}: {why}; checks of this policy are skipped")
            return None
        if isinstance(value, Symbolic) and not _parses(value, pointer):
            resource.note(
                pointer,
                f"{name}: {unknown_reason(value)}; the policy text does not "
                "parse before deploy values are substituted, checks skipped",
            )
            return None
        policy = policy_at(pointer, kind, self.model, name=name, owner=owner, origin=ORIGIN)
        if policy is not None:
            self._note_unknown_parts(resource, pointer, name)
        return policy

    def _note_unknown_parts(self, resource: _Resource, pointer: Pointer, name: str) -> None:
        value = pointer.value
        inside = [
            n for n in self.notes.get(resource.logical_id, []) if _under(n.path, pointer.path)
        ]
        reasons = unknown_reasons(value) + [n.why for n in inside]
        reasons = list(dict.fromkeys(reasons))
        if not reasons:
            return
        where = (
            self.root.child(*inside[0].path)
            if inside and not isinstance(value, Symbolic)
            else pointer
        )
        more = f" (and {len(reasons) - 1} more unknown values)" if len(reasons) > 1 else ""
        resource.note(
            where, f"{name}: {reasons[0]}{more}; checks that need these values are skipped"
        )


class _Resource:
    """One resource of the template: raw and resolved properties, label, notes."""

    def __init__(self, extraction: _Extraction, logical_id: str, kind: str) -> None:
        self.extraction = extraction
        self.logical_id = logical_id
        self.kind = kind
        self.pointer = extraction.root.child(logical_id)
        self.properties = self.pointer.child("Properties")
        props = self.properties.value
        self.props: dict[str, Any] = props if isinstance(props, dict) else {}
        self.raw = extraction.template.properties(logical_id)

    @property
    def label(self) -> str:
        """The logical ID, or for CDK output the construct path users know it by."""
        resource = self.extraction.raw.get(self.logical_id)
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
        if isinstance(path, str) and path.strip():
            return path.strip().removesuffix("/Resource")
        return self.logical_id

    @property
    def synthetic(self) -> str:
        return synthetic_id(self.extraction.file, self.logical_id)

    def get(self, key: str) -> Any:
        return self.props.get(key)

    def text(self, key: str) -> str:
        """A resolved string property ('' when absent or unknown until deploy)."""
        value = self.props.get(key)
        return value.strip() if isinstance(value, str) and not isinstance(value, Symbolic) else ""

    def raw_value(self, key: str, *path: Any) -> Any:
        value: Any = self.raw.get(key)
        for part in path:
            if (isinstance(value, dict) and part in value) or (
                isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
            ):
                value = value[part]
            else:
                return None
        return value

    def items(self, key: str) -> list[tuple[int, Any]]:
        value = self.props.get(key)
        return list(enumerate(value)) if isinstance(value, list) else []

    def note(self, pointer: Pointer, message: str) -> None:
        self.extraction.model.unresolved.append(
            Unresolved("X008", pointer, message, resource=self.logical_id)
        )


# --- IAM ---------------------------------------------------------------------------


def _role(ex: _Extraction, res: _Resource) -> None:
    role = Role(
        name=res.text("RoleName"),
        pointer=res.pointer,
        arn=res.synthetic,
        path=res.text("Path") or "/",
        permissions_boundary=res.text("PermissionsBoundary"),
        origin=ORIGIN,
    )
    ex.roles[res.logical_id] = role
    ex.model.roles.append(role)
    trust = res.properties.child("AssumeRolePolicyDocument")
    role.trust = ex.policy(res, trust, TRUST, "AssumeRolePolicyDocument", owner=role.label)
    for index, item in res.items("Policies"):
        if not isinstance(item, dict):
            continue
        policy_name = item.get("PolicyName")
        label = f"Policies/{policy_name if isinstance(policy_name, str) else index}"
        document = res.properties.child("Policies", index, "PolicyDocument")
        policy = ex.policy(res, document, IDENTITY, label, owner=role.label)
        if policy is not None:
            role.inline_policies.append(policy)
        else:
            role.permissions_complete = False  # unknown until deploy (noted as X008)
    for index, _item in res.items("ManagedPolicyArns"):
        arn = _managed_policy_reference(ex, res, index)
        if arn:
            role.attachments.append(
                Attachment(arn, res.properties.child("ManagedPolicyArns", index))
            )
        else:
            role.permissions_complete = False
    for key in ("Policies", "ManagedPolicyArns"):
        if key in res.props and not isinstance(res.props[key], list):
            role.permissions_complete = False  # a list known only after deploy


def _managed_policy_reference(ex: _Extraction, res: _Resource, index: int) -> str:
    raw = res.raw_value("ManagedPolicyArns", index)
    logical_id = ex.target(raw, ("AWS::IAM::ManagedPolicy",))
    if logical_id is not None:
        return synthetic_id(ex.file, logical_id)
    pointer = res.properties.child("ManagedPolicyArns", index)
    value = pointer.value
    if isinstance(value, str) and not isinstance(value, Symbolic):
        return value.strip()
    why = unknown_reason(value) or unknown_reason(ex.template.resolve(raw)) or "is not a string"
    res.note(pointer, f"{res.label}: managed policy ARN {why}; checks that need it are skipped")
    return ""


def _policy(ex: _Extraction, res: _Resource) -> None:
    """AWS::IAM::Policy: an inline policy put into each role it names."""
    policy = ex.policy(res, res.properties.child("PolicyDocument"), IDENTITY, "PolicyDocument")
    if policy is None:
        return
    for role, name in _named_roles(ex, res):
        if role is not None:
            role.inline_policies.append(policy)
        elif name:
            ex.model.loose_role_policies.append((name, policy))


def _managed_policy(ex: _Extraction, res: _Resource) -> None:
    policy = ex.policy(res, res.properties.child("PolicyDocument"), IDENTITY, "PolicyDocument")
    if policy is None:
        return
    policy.arn = res.synthetic
    ex.model.managed_policies.append(policy)
    for index, (role, _name) in enumerate(_named_roles(ex, res)):
        if role is not None:
            role.attachments.append(Attachment(policy.arn, res.properties.child("Roles", index)))


def _named_roles(ex: _Extraction, res: _Resource) -> list[tuple[Role | None, str]]:
    """`Roles` of a policy: (the template's Role, or None with the role name as written)."""
    found: list[tuple[Role | None, str]] = []
    for index, value in res.items("Roles"):
        logical_id = ex.target(res.raw_value("Roles", index), ("AWS::IAM::Role",))
        if logical_id is not None:
            found.append((ex.roles.get(logical_id), ""))
        elif isinstance(value, str) and not isinstance(value, Symbolic) and value.strip():
            by_name = [r for r in ex.roles.values() if r.name == value.strip()]
            found.append((by_name[-1] if by_name else None, value.strip()))
        else:
            pointer = res.properties.child("Roles", index)
            why = (
                unknown_reason(ex.template.resolve(res.raw_value("Roles", index)))
                or "is not a name"
            )
            res.note(pointer, f"{res.label}: role {why}; the policy could not be attached")
            found.append((None, ""))
    return found


def _instance_profile(ex: _Extraction, res: _Resource) -> None:
    roles = [ex.role_reference(res, "Roles", index) for index, _ in res.items("Roles")]
    ex.model.instance_profiles.append(
        InstanceProfile(
            name=res.text("InstanceProfileName"),
            pointer=res.pointer,
            arn=res.synthetic,
            roles=[r for r in roles if r],
            origin=ORIGIN,
        )
    )


def _oidc_provider(ex: _Extraction, res: _Resource) -> None:
    url = res.get("Url")
    if not isinstance(url, str) or isinstance(url, Symbolic):
        why = unknown_reason(url) or unknown_reason(ex.template.resolve(res.raw_value("Url")))
        res.note(
            res.properties.child("Url"),
            f"{res.label}: OIDC provider `Url` "
            f"{why or 'is missing'}; checks that need this provider are skipped",
        )
        return
    client_ids = res.get("ClientIdList")
    ex.model.oidc_providers.append(
        OidcProvider(
            arn=res.synthetic,
            url=normalise_url(url),
            pointer=res.pointer,
            client_ids=[c for c in client_ids if isinstance(c, str)]
            if isinstance(client_ids, list)
            else [],
        )
    )


# --- EKS ---------------------------------------------------------------------------


def _cluster(ex: _Extraction, res: _Resource) -> None:
    name = res.text("Name") or res.synthetic
    ex.cluster_names[res.logical_id] = name
    access = res.get("AccessConfig")
    mode = access.get("AuthenticationMode") if isinstance(access, dict) else None
    ex.model.clusters.append(
        Cluster(
            name=name,
            pointer=res.pointer,
            authentication_mode=mode.strip() if isinstance(mode, str) else "",
            role_arn=ex.role_reference(res, "RoleArn"),
            origin=ORIGIN,
        )
    )
    res.note(
        res.pointer.at_key(),
        f"{res.label}: the cluster's OIDC issuer is known only after deploy; "
        "checks that need it are skipped",
    )


def _node_group(ex: _Extraction, res: _Resource) -> None:
    ex.model.node_groups.append(
        NodeGroup(
            cluster=ex.cluster_reference(res, "ClusterName"),
            name=res.text("NodegroupName") or res.label,
            pointer=res.pointer,
            node_role_arn=ex.role_reference(res, "NodeRole"),
            role_pointer=res.properties.child("NodeRole") if "NodeRole" in res.props else None,
        )
    )


def _fargate_profile(ex: _Extraction, res: _Resource) -> None:
    selectors = [
        _selector(item) for _index, item in res.items("Selectors") if isinstance(item, dict)
    ]
    key = "PodExecutionRoleArn"
    ex.model.fargate_profiles.append(
        FargateProfile(
            cluster=ex.cluster_reference(res, "ClusterName"),
            name=res.text("FargateProfileName") or res.label,
            pointer=res.pointer,
            pod_execution_role_arn=ex.role_reference(res, key),
            role_pointer=res.properties.child(key) if key in res.props else None,
            selectors=selectors,
        )
    )


def _selector(item: dict[str, Any]) -> dict[str, Any]:
    """A Fargate selector in the API's shape: `{"namespace": ..., "labels": {key: value}}`."""
    selector: dict[str, Any] = {"namespace": item.get("Namespace")}
    labels = item.get("Labels")
    if isinstance(labels, list):
        selector["labels"] = {
            label.get("Key"): label.get("Value") for label in labels if isinstance(label, dict)
        }
    return selector


def _pod_identity(ex: _Extraction, res: _Resource) -> None:
    ex.model.pod_identity_associations.append(
        PodIdentityAssociation(
            cluster=ex.cluster_reference(res, "ClusterName"),
            namespace=res.text("Namespace"),
            service_account=res.text("ServiceAccount"),
            role_arn=ex.role_reference(res, "RoleArn"),
            pointer=res.pointer,
        )
    )


def _access_entry(ex: _Extraction, res: _Resource) -> None:
    groups = res.get("KubernetesGroups")
    ex.model.access_entries.append(
        AccessEntry(
            cluster=ex.cluster_reference(res, "ClusterName"),
            principal_arn=ex.role_reference(res, "PrincipalArn"),
            pointer=res.pointer,
            type=res.text("Type") or "STANDARD",
            username=res.text("Username"),
            groups=[g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [],
        )
    )


# --- ECR ---------------------------------------------------------------------------


def _repository(ex: _Extraction, res: _Resource) -> None:
    name = res.text("RepositoryName")
    repository = Repository(name=name, pointer=res.pointer)
    if "RepositoryPolicyText" in res.props:
        repository.policy = ex.policy(
            res,
            res.properties.child("RepositoryPolicyText"),
            ECR_REPOSITORY,
            "RepositoryPolicyText",
            owner=name or res.label,
        )
    ex.model.repositories.append(repository)


def _registry_policy(ex: _Extraction, res: _Resource) -> None:
    ex.policy(res, res.properties.child("PolicyText"), ECR_REGISTRY, "PolicyText")


# --- ECS and VPC -------------------------------------------------------------------


def _task_definition(ex: _Extraction, res: _Resource) -> None:
    # camelCase view of the properties: what the API shape (and iamlint.link) reads
    camel = {_camel(k): v for k, v in res.props.items() if isinstance(k, str)}
    aliases = {(_camel(k),): (*res.properties.path, k) for k in res.props if isinstance(k, str)}
    pointer = view(res.properties, camel, aliases)
    compatibilities = res.get("RequiresCompatibilities")
    task = TaskDefinition(
        family=res.text("Family"),
        pointer=pointer,
        task_role_arn=ex.role_reference(res, "TaskRoleArn"),
        execution_role_arn=ex.role_reference(res, "ExecutionRoleArn"),
        containers=ecs_containers(res.properties.child("ContainerDefinitions")),
        arn=res.synthetic,
        requires_compatibilities=[c.strip().upper() for c in compatibilities if isinstance(c, str)]
        if isinstance(compatibilities, list)
        else [],
    )
    ex.task_definitions[res.logical_id] = task
    ex.model.task_definitions.append(task)


def _service(ex: _Extraction, res: _Resource) -> None:
    exec_value = res.get("EnableExecuteCommand")
    enabled = exec_value is True or (isinstance(exec_value, str) and exec_value.lower() == "true")
    exec_pointer = res.properties.child("EnableExecuteCommand") if exec_value is not None else None
    has_definition = "TaskDefinition" in res.props
    service = EcsService(
        name=res.text("ServiceName") or res.label,
        pointer=res.pointer,
        enable_execute_command=enabled,
        exec_pointer=exec_pointer,
        task_definition_pointer=res.properties.child("TaskDefinition") if has_definition else None,
    )
    logical_id = ex.target(res.raw_value("TaskDefinition"), ("AWS::ECS::TaskDefinition",))
    task = ex.task_definitions.get(logical_id) if logical_id else None
    if task is not None:
        if enabled and not task.enable_execute_command:
            task.enable_execute_command = True
            task.exec_pointer = exec_pointer
    else:
        service.task_definition = res.text("TaskDefinition")
    ex.model.ecs_services.append(service)


def _vpc_endpoint(ex: _Extraction, res: _Resource) -> None:
    service = res.get("ServiceName")
    endpoint = VpcEndpoint(
        service=service.strip() if isinstance(service, str) else "",
        pointer=res.pointer,
        vpc=res.text("VpcId"),
    )
    if "PolicyDocument" in res.props:
        endpoint.policy = ex.policy(
            res, res.properties.child("PolicyDocument"), ENDPOINT, "PolicyDocument"
        )
    ex.model.vpc_endpoints.append(endpoint)


# --- helpers -----------------------------------------------------------------------


def _referenced_id(raw: Any) -> str | None:
    """The logical ID behind `Ref X`, `Fn::GetAtt X.Arn` or `Fn::Sub "${X.Arn}"`."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    name, argument = next(iter(raw.items()))
    if name == "Ref" and isinstance(argument, str):
        return argument
    if name == "Fn::GetAtt":
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and len(parts) == 2 and parts[1] == "Arn":
            return str(parts[0])
    if name == "Fn::Sub" and isinstance(argument, str):
        text = argument.strip()
        if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
            inner = text[2:-1]
            return inner[: -len(".Arn")] if inner.endswith(".Arn") else inner
    return None


def _parses(text: str, pointer: Pointer) -> bool:
    try:
        load_embedded(text, pointer)
    except ParseError:
        return False
    return True


def _under(path: Path, prefix: Path) -> bool:
    return path[: len(prefix)] == prefix


def _camel(key: str) -> str:
    return key[:1].lower() + key[1:]


Handler = Callable[[_Extraction, _Resource], None]
# type -> (phase, handler): roles first (others find them by RoleName), then what
# later resources refer to (clusters, task definitions), then the rest
_HANDLERS: dict[str, tuple[int, Handler]] = {
    "AWS::IAM::Role": (0, _role),
    "AWS::EKS::Cluster": (1, _cluster),
    "AWS::ECS::TaskDefinition": (1, _task_definition),
    "AWS::IAM::Policy": (2, _policy),
    "AWS::IAM::ManagedPolicy": (2, _managed_policy),
    "AWS::IAM::InstanceProfile": (2, _instance_profile),
    "AWS::IAM::OIDCProvider": (2, _oidc_provider),
    "AWS::EKS::Nodegroup": (2, _node_group),
    "AWS::EKS::FargateProfile": (2, _fargate_profile),
    "AWS::EKS::PodIdentityAssociation": (2, _pod_identity),
    "AWS::EKS::AccessEntry": (2, _access_entry),
    "AWS::ECR::Repository": (2, _repository),
    "AWS::ECR::RegistryPolicy": (2, _registry_policy),
    "AWS::ECS::Service": (2, _service),
    "AWS::EC2::VPCEndpoint": (2, _vpc_endpoint),
}
