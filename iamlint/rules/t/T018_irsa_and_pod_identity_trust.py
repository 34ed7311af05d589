"""T018 irsa-and-pod-identity-trust: the role trusts both mechanisms while one is wired.

## What it does
For every role defined in the inputs whose trust policy allows both an EKS OIDC provider
(IRSA, `sts:AssumeRoleWithWebIdentity`) and the EKS Pod Identity service
`pods.eks.amazonaws.com`, looks at how the inputs use the role: ServiceAccounts annotated
with it (`eks.amazonaws.com/role-arn`) wire IRSA, Pod Identity associations wire Pod
Identity. Reported when exactly one of the two is wired, naming the one in effect and the
statement that is unused. Roles the inputs do not use at all are not judged (their users
are not in the scan), nor roles used both ways (a migration in progress; K010 reports a
ServiceAccount that has both).

## Why it matters
The unused statement is extra attack surface: it keeps the role assumable by a mechanism
nobody configured (any future association in the account, or any token of that issuer
matching the `:sub`), and it misleads whoever debugs the role ("which one is used?").

## Example
Role `app` trusts an OIDC provider and `pods.eks.amazonaws.com`, and the inputs wire only
Pod Identity (CloudFormation):
```yaml
AppRole:
  Type: AWS::IAM::Role
  Properties:
    RoleName: app
    AssumeRolePolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal:
            Federated:
              arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
          Action: sts:AssumeRoleWithWebIdentity
          Condition:
            StringEquals:
              oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub:
                system:serviceaccount:prod:app
        - Effect: Allow
          Principal:
            Service: pods.eks.amazonaws.com
          Action: [sts:AssumeRole, sts:TagSession]
AppIdentity:
  Type: AWS::EKS::PodIdentityAssociation
  Properties:
    ClusterName: prod
    Namespace: prod
    ServiceAccount: app
    RoleArn: !GetAtt AppRole.Arn
```

## Fix
Remove the statement of the mechanism you do not use (after a migration to Pod Identity,
remove the OIDC statement and the ServiceAccount annotation), or wire both on purpose. Here
the trust keeps only:
```yaml
      Statement:
        - Effect: Allow
          Principal:
            Service: pods.eks.amazonaws.com
          Action: [sts:AssumeRole, sts:TagSession]
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import (
    IRSA_ROLE,
    POD_IDENTITY_ROLE,
    Model,
    PodIdentityAssociation,
    Role,
    RoleUse,
    ServiceAccount,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import TrustView, role_name, trust_editable, trust_view
from iamlint.rules.registry import rule


@rule(
    "T018",
    "irsa-and-pod-identity-trust",
    "warning",
    "Role trusts both an OIDC provider (IRSA) and `pods.eks.amazonaws.com` (Pod Identity) "
    "while only one mechanism is wired.",
    reads=("roles", "role_uses", "service_accounts", "pod_identity_associations"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    uses: dict[int, list[RoleUse]] = {}
    for use in model.role_uses:
        if use.role is not None and use.usage in (IRSA_ROLE, POD_IDENTITY_ROLE):
            uses.setdefault(id(use.role), []).append(use)
    for role in model.roles:
        if role.trust is None or id(role) not in uses:
            continue
        view = trust_view(model, ctx.config, role.trust)
        if not view.candidates or not view.pod_identity:
            continue
        irsa = [u for u in uses[id(role)] if u.usage == IRSA_ROLE]
        pods = [u for u in uses[id(role)] if u.usage == POD_IDENTITY_ROLE]
        if bool(irsa) != bool(pods):
            yield _finding(role, view, irsa or pods, in_effect="IRSA" if irsa else "Pod Identity")


def _finding(role: Role, view: TrustView, wiring: list[RoleUse], in_effect: str) -> Finding:
    if in_effect == "IRSA":
        unused: Pointer = view.pod_identity[0][1].pointer
        what = "the `pods.eks.amazonaws.com` statement"
        wired = f"the `eks.amazonaws.com/role-arn` annotation of {_owners(wiring)}"
        remedy = "remove that statement, or create the association and drop the annotation"
    else:
        unused = view.candidates[0].providers[0][1].pointer
        what = "the OIDC provider statement"
        wired = f"the association for {_owners(wiring)}"
        remedy = "remove that statement (and any leftover `eks.amazonaws.com/role-arn` annotation)"
    message = (
        f"role `{role_name(role)}` trusts both IRSA (an OIDC provider) and EKS Pod Identity "
        f"(`pods.eks.amazonaws.com`), but the inputs wire only {in_effect} ({wired}): "
        f"{in_effect} is in effect and {what} is unused; {remedy}"
    )
    first = wiring[0].pointer
    if trust_editable(role):
        return finding("T018", unused, message, resource=role.label,
                       related=[(first, f"{in_effect} wiring")])
    return finding("T018", first, message, resource=role.label,
                   related=[(unused, "unused trust statement")])


def _owners(wiring: list[RoleUse]) -> str:
    names = []
    for use in wiring:
        owner = use.owner
        if isinstance(owner, PodIdentityAssociation):
            names.append(f"{owner.namespace}/{owner.service_account}")
        elif isinstance(owner, ServiceAccount):
            names.append(f"{owner.namespace}/{owner.name}")
    unique = list(dict.fromkeys(names))
    shown = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
    return f"ServiceAccount {shown}" if len(unique) == 1 else f"ServiceAccounts {shown}"
