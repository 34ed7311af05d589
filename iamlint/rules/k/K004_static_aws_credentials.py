"""K004 static-aws-credentials: AWS access keys written into a workload or ServiceAccount.

## What it does
Looks at the `env` of every container (init and ephemeral containers included) of every
Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob..., at the annotations of
ServiceAccounts, workloads and pod templates, at the `environment` of every container
of an ECS task definition (API/CLI JSON, Terraform `container_definitions`,
CloudFormation `Environment`), and at the `exec.env` of every kubeconfig user, for:
- an access key ID (`AKIA...`/`ASIA...` followed by 16 characters) in any value;
- a literal `AWS_SECRET_ACCESS_KEY` shaped like a secret key (40 characters), or next to
  a literal access key ID; a literal `AWS_SESSION_TOKEN`.

`valueFrom` (a Secret or ConfigMap reference) is not reported, nor are empty values,
placeholders (`${AWS_SECRET_ACCESS_KEY}`, `<secret>`) or short dummy values for local
emulators (`test`, `minioadmin`). The value itself is never printed.

## Why it matters
Anyone who can read the manifest, the Git history, the Helm release or
`kubectl get pod -o yaml` (for ECS: `ecs:DescribeTaskDefinition`) gets the keys.
Long-term keys do not expire and are not tied to the pod; they also take precedence over
IRSA, EKS Pod Identity and the ECS task role in the SDKs' credential chain, so the
workload runs as that IAM user, not as its intended role.

## Example
```yaml
env:
  - name: AWS_ACCESS_KEY_ID
    value: AKIAIOSFODNN7EXAMPLE
  - name: AWS_SECRET_ACCESS_KEY
    value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
```

## Fix
Give the pod a role instead (IRSA: `eks.amazonaws.com/role-arn` on its ServiceAccount, or
an EKS Pod Identity association), remove the variables, and deactivate and rotate the
exposed key. If static keys are unavoidable, read them from a Secret with
`valueFrom.secretKeyRef`. For ECS, give the task a task role (`taskRoleArn`) or use
`secrets` (Secrets Manager, SSM Parameter Store); for a kubeconfig, let the exec plugin
use a profile (`AWS_PROFILE`) or IAM Identity Center.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#securing_access-keys
- https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model, TaskDefinition
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.k._k8s import (
    MetadataBlock,
    container_label,
    containers_with_env,
    metadata_block,
    service_account_mappings,
    workload_mappings,
)
from iamlint.rules.registry import rule

RULE = "K004"
ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
SECRET_KEY = re.compile(r"[A-Za-z0-9/+]{40}")
MIN_SESSION_TOKEN = 100
ADVICE = "use IRSA or EKS Pod Identity (or `valueFrom.secretKeyRef`) and rotate the key"
ECS_ADVICE = (
    "give the task a task role (`taskRoleArn`) or read the value from `secrets` "
    "(Secrets Manager, SSM), and rotate the key"
)
KUBECONFIG_ADVICE = (
    "let the exec plugin use a profile (`AWS_PROFILE`) or IAM Identity Center instead, "
    "and rotate the key"
)
READERS = "anyone who can read the manifest or the pod spec has it"


@rule(
    RULE,
    "static-aws-credentials",
    "warning",
    "Static AWS credentials in a workload's env or a ServiceAccount (value never printed).",
    tags=("security",),
    reads=("workloads", "service_accounts", "task_definitions", "kubeconfigs"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for workload in model.workloads:
        for container, env in containers_with_env(workload):
            if _may_hold_credentials([item for _, item in env]):
                variables = _pairs(container.pointer, [(_ENV, i, item) for i, item in env])
                where = f"of {container_label(workload, container)}"
                yield from _env_findings(variables, "env", where, READERS, ADVICE, workload.label)
        for mapping in workload_mappings(workload):
            if _may_hold_key_id(mapping[0]):
                block = metadata_block(mapping, workload.label)
                yield from _annotation_findings(block, workload.label)
    for sa in model.service_accounts:
        for mapping in service_account_mappings(sa):
            if _may_hold_key_id(mapping[0]):
                yield from _annotation_findings(metadata_block(mapping, sa.label), sa.label)
    for task in model.task_definitions:
        yield from _task_definition_findings(task)
    for kubeconfig in model.kubeconfigs:
        yield from _kubeconfig_findings(kubeconfig.pointer)


# (an owner, the path of the value below it, variable name, value): the value's Pointer is
# made only for a finding
Variable = tuple[Pointer, tuple[Any, ...], Any, Any]
# A value holds a credential only if it has an access key ID (which starts with one of these)
# or is named as a secret key or session token (see `_credential_kind`)
_KEY_ID_PREFIXES = ("AKIA", "ASIA")
_SECRET_NAMES = frozenset({"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
_ENV = ("env",)


def _pairs(
    owner: Pointer,
    entries: list[tuple[tuple[Any, ...], int, dict[str, Any]]],
    names: tuple[str, ...] = ("name", "value"),
) -> list[Variable]:
    """`entries`: (path of the list below `owner`, index, entry mapping)."""
    name_key, value_key = names
    return [
        (owner, (*path, index, value_key), item.get(name_key), item.get(value_key))
        for path, index, item in entries
    ]


def _may_hold_credentials(
    items: list[dict[str, Any]], names: tuple[str, ...] = ("name", "value")
) -> bool:
    """The cheap test before `_env_findings`, which finds nothing when this is False."""
    name_key, value_key = names
    for item in items:
        value = item.get(value_key)
        if isinstance(value, str) and (
            _has_key_id_prefix(value) or str(item.get(name_key)) in _SECRET_NAMES
        ):
            return True
    return False


def _has_key_id_prefix(value: str) -> bool:
    return _KEY_ID_PREFIXES[0] in value or _KEY_ID_PREFIXES[1] in value


def _may_hold_key_id(items: dict[Any, Any]) -> bool:
    return any(isinstance(v, str) and _has_key_id_prefix(v) for v in items.values())


def _env_findings(
    variables: list[Variable], kind: str, where: str, readers: str, advice: str, resource: str
) -> Iterator[Finding]:
    """`where` follows the variable's name: "of container `app` of Deployment ns/app"."""
    for owner, path, name, value in variables:
        if not isinstance(value, str) or not value.strip():
            continue
        what = _credential_kind(str(name), value, lambda: _paired_key(variables))
        if what is None or not _is_literal(value):
            continue
        yield finding(
            RULE,
            owner.child(*path),
            f"{kind} `{name}` {where} holds {what} in plain text (value not shown): "
            f"{readers}; {advice}",
            resource=resource,
        )


def _paired_key(variables: list[Variable]) -> bool:
    """A literal access key ID beside the secret makes any value of it a secret key."""
    literal = {name: value for _, _, name, value in variables if isinstance(name, str)}
    key_id = literal.get("AWS_ACCESS_KEY_ID")
    return _is_literal(key_id) and bool(ACCESS_KEY_ID.fullmatch(str(key_id).strip()))


def _task_definition_findings(task: TaskDefinition) -> Iterator[Finding]:
    """`environment` of each container definition: camelCase (API, CLI, Terraform) or
    PascalCase (CloudFormation) keys."""
    label = f"task definition `{task.family}`" if task.family else "a task definition"
    for container in task.containers:
        data = container.pointer.value
        if not isinstance(data, dict):
            continue
        pascal = "Environment" in data
        keys = ("Environment", "Name", "Value") if pascal else ("environment", "name", "value")
        environment = data.get(keys[0])
        if not isinstance(environment, list):
            continue
        entries = [
            ((keys[0],), index, item)
            for index, item in enumerate(environment)
            if isinstance(item, dict)
        ]
        if not _may_hold_credentials([item for _, _, item in entries], keys[1:]):
            continue
        variables = _pairs(container.pointer, entries, keys[1:])
        owner = f"container `{container.name}` of {label}" if container.name else label
        yield from _env_findings(
            variables,
            "environment variable",
            f"of {owner}",
            "anyone who can describe the task definition has it",
            ECS_ADVICE,
            task.family or task.arn,
        )


def _kubeconfig_findings(root: Pointer) -> Iterator[Finding]:
    """`users[].user.exec.env`: the variables the credential plugin runs with."""
    users = root.value.get("users") if isinstance(root.value, dict) else None
    if not isinstance(users, list):
        return
    for index, user in enumerate(users):
        exec_config = user.get("user") if isinstance(user, dict) else None
        exec_config = exec_config.get("exec") if isinstance(exec_config, dict) else None
        env = exec_config.get("env") if isinstance(exec_config, dict) else None
        if not isinstance(env, list):
            continue
        entries = [
            (("users", index, "user", "exec", "env"), i, item)
            for i, item in enumerate(env)
            if isinstance(item, dict)
        ]
        name = user.get("name", index)
        yield from _env_findings(
            _pairs(root, entries),
            "exec env",
            f"of kubeconfig user `{name}`",
            "anyone who can read the kubeconfig has it",
            KUBECONFIG_ADVICE,
            f"kubeconfig user {name}",
        )


def _credential_kind(name: str, value: str, paired_key: Callable[[], bool]) -> str | None:
    text = value.strip()
    if ACCESS_KEY_ID.search(text):
        return "an AWS access key ID"
    if name == "AWS_SECRET_ACCESS_KEY" and (SECRET_KEY.fullmatch(text) or paired_key()):
        return "an AWS secret access key"
    if name == "AWS_SESSION_TOKEN" and len(text) >= MIN_SESSION_TOKEN:
        return "an AWS session token"
    return None


def _is_literal(value: Any) -> bool:
    from iamlint.placeholders import contains_placeholder

    return isinstance(value, str) and bool(value.strip()) and not contains_placeholder(value)


def _annotation_findings(block: MetadataBlock, resource: str) -> Iterator[Finding]:
    for key, value in block.items.items():
        if isinstance(value, str) and ACCESS_KEY_ID.search(value) and _is_literal(value):
            yield _annotation_finding(block.pointer.child(key), key, block, resource)


def _annotation_finding(pointer: Pointer, key: Any, block: MetadataBlock, resource: str) -> Finding:
    return finding(
        RULE,
        pointer,
        f"{block.field[:-1]} `{key}` of {block.where} holds an AWS access key ID in plain "
        f"text (value not shown): metadata is readable by anyone who can list the object; "
        f"{ADVICE}",
        resource=resource,
    )
