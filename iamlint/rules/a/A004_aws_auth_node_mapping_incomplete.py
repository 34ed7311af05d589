"""A004 aws-auth-node-mapping-incomplete: a node role mapping lacks the node username or groups.

## What it does
Finds the `mapRoles` entries meant for nodes and checks that each has
`username: system:node:{{EC2PrivateDNSName}}` and both groups `system:bootstrappers` and
`system:nodes`. An entry is a node mapping when its groups name `system:nodes` or
`system:bootstrappers`, its username starts with `system:node:`, or its role name contains
`NodeInstanceRole` (eksctl and the EKS CloudFormation templates name node roles so).
Fargate pod execution roles (group `system:node-proxier` or a role name containing
`PodExecutionRole`) and hybrid nodes use `system:node:{{SessionName}}`, which is accepted
for every node mapping.

Groups folded into one string or written as a string are A001's; usernames with an unknown
`{{...}}` variable are A008's: they are not reported twice here.

## Why it matters
The kubelet authenticates with the node role. Without the `system:node:<private DNS
name>` username the Node authorizer denies it everything; without `system:nodes` it cannot
register, without `system:bootstrappers` it cannot get its serving certificate. The nodes
stay `NotReady` and the kubelet logs `Unauthorized` (the lost node mapping of the
troubleshooting seed).

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/eks-prod-NodeInstanceRole-1WP3NUE3O6UCF
    username: eks-node
    groups:
      - system:nodes
```

## Fix
```yaml
  - rolearn: arn:aws:iam::111122223333:role/eks-prod-NodeInstanceRole-1WP3NUE3O6UCF
    username: system:node:{{EC2PrivateDNSName}}
    groups:
      - system:bootstrappers
      - system:nodes
```
Managed node groups and access entries of type `EC2_LINUX` add this for you.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
- https://kubernetes.io/docs/reference/access-authn-authz/node/
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.a._aws_auth import (
    NODE_GROUPS,
    NODE_USERNAMES,
    Entry,
    entries,
    group_texts,
    is_folded_group,
    is_node_mapping,
    resource,
    template_of_flow_value,
    templates,
    unknown_template,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A004"
WANTED_USERNAME = NODE_USERNAMES[0]


@rule(
    RULE,
    "aws-auth-node-mapping-incomplete",
    "error",
    "Node role mapping without `system:node:{{EC2PrivateDNSName}}` or without both node groups.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for entry in entries(model, "mapRoles"):
        if not isinstance(entry.value, dict) or not is_node_mapping(entry):
            continue
        username = _username_problem(entry)
        if username is not None:
            yield username
        groups = _groups_problem(entry)
        if groups is not None:
            yield groups


def _username_problem(entry: Entry) -> Finding | None:
    username = entry.username
    if username in NODE_USERNAMES:
        return None
    if template_of_flow_value(username) is not None:
        return None  # unquoted `{{...}}`: A008
    if isinstance(username, str):
        if any(unknown_template(t) is not None for t in templates(username)):
            return None  # A008
        return _report(
            entry,
            entry.at("username"),
            f"node role mapping has username `{username}`: the Node authorizer only accepts "
            f"`system:node:<node name>`; write `username: {WANTED_USERNAME}`",
        )
    if entry.key("username") is None:
        return _report(
            entry,
            entry.pointer,
            f"node role mapping has no `username`: add `username: {WANTED_USERNAME}`",
        )
    return None  # not a string: A001


def _groups_problem(entry: Entry) -> Finding | None:
    groups = entry.get("groups")
    if groups is not None and not isinstance(groups, list):
        return None  # A001
    if any(is_folded_group(g) for g in entry.groups):
        return None  # A001
    present = set(group_texts(entry))
    missing = [g for g in NODE_GROUPS[::-1] if g not in present]
    if not missing:
        return None
    listed = " and ".join(f"`{g}`" for g in missing)
    where = entry.at("groups").at_key() if entry.key("groups") is not None else entry.pointer
    return _report(
        entry,
        where,
        f"node role mapping lacks {listed}: nodes using this role cannot register "
        "(`Unauthorized`); the groups must include `system:bootstrappers` and `system:nodes`",
    )


def _report(entry: Entry, pointer: Pointer, message: str) -> Finding:
    return finding(RULE, pointer, message, resource=resource(entry.aws_auth))
