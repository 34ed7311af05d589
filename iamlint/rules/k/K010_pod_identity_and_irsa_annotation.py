"""K010 pod-identity-and-irsa-annotation: Pod Identity association and IRSA annotation on one SA.

## What it does
Reports a ServiceAccount with an `eks.amazonaws.com/role-arn` annotation (IRSA) when an
EKS Pod Identity association in the inputs (`aws eks describe-pod-identity-association`
output, CloudFormation `AWS::EKS::PodIdentityAssociation`, Terraform
`aws_eks_pod_identity_association`) targets the same namespace and name (in the same
cluster, when both sides name it). The IRSA checks of the annotated role (I001-I003,
I006) are not run for it: the annotation is not in effect.

## Why it matters
With an association, EKS injects the Pod Identity credentials and the association's role
is the one in effect; the annotation's role is unused. The annotation misleads whoever
reads the manifest (permissions granted to the annotated role have no effect), and it is
left over after a migration to Pod Identity.

## Example
A ServiceAccount keeps its IRSA annotation after a Pod Identity association was
created for it:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app-irsa
---
# CloudFormation
AppIdentity:
  Type: AWS::EKS::PodIdentityAssociation
  Properties:
    ClusterName: prod
    Namespace: prod
    ServiceAccount: app
    RoleArn: arn:aws:iam::111122223333:role/app-pod-identity
```

## Fix
Remove the annotation once the association is in place (or delete the association to stay
with IRSA):
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
- https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model, PodIdentityAssociation, ServiceAccount
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import association_for
from iamlint.rules.k._k8s import ROLE_ARN
from iamlint.rules.registry import rule
from iamlint.sources.refs import role_name_of


@rule(
    "K010",
    "pod-identity-and-irsa-annotation",
    "warning",
    "Both an EKS Pod Identity association and an IRSA annotation target the same "
    "ServiceAccount: the association wins.",
    reads=("service_accounts", "pod_identity_associations"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    if not model.pod_identity_associations:
        return
    for sa in model.service_accounts:
        if not sa.role_arn:
            continue
        association = association_for(model, sa)
        if association is not None:
            yield finding(
                "K010",
                sa.pointer.child("metadata", "annotations", ROLE_ARN),
                _message(sa, association),
                resource=sa.label,
                related=[(association.pointer, "EKS Pod Identity association")],
            )


def _message(sa: ServiceAccount, association: PodIdentityAssociation) -> str:
    annotated = role_name_of(sa.role_arn) or sa.role_arn
    associated = role_name_of(association.role_arn) or association.role_arn or "?"
    cluster = f" in cluster `{association.cluster}`" if association.cluster else ""
    if annotated and annotated == associated:
        effect = f"both name role `{annotated}`; the association is the one in effect"
    else:
        effect = (
            f"the association's role `{associated}` is in effect and the annotated role "
            f"`{annotated}` is unused"
        )
    return (
        f"{sa.label} has an IRSA annotation and an EKS Pod Identity association{cluster}: "
        f"{effect}; remove the `{ROLE_ARN}` annotation (or the association to stay with IRSA)"
    )
