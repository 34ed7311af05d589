"""AWS CLI output shapes -> model (IAM, ECR, EKS, ECS).

Each recogniser looks at the top-level keys only; the first that matches owns the
document. Shapes are those `aws ... --output json` prints (and the API returns).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamlint.load.document import Pointer
from iamlint.model import (
    ECR_REGISTRY,
    ECR_REPOSITORY,
    IDENTITY,
    TRUST,
    AccessEntry,
    Attachment,
    Cluster,
    EcsService,
    FargateProfile,
    Model,
    NodeGroup,
    OidcProvider,
    PodIdentityAssociation,
    Repository,
    Role,
    TaskDefinition,
)
from iamlint.sources.common import policy_at, text_of
from iamlint.sources.containers import ecs_containers
from iamlint.sources.refs import account_of, role_name_of

Recogniser = Callable[[Pointer, Model], None]


def extract_awscli(pointer: Pointer, model: Model) -> bool:
    data = pointer.value
    if not isinstance(data, dict):
        return False
    for keys, recogniser in _SHAPES:
        if keys(data):
            recogniser(pointer, model)
            return True
    return False


# --- IAM -------------------------------------------------------------------------


def _role(pointer: Pointer, model: Model, origin: str = "cli") -> Role:
    data = pointer.value
    name = text_of(data.get("RoleName"))
    arn = text_of(data.get("Arn"))
    role = Role(
        name=name or role_name_of(arn),
        pointer=pointer,
        arn=arn,
        account=account_of(arn),
        path=text_of(data.get("Path")) or "/",
        origin=origin,
        # `get-role` output lists no policies; `get-account-authorization-details` lists all
        permissions_complete="RolePolicyList" in data or "AttachedManagedPolicies" in data,
    )
    if "AssumeRolePolicyDocument" in data:
        role.trust = policy_at(
            pointer.child("AssumeRolePolicyDocument"),
            TRUST,
            model,
            name=f"trust policy of role {role.name}",
            owner=role.label,
            origin=origin,
        )
    for index, item in enumerate(_list(data.get("RolePolicyList"))):
        if isinstance(item, dict) and "PolicyDocument" in item:
            policy = policy_at(
                pointer.child("RolePolicyList", index, "PolicyDocument"),
                IDENTITY,
                model,
                name=text_of(item.get("PolicyName")),
                owner=role.label,
                origin=origin,
            )
            if policy is not None:
                role.inline_policies.append(policy)
    for index, item in enumerate(_list(data.get("AttachedManagedPolicies"))):
        if isinstance(item, dict) and text_of(item.get("PolicyArn")):
            role.attachments.append(
                Attachment(
                    item["PolicyArn"].strip(), pointer.child("AttachedManagedPolicies", index)
                )
            )
    boundary = data.get("PermissionsBoundary")
    if isinstance(boundary, dict):
        role.permissions_boundary = text_of(boundary.get("PermissionsBoundaryArn"))
    model.roles.append(role)
    return role


def _get_role(pointer: Pointer, model: Model) -> None:
    _role(pointer.child("Role"), model)


def _get_role_policy(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    role_name = text_of(data.get("RoleName"))
    policy = policy_at(
        pointer.child("PolicyDocument"),
        IDENTITY,
        model,
        name=text_of(data.get("PolicyName")),
        owner=role_name,
        origin="cli",
    )
    if policy is not None and role_name:
        model.loose_role_policies.append((role_name, policy))


def _authorization_details(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    for index, item in enumerate(_list(data.get("RoleDetailList"))):
        if isinstance(item, dict):
            role = _role(pointer.child("RoleDetailList", index), model)
            if data.get("IsTruncated") is not True and role.account:
                model.complete_role_accounts.add(role.account)  # every role of it is here
    for index, item in enumerate(_list(data.get("Policies"))):
        if isinstance(item, dict):
            _managed_policy(pointer.child("Policies", index), model)


def _managed_policy(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    arn = text_of(data.get("Arn"))
    default = text_of(data.get("DefaultVersionId"))
    for index, version in enumerate(_list(data.get("PolicyVersionList"))):
        if not isinstance(version, dict):
            continue
        is_default = version.get("IsDefaultVersion") is True or (
            default and version.get("VersionId") == default
        )
        if not is_default:
            continue
        policy = policy_at(
            pointer.child("PolicyVersionList", index, "Document"),
            IDENTITY,
            model,
            name=text_of(data.get("PolicyName")),
            arn=arn,
            aws_managed=":iam::aws:policy/" in arn,
            origin="cli",
        )
        if policy is not None:
            model.managed_policies.append(policy)


def _policy_version(pointer: Pointer, model: Model) -> None:
    """`aws iam get-policy-version`: a managed policy's version (its ARN is not in the output)."""
    policy = policy_at(pointer.child("PolicyVersion", "Document"), IDENTITY, model, origin="cli")
    if policy is not None:
        model.managed_policies.append(policy)


def _oidc_provider_list(pointer: Pointer, model: Model) -> None:
    for index, item in enumerate(_list(pointer.value.get("OpenIDConnectProviderList"))):
        arn = text_of(item.get("Arn")) if isinstance(item, dict) else ""
        if arn:
            if account_of(arn):
                model.complete_provider_accounts.add(account_of(arn))  # not paginated
            url = arn.split(":oidc-provider/", 1)[-1] if ":oidc-provider/" in arn else ""
            model.oidc_providers.append(
                OidcProvider(
                    arn=arn,
                    url=url,
                    pointer=pointer.child("OpenIDConnectProviderList", index),
                    account=account_of(arn),
                    client_ids=[],
                    client_ids_known=False,
                )
            )


def _oidc_provider(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    url = normalise_url(text_of(data.get("Url")))
    client_ids = [c for c in _list(data.get("ClientIDList")) if isinstance(c, str)]
    model.oidc_providers.append(
        OidcProvider(arn="", url=url, pointer=pointer, client_ids=client_ids)
    )


def normalise_url(url: str) -> str:
    url = url.strip()
    for prefix in ("https://", "http://"):
        if url.lower().startswith(prefix):
            url = url[len(prefix) :]
    return url.rstrip("/")


# --- ECR -------------------------------------------------------------------------


def _repository_policy(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    name = text_of(data.get("repositoryName"))
    account = text_of(str(data.get("registryId") or ""))
    repository = Repository(name=name, pointer=pointer, account=account)
    repository.policy = policy_at(
        pointer.child("policyText"),
        ECR_REPOSITORY,
        model,
        name=f"repository policy of {name}",
        owner=name,
        origin="cli",
    )
    model.repositories.append(repository)


def _registry_policy(pointer: Pointer, model: Model) -> None:
    policy_at(
        pointer.child("policyText"), ECR_REGISTRY, model, name="registry policy", origin="cli"
    )


def _describe_repositories(pointer: Pointer, model: Model) -> None:
    for index, item in enumerate(_list(pointer.value.get("repositories"))):
        if not isinstance(item, dict):
            continue
        arn = text_of(item.get("repositoryArn"))
        parts = arn.split(":")
        model.repositories.append(
            Repository(
                name=text_of(item.get("repositoryName")),
                pointer=pointer.child("repositories", index),
                arn=arn,
                account=text_of(str(item.get("registryId") or "")) or account_of(arn),
                region=parts[3] if len(parts) > 3 else "",
            )
        )


# --- EKS -------------------------------------------------------------------------


def _cluster(pointer: Pointer, model: Model) -> None:
    data = pointer.value["cluster"]
    if not isinstance(data, dict):
        return
    arn = text_of(data.get("arn"))
    parts = arn.split(":")
    issuer = _get(data, "identity", "oidc", "issuer")
    model.clusters.append(
        Cluster(
            name=text_of(data.get("name")),
            pointer=pointer.child("cluster"),
            arn=arn,
            account=account_of(arn),
            region=parts[3] if len(parts) > 3 else "",
            issuer=normalise_url(issuer) if isinstance(issuer, str) else "",
            authentication_mode=text_of(_get(data, "accessConfig", "authenticationMode")),
            role_arn=text_of(data.get("roleArn")),
        )
    )


def _nodegroup(pointer: Pointer, model: Model) -> None:
    data = pointer.value["nodegroup"]
    if not isinstance(data, dict):
        return
    item = pointer.child("nodegroup")
    model.node_groups.append(
        NodeGroup(
            cluster=text_of(data.get("clusterName")),
            name=text_of(data.get("nodegroupName")),
            pointer=item,
            node_role_arn=text_of(data.get("nodeRole")),
            role_pointer=item.child("nodeRole") if "nodeRole" in data else None,
        )
    )


def _fargate_profile(pointer: Pointer, model: Model) -> None:
    data = pointer.value["fargateProfile"]
    if not isinstance(data, dict):
        return
    item = pointer.child("fargateProfile")
    model.fargate_profiles.append(
        FargateProfile(
            cluster=text_of(data.get("clusterName")),
            name=text_of(data.get("fargateProfileName")),
            pointer=item,
            pod_execution_role_arn=text_of(data.get("podExecutionRoleArn")),
            role_pointer=item.child("podExecutionRoleArn")
            if "podExecutionRoleArn" in data
            else None,
            selectors=[s for s in _list(data.get("selectors")) if isinstance(s, dict)],
        )
    )


def _pod_identity(pointer: Pointer, model: Model) -> None:
    data = pointer.value["association"]
    if not isinstance(data, dict):
        return
    model.pod_identity_associations.append(
        PodIdentityAssociation(
            cluster=text_of(data.get("clusterName")),
            namespace=text_of(data.get("namespace")),
            service_account=text_of(data.get("serviceAccount")),
            role_arn=text_of(data.get("roleArn")),
            pointer=pointer.child("association"),
        )
    )


def _access_entries(pointer: Pointer, model: Model) -> None:
    data = pointer.value["accessEntry"]
    if not isinstance(data, dict):
        return
    model.access_entries.append(
        AccessEntry(
            cluster=text_of(data.get("clusterName")),
            principal_arn=text_of(data.get("principalArn")),
            pointer=pointer.child("accessEntry"),
            type=text_of(data.get("type")) or "STANDARD",
            username=text_of(data.get("username")),
            groups=[g for g in _list(data.get("kubernetesGroups")) if isinstance(g, str)],
        )
    )


# --- what a live read could not do (`iamlint-live-read.json`, aws_live) -----------------


def _live_read(pointer: Pointer, model: Model) -> None:
    """X005 for each failed read (results incomplete); objects found not to exist."""
    from iamlint.finding import Finding, Location, Severity

    record = pointer.child("iamlintLiveRead")
    data = record.value
    account = text_of(data.get("account"))
    if account:
        model.live_accounts.add(account)
    for arn in _list(data.get("absent")):
        if isinstance(arn, str) and arn.strip():
            model.absent_arns.add(arn.strip().lower())
    for index, item in enumerate(_list(data.get("failedReads"))):
        message = text_of(item.get("message")) if isinstance(item, dict) else ""
        if not message:
            continue
        where = record.child("failedReads", index)
        what = text_of(item.get("object"))
        # in memory (scan) the finding is on the object; in a snapshot file, on the entry
        location = Location(what) if what and where.doc.source.live else where.location()
        model.extraction_findings.append(
            Finding("X005", Severity.WARNING, message, location, resource=what)
        )


# --- ECS -------------------------------------------------------------------------


def _task_definition(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    if "taskDefinition" in data and isinstance(data["taskDefinition"], dict):
        pointer = pointer.child("taskDefinition")
        data = pointer.value
    arn = text_of(data.get("taskDefinitionArn"))
    revision = data.get("revision")
    model.task_definitions.append(
        TaskDefinition(
            family=text_of(data.get("family")),
            pointer=pointer,
            task_role_arn=text_of(data.get("taskRoleArn")),
            execution_role_arn=text_of(data.get("executionRoleArn")),
            containers=ecs_containers(pointer.child("containerDefinitions")),
            arn=arn,
            revision=str(revision) if isinstance(revision, int) else arn.rpartition(":")[2],
            requires_compatibilities=_upper_strings(data.get("requiresCompatibilities")),
        )
    )


def _services(pointer: Pointer, model: Model) -> None:
    for index, item in enumerate(_list(pointer.value.get("services"))):
        if isinstance(item, dict):
            _task_starter(pointer.child("services", index), model, "service")


def _service(pointer: Pointer, model: Model) -> None:
    """create-service / update-service output: `{"service": {...}}`."""
    _task_starter(pointer.child("service"), model, "service")


def _tasks(pointer: Pointer, model: Model) -> None:
    """describe-tasks / run-task output: running tasks and their ECS Exec setting."""
    for index, item in enumerate(_list(pointer.value.get("tasks"))):
        if isinstance(item, dict) and "taskDefinitionArn" in item:
            _task_starter(pointer.child("tasks", index), model, "task")


def _task_request(pointer: Pointer, model: Model) -> None:
    """create-service / update-service / run-task input (`--cli-input-json`)."""
    data = pointer.value
    is_service = "serviceName" in data or isinstance(data.get("service"), str)
    _task_starter(pointer, model, "service" if is_service else "run-task")


def _task_starter(pointer: Pointer, model: Model, kind: str) -> None:
    data = pointer.value
    definition_key = "taskDefinition" if "taskDefinition" in data else "taskDefinitionArn"
    exec_enabled = data.get("enableExecuteCommand")
    has_definition = definition_key in data
    model.ecs_services.append(
        EcsService(
            name=text_of(data.get("serviceName")) or text_of(data.get("service")),
            pointer=pointer,
            task_definition=text_of(data.get(definition_key)),
            enable_execute_command=exec_enabled is True,
            kind=kind,
            exec_pointer=None if exec_enabled is None else pointer.child("enableExecuteCommand"),
            task_definition_pointer=pointer.child(definition_key) if has_definition else None,
        )
    )


_TASK_REQUEST_KEYS = (
    "cluster",
    "serviceName",
    "service",
    "launchType",
    "enableExecuteCommand",
    "count",
    "desiredCount",
    "networkConfiguration",
    "overrides",
    "capacityProviderStrategy",
)


def _is_task_request(data: dict[str, Any]) -> bool:
    names_definition = isinstance(data.get("taskDefinition"), str)
    return names_definition and any(k in data for k in _TASK_REQUEST_KEYS)


def _upper_strings(value: Any) -> list[str]:
    return [item.strip().upper() for item in _list(value) if isinstance(item, str)]


# --- helpers ---------------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _has(*keys: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: all(k in data for k in keys)


def _has_dict(key: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: isinstance(data.get(key), dict)


_SHAPES: list[tuple[Callable[[dict[str, Any]], bool], Recogniser]] = [
    (_has_dict("Role"), _get_role),
    (_has("RoleName", "PolicyName", "PolicyDocument"), _get_role_policy),
    (
        lambda d: "RoleDetailList" in d or ("Policies" in d and "UserDetailList" in d),
        _authorization_details,
    ),
    (_has_dict("PolicyVersion"), _policy_version),
    (_has("OpenIDConnectProviderList"), _oidc_provider_list),
    (_has("Url", "ClientIDList"), _oidc_provider),
    (_has("repositoryName", "policyText"), _repository_policy),
    (_has("registryId", "policyText"), _registry_policy),
    (lambda d: isinstance(d.get("repositories"), list), _describe_repositories),
    (_has_dict("cluster"), _cluster),
    (_has_dict("nodegroup"), _nodegroup),
    (_has_dict("fargateProfile"), _fargate_profile),
    (_has_dict("association"), _pod_identity),
    (_has_dict("accessEntry"), _access_entries),
    (_has_dict("iamlintLiveRead"), _live_read),
    (_has_dict("taskDefinition"), _task_definition),
    (_has("family", "containerDefinitions"), _task_definition),
    (lambda d: isinstance(d.get("services"), list), _services),
    (_has_dict("service"), _service),
    (lambda d: isinstance(d.get("tasks"), list), _tasks),
    (_is_task_request, _task_request),
]
