"""A005 node-role-not-mapped: node or Fargate role with no aws-auth mapping or access entry.

## What it does
For every role the inputs use as the node role of an EKS managed node group or as the pod
execution role of a Fargate profile, looks for a `mapRoles` entry in the cluster's
`aws-auth` ConfigMap and for an access entry of the cluster. It reports the role when
neither maps it, and a Fargate pod execution role whose `aws-auth` mapping lacks the group
`system:node-proxier`.

It only judges clusters whose `aws-auth` ConfigMap is in the inputs (a ConfigMap without a
cluster of its own is taken as the cluster's when the inputs name only one cluster), and
only in authentication mode `CONFIG_MAP` (or unknown, when the inputs hold no access entry
for the cluster): in modes `API_AND_CONFIG_MAP` and `API`, EKS itself creates the access
entries of managed node groups and Fargate profiles. When neither the ConfigMap nor access
entries of the cluster are in the inputs, the check is skipped and reported once as X006.
An ARN written with an IAM path or as an instance profile of the role's name counts as a
mapping here (A003 and A002 report those); an instance profile of another name in the same
account is named in the message and in `related` as the likely cause (A002 reports it).

## Why it matters
EKS adds the node role to `aws-auth` when it creates a managed node group or Fargate
profile; a ConfigMap kept in git without that entry removes it on the next `kubectl apply`.
The kubelet's requests are then `Unauthorized` and every node goes `NotReady` (seed 004);
Fargate pods without `system:node-proxier` never become ready.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/platform-admins
      username: admin:{{SessionName}}
      groups: [platform:admins]
```
while node group `general` runs with `arn:aws:iam::111122223333:role/eks-node-role`.

## Fix
```yaml
    - rolearn: arn:aws:iam::111122223333:role/eks-node-role
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
```
For a Fargate pod execution role use `username: system:node:{{SessionName}}` and add the
group `system:node-proxier`. Or move the cluster to access entries
(`API_AND_CONFIG_MAP`) and create an `EC2_LINUX` / `FARGATE_LINUX` entry.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
- https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html
- https://repost.aws/knowledge-center/eks-worker-nodes-cluster
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import FARGATE_ROLE, NODE_ROLE, AwsAuth, AwsAuthMapping, Model, RoleUse
from iamlint.placeholders import contains_placeholder
from iamlint.rules.a._node_access import (
    API,
    API_AND_CONFIG_MAP,
    NODE_PROXIER,
    authentication_mode,
    aws_auth_for,
    cluster_label,
    cluster_names,
    entries_for,
    same_role,
    without_path,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

NODE_MAPPING = "`username: system:node:{{EC2PrivateDNSName}}` and groups `system:bootstrappers`, "
FARGATE_GROUPS = "`system:bootstrappers`, `system:nodes`, `system:node-proxier`"


@rule(
    "A005",
    "node-role-not-mapped",
    "error",
    "Node role or Fargate pod execution role used in the inputs has no aws-auth mapping and "
    "no access entry.",
    reads=("role_uses", "aws_auth", "access_entries", "clusters"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    by_cluster = _role_uses(model)
    for cluster in sorted(cluster_names(model)):
        uses = by_cluster.get(cluster, [])
        if not uses:
            continue
        mode = authentication_mode(model, cluster)
        if mode in (API, API_AND_CONFIG_MAP):
            continue  # EKS creates their access entries itself
        entries = entries_for(model, cluster)
        if not mode and entries:
            continue  # access entries exist, so the mode allows them: same as above
        aws_auths = aws_auth_for(model, cluster)
        if not aws_auths:
            yield _skipped(cluster, uses[0])
            continue
        if not all(_readable(a) for a in aws_auths):
            continue
        mappings = [m for a in aws_auths for m in a.mappings if m.section == "mapRoles"]
        for use in uses:
            yield from _check_use(use, cluster, aws_auths[0], mappings)


def _role_uses(model: Model) -> dict[str, list[RoleUse]]:
    """Node and Fargate role uses by cluster, once per role (grouped in one pass)."""
    seen: set[tuple[str, str, str]] = set()
    found: dict[str, list[RoleUse]] = {}
    for use in model.role_uses:
        if use.usage not in (NODE_ROLE, FARGATE_ROLE):
            continue
        if contains_placeholder(use.role_arn):
            continue
        cluster = use.owner.cluster
        key = (cluster, use.usage, use.role_arn.lower())
        if key not in seen:
            seen.add(key)
            found.setdefault(cluster, []).append(use)
    return found


def _readable(aws_auth: AwsAuth) -> bool:
    """mapRoles parsed (A001 reports it otherwise) and names no placeholder role."""
    if "mapRoles" in aws_auth.parse_errors:
        return False
    return not any(
        contains_placeholder(m.arn) for m in aws_auth.mappings if m.section == "mapRoles"
    )


def _check_use(
    use: RoleUse, cluster: str, aws_auth: AwsAuth, mappings: list[AwsAuthMapping]
) -> Iterator[Finding]:
    matched = [m for m in mappings if _maps(m, use)]
    fargate = use.usage == FARGATE_ROLE
    arn = _suggested_arn(use)
    who = _who(use, cluster)
    related = [(use.pointer, f"{who} uses this role")]
    if not matched:
        profiles = _instance_profile_mappings(mappings, arn)
        related += [
            (m.arn_pointer or m.pointer, "an instance-profile ARN, not a role ARN (A002)")
            for m in profiles
        ]
        yield finding(
            "A005",
            _section_pointer(aws_auth),
            f"{who} runs with `{arn}`, which neither this aws-auth ConfigMap nor an access "
            f"entry maps: {_consequence(fargate)}; add `- rolearn: {arn}` with "
            f"{_mapping_text(fargate)} to `mapRoles`{_profile_hint(profiles)}",
            resource=f"ConfigMap kube-system/{aws_auth.name}",
            related=related,
            discriminator=f"{use.usage}:{arn.lower()}",
        )
        return
    if fargate and not any(NODE_PROXIER in m.groups for m in matched):
        mapping = matched[0]
        yield finding(
            "A005",
            _groups_pointer(mapping),
            f"{who} runs with `{arn}`, whose mapping lacks the group `{NODE_PROXIER}`: "
            f"Fargate pods never become ready; the groups must be {FARGATE_GROUPS}",
            resource=f"ConfigMap kube-system/{aws_auth.name}",
            related=related,
            discriminator=f"proxier:{arn.lower()}",
        )


def _instance_profile_mappings(
    mappings: list[AwsAuthMapping], role_arn: str
) -> list[AwsAuthMapping]:
    """mapRoles entries naming an instance profile of the role's account: often the node
    role's own profile, written where its role ARN belongs (A002 reports the entry)."""
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
    return [
        m
        for m in mappings
        if ":instance-profile/" in m.arn and account and m.arn.split(":")[4] == account
    ]


def _profile_hint(profiles: list[AwsAuthMapping]) -> str:
    if not profiles:
        return ""
    arn = profiles[0].arn
    return (
        f" (if `{arn}` is this role's instance profile, replace that entry's `rolearn` "
        "with the role ARN instead: A002)"
    )


def _maps(mapping: AwsAuthMapping, use: RoleUse) -> bool:
    if not mapping.arn:
        return False
    if same_role(mapping.arn, use.role_arn):
        return True
    role = use.role
    if role is not None and role.name and not use.role_arn.startswith("arn:"):
        # an IaC role whose account is known only at deploy time: compare by name
        return mapping.arn.rsplit("/", 1)[-1].lower() == role.name.lower()
    return False


def _suggested_arn(use: RoleUse) -> str:
    if use.role_arn.startswith("arn:"):
        return without_path(use.role_arn)
    role = use.role
    name = role.name if role is not None and role.name else use.role_arn
    return f"arn:aws:iam::<account>:role/{name}"


def _who(use: RoleUse, cluster: str) -> str:
    owner = use.owner
    if use.usage == FARGATE_ROLE:
        return f"Fargate profile `{owner.name}` of cluster `{cluster_label(cluster)}`"
    return f"node group `{owner.name}` of cluster `{cluster_label(cluster)}`"


def _consequence(fargate: bool) -> str:
    if fargate:
        return "Fargate pods cannot register with the cluster (`Unauthorized`)"
    return "the kubelet gets `Unauthorized` and the nodes stay `NotReady`"


def _mapping_text(fargate: bool) -> str:
    if fargate:
        return f"`username: system:node:{{{{SessionName}}}}` and groups {FARGATE_GROUPS}"
    return NODE_MAPPING + "`system:nodes`"


def _section_pointer(aws_auth: AwsAuth) -> Pointer:
    section = aws_auth.sections.get("mapRoles")
    if section is not None:
        return section.at_key()
    data = aws_auth.pointer.child("data")
    return data.at_key() if data.value is not None else aws_auth.pointer


def _groups_pointer(mapping: AwsAuthMapping) -> Pointer:
    for key in mapping.raw:
        if isinstance(key, str) and key.lower() == "groups":
            return mapping.pointer.child(key)
    return mapping.arn_pointer or mapping.pointer


def _skipped(cluster: str, use: RoleUse) -> Finding:
    return finding(
        "X006",
        use.pointer,
        "neither the aws-auth ConfigMap nor access entries of cluster "
        f"`{cluster_label(cluster)}` are in the inputs; whether its node and Fargate roles are "
        "mapped (A005) was not checked",
        resource=cluster,
        discriminator=f"A005:{cluster}",
    )
