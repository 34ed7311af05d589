"""I004 oidc-provider-not-registered: the trust names an OIDC provider the role's account lacks.

## What it does
For every trust statement naming an EKS (or configured cluster's) OIDC provider ARN:
- when the role's account is known (`aws iam get-role` output, live) and the provider ARN
  names another account: STS looks the provider up in the role's own account, so a
  provider of another account never matches (cross-account IRSA registers the cluster's
  issuer as a provider in the role's account);
- when the inputs hold the complete provider list of the ARN's account (`aws iam
  list-open-id-connect-providers` output) and the provider is not in it.
Nothing is concluded from IaC that defines some providers: others may exist. Without a
provider list the check is skipped (X006 names the provider).

## Why it matters
`AssumeRoleWithWebIdentity` fails with `InvalidIdentityToken: No OpenIDConnect provider
found in your account for https://oidc.eks...` for every pod using the role; it happens
after a cluster is recreated or when the provider was never associated
(`eksctl utils associate-iam-oidc-provider`).

## Example
`aws iam list-open-id-connect-providers` of account 111122223333 lists one
provider, of the old cluster:
```json
{"OpenIDConnectProviderList": [
  {"Arn":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0"}
]}
```
and a role of that account trusts the provider of the new cluster:
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C"},
 "Action": "sts:AssumeRoleWithWebIdentity"}
```

## Fix
Create the provider in the role's account for the cluster's issuer, or name a
registered provider in the trust:
```sh
eksctl utils associate-iam-oidc-provider --cluster prod --approve
# or, without eksctl:
# aws iam create-open-id-connect-provider --client-id-list sts.amazonaws.com --url <issuer>
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html
- https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.arn import oidc_provider_arn_parts
from iamlint.model import Model, OidcProvider, Role
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import PrincipalRef, code_list, irsa_statements

_ACCOUNT = re.compile(r"^[0-9]{12}$")


@rule(
    "I004",
    "oidc-provider-not-registered",
    "error",
    "The OIDC provider the trust names is not registered in the role's account.",
    reads=("roles", "policies", "oidc_providers"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    owners = {id(role.trust): role for role in model.roles if role.trust is not None}
    for irsa in irsa_statements(model, ctx.config):
        role = owners.get(id(irsa.policy))
        for issuer, ref in irsa.providers:
            message = _problem(model, role, issuer, ref)
            if message:
                yield finding("I004", ref.pointer, message, resource=irsa.policy.label)


def _problem(model: Model, role: Role | None, issuer: str, ref: PrincipalRef) -> str:
    parts = oidc_provider_arn_parts(ref.text)
    if parts is None or contains_placeholder(ref.text):
        return ""
    account = parts[1]
    if not _ACCOUNT.match(account):
        return ""  # T010 reports malformed accounts
    if role is not None and _ACCOUNT.match(role.account) and role.account != account:
        return (
            f"the trust names the OIDC provider of account {account}, but role "
            f"`{role.name}` is in account {role.account}: STS looks the provider up in the "
            f"role's own account; register `{issuer}` there (cross-account IRSA) and write "
            f"`arn:{parts[0]}:iam::{role.account}:oidc-provider/{issuer}`"
        )
    if account not in model.complete_provider_accounts or _registered(model, account, issuer):
        return ""
    listed = [p.url for p in model.oidc_providers if p.account == account and p.url]
    return (
        f"OIDC provider `{issuer}` is not registered in account {account}: the scanned "
        f"`list-open-id-connect-providers` output lists {code_list(listed) or 'none'}; create "
        "it for the cluster (`eksctl utils associate-iam-oidc-provider --cluster <name> "
        "--approve`) or name a registered provider"
    )


def _registered(model: Model, account: str, issuer: str) -> bool:
    found: list[OidcProvider] = model.index("providers_by_url").get(issuer.lower(), [])
    return any(not p.account or p.account == account for p in found)
