"""T012 pod-identity-actions: Pod Identity trust lacks `sts:AssumeRole` or `sts:TagSession`.

## What it does
For every trust policy that names the service principal `pods.eks.amazonaws.com`, checks
that the Allow statements naming it allow, together, both `sts:AssumeRole` and
`sts:TagSession` (in one statement or in two: IAM authorises each action separately;
wildcards such as `sts:*` count). An unconditional Deny of one of them for that principal
(or for `*`) takes it away again.

## Why it matters
The EKS Pod Identity agent assumes the role with `AssumeRole` and always passes session
tags (cluster, namespace, service account). Without `sts:TagSession` the call is denied
and the pod gets no credentials; `aws eks create-pod-identity-association` succeeds
anyway, so the error only shows at run time.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
 "Action": "sts:AssumeRole"}
```

## Fix
Write `"Action": ["sts:AssumeRole", "sts:TagSession"]`.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.wildcard import action_matches
from iamlint.model import Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import (
    POD_IDENTITY,
    TrustStatement,
    code_list,
    trust_policies,
    trust_statements,
)

REQUIRED = ("sts:AssumeRole", "sts:TagSession")


@rule(
    "T012",
    "pod-identity-actions",
    "error",
    "EKS Pod Identity trust (`pods.eks.amazonaws.com`) without both `sts:AssumeRole` and "
    "`sts:TagSession`.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        statements = list(trust_statements(policy))
        granting = [s for s in statements if s.allow and POD_IDENTITY in s.service_texts()]
        if not granting:
            continue
        missing = [a for a in REQUIRED if not any(s.allows(a) for s in granting)]
        denials = [(a, d) for a in REQUIRED if a not in missing for d in _denials(statements, a)]
        if missing:
            yield _missing(policy, granting[0], missing)
        elif denials:
            action, deny = denials[0]
            yield finding(
                "T012",
                granting[0].action_pointer,
                f"`{POD_IDENTITY}` is allowed {code_list(REQUIRED)}, but an unconditional Deny "
                f"takes `{action}` away: EKS Pod Identity needs both, so the pod gets no "
                "credentials; remove the Deny or give it a condition",
                resource=policy.label,
                related=[(deny.pointer, "the Deny statement")],
            )


def _denials(statements: list[TrustStatement], action: str) -> list[TrustStatement]:
    return [s for s in statements if _denies(s, action)]


def _denies(statement: TrustStatement, action: str) -> bool:
    if statement.effect != "Deny" or statement.conditions:
        return False
    names_pod_identity = statement.principal_star or POD_IDENTITY in statement.service_texts()
    return names_pod_identity and any(action_matches(a.text, action) for a in statement.actions)


def _missing(policy: Policy, statement: TrustStatement, missing: list[str]) -> Finding:
    return finding(
        "T012",
        statement.action_pointer,
        f"`{POD_IDENTITY}` is not allowed {code_list(missing)}: EKS Pod Identity assumes the "
        "role with `AssumeRole` and always passes session tags, so the pod gets no "
        'credentials; write `"Action": ["sts:AssumeRole", "sts:TagSession"]`',
        resource=policy.label,
    )
