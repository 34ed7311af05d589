"""K006 irsa-annotation-value-invalid: `token-expiration` or `sts-regional-endpoints` is invalid.

## What it does
Checks the values of two EKS Pod Identity Webhook annotations, on ServiceAccounts and (for
`token-expiration`) on Pods and pod templates:
- `eks.amazonaws.com/token-expiration` must be a whole number of seconds from 600 to 86400
  (the webhook parses it with Go's `strconv.ParseInt`; it raises smaller values to 600;
  EKS issues tokens for at most 24 hours);
- `eks.amazonaws.com/sts-regional-endpoints` must be a boolean Go's `strconv.ParseBool`
  accepts (`true`/`false`, also `1`, `t`, `True`, `FALSE`...).

Both must be YAML strings: an unquoted `true` or `3600` is a boolean/number, and the API
server rejects the object because annotation values are strings. Placeholders are skipped.

## Why it matters
The webhook ignores a value it cannot parse, logs it at a debug level and uses its
default (86400 seconds; the cluster's regional-STS default). Tokens then live longer or
shorter than intended, and pods may call the global STS endpoint, which fails in opt-in
regions and in VPCs with only a regional STS endpoint.

## Example
```yaml
metadata:
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
    eks.amazonaws.com/token-expiration: "1h"
    eks.amazonaws.com/sts-regional-endpoints: "yes"
```

## Fix
`eks.amazonaws.com/token-expiration: "3600"` and
`eks.amazonaws.com/sts-regional-endpoints: "true"` (quoted).

## References
- https://github.com/aws/amazon-eks-pod-identity-webhook#usage
- https://docs.aws.amazon.com/eks/latest/userguide/configure-sts-endpoint.html
- https://pkg.go.dev/strconv#ParseBool
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.k._k8s import STS_REGIONAL, TOKEN_EXPIRATION, pod_annotation_mapping
from iamlint.rules.registry import rule

RULE = "K006"
MIN_SECONDS = 600
MAX_SECONDS = 86400
GO_BOOLS = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
_GO_INT = re.compile(r"[+-]?\d+")


@rule(
    RULE,
    "irsa-annotation-value-invalid",
    "error",
    "`eks.amazonaws.com/token-expiration` outside 600..86400, `sts-regional-endpoints` not bool.",
    reads=("service_accounts", "workloads"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for sa in model.service_accounts:
        for key, problem in _problems(sa.annotations, (TOKEN_EXPIRATION, STS_REGIONAL)):
            pointer = sa.pointer.child("metadata", "annotations", key)
            yield finding(RULE, pointer, problem, resource=sa.label)
    for workload in model.workloads:
        mapping = pod_annotation_mapping(workload)
        if mapping is None:
            continue
        items, owner, path = mapping[:3]
        for key, problem in _problems(items, (TOKEN_EXPIRATION,)):
            yield finding(RULE, owner.child(*path, key), problem, resource=workload.label)


def _problems(annotations: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    from iamlint.placeholders import contains_placeholder

    for key in keys:
        if key not in annotations:
            continue
        value = annotations[key]
        if value is None or contains_placeholder(value):
            continue
        check_value = _token_expiration if key == TOKEN_EXPIRATION else _sts_regional
        problem = check_value(value)
        if problem is not None:
            yield key, problem


def _token_expiration(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return (
            f"`{TOKEN_EXPIRATION}: {value}` is a YAML number: annotation values must be "
            f'strings and the API server rejects the object; write `"{value}"`'
        )
    text = str(value)
    if not isinstance(value, str) or not _GO_INT.fullmatch(text):
        return (
            f"`{TOKEN_EXPIRATION}` `{text}` is not a whole number of seconds: the webhook "
            f'ignores it and uses its default; write e.g. `"3600"` '
            f"({MIN_SECONDS} to {MAX_SECONDS})"
        )
    seconds = int(text)
    if seconds < MIN_SECONDS:
        return (
            f"`{TOKEN_EXPIRATION}` {seconds} is below the minimum of {MIN_SECONDS} seconds: "
            f"the webhook raises it to {MIN_SECONDS}; write a value from {MIN_SECONDS} to "
            f"{MAX_SECONDS}"
        )
    if seconds > MAX_SECONDS:
        return (
            f"`{TOKEN_EXPIRATION}` {seconds} is above the EKS maximum of {MAX_SECONDS} "
            f"seconds (24 hours); write a value from {MIN_SECONDS} to {MAX_SECONDS}"
        )
    return None


def _sts_regional(value: Any) -> str | None:
    if isinstance(value, bool):
        text = "true" if value else "false"
        return (
            f"`{STS_REGIONAL}: {text}` is a YAML boolean: annotation values must be strings "
            f'and the API server rejects the object; write `"{text}"`'
        )
    if isinstance(value, str) and value in GO_BOOLS:
        return None
    return (
        f"`{STS_REGIONAL}` `{value}` is not a boolean: the webhook ignores it and uses the "
        'cluster default; write `"true"` or `"false"`'
    )
