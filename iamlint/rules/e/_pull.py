"""What the rules about a role's permissions share (E001, E002, E007, E008, F002, F004, F005):
a role's identity policies as the evaluator reads them, and which role pulls which ECR image.

Not a rule module: registers nothing; the evaluator and the shipped managed policies are
imported only when a check needs them.

Identity policies (`role_permissions(model, role) -> RolePermissions`)
- inline policies, attached AWS managed policies (shipped documents) and attached customer
  managed policies found in the inputs (`Model.index("managed_by_arn")`);
- what is not in the inputs (an attached customer managed policy, the policies of a role
  known only from `aws iam get-role`, an IaC reference unknown until deploy) is modelled as
  one more policy that allows everything under a condition nobody can decide: the answer
  can then be ALLOWED (another policy allows), DENIED by an explicit `Deny`, or UNKNOWN,
  never an implicit DENIED.
- `RolePermissions.decide(actions, principal=...)` evaluates a mapping action -> resource
  on the identity side alone (`iamlint.iam.evaluate.allows_all`);
  `.statement_pointer(reason)` is where a deciding statement is written.

Who pulls an image (`pull_checks(model) -> list[PullCheck]`)
- ECS: the task execution role pulls the private ECR images of its task definition;
- EKS Fargate: a pod whose namespace and labels match a Fargate profile selector of its
  cluster is pulled with that profile's pod execution role;
- EKS nodes: other pods are pulled with the node role of a node group of their cluster that
  can run them (untainted groups for a pod without node selector or affinity; a pod with
  scheduling constraints only when the cluster's node groups share one role); every node
  also pulls the EKS add-on images (VPC CNI, kube-proxy) from the EKS registry account.
Pods with `imagePullSecrets` (on the pod or its service account) are left out: the secret
may supply the credentials. A pod is tied to a cluster when the inputs' node groups and
Fargate profiles name exactly one cluster.
Each `PullCheck` holds one role's pulls, the identity-side decision for
`ecr:GetAuthorizationToken` and, per repository, for `ecr:BatchGetImage` and
`ecr:GetDownloadUrlForLayer`, plus the repository policy's decision when that policy is in
the inputs (`RepositoryCheck.resource_side`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from iamlint.load.document import Pointer
from iamlint.model import (
    ECS_EXECUTION_ROLE,
    FARGATE_ROLE,
    NODE_ROLE,
    Attachment,
    FargateProfile,
    Model,
    NodeGroup,
    Policy,
    Repository,
    Role,
    RoleUse,
    Workload,
)
from iamlint.record import field, record

if TYPE_CHECKING:
    from iamlint.iam.arn import EcrImage
    from iamlint.iam.evaluate import ActionDecisions, PolicyRef, Reason

AUTH_ACTION = "ecr:GetAuthorizationToken"
PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
# What each pulling role should have attached (the message's fix)
PULL_POLICY = {
    NODE_ROLE: "AmazonEC2ContainerRegistryPullOnly",
    FARGATE_ROLE: "AmazonEKSFargatePodExecutionRolePolicy",
    ECS_EXECUTION_ROLE: "service-role/AmazonECSTaskExecutionRolePolicy",
}
PULLER_LABEL = {
    NODE_ROLE: "node role",
    FARGATE_ROLE: "Fargate pod execution role",
    ECS_EXECUTION_ROLE: "task execution role",
}
# The EKS add-on images (amazon-k8s-cni, kube-proxy, coredns, pause) of most regions live in
# this account's registry; nodes pull them with the node role.
EKS_REGISTRY_ACCOUNT = "602401143452"
# Registries of the EKS add-on images per region (EKS User Guide, "View Amazon container image
# registries for Amazon EKS add-ons"): every account may pull from them.
AWS_REGISTRY_ACCOUNTS = frozenset(
    {
        EKS_REGISTRY_ACCOUNT,
        "877085696533",  # af-south-1
        "800184023465",  # ap-east-1
        "900889452093",  # ap-south-2
        "296578399912",  # ap-southeast-3
        "491585149902",  # ap-southeast-4
        "761377655185",  # ca-west-1
        "900612956339",  # eu-central-2
        "590381155156",  # eu-south-1
        "455263428931",  # eu-south-2
        "066635153087",  # il-central-1
        "558608220178",  # me-south-1
        "759879836304",  # me-central-1
        "918309763551",  # cn-north-1
        "961992271922",  # cn-northwest-1
        "151742754352",  # us-gov-east-1
        "013241004608",  # us-gov-west-1
    }
)
EKS_SYSTEM_REPOSITORY = "amazon-k8s-cni"

_UNRESOLVED_KEY = "iamlint:policy-not-in-inputs"
_UNRESOLVED_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {_UNRESOLVED_KEY: "unknown"}},
        }
    ],
}
_ALLOW_ALL_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


# --- identity policies ----------------------------------------------------------------


@record
class IdentityPolicy:
    """One policy document that applies to the role."""

    ref: PolicyRef
    policy: Policy | None = None  # inline or customer managed, as found in the inputs
    attachment: Attachment | None = None  # how it is attached (managed policies)
    aws_managed: str = ""  # the AWS managed policy's name (document shipped with iamlint)

    @property
    def label(self) -> str:
        return self.ref.label


@record
class RolePermissions:
    role: Role
    policies: list[IdentityPolicy] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what the inputs do not hold
    # the run's decisions shared by roles with the same policies (see `decide`)
    shared: SharedDecisions | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        return not self.missing

    def refs(self) -> list[PolicyRef]:
        refs = [p.ref for p in self.policies]
        if self.missing:
            refs.append(_unresolved_ref())
        return refs

    def decide(
        self,
        actions: Mapping[str, str],
        principal: str = "",
        context: Mapping[str, Any] | None = None,
    ) -> ActionDecisions:
        """Identity-side decisions for `actions` (action -> resource ARN)."""
        from iamlint.iam.evaluate import ActionDecisions, allows_all

        refs = self.refs()
        key = self.shared.key(refs, actions) if self.shared is not None else None
        if key is not None and key in self.shared.decisions:  # type: ignore[union-attr]
            return ActionDecisions(self.shared.decisions[key])  # type: ignore[union-attr]
        decisions = allows_all(
            actions,
            identity_policies=refs,
            principal=principal,
            context=context if context is not None else principal_context(self.role),
        )
        if key is not None:
            self.shared.decisions[key] = ActionDecisions(decisions)  # type: ignore[union-attr]
        return decisions

    def find(self, label: str) -> IdentityPolicy | None:
        for policy in self.policies:
            if policy.label == label:
                return policy
        return None

    def statement_pointer(self, reason: Reason) -> Pointer | None:
        """Where the statement behind `reason` is written (for AWS managed policies, where
        the policy is attached)."""
        found = self.find(reason.label)
        if found is None:
            return None
        if found.policy is not None:
            return found.policy.pointer.child(*reason.path)
        return found.attachment.pointer if found.attachment is not None else None

    def describe(self, reason: Reason) -> str:
        found = self.find(reason.label)
        where = f"`{reason.sid}`" if reason.sid else _statement_number(reason)
        if found is not None and found.aws_managed:
            return f"statement {where} of the AWS managed policy `{found.aws_managed}`"
        return f"statement {where} of {reason.label}"


class SharedDecisions:
    """One run's policy documents as evaluator `PolicyRef`s, one per (label, document), so
    that roles with the same policies share their prepared statements; and the identity-side
    decisions of policy sets whose answer cannot depend on who asks (no `Condition`, no
    policy variable in a resource): roles attaching the same managed policies are decided
    once per action and resource."""

    def __init__(self) -> None:
        self.refs: dict[tuple[str, int], PolicyRef] = {}  # the ref holds the document: ids stay
        self.principal_free: dict[int, bool] = {}  # by id(ref)
        self.decisions: dict[tuple[object, ...], ActionDecisions] = {}

    def ref(self, label: str, document: Any) -> PolicyRef:
        from iamlint.iam.evaluate import PolicyRef

        key = (label, id(document))
        ref = self.refs.get(key)
        if ref is None:
            ref = self.refs[key] = PolicyRef(label, document)
        return ref

    def key(self, refs: list[PolicyRef], actions: Mapping[str, str]) -> tuple[object, ...] | None:
        """The cache key of a decision, None when it may depend on the principal."""
        for ref in refs:
            free = self.principal_free.get(id(ref))
            if free is None:
                free = self.principal_free[id(ref)] = _principal_free(ref)
            if not free or self.refs.get((ref.label, id(ref.document))) is not ref:
                return None
        return (*(id(ref) for ref in refs), *actions.items())


def _principal_free(ref: PolicyRef) -> bool:
    """Identity statements use the principal and the request context only in `Condition`
    blocks and in policy variables of resources."""
    for statement in ref.statements:
        stmt = statement.stmt
        if stmt.condition is not None:
            return False
        resources = (stmt.resources or []) + (stmt.not_resources or [])
        if statement.variables and any("${" in value for value, _ in resources):
            return False
    return True


def _shared(model: Model) -> SharedDecisions:
    shared: SharedDecisions = model.memo("policy-refs", SharedDecisions)
    return shared


def role_permissions(model: Model, role: Role) -> RolePermissions:
    from iamlint.iam.managed import is_aws_managed_arn, managed_policy_info

    shared = _shared(model)
    permissions = RolePermissions(role, shared=shared)
    labels: set[str] = set()

    def label_for(text: str) -> str:
        label, n = text, 2
        while label in labels:
            label, n = f"{text} ({n})", n + 1
        labels.add(label)
        return label

    for policy in role.inline_policies:
        name = f"inline policy `{policy.name}`" if policy.name else "an inline policy"
        label = label_for(name)
        permissions.policies.append(IdentityPolicy(shared.ref(label, policy.document), policy))
    customer = model.index("managed_by_arn")
    for attachment in role.attachments:
        arn = attachment.arn.strip()
        if is_aws_managed_arn(arn):
            info = managed_policy_info(arn)
            if info is None:
                permissions.missing.append(f"AWS managed policy `{arn}` (unknown to iamlint)")
                continue
            label = label_for(f"AWS managed policy `{info.name}`")
            ref = shared.ref(label, info.document)
            permissions.policies.append(
                IdentityPolicy(ref, attachment=attachment, aws_managed=info.name)
            )
            continue
        found = customer.get(arn.lower())
        if not found:
            permissions.missing.append(f"customer managed policy `{arn}`")
            continue
        managed = found[-1]
        label = label_for(f"managed policy `{managed.name or arn}`")
        permissions.policies.append(
            IdentityPolicy(shared.ref(label, managed.document), managed, attachment)
        )
    if not role.permissions_complete:
        permissions.missing.append("the complete list of the role's policies")
    return permissions


def allow_all_identity() -> list[PolicyRef]:
    """An identity side that allows everything: isolates a resource or endpoint policy."""
    return [_constant_ref("any identity policy", _ALLOW_ALL_DOCUMENT)]


def _unresolved_ref() -> PolicyRef:
    return _constant_ref("policies not in the inputs", _UNRESOLVED_DOCUMENT)


_CONSTANT_REFS: dict[str, PolicyRef] = {}


def _constant_ref(label: str, document: dict[str, Any]) -> PolicyRef:
    """A ref to one of this module's constant documents, its statements prepared once."""
    ref = _CONSTANT_REFS.get(label)
    if ref is None:
        from iamlint.iam.evaluate import PolicyRef

        ref = _CONSTANT_REFS[label] = PolicyRef(label, document)
    return ref


def _statement_number(reason: Reason) -> str:
    index = next((p for p in reversed(reason.path) if isinstance(p, int)), None)
    return f"#{index + 1}" if index is not None else "(the only one)"


# --- roles: names, accounts, where to point -----------------------------------------


def role_label(role: Role | None, fallback: str = "") -> str:
    """`eks-node`: the role name, else its template logical ID, else the ARN as written."""
    if role is None:
        return fallback.rsplit("/", 1)[-1] if fallback.startswith("arn:") else fallback
    if role.name:
        return role.name
    if role.arn.startswith("cfn:") and "#" in role.arn:
        return role.arn.rsplit("#", 1)[-1]
    return role.arn or fallback


def concrete_role_arn(role: Role | None, written: str = "") -> str:
    """`arn:<partition>:iam::<12 digits>:role/...` of the role, '' when not known."""
    from iamlint.iam.arn import role_arn_parts
    from iamlint.placeholders import contains_placeholder

    for candidate in (role.arn if role else "", written):
        parts = role_arn_parts(candidate)
        if parts and _is_account(parts[1]) and not contains_placeholder(candidate):
            return candidate.strip()
    return ""


def role_account(role: Role | None, written: str = "") -> str:
    return _account_of(role, concrete_role_arn(role, written))


def _account_of(role: Role | None, concrete_arn: str) -> str:
    if concrete_arn:
        return concrete_arn.split(":")[4]
    return role.account if role is not None and _is_account(role.account) else ""


def principal_context(role: Role | None, written: str = "") -> dict[str, Any]:
    """Condition keys known for the role's sessions (its ARN and account)."""
    return _context_of(concrete_role_arn(role, written))


def _context_of(concrete_arn: str) -> dict[str, Any]:
    if not concrete_arn:
        return {}
    return {"aws:PrincipalArn": concrete_arn, "aws:PrincipalAccount": concrete_arn.split(":")[4]}


def role_anchor(role: Role) -> Pointer:
    """Where permissions are added to the role: its managed policy list, its inline policies,
    else the role itself."""
    data = role.pointer.value
    base = role.pointer
    if isinstance(data, dict) and isinstance(data.get("Properties"), dict):
        base, data = role.pointer.child("Properties"), data["Properties"]
    if not isinstance(data, dict):
        return role.pointer
    for key in ("AttachedManagedPolicies", "ManagedPolicyArns", "RolePolicyList", "Policies"):
        if key in data:
            return base.child(key).at_key()
    for key in ("RoleName", "Arn"):
        if key in data:
            return base.child(key).at_key()
    return role.pointer.at_key() if role.pointer.path else role.pointer


def _is_account(text: str) -> bool:
    return len(text) == 12 and text.isdigit()


# --- who pulls which image ------------------------------------------------------------


@record
class Pull:
    use: RoleUse  # the pulling role, as referenced (node group, Fargate profile, task def)
    image: EcrImage
    image_text: str
    image_pointer: Pointer | None  # None for the EKS add-on images every node pulls
    consumer: str  # "Deployment apps/web, container `web`"
    certain: bool = True  # False: the repository ARN has a placeholder or an unknown region

    @property
    def usage(self) -> str:
        return self.use.usage

    @property
    def repository_arn(self) -> str:
        return self.image.repository_arn

    @property
    def owner_label(self) -> str:
        return owner_label(self.use.owner)


@record
class RepositoryCheck:
    arn: str
    image: EcrImage
    pulls: list[Pull]
    identity: ActionDecisions
    certain: bool  # the ARN is fully known: an identity-side DENIED is a real deny
    cross_account: bool | None  # None: an account is unknown
    repository: Repository | None = None
    resource_side: ActionDecisions | None = None  # the repository policy alone


@record
class PullCheck:
    role: Role
    permissions: RolePermissions
    pulls: list[Pull]
    auth: ActionDecisions  # ecr:GetAuthorizationToken on *
    repositories: list[RepositoryCheck]

    @property
    def usage(self) -> str:
        return self.pulls[0].usage

    @property
    def label(self) -> str:
        return role_label(self.role)


def pull_checks(model: Model) -> list[PullCheck]:
    """Every role's pulls, decided once per run (E001, E002, E007 and trace read them)."""
    checks: list[PullCheck] = model.memo("pull-checks", lambda: _pull_checks(model))
    return list(checks)


def _pull_checks(model: Model) -> list[PullCheck]:
    by_role: dict[int, list[Pull]] = {}
    roles: dict[int, Role] = {}
    for pull in pulls(model):
        role = pull.use.role
        if role is None:
            continue
        by_role.setdefault(id(role), []).append(pull)
        roles[id(role)] = role
    return [_check(model, roles[key], role_pulls) for key, role_pulls in by_role.items()]


def _check(model: Model, role: Role, role_pulls: list[Pull]) -> PullCheck:
    permissions = role_permissions(model, role)
    principal = concrete_role_arn(role, role_pulls[0].use.role_arn)
    context = _context_of(principal)
    auth = permissions.decide({AUTH_ACTION: "*"}, principal, context)
    grouped: dict[str, list[Pull]] = {}
    for pull in role_pulls:
        grouped.setdefault(pull.repository_arn, []).append(pull)
    account = _account_of(role, principal)
    checks = []
    for arn, repo_pulls in grouped.items():
        image = repo_pulls[0].image
        identity = permissions.decide(dict.fromkeys(PULL_ACTIONS, arn), principal, context)
        cross = None
        if account and _is_account(image.account):
            cross = account != image.account
        check = RepositoryCheck(
            arn, image, repo_pulls, identity, all(p.certain for p in repo_pulls), cross
        )
        check.repository = repository_for(model, image)
        policy = check.repository.policy if check.repository is not None else None
        if policy is not None:
            ref = _shared(model).ref(policy.label, policy.document)
            check.resource_side = resource_side(ref, arn, principal, context)
        checks.append(check)
    return PullCheck(role, permissions, role_pulls, auth, checks)


def resource_side(
    policy: PolicyRef, repository_arn: str, principal: str, context: Mapping[str, Any]
) -> ActionDecisions:
    """The repository policy's own answer for the pull actions (identity side allowed)."""
    from iamlint.iam.evaluate import allows_all

    return allows_all(
        dict.fromkeys(PULL_ACTIONS, repository_arn),
        identity_policies=allow_all_identity(),
        resource_policy=policy,
        principal=principal,
        same_account=False,
        context=context,
    )


def repository_for(model: Model, image: EcrImage) -> Repository | None:
    """The repository of the inputs an image names (preferring one with its policy)."""
    by_name: dict[str, list[Repository]] = model.memo(
        "repositories-by-name", lambda: _by_name(model)
    )
    found = []
    for repository in by_name.get(image.repository, []):
        if repository.account and repository.account != image.account:
            continue
        if repository.region and repository.region != image.region:
            continue
        found.append(repository)
    with_policy = [r for r in found if r.policy is not None]
    return (with_policy or found or [None])[-1]


def _by_name(model: Model) -> dict[str, list[Repository]]:
    grouped: dict[str, list[Repository]] = {}
    for repository in model.repositories:
        grouped.setdefault(repository.name, []).append(repository)
    return grouped


def pulls(model: Model) -> Iterator[Pull]:
    yield from _ecs_pulls(model)
    yield from _eks_pulls(model)
    yield from _system_pulls(model)


def parse_image(text: str) -> EcrImage | None:
    """A private ECR image reference; IaC placeholders in it (`${AWS::AccountId}`) are kept
    as written and make its repository ARN uncertain."""
    from iamlint.iam.arn import parse_ecr_image

    return parse_ecr_image(text)


def _ecs_pulls(model: Model) -> Iterator[Pull]:
    for use in model.role_uses:
        if use.usage != ECS_EXECUTION_ROLE:
            continue
        task = use.owner
        for container in task.containers:
            image = parse_image(container.image)
            if image is None:
                continue
            name = f", container `{container.name}`" if container.name else ""
            consumer = f"task definition `{task.family or task.arn}`{name}"
            yield _pull(use, image, container.image, container.image_pointer, consumer)


def _pull(use: RoleUse, image: EcrImage, text: str, pointer: Pointer | None, consumer: str) -> Pull:
    from iamlint.placeholders import contains_placeholder

    certain = not contains_placeholder(image.repository_arn) and "*" not in image.repository_arn
    return Pull(use, image, text.strip(), pointer, consumer, certain)


# --- EKS: which role pulls a pod's images ---------------------------------------------


def _eks_pulls(model: Model) -> Iterator[Pull]:
    if not model.workloads:
        return
    node_uses: dict[str, list[RoleUse]] = {}  # by cluster: a scan per workload is quadratic
    fargate_uses: dict[str, list[RoleUse]] = {}
    for use in model.role_uses:
        if use.usage in (NODE_ROLE, FARGATE_ROLE):
            by_cluster = node_uses if use.usage == NODE_ROLE else fargate_uses
            by_cluster.setdefault(use.owner.cluster, []).append(use)
    only_cluster = single_cluster(model)
    for workload in model.workloads:
        cluster = workload.cluster or only_cluster
        if not cluster or (cluster not in node_uses and cluster not in fargate_uses):
            continue  # no role of the inputs pulls its images
        images = [(c, parse_image(c.image)) for c in workload.containers]
        ecr = [(c, image) for c, image in images if image is not None]
        if not ecr or _has_pull_secrets(model, workload):
            continue
        for use in _pulling_roles(workload, cluster, node_uses, fargate_uses):
            for container, image in ecr:
                consumer = f"{workload.label}, container `{container.name}`"
                yield _pull(use, image, container.image, container.image_pointer, consumer)


def _pulling_roles(
    workload: Workload,
    cluster: str,
    node_uses: dict[str, list[RoleUse]],
    fargate_uses: dict[str, list[RoleUse]],
) -> list[RoleUse]:
    profiles = fargate_uses.get(cluster, [])
    if profiles:
        if not workload.namespace_explicit:
            return []  # the namespace is chosen at install time: Fargate or not is unknown
        labels = pod_labels(workload)
        answers = [(u, profile_matches(u.owner, workload.namespace, labels)) for u in profiles]
        if any(answer is None for _, answer in answers):
            return []
        fargate = [u for u, answer in answers if answer]
        if fargate:
            return fargate
    groups = node_uses.get(cluster, [])
    if not groups:
        return []
    if _constrained(workload):
        # it runs where its selectors say: known only when every group has the same role
        roles = {u.role_arn.lower() for u in groups}
        return groups[:1] if len(roles) == 1 else []
    return [u for u in groups if not _tainted(u.owner)]


def single_cluster(model: Model) -> str:
    """The cluster of workloads that name none: the only one the inputs' node groups and
    Fargate profiles name ('' when they name none or several)."""
    names = {g.cluster for g in model.node_groups} | {p.cluster for p in model.fargate_profiles}
    names.discard("")
    return names.pop() if len(names) == 1 else ""


def profile_matches(
    profile: FargateProfile, namespace: str, labels: Mapping[str, Any]
) -> bool | None:
    """Does a selector of `profile` select a pod of `namespace` with `labels`? Namespace
    and label values may use `*` and `?`. None when a selector that could match holds a
    value unknown until deploy."""
    answers = [_selector_matches(s, namespace, labels) for s in profile.selectors]
    if any(answer is True for answer in answers):
        return True
    return None if any(answer is None for answer in answers) else False


def _selector_matches(selector: Any, namespace: str, labels: Mapping[str, Any]) -> bool | None:
    from iamlint.iam.wildcard import glob_match
    from iamlint.placeholders import contains_placeholder

    if not isinstance(selector, dict):
        return False
    wanted_namespace = selector.get("namespace")
    if not isinstance(wanted_namespace, str) or contains_placeholder(wanted_namespace):
        return None
    if not glob_match(wanted_namespace.strip(), namespace):
        return False
    wanted = selector_labels(selector.get("labels"))
    if wanted is None:
        return None
    for key, value in wanted.items():
        have = labels.get(key)
        if contains_placeholder(value):
            return None
        if have is None or not glob_match(value, str(have)):
            return False
    return True


def selector_labels(value: Any) -> dict[str, str] | None:
    """Selector labels: a mapping (API/CLI) or CloudFormation's `[{Key, Value}]`; None when
    unreadable (an intrinsic)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, str)}
    if isinstance(value, list):
        found = {}
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("Value"), str):
                return None
            found[str(item.get("Key"))] = item["Value"]
        return found
    return None


def pod_labels(workload: Workload) -> dict[str, Any]:
    """The labels of the pods a workload creates (its pod template's, or the Pod's own)."""
    if workload.pod_spec is None:
        return {}
    metadata = Pointer(workload.pod_spec.doc, workload.pod_spec.path[:-1]).child("metadata")
    labels = metadata.child("labels").value
    return labels if isinstance(labels, dict) else {}


def _constrained(workload: Workload) -> bool:
    spec = workload.pod_spec.value if workload.pod_spec is not None else None
    if not isinstance(spec, dict):
        return False
    affinity = spec.get("affinity")
    node_affinity = isinstance(affinity, dict) and bool(affinity.get("nodeAffinity"))
    return bool(spec.get("nodeSelector")) or node_affinity or bool(spec.get("nodeName"))


def _tainted(group: NodeGroup) -> bool:
    data = group.pointer.value
    if isinstance(data, dict) and isinstance(data.get("Properties"), dict):
        data = data["Properties"]
    if not isinstance(data, dict):
        return False
    return bool(data.get("taints") or data.get("Taints"))


def _has_pull_secrets(model: Model, workload: Workload) -> bool:
    spec = workload.pod_spec.value if workload.pod_spec is not None else None
    if isinstance(spec, dict) and spec.get("imagePullSecrets"):
        return True
    subject = f"system:serviceaccount:{workload.namespace}:{workload.service_account_name}"
    for account in model.index("sa_by_subject").get(subject, []):
        if account.name == workload.service_account_name:
            data = account.pointer.value
            if isinstance(data, dict) and data.get("imagePullSecrets"):
                return True
    return False


def _system_pulls(model: Model) -> Iterator[Pull]:
    """Every EKS node pulls the add-on images (VPC CNI, kube-proxy) from the EKS registry."""
    from iamlint.iam.arn import EcrImage

    for use in model.role_uses:
        if use.usage != NODE_ROLE:
            continue
        region = _node_group_region(model, use.owner)
        image = EcrImage(
            EKS_REGISTRY_ACCOUNT,
            region or "*",
            EKS_SYSTEM_REPOSITORY,
            None,
            None,
            f"{EKS_REGISTRY_ACCOUNT}.dkr.ecr.{region or '<region>'}.amazonaws.com",
        )
        consumer = "the EKS add-on images every node runs (VPC CNI `aws-node`, `kube-proxy`)"
        pull = _pull(use, image, f"{image.registry}/{EKS_SYSTEM_REPOSITORY}", None, consumer)
        pull.certain = bool(region)
        yield pull


def _node_group_region(model: Model, group: NodeGroup) -> str:
    from iamlint.iam.arn import REGION_RE

    for cluster in model.index("clusters_by_name").get(group.cluster, []):
        if REGION_RE.fullmatch(cluster.region or ""):
            return str(cluster.region)
    data = group.pointer.value
    arn = data.get("nodegroupArn") if isinstance(data, dict) else None
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) > 3 and REGION_RE.fullmatch(parts[3]):
        return parts[3]
    return ""


def owner_label(owner: Any) -> str:
    if isinstance(owner, NodeGroup):
        return f"node group `{owner.name}`"
    if isinstance(owner, FargateProfile):
        return f"Fargate profile `{owner.name}`"
    family = getattr(owner, "family", "")
    if family or getattr(owner, "arn", ""):
        return f"task definition `{family or owner.arn}`"
    return "its user"


def code_list(items: Iterable[str], conjunction: str = "and") -> str:
    """`a`, `a` and `b`, `a`, `b` and `c` (or another conjunction)."""
    quoted = [f"`{item}`" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f" {conjunction} " + quoted[-1]
