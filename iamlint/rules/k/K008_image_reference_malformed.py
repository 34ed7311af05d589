"""K008 image-reference-malformed: a container image reference that cannot be pulled.

## What it does
Checks the `image` of every container (init and ephemeral containers included) of every
Kubernetes workload against the image reference grammar: whitespace (the Fargate CoreDNS
story in the troubleshooting seed pulls `.../coredns:latest ` with a trailing space),
upper case in the repository path, an empty tag (`repo:`), empty path components, invalid
characters, a malformed digest, an empty `image`. Placeholders (`{{ .Values.image }}`,
`${IMAGE}`, `<image>`) are skipped, and so is a bare upper-case token such as `IMAGE` or
`CONTROLLER_IMAGE`: a value replaced by `sed`/`envsubst`/kustomize before apply (no real
repository is upper case, so it cannot be meant literally).

## Why it matters
The kubelet cannot parse or resolve the reference: the pod stays in `ErrImagePull` /
`InvalidImageName` / `ImagePullBackOff` (an ECR pull with a stray space even surfaces as
`401 Unauthorized`, sending people to debug IAM instead of the manifest).

## Example
```yaml
containers:
  - name: coredns
    image: "151284513677.dkr.ecr.eu-central-1.amazonaws.com/coredns:latest "
```

## Fix
Write `registry/repository[:tag][@sha256:digest]` with a lower-case repository and no
whitespace: `151284513677.dkr.ecr.eu-central-1.amazonaws.com/eks/coredns:v1.11.1-eksbuild.4`.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
- https://github.com/distribution/reference/blob/main/reference.go
- https://docs.aws.amazon.com/eks/latest/userguide/fargate-troubleshooting.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.k._k8s import container_label
from iamlint.rules.registry import rule

RULE = "K008"
# `IMAGE`, `CONTROLLER_IMAGE`: a substitution token, not a reference someone meant literally
_SUBSTITUTION_TOKEN = re.compile(r"[A-Z][A-Z0-9_]*")
# Most references: one the full check finds nothing in, told by one regex. A registry host
# (lower-case DNS labels with a dot or a port), lower-case path components (no dot in the
# first of several when there is no host: that one would be read as a host), an ASCII tag,
# a sha256 digest; at most 255 characters (the name limit) is checked beside it.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PLAIN_REFERENCE = re.compile(
    rf"(?:(?:{_LABEL}(?:\.{_LABEL})+(?::[0-9]+)?|{_LABEL}:[0-9]+)/{_COMPONENT}(?:/{_COMPONENT})*"
    rf"|[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*(?:/{_COMPONENT})+"
    rf"|{_COMPONENT})"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?"
)
_PLAIN_MAX_LENGTH = 255


@rule(
    RULE,
    "image-reference-malformed",
    "error",
    "Container image reference malformed: whitespace, upper-case repository, empty tag.",
    reads=("workloads",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    from iamlint.iam.arn import image_reference_problems

    for workload in model.workloads:
        for container in workload.containers:
            if container.image_pointer is None:
                continue
            raw = container.image_pointer.value
            if isinstance(raw, str) and _plain(raw):
                continue
            if raw is None or (isinstance(raw, str) and _SUBSTITUTION_TOKEN.fullmatch(raw)):
                continue
            problems = image_reference_problems(raw)
            if not problems:
                continue
            shown = f"image `{raw}`" if isinstance(raw, str) and raw.strip() else "`image`"
            yield finding(
                RULE,
                container.image_pointer,
                f"{shown} of {container_label(workload, container)}: "
                f"{'; '.join(problems)}: the kubelet cannot pull it",
                resource=workload.label,
            )


def _plain(image: str) -> bool:
    return len(image) <= _PLAIN_MAX_LENGTH and _PLAIN_REFERENCE.fullmatch(image) is not None
