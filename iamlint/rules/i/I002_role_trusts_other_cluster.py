"""I002 role-trusts-other-cluster: the role trusts the OIDC provider of another cluster.

## What it does
For every ServiceAccount annotated with a role defined in the inputs, when the cluster it
runs in is known, compares the OIDC providers the role's trust names with that cluster's
issuer. Reported when the trust names only other clusters' providers. The cluster of a
ServiceAccount is known when the run names exactly one cluster: `--cluster NAME` or one
entry under `clusters:` in the config, or else exactly one cluster in the inputs (`aws eks
describe-cluster` output, a template). Its issuer comes from `describe-cluster` output or
the config's `oidc_issuer`. When it is not known the check is skipped with an X006 note.

## Why it matters
Each EKS cluster has its own OIDC issuer; a pod's token is signed by its cluster's issuer,
so STS looks for a trust statement naming that issuer's provider. A role copied from
another cluster (staging to prod, a blue/green cluster replacement, a new region) is
refused with `AccessDenied ... sts:AssumeRoleWithWebIdentity`.

## Example
The ServiceAccount runs in cluster `prod` (issuer
`oidc.eks.eu-west-1.amazonaws.com/id/5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C`), and the role trusts
```json
"Federated":
  "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0"
```

## Fix
Add a statement for the cluster's own provider (with `:sub`/`:aud` keys on its issuer), or
point the ServiceAccount at the role made for that cluster. Register the provider first if
needed (`eksctl utils associate-iam-oidc-provider --cluster <name> --approve`).

## References
- https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/cross-account-access.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.arn import normalise_issuer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    WRONG_CLUSTER,
    Binding,
    bindings,
    clusters_with_issuer,
    role_name,
    trust_editable,
)
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import code_list


@rule(
    "I002",
    "role-trusts-other-cluster",
    "error",
    "Role trusts an OIDC provider of another cluster than the one the ServiceAccount runs in.",
    reads=("service_accounts", "roles", "clusters", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for binding in bindings(model, ctx.config):
        if binding.verdict == WRONG_CLUSTER:
            yield _finding(model, binding)


def _finding(model: Model, binding: Binding) -> Finding:
    sa, cluster = binding.sa, binding.cluster
    assert binding.view is not None and cluster is not None
    providers = [p for c in binding.view.candidates for p in c.providers]
    issuers = list(dict.fromkeys(issuer for issuer, _ in providers))
    owners = [c.name for issuer in issuers for c in clusters_with_issuer(model, issuer)]
    whose = f" (cluster {code_list(dict.fromkeys(owners))})" if owners else ""
    message = (
        f"role `{role_name(binding.role)}` trusts the OIDC provider {code_list(issuers)}{whose}, "
        f"but {sa.label} runs in cluster `{cluster.name}`, whose issuer is "
        f"`{normalise_issuer(cluster.issuer)}`: add a statement for that cluster's provider (with "
        "`:sub`/`:aud` keys on its issuer), or annotate the role made for this cluster"
    )
    first = providers[0][1].pointer
    related = [(cluster.pointer, f"cluster {cluster.name}")]
    if trust_editable(binding.role):
        related.insert(0, (binding.annotation, f"{sa.label} is annotated with this role"))
        return finding("I002", first, message, resource=sa.label, related=related,
                       discriminator=sa.subject)
    related.insert(0, (first, f"trust policy of role {role_name(binding.role)}"))
    return finding("I002", binding.annotation, message, resource=sa.label, related=related,
                   discriminator=sa.subject)
