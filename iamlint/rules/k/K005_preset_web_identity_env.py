"""K005 preset-web-identity-env: a container presets `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE`.

## What it does
Reports containers whose `env` sets `AWS_ROLE_ARN` or `AWS_WEB_IDENTITY_TOKEN_FILE`
(literal or `valueFrom`), once per container, at the first of them.

A complete manual web-identity setup is left alone: both variables set and a projected
`serviceAccountToken` volume in the pod (clusters without the webhook, or pods that opt
out on purpose), unless the ServiceAccount in the inputs has an
`eks.amazonaws.com/role-arn` annotation naming a different role: then the preset role
silently wins and that is reported.

## Why it matters
The EKS Pod Identity Webhook skips the web-identity variables of a container that already
defines either of them. The container then keeps whatever was preset: a different role
than the ServiceAccount's annotation, a token path where no token is mounted, or only half
of the pair (the SDK then falls back to the node role, or fails with
`NoCredentialsError`). Changing the annotation has no effect on such pods.

## Example
```yaml
containers:
  - name: app
    image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.0
    env:
      - name: AWS_ROLE_ARN
        value: arn:aws:iam::111122223333:role/app-old
```

## Fix
Remove both variables and let the webhook inject them from the ServiceAccount's
`eks.amazonaws.com/role-arn` annotation (restart the pods afterwards).

## References
- https://github.com/aws/amazon-eks-pod-identity-webhook#usage
- https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
- https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.model import Model, Workload
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.k._k8s import (
    ROLE_ARN,
    EnvEntry,
    container_label,
    containers_with_env,
    env_pointer,
    service_account_of,
)
from iamlint.rules.registry import rule

RULE = "K005"
PRESET = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")


@rule(
    RULE,
    "preset-web-identity-env",
    "warning",
    "Workload presets `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE`: the webhook does not inject.",
    reads=("workloads", "service_accounts"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for workload in model.workloads:
        for container, env in containers_with_env(workload):
            preset = [(i, item) for i, item in env if item.get("name") in PRESET]
            if not preset:
                continue
            annotated = _annotated_role(model, workload)
            manual = _has_projected_token(workload)
            message = _message(preset, annotated, manual, container_label(workload, container))
            if message is not None:
                pointer = env_pointer(container, preset[0][0], "name")
                yield finding(RULE, pointer, message, resource=workload.label)


def _message(preset: list[EnvEntry], annotated: str, manual: bool, where: str) -> str | None:
    names = {item.get("name") for _, item in preset}
    role = next((item.get("value") for _, item in preset if item.get("name") == PRESET[0]), None)
    role = role.strip() if isinstance(role, str) else ""
    listed = " and ".join(f"`{n}`" for n in PRESET if n in names)
    base = f"{where} presets {listed}: the EKS Pod Identity Webhook then injects neither"
    if annotated and role and role.lower() != annotated.lower():
        return (
            f"{base}, so the preset role `{role}` wins over the ServiceAccount's "
            f"`{ROLE_ARN}` `{annotated}`; remove the variables"
        )
    if len(names) == 2 and manual:
        return None  # a deliberate, complete manual web-identity setup
    if len(names) == 1:
        return (
            f"{base}, and the SDK needs both: it falls back to other credentials (the node "
            "role) or fails; remove it and let the webhook set both"
        )
    return (
        f"{base}: the preset values are used whatever the ServiceAccount's `{ROLE_ARN}` "
        "says, and the token file exists only if something mounts it at that path; remove "
        "them"
    )


def _annotated_role(model: Model, workload: Workload) -> str:
    sa = service_account_of(model, workload)
    return sa.role_arn if sa is not None else ""


def _has_projected_token(workload: Workload) -> bool:
    spec = workload.pod_spec.value if workload.pod_spec is not None else None
    volumes = spec.get("volumes") if isinstance(spec, dict) else None
    if not isinstance(volumes, list):
        return False
    return any(_projects_token(volume) for volume in volumes)


def _projects_token(volume: Any) -> bool:
    projected = volume.get("projected") if isinstance(volume, dict) else None
    sources = projected.get("sources") if isinstance(projected, dict) else None
    if not isinstance(sources, list):
        return False
    return any(isinstance(s, dict) and "serviceAccountToken" in s for s in sources)
