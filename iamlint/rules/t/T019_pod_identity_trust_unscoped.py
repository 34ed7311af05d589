"""T019 pod-identity-trust-unscoped: Pod Identity trust with no scoping condition.

## What it does
Reports Allow statements that let `pods.eks.amazonaws.com` assume the role
(`sts:AssumeRole`) without a positive condition on any of `aws:SourceAccount`,
`aws:SourceArn`, or the session tags EKS Pod Identity sets:
`aws:RequestTag/eks-cluster-arn`, `aws:RequestTag/eks-cluster-name`,
`aws:RequestTag/kubernetes-namespace`, `aws:RequestTag/kubernetes-service-account`,
`aws:RequestTag/kubernetes-pod-name`, `aws:RequestTag/kubernetes-pod-uid` (keys matched
case-insensitively, any operator).

## Why it matters
Which pods get the role is decided by the pod identity associations. Anyone allowed to
call `eks:CreatePodIdentityAssociation` in the account, for any cluster and namespace,
can then hand this role to a pod of theirs. A condition on the session tags makes the
role itself refuse other clusters, namespaces or service accounts. AWS's minimal example
has no condition, so this is information.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
 "Action": ["sts:AssumeRole", "sts:TagSession"]}
```

## Fix
Add for example, under `"Condition": {"StringEquals": {...}}`:
`"aws:SourceAccount": "<account-id>"`,
`"aws:RequestTag/kubernetes-namespace": "<namespace>"` and
`"aws:RequestTag/kubernetes-service-account": "<name>"`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import POD_IDENTITY, TrustStatement, trust_policies, trust_statements

SCOPING_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:requesttag/eks-cluster-arn",
        "aws:requesttag/eks-cluster-name",
        "aws:requesttag/kubernetes-namespace",
        "aws:requesttag/kubernetes-service-account",
        "aws:requesttag/kubernetes-pod-name",
        "aws:requesttag/kubernetes-pod-uid",
    }
)


@rule(
    "T019",
    "pod-identity-trust-unscoped",
    "info",
    "Pod Identity trust with no condition scoping it (`aws:SourceAccount`, "
    "`aws:RequestTag/kubernetes-namespace`, ...): any association in the account can use the "
    "role.",
    tags=("security",),
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            if not _grants_pod_identity(statement) or _scoped(statement):
                continue
            principal = next(s for s in statement.services if s.text.lower() == POD_IDENTITY)
            yield finding(
                "T019",
                principal.pointer,
                f"trust for `{POD_IDENTITY}` has no scoping condition: any pod identity "
                "association in the account, for any cluster or namespace, can use this role; "
                'add e.g. `"StringEquals": {"aws:RequestTag/kubernetes-namespace": '
                '"<namespace>", "aws:RequestTag/kubernetes-service-account": "<name>"}`',
                resource=policy.label,
            )


def _grants_pod_identity(statement: TrustStatement) -> bool:
    return POD_IDENTITY in statement.service_texts() and statement.allows("sts:AssumeRole")


def _scoped(statement: TrustStatement) -> bool:
    return any(e.key_lower in SCOPING_KEYS and e.restricts for e in statement.conditions)
