"""K004 static-aws-credentials: AWS access keys written into a workload or ServiceAccount.

## What it does
Looks at the `env` of every container (init and ephemeral containers included) of every
Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob..., and at the annotations of
ServiceAccounts, workloads and pod templates, for:
- an access key ID (`AKIA...`/`ASIA...` followed by 16 characters) in any value;
- a literal `AWS_SECRET_ACCESS_KEY` shaped like a secret key (40 characters), or next to
  a literal access key ID; a literal `AWS_SESSION_TOKEN`.

`valueFrom` (a Secret or ConfigMap reference) is not reported, nor are empty values,
placeholders (`${AWS_SECRET_ACCESS_KEY}`, `<secret>`) or short dummy values for local
emulators (`test`, `minioadmin`). The value itself is never printed.

## Why it matters
Anyone who can read the manifest, the Git history, the Helm release or
`kubectl get pod -o yaml` gets the keys. Long-term keys do not expire and are not tied to
the pod; they also take precedence over IRSA and EKS Pod Identity in the SDKs' credential
chain, so the pod runs as that IAM user, not as its intended role.

## Example
```yaml
env:
  - name: AWS_ACCESS_KEY_ID
    value: AKIAIOSFODNN7EXAMPLE
  - name: AWS_SECRET_ACCESS_KEY
    value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
```

## Fix
Give the pod a role instead (IRSA: `eks.amazonaws.com/role-arn` on its ServiceAccount, or
an EKS Pod Identity association), remove the variables, and deactivate and rotate the
exposed key. If static keys are unavoidable, read them from a Secret with
`valueFrom.secretKeyRef`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#securing_access-keys
- https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.k._k8s import (
    EnvEntry,
    MetadataBlock,
    container_label,
    containers_with_env,
    service_account_blocks,
    workload_blocks,
)
from iamlint.rules.registry import rule

RULE = "K004"
ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
SECRET_KEY = re.compile(r"[A-Za-z0-9/+]{40}")
MIN_SESSION_TOKEN = 100
ADVICE = "use IRSA or EKS Pod Identity (or `valueFrom.secretKeyRef`) and rotate the key"


@rule(
    RULE,
    "static-aws-credentials",
    "warning",
    "Static AWS credentials in a workload's env or a ServiceAccount (value never printed).",
    tags=("security",),
    reads=("workloads", "service_accounts"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for workload in model.workloads:
        for container, env in containers_with_env(workload):
            where = container_label(workload, container)
            yield from _env_findings(env, where, workload.label)
        for block in workload_blocks(workload):
            yield from _annotation_findings(block, workload.label)
    for sa in model.service_accounts:
        for block in service_account_blocks(sa):
            yield from _annotation_findings(block, sa.label)


def _env_findings(env: list[EnvEntry], where: str, resource: str) -> Iterator[Finding]:
    values = {item.get("name"): item.get("value") for _, item in env}
    paired_key = _is_literal(values.get("AWS_ACCESS_KEY_ID")) and bool(
        ACCESS_KEY_ID.fullmatch(str(values.get("AWS_ACCESS_KEY_ID")).strip())
    )
    for pointer, item in env:
        name, value = item.get("name"), item.get("value")
        if not _is_literal(value):
            continue
        what = _credential_kind(str(name), str(value), paired_key)
        if what is None:
            continue
        yield finding(
            RULE,
            pointer.child("value"),
            f"env `{name}` of {where} holds {what} in plain text (value not shown): anyone "
            f"who can read the manifest or the pod spec has it; {ADVICE}",
            resource=resource,
        )


def _credential_kind(name: str, value: str, paired_key: bool) -> str | None:
    text = value.strip()
    if ACCESS_KEY_ID.search(text):
        return "an AWS access key ID"
    if name == "AWS_SECRET_ACCESS_KEY" and (SECRET_KEY.fullmatch(text) or paired_key):
        return "an AWS secret access key"
    if name == "AWS_SESSION_TOKEN" and len(text) >= MIN_SESSION_TOKEN:
        return "an AWS session token"
    return None


def _is_literal(value: Any) -> bool:
    from iamlint.placeholders import contains_placeholder

    return isinstance(value, str) and bool(value.strip()) and not contains_placeholder(value)


def _annotation_findings(block: MetadataBlock, resource: str) -> Iterator[Finding]:
    for key, value in block.items.items():
        if _is_literal(value) and ACCESS_KEY_ID.search(str(value)):
            yield _annotation_finding(block.pointer.child(key), key, block, resource)


def _annotation_finding(pointer: Pointer, key: Any, block: MetadataBlock, resource: str) -> Finding:
    return finding(
        RULE,
        pointer,
        f"{block.field[:-1]} `{key}` of {block.where} holds an AWS access key ID in plain "
        f"text (value not shown): metadata is readable by anyone who can list the object; "
        f"{ADVICE}",
        resource=resource,
    )
