"""K009 irsa-automount-disabled: `automountServiceAccountToken: false` on an IRSA ServiceAccount.

## What it does
Mentions ServiceAccounts that carry an `eks.amazonaws.com/role-arn` annotation and set
`automountServiceAccountToken: false`. Information only: nothing is broken.

## Why it matters
People often expect this setting to disable IRSA, or fear it breaks it. It does neither:
it only stops the Kubernetes API token from being mounted. The EKS Pod Identity Webhook
still adds its own projected token (audience `sts.amazonaws.com`) at
`/var/run/secrets/eks.amazonaws.com/serviceaccount/token`, so the pods still assume the
role. Pods that also need the Kubernetes API (operators, controllers) lose that access.

## Example
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: s3-reader
  namespace: apps
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
automountServiceAccountToken: false
```

## Fix
Nothing to fix if the pods do not call the Kubernetes API. To stop the pods from using the
role, remove the annotation instead.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
- https://github.com/aws/amazon-eks-pod-identity-webhook#usage
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "K009"
FIELD = "automountServiceAccountToken"


@rule(
    RULE,
    "irsa-automount-disabled",
    "info",
    "`automountServiceAccountToken: false` on an IRSA service account: IRSA still works.",
    reads=("service_accounts",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for sa in model.service_accounts:
        data = sa.pointer.value
        if not sa.role_arn or not isinstance(data, dict) or data.get(FIELD) is not False:
            continue
        yield finding(
            RULE,
            sa.pointer.child(FIELD),
            f"`{FIELD}: false` does not turn IRSA off: the webhook still mounts its own "
            "projected token and the pods assume the role; it only removes the Kubernetes "
            "API token (remove the role annotation to stop using the role)",
            resource=sa.label,
        )
