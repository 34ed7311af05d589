"""A012 node-access-entry-type: node role access entry with wrong type or custom identity.

## What it does
- Reports an access entry of type `STANDARD` (the default when `type` is left out) for a
  node role: a role used by a node group or Fargate profile of the inputs, or an entry whose
  username starts with `system:node:` or whose groups name `system:nodes` /
  `system:bootstrappers`.
- Reports `username` or `kubernetesGroups` written on an entry of a node type (`EC2_LINUX`,
  `EC2_WINDOWS`, `FARGATE_LINUX`, `HYBRID_LINUX`, `EC2`). Entries read back from EKS
  (`describe-access-entry` output) carry the values EKS assigned and are accepted as long as
  they are EKS's node username and `system:` groups.

## Why it matters
A `STANDARD` entry cannot give a node its identity: EKS rejects `system:` group names in
standard entries, and without the `system:node:<name>` username and `system:nodes` group the
Node authorizer denies the kubelet (`Unauthorized`, nodes `NotReady`). For node types EKS
sets the username and groups itself and rejects an entry that specifies them, so the stack
or `create-access-entry` call fails.

## Example
```yaml
NodeAccess:
  Type: AWS::EKS::AccessEntry
  Properties:
    ClusterName: prod
    PrincipalArn: !GetAtt NodeRole.Arn
    KubernetesGroups: [system:nodes]
```

## Fix
```yaml
    Type: EC2_LINUX        # FARGATE_LINUX for a Fargate pod execution role
```
and no `Username` / `KubernetesGroups`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
- https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-eks-accessentry.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import FARGATE_ROLE, NODE_ROLE, AccessEntry, Model, RoleUse
from iamlint.rules.a._node_access import (
    NODE_ENTRY_TYPES,
    NODE_PROXIER,
    entry_type,
    field_pointer,
    is_output,
    same_role,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import role_label
from iamlint.rules.registry import rule

NODE_GROUPS = ("system:nodes", "system:bootstrappers")
EKS_NODE_GROUPS = frozenset({*NODE_GROUPS, NODE_PROXIER})


@rule(
    "A012",
    "node-access-entry-type",
    "error",
    "Access entry for a node role with type `STANDARD`, or username/groups set on an "
    "`EC2_LINUX`/`FARGATE_LINUX` entry.",
    reads=("access_entries", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    node_uses: dict[str, list[tuple[int, RoleUse]]] = {}  # by cluster, in input order
    for index, use in enumerate(model.role_uses):
        if use.usage in (NODE_ROLE, FARGATE_ROLE):
            node_uses.setdefault(use.owner.cluster, []).append((index, use))
    for entry in model.access_entries:
        kind = entry_type(entry)
        if kind == "STANDARD":
            yield from _standard(model, entry, node_uses)
        elif kind in NODE_ENTRY_TYPES:
            yield from _custom_identity(entry, kind)


def _standard(
    model: Model, entry: AccessEntry, node_uses: dict[str, list[tuple[int, RoleUse]]]
) -> Iterator[Finding]:
    clusters = ("", entry.cluster) if entry.cluster else ("",)
    candidates = sorted(
        (pair for cluster in clusters for pair in node_uses.get(cluster, [])),
        key=lambda pair: pair[0],
    )
    uses = [u for _, u in candidates if same_role(u.role_arn, entry.principal_arn)]
    looks_like_node = entry.username.startswith("system:node:") or any(
        g in NODE_GROUPS for g in entry.groups
    )
    if not uses and not looks_like_node:
        return
    fargate = any(u.usage == FARGATE_ROLE for u in uses) or NODE_PROXIER in entry.groups
    principal = entry.principal_arn
    if not principal.startswith("arn:"):
        principal = role_label(model.resolve_role(principal), principal)
    wanted = "FARGATE_LINUX" if fargate else "EC2_LINUX"
    if uses:
        owner = uses[0].owner
        what = "Fargate profile" if uses[0].usage == FARGATE_ROLE else "node group"
        why = f"`{principal}` is the role of {what} `{owner.name}`"
    else:
        why = f"`{principal}` is mapped as a node (username or `system:` groups)"
    type_pointer = field_pointer(entry, "type")
    pointer = type_pointer or field_pointer(entry, "principalArn") or entry.pointer
    written = "has type `STANDARD`" if type_pointer else "has no type (so `STANDARD`)"
    related = [(u.pointer, "the role is used here") for u in uses]
    yield finding(
        "A012",
        pointer,
        f"this access entry {written}, but {why}: a standard entry cannot make it a node "
        f"(`Unauthorized`, nodes `NotReady`); use type `{wanted}` without username or groups",
        resource=entry.principal_arn,
        related=related,
    )


def _custom_identity(entry: AccessEntry, kind: str) -> Iterator[Finding]:
    output = is_output(entry)
    written = {"username": bool(entry.username), "kubernetesGroups": bool(entry.groups)}
    for camel, present in written.items():
        if not present:
            continue
        if output and _eks_assigned(entry, camel):
            continue
        pointer = field_pointer(entry, camel) or entry.pointer
        yield finding(
            "A012",
            pointer.at_key(),
            f"`{camel}` is set on this `{kind}` access entry: EKS assigns the node username and "
            "groups itself and rejects the entry; remove it",
            resource=entry.principal_arn,
            discriminator=camel,
        )


def _eks_assigned(entry: AccessEntry, camel: str) -> bool:
    if camel == "username":
        return entry.username.startswith("system:node:")
    return set(entry.groups) <= EKS_NODE_GROUPS
