"""A011 aws-auth-access-entry-conflict: aws-auth ignored (mode API) or contradicted by an entry.

## What it does
- Reports an `aws-auth` ConfigMap of a cluster whose authentication mode is `API` (access
  entries only): EKS does not read the ConfigMap at all.
- Reports an `aws-auth` role or user mapping whose principal also has a `STANDARD` access
  entry of the same cluster with a different username or different groups (modes
  `API_AND_CONFIG_MAP`, or unknown while the inputs hold access entries): the access entry
  wins and the mapping is silently unused.

A ConfigMap without a cluster of its own is taken as the cluster's when the inputs name only
one cluster. Node entry types (`EC2_LINUX`, `FARGATE_LINUX`, ...) are not compared: EKS sets
their username and groups.

## Why it matters
Whoever edits the ConfigMap believes it grants access; it does not. Principals mapped only
there get `Unauthorized`, and a mapping that differs from the access entry grants other
groups than the one that is in effect (for example `system:masters` that no longer applies).

## Example
`aws eks describe-cluster` shows `"accessConfig": {"authenticationMode": "API"}` and the
repository still applies:
```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ci-deployer
      username: ci-deployer
      groups: [system:masters]
```

## Fix
Create access entries for the mappings (`aws eks create-access-entry`, with an access
policy such as `AmazonEKSClusterAdminPolicy` instead of `system:masters`) and delete the
ConfigMap, or set the mode to `API_AND_CONFIG_MAP` while migrating. For a principal mapped
twice, make the access entry say what is meant and remove the mapping.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html
- https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html
- https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import AccessEntry, AwsAuth, AwsAuthMapping, Cluster, Model
from iamlint.rules.a._node_access import (
    API,
    CONFIG_MAP,
    authentication_mode,
    aws_auth_for,
    cluster_label,
    cluster_names,
    cluster_objects,
    entries_for,
    entry_type,
    field_pointer,
    mode_pointer,
    same_role,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule


@rule(
    "A011",
    "aws-auth-access-entry-conflict",
    "warning",
    "Cluster authentication mode is `API` (aws-auth is ignored), or a principal is mapped "
    "both in aws-auth and by an access entry with different username/groups.",
    reads=("aws_auth", "access_entries", "clusters"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for cluster in sorted(cluster_names(model)):
        aws_auths = aws_auth_for(model, cluster)
        if not aws_auths:
            continue
        mode = authentication_mode(model, cluster)
        if mode == API:
            defined = [c for c in cluster_objects(model, cluster) if c.authentication_mode]
            for aws_auth in aws_auths:
                yield _ignored(aws_auth, cluster, defined[0] if defined else None)
            continue
        if mode == CONFIG_MAP:
            continue  # access entries are not used in this mode
        entries = [e for e in entries_for(model, cluster) if entry_type(e) == "STANDARD"]
        for aws_auth in aws_auths:
            for mapping in aws_auth.mappings:
                if mapping.section not in ("mapRoles", "mapUsers") or not mapping.arn:
                    continue
                for entry in entries:
                    if _same_principal(mapping.arn, entry.principal_arn):
                        yield from _compare(aws_auth, mapping, entry, cluster)


def _ignored(aws_auth: AwsAuth, cluster: str, defined: Cluster | None) -> Finding:
    count = sum(1 for m in aws_auth.mappings if m.section in ("mapRoles", "mapUsers"))
    related = [(mode_pointer(defined), "authentication mode `API`")] if defined else []
    data = aws_auth.pointer.child("data")
    pointer = data.at_key() if data.value is not None else aws_auth.pointer
    return finding(
        "A011",
        pointer,
        f"cluster `{cluster_label(cluster)}` uses authentication mode `API`, so EKS ignores "
        f"this aws-auth ConfigMap ({count} mapping{'s' if count != 1 else ''}): create access "
        "entries for them (`aws eks create-access-entry`) and delete the ConfigMap, or use "
        "`API_AND_CONFIG_MAP` while migrating",
        resource=f"ConfigMap kube-system/{aws_auth.name}",
        related=related,
    )


def _same_principal(mapped: str, principal: str) -> bool:
    if ":user/" in mapped or ":user/" in principal:
        return mapped.strip().lower() == principal.strip().lower()
    return same_role(mapped, principal)


def _compare(
    aws_auth: AwsAuth, mapping: AwsAuthMapping, entry: AccessEntry, cluster: str
) -> Iterator[Finding]:
    differences = []
    if entry.username and mapping.username is not None and entry.username != mapping.username:
        differences.append(
            f"username `{mapping.username}` here, `{entry.username}` in the access entry"
        )
    mapped_groups, entry_groups = set(mapping.groups), set(entry.groups)
    if mapped_groups != entry_groups:
        differences.append(
            f"groups {_groups(mapped_groups)} here, {_groups(entry_groups)} in the access entry"
        )
    if not differences:
        return
    related = [(field_pointer(entry, "principalArn") or entry.pointer, "the access entry")]
    yield finding(
        "A011",
        mapping.arn_pointer or mapping.pointer,
        f"`{mapping.arn}` is mapped both here and by an access entry of cluster "
        f"`{cluster_label(cluster)}` ({'; '.join(differences)}): the access entry wins and "
        "this mapping is unused; make the access entry say what is meant and remove the mapping",
        resource=f"ConfigMap kube-system/{aws_auth.name}",
        related=related,
    )


def _groups(groups: set[str]) -> str:
    return ", ".join(f"`{g}`" for g in sorted(groups)) if groups else "none"
