"""A006 aws-auth-duplicate-arn: the same ARN is mapped twice; only one mapping is used.

## What it does
Within each section of an aws-auth ConfigMap, finds entries that map the same ARN,
compared case-insensitively as the authenticator does, and reports every entry that is
not the one used:
- `mapRoles`: entries are stored by lower-cased ARN, so the last one wins;
- `mapUsers`: entries are stored by the ARN as written but matched case-insensitively, so
  for ARNs that differ only in case which entry is used is not defined; exact duplicates:
  the last one wins.

Entries the authenticator drops anyway (A001) and placeholder ARNs are ignored.

## Why it matters
The overridden entry's username and groups silently do not apply: typically a second
mapping of the node role added by hand (or by `eksctl`/Terraform) replaces the node groups
with an admin group, or an admin entry loses `system:masters` to a later read-only one.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/eks-node-role
    username: system:node:{{EC2PrivateDNSName}}
    groups: [system:bootstrappers, system:nodes]
  - rolearn: arn:aws:iam::111122223333:role/EKS-Node-Role
    username: ops
    groups: [ops]
```

## Fix
Keep one entry per ARN and merge the groups it needs into it.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.a._aws_auth import ARN_KEYS, Entry, entries, resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A006"


@rule(
    RULE,
    "aws-auth-duplicate-arn",
    "warning",
    "Duplicate `rolearn`/`userarn` in aws-auth (case-insensitive): only one entry is used.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    groups: dict[tuple[int, str, str], list[Entry]] = defaultdict(list)
    for entry in _loaded_entries(model):
        key = (id(entry.aws_auth), entry.section, entry.mapping.arn.lower())
        groups[key].append(entry)
    for same in groups.values():
        if len(same) > 1:
            yield from _duplicates(same)


def _loaded_entries(model: Model) -> Iterator[Entry]:
    from iamlint.placeholders import contains_placeholder

    for entry in entries(model):
        arn_key = entry.key(ARN_KEYS[entry.section])
        arn = entry.get(ARN_KEYS[entry.section])
        if arn_key is None or not isinstance(arn, str) or not arn:
            continue  # dropped by the authenticator (A001)
        if entry.section == "mapRoles" and entry.key("sso") is not None:
            continue  # dropped: both rolearn and sso (A001)
        if contains_placeholder(arn):
            continue
        yield entry


def _duplicates(same: list[Entry]) -> Iterator[Finding]:
    last = same[-1]
    for entry in same[:-1]:
        pointer = entry.mapping.arn_pointer or entry.pointer
        if entry.section == "mapUsers" and entry.mapping.arn != last.mapping.arn:
            message = (
                f"`{entry.mapping.arn}` is mapped again by a later entry with different case: the "
                "authenticator matches either entry, which one is not defined; keep one entry"
            )
        else:
            message = (
                f"`{entry.mapping.arn}` is mapped again by a later entry: the authenticator "
                "keeps only the last one, so this one's username and groups are ignored; "
                "merge them"
            )
        yield finding(
            RULE,
            pointer,
            message,
            resource=resource(entry.aws_auth),
            related=[(last.mapping.arn_pointer or last.pointer, "the entry that is used")],
        )

