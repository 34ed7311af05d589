"""eksctl `ClusterConfig` (`apiVersion: eksctl.io/v1alpha5`, `kind: ClusterConfig`) -> model.

What `eksctl create cluster -f` (and `create iamserviceaccount`, `create nodegroup`, ...)
makes of the file, as far as identity wiring goes; facts from eksctl's source
(`pkg/apis/eksctl.io/v1alpha5`, `pkg/cfn/builder/iam*.go`, `pkg/authconfigmap`):

- the cluster: `metadata.name`/`region`, `iam.serviceRoleARN`, `accessConfig.
  authenticationMode` (eksctl's default is `API_AND_CONFIG_MAP`, `CONFIG_MAP` for a control
  plane on Outposts). It has no issuer until it exists: `iam.withOIDC: true` (eksctl creates
  the OIDC provider) is an X008 note, and checks that need the issuer are skipped; a config
  `clusters:` entry of the same name supplies it.
- `iam.serviceAccounts[]`: the ServiceAccount (namespace `default` when unset) and, unless
  `attachRoleARN` names an existing role, the role eksctl creates for it: its
  `attachPolicyARNs`, the inline `attachPolicy` (an identity Policy: P rules read it),
  `roleName`, `permissionsBoundary`. eksctl writes that role's trust itself, correctly, so
  the role has no trust document (trust checks skip it); `wellKnownPolicies` are eksctl's
  own policies, not modelled (the role's permissions are then incomplete). `roleOnly: true`
  creates the role without the ServiceAccount. An `attachRoleARN` is the annotation eksctl
  writes: K001 validates it and the I rules check its trust when the role is in the inputs.
- `iam.podIdentityAssociations[]` (and those of `addons[]`): associations, with a role
  created like the above when `roleARN` is not given; `createServiceAccount: true` creates
  the ServiceAccount.
- `nodeGroups[]` / `managedNodeGroups[]`: a node group whose role is `iam.instanceRoleARN`,
  or the role eksctl creates with exactly the managed policies eksctl attaches
  (`attachPolicyARNs` replaces the defaults: a managed node group listing policies without
  an ECR one cannot pull, E001). `iam.instanceProfileARN` is an instance profile (the role
  inside it is known only at create time).
- `fargateProfiles[]`: `podExecutionRoleARN`, else `iam.fargatePodExecutionRoleARN`, else
  the role eksctl creates (AmazonEKSFargatePodExecutionRolePolicy).
- `iamIdentityMappings[]` and what eksctl/EKS add to `aws-auth` in mode `CONFIG_MAP`: the
  node role of every node group (`system:node:{{EC2PrivateDNSName}}`, `system:bootstrappers`,
  `system:nodes`) and the Fargate pod execution role (plus `system:node-proxier`). They form
  an `AwsAuth` whose entries point into this file, so the A rules apply: an
  instance-profile ARN written as `instanceRoleARN` is what eksctl then writes as
  `rolearn`, reported by A002 (in the access-entry modes eksctl passes it to
  CreateAccessEntry instead, which no rule checks). `serviceName` mappings (EMR) name a
  service-linked role of an account the file does not give and are left out.
- `accessConfig.accessEntries[]`: access entries.

A role eksctl creates has no ARN before deploy: it gets the synthetic identity
`eksctl:<file>#<where>` (`#managedNodeGroups/spot`, `#iam.serviceAccounts/ns/name`; as IaC
roles get `cfn:`/`tf:` ones), written as the role reference of whatever uses it, so
`Model.resolve_role` finds it by exact match; a `roleName` makes it findable by name too.
In mode `CONFIG_MAP` a generated node role is mapped under that identity as well, so A005
sees it mapped. A ConfigMap of the same cluster in the inputs is merged with these entries
(A005 then cannot tell that applying it would drop them).
"""

from __future__ import annotations

from typing import Any

from iamlint.load.document import Path, Pointer
from iamlint.model import (
    IDENTITY,
    AccessEntry,
    Attachment,
    AwsAuth,
    AwsAuthMapping,
    Cluster,
    FargateProfile,
    InstanceProfile,
    Model,
    NodeGroup,
    PodIdentityAssociation,
    Role,
    Unresolved,
)
from iamlint.sources.common import policy_at
from iamlint.sources.view import view

ORIGIN = "eksctl"
KIND = "ClusterConfig"
API_GROUP = "eksctl.io/"
CONFIG_MAP = "CONFIG_MAP"
API_AND_CONFIG_MAP = "API_AND_CONFIG_MAP"
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"

NODE_USERNAME = "system:node:{{EC2PrivateDNSName}}"
NODE_GROUPS = ["system:bootstrappers", "system:nodes"]
WINDOWS_NODE_GROUP = "eks:kube-proxy-windows"
FARGATE_USERNAME = "system:node:{{SessionName}}"
FARGATE_GROUPS = ["system:bootstrappers", "system:nodes", "system:node-proxier"]
FARGATE_POLICY = "AmazonEKSFargatePodExecutionRolePolicy"
# withAddonPolicies that eksctl grants through managed policies (the others are inline
# policies of eksctl's own, not modelled)
ADDON_MANAGED_POLICIES = {
    "imageBuilder": "AmazonEC2ContainerRegistryPowerUser",
    "cloudWatch": "CloudWatchAgentServerPolicy",
    "ebs": "service-role/AmazonEBSCSIDriverPolicy",
}


def is_cluster_config(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return False
    api_version = data.get("apiVersion")
    return isinstance(api_version, str) and api_version.startswith(API_GROUP)


def extract_eksctl(pointer: Pointer, model: Model) -> bool:
    if not is_cluster_config(pointer.value):
        return False
    _ClusterConfig(pointer, model).run()
    return True


def synthetic_arn(pointer: Pointer, where: str) -> str:
    """The identity of a role eksctl creates for the object at `pointer` (see the module
    docstring); the document's index when the file holds several."""
    document = f"{pointer.doc.index}:" if pointer.doc.index else ""
    return f"eksctl:{pointer.file}#{document}{where}"


def _where(key: str, index: int, name: str) -> str:
    """`nodeGroups/ng-1`, or `nodeGroups[0]` when the name is missing or a placeholder."""
    from iamlint.placeholders import contains_placeholder

    if name and not contains_placeholder(name):
        return f"{key}/{name}"
    return f"{key}[{index}]"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _enabled(value: Any) -> bool:
    return value is True


def _any_enabled(value: Any) -> bool:
    return any(v is True for v in _mapping(value).values())


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class _ClusterConfig:
    """One ClusterConfig document and what it adds to the model."""

    def __init__(self, pointer: Pointer, model: Model) -> None:
        self.root = pointer
        self.model = model
        self.data: dict[str, Any] = pointer.value
        metadata = _mapping(self.data.get("metadata"))
        self.name = _text(metadata.get("name"))
        self.region = _text(metadata.get("region"))
        self.partition = _partition(self.region)
        self.iam = _mapping(self.data.get("iam"))
        self.iam_pointer = pointer.child("iam")
        self.mode = self._authentication_mode()
        self.aws_auth: AwsAuth | None = None
        self.fargate_role = ""  # the Fargate pod execution role eksctl creates, once

    def run(self) -> None:
        self._cluster()
        self._service_accounts()
        self._pod_identity_associations(self.iam_pointer, self.iam, "iam.podIdentityAssociations")
        self._addons()
        self._node_groups("nodeGroups", managed=False)
        self._node_groups("managedNodeGroups", managed=True)
        self._fargate_profiles()
        self._identity_mappings()
        self._access_entries()

    # --- cluster -------------------------------------------------------------------

    def _authentication_mode(self) -> str:
        written = _text(_mapping(self.data.get("accessConfig")).get("authenticationMode"))
        if written:
            return written
        outpost = _mapping(self.data.get("outpost"))
        on_outposts = bool(_text(outpost.get("controlPlaneOutpostARN")))
        if on_outposts and not _text(outpost.get("etcdInstanceType")):
            return CONFIG_MAP
        return API_AND_CONFIG_MAP

    def _cluster(self) -> None:
        if self.name:
            self.model.clusters.append(
                Cluster(
                    name=self.name,
                    pointer=self.root,
                    region=self.region,
                    authentication_mode=self.mode,
                    role_arn=_text(self.iam.get("serviceRoleARN")),
                    origin=ORIGIN,
                )
            )
        if _enabled(self.iam.get("withOIDC")):
            self._note(
                self.iam_pointer.child("withOIDC"),
                f"cluster `{self.name}`: the OIDC provider `iam.withOIDC` creates and the "
                "cluster's issuer are known only once eksctl has created the cluster; checks "
                "that need the issuer are skipped (declare `oidc_issuer` for the cluster under "
                "`clusters:` in the config when it exists)",
            )

    def _note(self, pointer: Pointer, message: str) -> None:
        self.model.unresolved.append(Unresolved("X008", pointer, message, resource=self.name))

    # --- roles eksctl creates ------------------------------------------------------

    def _created_role(
        self,
        pointer: Pointer,
        where: str,
        *,
        name: str = "",
        policy_arns: str = "attachPolicyARNs",
        inline: str = "attachPolicy",
        boundary: str = "permissionsBoundary",
    ) -> Role:
        """The role eksctl creates for a service account or association at `pointer`: the
        policies under the keys named (`wellKnownPolicies` are eksctl's own, not modelled)."""
        entry = _mapping(pointer.value)
        arn = synthetic_arn(pointer, where)
        role = Role(
            name=name,
            pointer=pointer,
            arn=arn,
            permissions_boundary=_text(entry.get(boundary)),
            origin=ORIGIN,
            permissions_complete=not _any_enabled(entry.get("wellKnownPolicies")),
        )
        listed = entry.get(policy_arns)
        for index, value in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(value, str) and value.strip():
                attachment = Attachment(value.strip(), pointer.child(policy_arns, index))
                role.attachments.append(attachment)
        self._inline_policy(role, pointer, inline)
        self.model.roles.append(role)
        return role

    def _inline_policy(self, role: Role, pointer: Pointer, key: str) -> None:
        if not isinstance(_mapping(pointer.value).get(key), dict):
            return
        policy = policy_at(
            pointer.child(key),
            IDENTITY,
            self.model,
            name=f"{role.name or role.arn} ({key})",
            owner=role.label,
            origin=ORIGIN,
        )
        if policy is not None:
            role.inline_policies.append(policy)

    def _managed(self, name: str) -> str:
        return f"arn:{self.partition}:iam::aws:policy/{name}"

    # --- service accounts and Pod Identity -----------------------------------------

    def _service_accounts(self) -> None:
        for index, entry in _items(self.iam.get("serviceAccounts")):
            pointer = self.iam_pointer.child("serviceAccounts", index)
            metadata = _mapping(entry.get("metadata"))
            name = _text(metadata.get("name"))
            namespace = _text(metadata.get("namespace")) or "default"
            attached = entry.get("attachRoleARN")
            if isinstance(attached, str) and attached.strip():
                role_arn = attached.strip()
            else:
                attached = None
                where = _where("iam.serviceAccounts", index, name and f"{namespace}/{name}")
                role = self._created_role(pointer, where, name=_text(entry.get("roleName")))
                role_arn = role.arn
            if not _enabled(entry.get("roleOnly")):
                self._service_account(pointer, name, namespace, role_arn, attached)

    def _service_account(
        self,
        pointer: Pointer,
        name: str,
        namespace: str,
        role_arn: str,
        attached: Any,
        from_metadata: bool = True,
    ) -> None:
        """A ServiceAccount eksctl creates: a view in the manifest's shape, annotated with
        `attached` (an `attachRoleARN` as written) when given."""
        from iamlint.sources.k8s import extract_k8s

        entry = _mapping(pointer.value)
        metadata = _mapping(entry.get("metadata")) if from_metadata else {}
        written = {
            k: v
            for k, v in _mapping(metadata.get("annotations")).items()
            if k != ROLE_ARN_ANNOTATION  # eksctl writes its own role's ARN there
        }
        aliases: dict[Path, Path] = {}
        if isinstance(entry.get("metadata"), dict) and from_metadata:
            aliases[("metadata",)] = pointer.child("metadata").path
        if attached is not None:
            written[ROLE_ARN_ANNOTATION] = attached
            aliases[("metadata", "annotations", ROLE_ARN_ANNOTATION)] = pointer.child(
                "attachRoleARN"
            ).path
        manifest_metadata: dict[str, Any] = {"name": name, "namespace": namespace}
        if written:
            manifest_metadata["annotations"] = written
        labels = metadata.get("labels")
        if isinstance(labels, dict):
            manifest_metadata["labels"] = labels
        manifest = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": manifest_metadata}
        before = len(self.model.service_accounts)
        extract_k8s(view(pointer, manifest, aliases), self.model)
        for account in self.model.service_accounts[before:]:
            account.origin = ORIGIN
            account.cluster = self.name
            account.role_arn = role_arn

    def _pod_identity_associations(self, owner: Pointer, data: dict[str, Any], label: str) -> None:
        for index, entry in _items(data.get("podIdentityAssociations")):
            pointer = owner.child("podIdentityAssociations", index)
            namespace = _text(entry.get("namespace"))
            service_account = _text(entry.get("serviceAccountName"))
            if not namespace or not service_account:
                continue  # an add-on's own service account, named by EKS
            role_arn = _text(entry.get("roleARN"))
            if not role_arn:
                where = _where(label, index, f"{namespace}/{service_account}")
                role_arn = self._created_role(
                    pointer,
                    where,
                    name=_text(entry.get("roleName")),
                    policy_arns="permissionPolicyARNs",
                    inline="permissionPolicy",
                    boundary="permissionsBoundaryARN",
                ).arn
            self.model.pod_identity_associations.append(
                PodIdentityAssociation(
                    cluster=self.name,
                    namespace=namespace,
                    service_account=service_account,
                    role_arn=role_arn,
                    pointer=pointer,
                )
            )
            if _enabled(entry.get("createServiceAccount")):
                self._service_account(
                    pointer, service_account, namespace, "", None, from_metadata=False
                )

    def _addons(self) -> None:
        for index, addon in _items(self.data.get("addons")):
            pointer = self.root.child("addons", index)
            name = _text(addon.get("name")) or str(index)
            self._pod_identity_associations(
                pointer, addon, f"addons/{name}/podIdentityAssociations"
            )
            if isinstance(addon.get("attachPolicy"), dict):
                label = f"addon {name}"
                policy_at(
                    pointer.child("attachPolicy"),
                    IDENTITY,
                    self.model,
                    name=f"{label} (attachPolicy)",
                    owner=label,
                    origin=ORIGIN,
                )

    # --- nodes -----------------------------------------------------------------------

    def _node_groups(self, key: str, managed: bool) -> None:
        for index, entry in _items(self.data.get(key)):
            pointer = self.root.child(key, index)
            name = _text(entry.get("name")) or f"{key}[{index}]"
            iam = _mapping(entry.get("iam"))
            iam_pointer = pointer.child("iam")
            role_arn = _text(iam.get("instanceRoleARN"))
            role_pointer = iam_pointer.child("instanceRoleARN") if role_arn else None
            profile = _text(iam.get("instanceProfileARN"))
            if profile:
                self._instance_profile(iam_pointer.child("instanceProfileARN"), profile, role_arn)
            elif not role_arn:
                where = _where(key, index, _text(entry.get("name")))
                role_arn = self._node_role(pointer, where, iam, managed).arn
                role_pointer = self._generated_role_pointer(pointer, iam)
            self.model.node_groups.append(
                NodeGroup(
                    cluster=self.name,
                    name=name,
                    pointer=pointer,
                    node_role_arn=role_arn,
                    role_pointer=role_pointer,
                )
            )
            if role_arn and self.mode == CONFIG_MAP:
                groups = list(NODE_GROUPS)
                if _text(entry.get("amiFamily")).lower().startswith("windows"):
                    groups.insert(0, WINDOWS_NODE_GROUP)
                self._added_mapping(role_pointer or pointer, role_arn, NODE_USERNAME, groups)

    def _generated_role_pointer(self, pointer: Pointer, iam: dict[str, Any]) -> Pointer:
        """Where a node group's generated role is defined: its policy list, if written."""
        if "attachPolicyARNs" in iam:
            return pointer.child("iam", "attachPolicyARNs")
        return pointer.child("iam") if iam else pointer

    def _instance_profile(self, pointer: Pointer, arn: str, role_arn: str) -> None:
        self.model.instance_profiles.append(
            InstanceProfile(
                name=arn.rsplit("/", 1)[-1],
                pointer=pointer,
                arn=arn,
                roles=[role_arn] if role_arn else [],
                origin=ORIGIN,
            )
        )

    def _node_role(self, pointer: Pointer, where: str, iam: dict[str, Any], managed: bool) -> Role:
        """The node role eksctl creates, with the managed policies it attaches
        (`makeManagedPolicies` in eksctl's `pkg/cfn/builder/iam_helper.go`)."""
        addons = _mapping(iam.get("withAddonPolicies"))
        inline_addons = any(v is True for k, v in addons.items() if k not in ADDON_MANAGED_POLICIES)
        role = Role(
            name=_text(iam.get("instanceRoleName")),
            pointer=pointer.child("iam") if iam else pointer,
            arn=synthetic_arn(pointer, where),
            permissions_boundary=_text(iam.get("instanceRolePermissionsBoundary")),
            origin=ORIGIN,
            permissions_complete=not inline_addons,
        )
        written = [(i, v.strip()) for i, v in enumerate(_strings(iam.get("attachPolicyARNs")))]
        for index, arn in written:
            if arn:
                role.attachments.append(
                    Attachment(arn, pointer.child("iam", "attachPolicyARNs", index))
                )
        for name in self._default_node_policies(addons, managed, [a for _, a in written]):
            role.attachments.append(Attachment(self._managed(name), role.pointer))
        self._inline_policy(role, pointer.child("iam"), "attachPolicy")
        self.model.roles.append(role)
        return role

    def _default_node_policies(
        self, addons: dict[str, Any], managed: bool, written: list[str]
    ) -> list[str]:
        names: list[str] = []
        if not written:
            names.append("AmazonEKSWorkerNodePolicy")
            if not _enabled(self.iam.get("withOIDC")):
                names.append("AmazonEKS_CNI_Policy")
            if managed:
                names.append("AmazonEC2ContainerRegistryPullOnly")
            names.append("AmazonSSMManagedInstanceCore")
        if _enabled(addons.get("imageBuilder")):
            names.append(ADDON_MANAGED_POLICIES["imageBuilder"])
        elif not managed:
            names.append("AmazonEC2ContainerRegistryPullOnly")
        for key in ("cloudWatch", "ebs"):
            if _enabled(addons.get(key)):
                names.append(ADDON_MANAGED_POLICIES[key])
        replaced = {arn.split(":policy/", 1)[-1] for arn in written}
        return [n for n in dict.fromkeys(names) if n not in replaced]

    def _fargate_profiles(self) -> None:
        cluster_role = _text(self.iam.get("fargatePodExecutionRoleARN"))
        for index, entry in _items(self.data.get("fargateProfiles")):
            pointer = self.root.child("fargateProfiles", index)
            role_arn = _text(entry.get("podExecutionRoleARN"))
            role_pointer = pointer.child("podExecutionRoleARN")
            if not role_arn and cluster_role:
                role_arn, role_pointer = (
                    cluster_role,
                    self.iam_pointer.child("fargatePodExecutionRoleARN"),
                )
            elif not role_arn:
                role_arn, role_pointer = self._fargate_role(pointer), pointer
            self.model.fargate_profiles.append(
                FargateProfile(
                    cluster=self.name,
                    name=_text(entry.get("name")) or f"fargateProfiles[{index}]",
                    pointer=pointer,
                    pod_execution_role_arn=role_arn,
                    role_pointer=role_pointer,
                    selectors=[s for _, s in _items(entry.get("selectors"))],
                )
            )
            if self.mode == CONFIG_MAP:
                self._added_mapping(role_pointer, role_arn, FARGATE_USERNAME, FARGATE_GROUPS)

    def _fargate_role(self, pointer: Pointer) -> str:
        """The one pod execution role eksctl creates for the cluster's Fargate profiles."""
        if not self.fargate_role:
            role = Role(
                name="",
                pointer=pointer,
                arn=synthetic_arn(pointer, "FargatePodExecutionRole"),
                origin=ORIGIN,
            )
            role.attachments.append(Attachment(self._managed(FARGATE_POLICY), pointer))
            self.model.roles.append(role)
            self.fargate_role = role.arn
        return self.fargate_role

    # --- aws-auth and access entries -------------------------------------------------

    def _aws_auth(self) -> AwsAuth:
        """The aws-auth entries this file makes eksctl (and EKS) write."""
        if self.aws_auth is None:
            at = ("iamIdentityMappings",) if "iamIdentityMappings" in self.data else ()
            manifest = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "aws-auth", "namespace": "kube-system"},
            }
            self.aws_auth = AwsAuth(
                name="aws-auth",
                namespace="kube-system",
                pointer=view(self.root.child(*at), manifest),
                cluster=self.name,
            )
            self.model.aws_auth.append(self.aws_auth)
        return self.aws_auth

    def _added_mapping(
        self, pointer: Pointer, role_arn: str, username: str, groups: list[str]
    ) -> None:
        """A mapping eksctl or EKS adds for a node or Fargate role; it points at the role."""
        entry = {"rolearn": role_arn, "username": username, "groups": groups}
        mapping_pointer = view(pointer, entry)
        self._aws_auth().mappings.append(
            AwsAuthMapping(
                "mapRoles",
                mapping_pointer,
                arn=role_arn,
                arn_pointer=mapping_pointer.child("rolearn"),
                username=username,
                groups=list(groups),
                raw=entry,
            )
        )

    def _identity_mappings(self) -> None:
        for index, entry in _items(self.data.get("iamIdentityMappings")):
            pointer = self.root.child("iamIdentityMappings", index)
            if "account" in entry:
                account = view(pointer.child("account"), str(entry["account"]))
                self._aws_auth().mappings.append(
                    AwsAuthMapping("mapAccounts", account, arn=str(entry["account"]), raw={})
                )
            elif isinstance(entry.get("arn"), str):
                self._identity_mapping(pointer, entry)

    def _identity_mapping(self, pointer: Pointer, entry: dict[str, Any]) -> None:
        arn = entry["arn"]
        user = ":user/" in arn
        section, key = ("mapUsers", "userarn") if user else ("mapRoles", "rolearn")
        data: dict[str, Any] = {key: arn}
        aliases: dict[Path, Path] = {(key,): pointer.child("arn").path}
        for name in ("username", "groups"):
            if name in entry:
                data[name] = entry[name]
                aliases[(name,)] = pointer.child(name).path
        mapping_pointer = view(pointer, data, aliases)
        username = entry.get("username")
        groups = entry.get("groups")
        self._aws_auth().mappings.append(
            AwsAuthMapping(
                section,
                mapping_pointer,
                arn=arn.strip(),
                arn_pointer=mapping_pointer.child(key),
                username=username if isinstance(username, str) else None,
                groups=[str(g) for g in groups] if isinstance(groups, list) else [],
                raw=data,
            )
        )

    def _access_entries(self) -> None:
        access = _mapping(self.data.get("accessConfig"))
        for index, entry in _items(access.get("accessEntries")):
            pointer = self.root.child("accessConfig", "accessEntries", index)
            # the API's field names (what the A rules read), positions in this file
            renamed = {
                "principalArn": "principalARN",
                "type": "type",
                "kubernetesGroups": "kubernetesGroups",
                "username": "kubernetesUsername",
            }
            data = {api: entry[own] for api, own in renamed.items() if own in entry}
            aliases: dict[Path, Path] = {
                (api,): pointer.child(own).path for api, own in renamed.items() if own in entry
            }
            self.model.access_entries.append(
                AccessEntry(
                    cluster=self.name,
                    principal_arn=_text(entry.get("principalARN")),
                    pointer=view(pointer, data, aliases),
                    type=_text(entry.get("type")) or "STANDARD",
                    username=_text(entry.get("kubernetesUsername")),
                    groups=_strings(entry.get("kubernetesGroups")),
                )
            )
