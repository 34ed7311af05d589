"""K002 irsa-annotation-near-miss: an IRSA annotation the webhook never reads.

## What it does
Looks for the EKS Pod Identity Webhook annotations (`eks.amazonaws.com/role-arn`,
`audience`, `sts-regional-endpoints`, `token-expiration`, `skip-containers`) written where
or as the webhook does not read them:
- a near-miss key on a ServiceAccount or pod: `eks.amazonaws.com/role_arn`,
  `eks.amazonaws.com/rolearn`, `eks.amazon.com/role-arn`, `eks.amazonaws.com/role`,
  `Eks.amazonaws.com/Role-Arn`, a trailing space inside the key;
- the role annotation under `metadata.labels` instead of `metadata.annotations`;
- `annotations:`/`labels:` indented at the top level instead of under `metadata`;
- the role annotation on a Pod, a workload or its pod template: the webhook reads the role
  only from the ServiceAccount the pod runs as.

Other `eks.amazonaws.com/*` keys (`compute-type`, `nodegroup`, ...) and other tools'
annotations (kube2iam's `iam.amazonaws.com/role`) are left alone.

## Why it matters
Annotation keys are matched exactly. A key the webhook does not read is silently ignored:
no `AWS_ROLE_ARN`, no token volume, and the pod uses the node role
(`AccessDenied`, or it works with more privileges than intended).

## Example
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders
  namespace: shop
  annotations:
    eks.amazonaws.com/role_arn: arn:aws:iam::111122223333:role/orders
```

## Fix
Put `eks.amazonaws.com/role-arn: <role ARN>` under `metadata.annotations` of the
ServiceAccount named by the pod's `serviceAccountName`, then restart the pods (the webhook
acts only when a pod is created).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://github.com/aws/amazon-eks-pod-identity-webhook#usage
- https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model, Workload
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, rename_key
from iamlint.rules.k._k8s import (
    POD_ANNOTATIONS,
    SA_ANNOTATIONS,
    WEBHOOK_ANNOTATIONS,
    MetadataBlock,
    meant_annotation,
    metadata_block,
    pod_template,
    service_account_mappings,
    workload_mappings,
)
from iamlint.rules.registry import rule

RULE = "K002"
SA = "ServiceAccount"
POD = "pod"
WORKLOAD = "workload"


@rule(
    RULE,
    "irsa-annotation-near-miss",
    "warning",
    "IRSA annotation the webhook ignores: near-miss key, on labels, or on the pod instead of SA.",
    reads=("service_accounts", "workloads"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for sa in model.service_accounts:
        for mapping in service_account_mappings(sa):
            if _webhook_keys(mapping[0]):
                yield from _block(metadata_block(mapping, sa.label), SA, sa.label, sa.label)
    for workload in model.workloads:
        for mapping in workload_mappings(workload):
            if _webhook_keys(mapping[0]):
                block = metadata_block(mapping, workload.label)
                owner = POD if _on_pod(workload, block) else WORKLOAD
                yield from _block(block, owner, _sa_reference(workload), workload.label)


def _webhook_keys(items: dict[object, object]) -> bool:
    """Does a key of the mapping name (or nearly name) a webhook annotation?"""
    return any(key in WEBHOOK_ANNOTATIONS or meant_annotation(key) for key in items)


def _on_pod(workload: Workload, block: MetadataBlock) -> bool:
    template = pod_template(workload)
    return workload.kind == "Pod" or (
        template is not None and block.pointer.path[: len(template.path)] == template.path
    )


def _sa_reference(workload: Workload) -> str:
    name = workload.service_account_name
    if workload.service_account_explicit:
        return f"ServiceAccount `{name}` (the pod's serviceAccountName)"
    return f"ServiceAccount `{name}` (pods without serviceAccountName run as `default`)"


def _block(block: MetadataBlock, owner: str, sa_name: str, resource: str) -> Iterator[Finding]:
    for key in block.items:
        meant = key if key in WEBHOOK_ANNOTATIONS else meant_annotation(key)
        if meant is None:
            continue
        problem = _problem(block, owner, str(key), meant, sa_name)
        if problem is not None:
            pointer = block.pointer.child(key)
            fixes = _rename_fix(block, owner, key, meant, pointer)
            yield finding(RULE, pointer.at_key(), problem, resource=resource, fixes=fixes)


def _rename_fix(
    block: MetadataBlock, owner: str, key: object, meant: str, pointer: Pointer
) -> list[Fix]:
    """A misspelt key in the right place is renamed, unless the right key is there too."""
    readable = SA_ANNOTATIONS if owner == SA else POD_ANNOTATIONS if owner == POD else ()
    if block.misplaced or block.field == "labels" or meant not in readable:
        return []
    if key == meant or meant in block.items:
        return []
    return fix(f"write `{meant}`", rename_key(pointer, meant))


def _problem(block: MetadataBlock, owner: str, key: str, meant: str, sa_name: str) -> str | None:
    readable = SA_ANNOTATIONS if owner == SA else POD_ANNOTATIONS if owner == POD else ()
    rename = "" if key == meant else f" as `{meant}`"
    if block.misplaced:
        return (
            f"`{key}` is in a top-level `{block.field}:` block, not under `metadata`, so it "
            f"is not an annotation; indent `{block.field}:` under `metadata:`{rename}"
        )
    if block.field == "labels":
        return (
            f"`{key}` is a label: the webhook reads only annotations; move it to "
            f"{_target(meant, owner, sa_name)}{rename}"
        )
    if meant in readable:
        if key == meant:
            return None
        return f"annotation key `{key}` is not `{meant}`: the webhook ignores it; write `{meant}`"
    return (
        f"`{key}` on the {owner} is ignored: the webhook reads `{meant}` only from "
        f"{_target(meant, owner, sa_name)}"
    )


def _target(meant: str, owner: str, sa_name: str) -> str:
    if meant in SA_ANNOTATIONS and owner != SA:
        return f"the annotations of {sa_name}"
    if meant in SA_ANNOTATIONS:
        return "`metadata.annotations`"
    return "the pod's annotations (`spec.template.metadata.annotations`)"
