"""K007 kubeconfig-exec-invalid: a kubeconfig `exec` credential plugin that cannot work.

## What it does
Checks `users[].user.exec` of every kubeconfig (`kind: Config`):
- `apiVersion: client.authentication.k8s.io/v1alpha1`, removed from kubectl, client-go
  and the kubelet in Kubernetes 1.24 (the kubelet kubeconfig of the troubleshooting seed
  still has it), or no `apiVersion` at all;
- an EKS token command without the cluster: `aws eks get-token` without `--cluster-name`
  (or `--cluster-id`), `aws-iam-authenticator token` without `-i`/`--cluster-id` (and
  without `KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID` in `exec.env` or a `--config` file).

## Why it matters
- kubectl 1.24+ and the kubelet refuse the plugin (`exec plugin: invalid apiVersion
  "client.authentication.k8s.io/v1alpha1"`): every command, or the node, fails to
  authenticate.
- `aws eks get-token` exits with `the following arguments are required: --cluster-name`;
  `aws-iam-authenticator token` exits with `cluster ID not specified`. The token is signed
  for a cluster: without the name it cannot be produced at all.

## Example
```yaml
users:
  - name: kubelet
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1alpha1
        command: /usr/bin/aws-iam-authenticator
        args: ["token", "-i", "my-cluster"]
```

## Fix
Write `apiVersion: client.authentication.k8s.io/v1beta1` (the newest the AWS CLI and
aws-iam-authenticator support everywhere), and pass the cluster:
`args: [eks, get-token, --cluster-name, my-cluster]` or `[token, -i, my-cluster]`.
`aws eks update-kubeconfig --name my-cluster` writes a correct entry.

## References
- https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
- https://kubernetes.io/blog/2022/04/07/upcoming-changes-in-kubernetes-1-24/
- https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
- https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "K007"
REMOVED = "client.authentication.k8s.io/v1alpha1"
WANTED = "client.authentication.k8s.io/v1beta1"
AWS_CLUSTER_FLAGS = ("--cluster-name", "--cluster-id")
AUTHENTICATOR_CLUSTER_FLAGS = ("-i", "--cluster-id", "-c", "--config")
AUTHENTICATOR_CLUSTER_ENV = "KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID"


@rule(
    RULE,
    "kubeconfig-exec-invalid",
    "error",
    "kubeconfig exec uses removed `v1alpha1` (Kubernetes 1.24) or an EKS token without cluster.",
    reads=("kubeconfigs",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for kubeconfig in model.kubeconfigs:
        users = kubeconfig.pointer.value.get("users")
        if not isinstance(users, list):
            continue
        for index, user in enumerate(users):
            exec_config = _exec_of(user)
            if exec_config is None:
                continue
            pointer = kubeconfig.pointer.child("users", index, "user", "exec")
            label = f"kubeconfig user `{user.get('name', index)}`"
            yield from _api_version(pointer, exec_config, label)
            yield from _cluster_argument(pointer, exec_config, label)


def _exec_of(user: Any) -> dict[str, Any] | None:
    inner = user.get("user") if isinstance(user, dict) else None
    exec_config = inner.get("exec") if isinstance(inner, dict) else None
    return exec_config if isinstance(exec_config, dict) else None


def _api_version(pointer: Pointer, exec_config: dict[str, Any], label: str) -> Iterator[Finding]:
    version = exec_config.get("apiVersion")
    if version == REMOVED:
        yield finding(
            RULE,
            pointer.child("apiVersion"),
            f"`{REMOVED}` was removed in Kubernetes 1.24: kubectl, client-go and the kubelet "
            f"reject this exec plugin; write `apiVersion: {WANTED}`",
            resource=label,
        )
    elif not version:
        yield finding(
            RULE,
            pointer.at_key(),
            f"exec plugin has no `apiVersion`: kubectl rejects it; add `apiVersion: {WANTED}`",
            resource=label,
        )


def _cluster_argument(
    pointer: Pointer, exec_config: dict[str, Any], label: str
) -> Iterator[Finding]:
    command = exec_config.get("command")
    args = exec_config.get("args")
    args = [str(a) for a in args] if isinstance(args, list) else []
    program = _program(command)
    where = pointer.child("args") if "args" in exec_config else pointer.child("command")
    if program == "aws" and "get-token" in args and not _has_flag(args, AWS_CLUSTER_FLAGS):
        yield finding(
            RULE,
            where,
            "`aws eks get-token` without `--cluster-name`: the AWS CLI exits with an error "
            "and kubectl gets no token; add `--cluster-name, <cluster>` to `args`",
            resource=label,
        )
    elif program == "aws-iam-authenticator" and "token" in args:
        if _has_flag(args, AUTHENTICATOR_CLUSTER_FLAGS) or _env_sets(exec_config):
            return
        yield finding(
            RULE,
            where,
            "`aws-iam-authenticator token` without `-i <cluster>`: it exits with `cluster ID "
            "not specified` and kubectl gets no token; add `-i, <cluster>` to `args`",
            resource=label,
        )


def _program(command: Any) -> str:
    if not isinstance(command, str):
        return ""
    name = command.strip().replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix in (".exe", ".cmd"):
        name = name.removesuffix(suffix)
    return name


def _has_flag(args: list[str], flags: tuple[str, ...]) -> bool:
    """`--flag value`, `--flag=value`, and for short flags `-i value`, `-ivalue`."""
    for index, arg in enumerate(args):
        for flag in flags:
            if arg.startswith(flag + "=") and len(arg) > len(flag) + 1:
                return True
            short = not flag.startswith("--")
            if short and arg.startswith(flag) and len(arg) > len(flag) and arg[1] != "-":
                return True
            if arg == flag and index + 1 < len(args) and not args[index + 1].startswith("-"):
                return True
    return False


def _env_sets(exec_config: dict[str, Any]) -> bool:
    env = exec_config.get("env")
    if not isinstance(env, list):
        return False
    return any(
        isinstance(item, dict)
        and item.get("name") == AUTHENTICATOR_CLUSTER_ENV
        and bool(item.get("value"))
        for item in env
    )
