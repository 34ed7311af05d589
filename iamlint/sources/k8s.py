"""Kubernetes manifests -> model: ServiceAccounts, workloads, aws-auth, kubeconfig.

Works for plain manifests, `kind: List`, Helm `template` output and Kustomize output.
"""

from __future__ import annotations

import re
from typing import Any

from iamlint.load import ParseError, load_embedded
from iamlint.load.document import Document, Pointer
from iamlint.model import (
    AwsAuth,
    AwsAuthMapping,
    Container,
    Kubeconfig,
    Model,
    ServiceAccount,
    Workload,
)

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
AUDIENCE_ANNOTATION = "eks.amazonaws.com/audience"
AWS_AUTH_SECTIONS = ("mapRoles", "mapUsers", "mapAccounts")
# pod spec location per workload kind
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def is_k8s_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("kind"), str) and "apiVersion" in data


def looks_like_aws_auth_snippet(data: Any) -> bool:
    """A ConfigMap body without `kind` (documentation snippets) or the server-config shape."""
    if not isinstance(data, dict) or "kind" in data:
        return False
    body = data.get("data")
    return isinstance(body, dict) and any(k in body for k in AWS_AUTH_SECTIONS)


def extract_k8s(pointer: Pointer, model: Model) -> bool:
    data = pointer.value
    if looks_like_aws_auth_snippet(data):
        _aws_auth(pointer, model)
        return True
    if not is_k8s_object(data):
        return False
    kind = data["kind"]
    if kind == "List" or (kind.endswith("List") and isinstance(data.get("items"), list)):
        for index, item in enumerate(data.get("items") or []):
            if isinstance(item, dict):
                extract_k8s(pointer.child("items", index), model)
        return True
    handler = _HANDLERS.get(kind)
    if handler is not None:
        handler(pointer, model)
    elif kind in POD_SPEC_PATHS:
        _workload(pointer, model)
    return True


def _metadata(pointer: Pointer) -> dict[str, Any]:
    meta = pointer.value.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _namespace(pointer: Pointer, model: Model) -> tuple[str, bool]:
    namespace = _metadata(pointer).get("namespace")
    if isinstance(namespace, str) and namespace:
        return namespace, True
    return model.default_namespace, False


def _service_account(pointer: Pointer, model: Model) -> None:
    meta = _metadata(pointer)
    namespace, explicit = _namespace(pointer, model)
    annotations = meta.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    role_arn = annotations.get(ROLE_ARN_ANNOTATION)
    audience = annotations.get(AUDIENCE_ANNOTATION)
    model.service_accounts.append(
        ServiceAccount(
            name=str(meta.get("name") or ""),
            namespace=namespace,
            pointer=pointer,
            namespace_explicit=explicit,
            annotations=annotations,
            role_arn=role_arn.strip() if isinstance(role_arn, str) else "",
            audience=audience if isinstance(audience, str) and audience else "sts.amazonaws.com",
        )
    )


def _workload(pointer: Pointer, model: Model) -> None:
    data = pointer.value
    meta = _metadata(pointer)
    namespace, explicit = _namespace(pointer, model)
    spec_path = POD_SPEC_PATHS[data["kind"]]
    spec_pointer = pointer.child(*spec_path)
    spec = spec_pointer.value
    workload = Workload(
        kind=data["kind"],
        name=str(meta.get("name") or ""),
        namespace=namespace,
        pointer=pointer,
        namespace_explicit=explicit,
    )
    if isinstance(spec, dict):
        workload.pod_spec = spec_pointer
        sa_name = spec.get("serviceAccountName") or spec.get("serviceAccount")
        if isinstance(sa_name, str) and sa_name:
            workload.service_account_name = sa_name
            workload.service_account_explicit = True
        workload.containers = list(_containers(spec_pointer))
    model.workloads.append(workload)


def _containers(spec_pointer: Pointer) -> list[Container]:
    spec = spec_pointer.value
    found = []
    for list_name in CONTAINER_LISTS:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            container_pointer = spec_pointer.child(list_name, index)
            image = item.get("image")
            found.append(
                Container(
                    name=str(item.get("name") or ""),
                    image=image if isinstance(image, str) else "",
                    pointer=container_pointer,
                    image_pointer=container_pointer.child("image") if "image" in item else None,
                )
            )
    return found


def _config_map(pointer: Pointer, model: Model) -> None:
    name = _metadata(pointer).get("name")
    if isinstance(name, str) and is_aws_auth_name(name):
        _aws_auth(pointer, model)


# kustomize `configMapGenerator` suffix: 10 characters of its hash alphabet
KUSTOMIZE_HASHED_AWS_AUTH = re.compile(r"aws-auth-[245-9bcdfghkmt]{10}")


def is_aws_auth_name(name: str) -> bool:
    """aws-auth itself and lookalikes (aws_auth, awsauth, AWS-Auth, aws-auth-<kustomize hash>)
    that A010 reports."""
    lowered = name.strip().lower().replace("_", "-")
    return lowered in ("aws-auth", "awsauth") or bool(KUSTOMIZE_HASHED_AWS_AUTH.fullmatch(lowered))


def _aws_auth(pointer: Pointer, model: Model) -> None:
    meta = _metadata(pointer)
    namespace = meta.get("namespace")
    aws_auth = AwsAuth(
        name=str(meta.get("name") or "aws-auth"),
        namespace=namespace if isinstance(namespace, str) else None,
        pointer=pointer,
    )
    body = pointer.value.get("data")
    if isinstance(body, dict):
        for key in body:
            if isinstance(key, str) and key.lower() in {s.lower() for s in AWS_AUTH_SECTIONS}:
                _aws_auth_section(aws_auth, key, pointer.child("data", key))
    model.aws_auth.append(aws_auth)


def _aws_auth_section(aws_auth: AwsAuth, key: str, section: Pointer) -> None:
    aws_auth.sections[key] = section
    if key not in AWS_AUTH_SECTIONS:
        return  # wrong case: the authenticator ignores it (A001 says so)
    value = section.value
    if not isinstance(value, str):
        aws_auth.embedded[key] = None  # must be a string holding YAML (A001)
        return
    try:
        docs = load_embedded(value, section)
    except ParseError as error:
        aws_auth.embedded[key] = None
        aws_auth.parse_errors[key] = error
        aws_auth.parse_error_pointers[key] = _error_pointer(value, section, error)
        return
    doc = docs[0] if docs else None
    aws_auth.embedded[key] = doc
    if doc is not None and isinstance(doc.data, list):
        aws_auth.mappings.extend(_mappings(key, doc))


def _error_pointer(text: str, section: Pointer, error: ParseError) -> Pointer:
    """The parser's position inside the section text, resolving to the outer file."""
    from iamlint.load import _embedding_for
    from iamlint.load.document import SourceFile

    line, column = error.line, error.column

    def resolve(path: tuple[object, ...], key: bool) -> tuple[int, int, int, int] | None:
        if path or line is None:
            return None
        return (line, column or 1, line, column or 1)

    doc = Document(SourceFile(section.file, text), None, "yaml", resolve)
    doc.embedding = _embedding_for(section)
    return doc.root()


def _mappings(section: str, doc: Document) -> list[AwsAuthMapping]:
    mappings = []
    for index, entry in enumerate(doc.data):
        entry_pointer = Pointer(doc, (index,))
        if section == "mapAccounts":
            mappings.append(AwsAuthMapping(section, entry_pointer, arn=str(entry), raw={}))
            continue
        if not isinstance(entry, dict):
            mappings.append(AwsAuthMapping(section, entry_pointer, raw={}))
            continue
        mappings.append(_mapping(section, entry, entry_pointer))
    return mappings


def _mapping(section: str, entry: dict[Any, Any], pointer: Pointer) -> AwsAuthMapping:
    arn_key = "rolearn" if section == "mapRoles" else "userarn"
    by_lower = {str(k).lower(): k for k in entry}
    mapping = AwsAuthMapping(section, pointer, raw=entry)
    original = by_lower.get(arn_key)
    if original is not None:
        mapping.arn = str(entry[original]).strip() if entry[original] is not None else ""
        mapping.arn_pointer = pointer.child(original)
    username_key = by_lower.get("username")
    if username_key is not None:
        username = entry[username_key]
        mapping.username = username if isinstance(username, str) else None
    groups_key = by_lower.get("groups")
    if groups_key is not None:
        groups = entry[groups_key]
        if isinstance(groups, list):
            mapping.groups = [str(g) for g in groups]
        elif isinstance(groups, str):
            mapping.groups = [groups]
    return mapping


def _kubeconfig(pointer: Pointer, model: Model) -> None:
    model.kubeconfigs.append(Kubeconfig(pointer))


_HANDLERS = {
    "ServiceAccount": _service_account,
    "ConfigMap": _config_map,
    "Config": _kubeconfig,
}
