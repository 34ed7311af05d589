"""I003 audience-not-accepted: the ServiceAccount's token audience is refused.

## What it does
The token a pod presents carries the audience of its ServiceAccount: the
`eks.amazonaws.com/audience` annotation, `sts.amazonaws.com` by default. For every
ServiceAccount annotated with a role defined in the inputs whose trust admits its subject,
checks
- the trust's `:aud` condition (StringEquals/StringLike semantics, case-sensitive), and
- the OIDC provider's client ID list, when the provider is in the inputs with its client
  IDs (`aws iam get-open-id-connect-provider` output, a template); a provider known only
  from `list-open-id-connect-providers` (ARNs) is not judged.

## Why it matters
STS refuses a token whose `aud` the provider does not list (`InvalidIdentityToken:
Incorrect token audience`) or that fails the `:aud` condition (`AccessDenied`): the pod
gets no credentials.

## Example
The ServiceAccount asks for the audience `vault`:
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
    eks.amazonaws.com/audience: vault
```
while the trust of role `app` accepts only `sts.amazonaws.com`:
```json
"Condition": {"StringEquals": {
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
    "system:serviceaccount:prod:app",
  "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":
    "sts.amazonaws.com"
}}
```

## Fix
Use the same audience on both sides: usually remove the annotation (default
`sts.amazonaws.com`):
```yaml
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
```
or write the ServiceAccount's audience in the `:aud` condition and add it to the provider
with `aws iam add-client-id-to-open-id-connect-provider`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
- https://github.com/aws/amazon-eks-pod-identity-webhook#eks-walkthrough
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.iam.conditions import FALSE
from iamlint.load.document import Pointer
from iamlint.model import Model, OidcProvider
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.i._irsa import (
    AUDIENCE,
    CLIENT_ID,
    Binding,
    bindings,
    role_name,
    trust_editable,
)
from iamlint.rules.k._k8s import AUDIENCE as AUDIENCE_ANNOTATION
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import code_list


@rule(
    "I003",
    "audience-not-accepted",
    "error",
    "ServiceAccount's audience is not allowed by the trust's `:aud` condition or not in the "
    "OIDC provider's client IDs.",
    reads=("service_accounts", "roles", "oidc_providers", "role_uses"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for binding in bindings(model, ctx.config):
        if binding.verdict == AUDIENCE:
            yield _trust_finding(binding)
        elif binding.verdict == CLIENT_ID and binding.provider is not None:
            yield _provider_finding(binding, binding.provider)


def _audience_source(binding: Binding) -> tuple[Pointer, str]:
    """Where the SA's audience comes from, and how to say it."""
    sa = binding.sa
    if AUDIENCE_ANNOTATION in sa.annotations:
        pointer = sa.pointer.child("metadata", "annotations", AUDIENCE_ANNOTATION)
        return pointer, f"`{sa.audience}` (its `{AUDIENCE_ANNOTATION}` annotation)"
    default = f"`{sa.audience}` (the default: no `{AUDIENCE_ANNOTATION}` annotation)"
    return binding.annotation, default


def _trust_finding(binding: Binding) -> Finding:
    sa = binding.sa
    refused = [
        (value, ref.pointer)
        for judged in binding.judged
        if judged.sub is not FALSE
        for entry, result in judged.aud_results
        if result is FALSE
        for value, ref in entry.texts()
    ]
    allowed = list(dict.fromkeys(value for value, _ in refused))
    sa_pointer, audience = _audience_source(binding)
    message = (
        f"role `{role_name(binding.role)}` accepts the audience {code_list(allowed) or '(none)'} "
        f"in its `:aud` condition, but the tokens of {sa.label} carry {audience}: use one "
        "audience on both sides (usually `sts.amazonaws.com`)"
    )
    trust_pointer = refused[0][1] if refused else binding.judged[0].statement.pointer
    if trust_editable(binding.role):
        return finding("I003", trust_pointer, message, resource=sa.label,
                       related=[(sa_pointer, f"audience of {sa.label}")],
                       discriminator=sa.subject)
    return finding("I003", sa_pointer, message, resource=sa.label,
                   related=[(trust_pointer, f"trust policy of role {role_name(binding.role)}")],
                   discriminator=sa.subject)


def _provider_finding(binding: Binding, provider: OidcProvider) -> Finding:
    sa = binding.sa
    sa_pointer, audience = _audience_source(binding)
    listed = code_list(provider.client_ids) or "no client ID"
    message = (
        f"OIDC provider `{provider.url}` lists {listed} as client IDs (audiences), but the "
        f"tokens of {sa.label} carry {audience}: STS refuses them; add the audience with "
        "`aws iam add-client-id-to-open-id-connect-provider` or use `sts.amazonaws.com`"
    )
    provider_pointer = _client_ids_pointer(provider)
    editable_provider = provider.arn.startswith(("cfn:", "tf:"))
    if editable_provider or AUDIENCE_ANNOTATION not in sa.annotations:
        return finding("I003", provider_pointer, message, resource=sa.label,
                       related=[(sa_pointer, f"audience of {sa.label}")],
                       discriminator=sa.subject)
    return finding("I003", sa_pointer, message, resource=sa.label,
                   related=[(provider_pointer, f"OIDC provider {provider.url}")],
                   discriminator=sa.subject)


def _client_ids_pointer(provider: OidcProvider) -> Pointer:
    data = provider.pointer.value
    if isinstance(data, dict):
        for path in (("ClientIDList",), ("Properties", "ClientIdList"), ("client_id_list",)):
            node: Any = data
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if node is not None:
                return provider.pointer.child(*path)
    return provider.pointer
