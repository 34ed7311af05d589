"""A010 aws-auth-wrong-name-or-namespace: an aws-auth ConfigMap the authenticator never reads.

## What it does
The authenticator watches exactly one object: the ConfigMap `aws-auth` in `kube-system`.
This rule reports an aws-auth ConfigMap that is not that object:
- a lookalike name: `aws_auth`, `awsauth`, `AWS-Auth`, or `aws-auth-<hash>` (kustomize's
  `configMapGenerator` appends a content hash to the name);
- an explicit `metadata.namespace` other than `kube-system`;
- no `metadata.namespace` in a manifest (it has `kind`): `kubectl apply` puts it in the
  current namespace (`default` unless `-n kube-system` is given), and Helm in the release
  namespace. Reported as a warning for Helm output (`# Source:` headers), where
  `helm install -n kube-system` is common; not reported when the configured
  `default-namespace` is `kube-system`. Documentation snippets without `kind` are skipped;
- a `kustomization.yaml` in the same directory whose `namespace:` is not `kube-system`:
  kustomize sets that namespace on every resource, aws-auth included, replacing the one
  written in the file (and one that says `kube-system` makes a file without a namespace
  fine).

## Why it matters
Every mapping in a ConfigMap the authenticator does not read is silently without effect:
nodes and users stay `Unauthorized` while the manifest looks right.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: default
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-node-role
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
```

## Fix
`metadata: {name: aws-auth, namespace: kube-system}`. With kustomize, set
`generatorOptions: {disableNameSuffixHash: true}` for the aws-auth generator.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/mapper/configmap/configmap.go
- https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/generatoroptions/
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding, Severity
from iamlint.load.document import Pointer
from iamlint.model import AwsAuth, Model
from iamlint.rules.a._aws_auth import resource
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A010"
NAME = "aws-auth"
NAMESPACE = "kube-system"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@rule(
    RULE,
    "aws-auth-wrong-name-or-namespace",
    "error",
    "ConfigMap aws-auth outside `kube-system`, or a lookalike name (`aws_auth`, `awsauth`).",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    kustomizations = _kustomization_namespaces(model)
    for aws_auth in model.aws_auth:
        data = aws_auth.pointer.value
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        name_problem = _name_problem(aws_auth, metadata)
        if name_problem is not None:
            yield name_problem
        kustomize = kustomizations.get(posixpath.dirname(aws_auth.pointer.file))
        if kustomize is None:
            yield from _namespace_problem(aws_auth, data, metadata, ctx)
        elif kustomize.value != NAMESPACE:
            yield _kustomize_problem(aws_auth, kustomize)


def _kustomization_namespaces(model: Model) -> dict[str, Pointer]:
    """Directory -> the `namespace` value of the kustomization file in it."""
    found: dict[str, Pointer] = {}
    for doc in model.documents:
        data = doc.data
        name = posixpath.basename(doc.path)
        if not isinstance(data, dict):
            continue
        if name not in KUSTOMIZATION_FILES and data.get("kind") != "Kustomization":
            continue
        if isinstance(data.get("namespace"), str) and data["namespace"]:
            found[posixpath.dirname(doc.path)] = doc.root().child("namespace")
    return found


def _kustomize_problem(aws_auth: AwsAuth, namespace: Pointer) -> Finding:
    return finding(
        RULE,
        namespace,
        f"kustomize sets `namespace: {namespace.value}` on every resource of this "
        f"kustomization, aws-auth included: the authenticator reads only "
        f"`{NAMESPACE}/{NAME}`; keep aws-auth in a kustomization without `namespace:` (or "
        f"with `namespace: {NAMESPACE}`)",
        resource=resource(aws_auth),
        related=[(aws_auth.pointer, "the aws-auth ConfigMap it moves")],
    )


def _name_problem(aws_auth: AwsAuth, metadata: dict[str, Any]) -> Finding | None:
    name = metadata.get("name")
    if not isinstance(name, str) or name == NAME:
        return None
    if name.lower().startswith(NAME + "-"):
        why = (
            "kustomize's configMapGenerator appended a hash; set `generatorOptions: "
            "{disableNameSuffixHash: true}`"
        )
    else:
        why = f"rename it to `{NAME}`"
    return finding(
        RULE,
        aws_auth.pointer.child("metadata", "name"),
        f"ConfigMap `{name}` is never read: the authenticator reads only the ConfigMap named "
        f"exactly `{NAME}` in `{NAMESPACE}`; {why}",
        resource=resource(aws_auth),
    )


def _namespace_problem(
    aws_auth: AwsAuth, data: dict[str, Any], metadata: dict[str, Any], ctx: RuleContext
) -> Iterator[Finding]:
    namespace = metadata.get("namespace")
    if isinstance(namespace, str) and namespace:
        if namespace != NAMESPACE:
            yield finding(
                RULE,
                aws_auth.pointer.child("metadata", "namespace"),
                f"aws-auth in namespace `{namespace}` is never read: the authenticator reads "
                f"only `{NAMESPACE}/{NAME}`; write `namespace: {NAMESPACE}`",
                resource=resource(aws_auth),
            )
        return
    if "kind" not in data or ctx.config.default_namespace == NAMESPACE:
        return  # a documentation snippet, or the user applies to kube-system
    helm = aws_auth.pointer.doc.helm_source is not None
    yield finding(
        RULE,
        _namespace_anchor(aws_auth, metadata),
        _missing_namespace_message(helm, ctx.config.default_namespace),
        resource=resource(aws_auth),
        severity=Severity.WARNING if helm else None,
    )


def _namespace_anchor(aws_auth: AwsAuth, metadata: dict[str, Any]) -> Pointer:
    if "name" in metadata:
        return aws_auth.pointer.child("metadata", "name")
    if "metadata" in aws_auth.pointer.value:
        return aws_auth.pointer.child("metadata").at_key()
    return aws_auth.pointer


def _missing_namespace_message(helm: bool, default: str) -> str:
    where = (
        "Helm installs it in the release namespace"
        if helm
        else f"`kubectl apply` creates it in the current namespace (`{default}` unless run "
        f"with `-n {NAMESPACE}`)"
    )
    return (
        f"aws-auth has no `metadata.namespace`: {where}, and the authenticator reads only "
        f"`{NAMESPACE}/{NAME}`; add `namespace: {NAMESPACE}`"
    )
