"""K003 service-account-not-defined: a workload names a ServiceAccount no manifest defines.

## What it does
For every workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)
whose pod spec sets `serviceAccountName` (or the deprecated `serviceAccount`), checks that
the scanned manifests define a ServiceAccount of that name in the workload's namespace.
Judged only when the scan holds ServiceAccounts of that namespace (otherwise the
ServiceAccount is probably managed elsewhere, e.g. created by `eksctl create
iamserviceaccount`, and X006 says the check was skipped); the `default` ServiceAccount
always exists. Manifests without `metadata.namespace` are in the `--default-namespace`
(default `default`), as `kubectl apply` without `-n` would put them; for them only the
ServiceAccounts of the same directory (a chart, a kustomization) show that the scan holds
the namespace, and the message says when the assumption mattered.

## Why it matters
The controller cannot create the pods: `Error creating: pods "web-..." is forbidden: error
looking up service account prod/web-sa: serviceaccount "web-sa" not found`. With IRSA, a
typo here also means the role annotation on the intended ServiceAccount is never used.

## Example
The chart's ServiceAccount is `prod/web`, and its Deployment names another:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web-sa
      containers:
        - name: web
          image: nginx:1.27
```

## Fix
Use the name of the ServiceAccount the manifests define (or add the ServiceAccount):
```yaml
    spec:
      serviceAccountName: web
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
- https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model, ServiceAccount, Workload
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    namespace_note,
    service_account_scope,
    workloads_naming_service_accounts,
)
from iamlint.rules.k._k8s import service_account_of
from iamlint.rules.registry import rule


@rule(
    "K003",
    "service-account-not-defined",
    "warning",
    "Workload's `serviceAccountName` is not defined in the scanned manifests (namespace "
    "covered by the scan).",
    reads=("workloads", "service_accounts"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for workload, pointer in workloads_naming_service_accounts(model):
        if service_account_of(model, workload) is not None:
            continue  # first: the common case, and the cheapest test
        name = workload.service_account_name
        if contains_placeholder(name) or not service_account_scope(model, workload):
            continue
        yield finding("K003", pointer, _message(model, workload), resource=workload.label)


def _message(model: Model, workload: Workload) -> str:
    name, namespace = workload.service_account_name, workload.namespace
    names = sorted({sa.name for sa in model.service_accounts_in(namespace) if sa.name})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    by_name: dict[str, list[ServiceAccount]] = model.memo(
        "service-accounts-by-name", lambda: _by_name(model)
    )
    elsewhere = sorted({sa.namespace for sa in by_name.get(name, [])} - {namespace})
    hint = f"; did you mean `{close[0]}`?" if close else ""
    if elsewhere:
        hint += f"; a ServiceAccount `{name}` is defined in namespace `{elsewhere[0]}`"
    listed = ", ".join(f"`{n}`" for n in names[:8])
    return (
        f"{workload.label} uses ServiceAccount `{name}`, which the scanned manifests do not "
        f"define in namespace `{namespace}` (they define {listed}): its pods are rejected "
        f'with `serviceaccount "{name}" not found`{hint}'
        + namespace_note(workload.namespace_explicit, namespace)
    )


def _by_name(model: Model) -> dict[str, list[ServiceAccount]]:
    grouped: dict[str, list[ServiceAccount]] = {}
    for sa in model.service_accounts:
        grouped.setdefault(sa.name, []).append(sa)
    return grouped
