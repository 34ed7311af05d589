"""What the K rules share: webhook annotations, metadata blocks, container env.

Not a rule module: registers nothing and imports only the model.

Facts from the EKS Pod Identity Webhook (aws/amazon-eks-pod-identity-webhook,
`pkg/annotations.go`, `pkg/cache/cache.go`, `pkg/handler/handler.go`): it reads
`eks.amazonaws.com/role-arn`, `audience`, `sts-regional-endpoints` (Go `strconv.ParseBool`)
and `token-expiration` (`strconv.ParseInt`, raised to at least 600) from the
ServiceAccount, and `token-expiration` and `skip-containers` from the Pod; annotation keys
are looked up exactly (case-sensitive). A container that already sets `AWS_ROLE_ARN` or
`AWS_WEB_IDENTITY_TOKEN_FILE` gets neither injected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from iamlint.load.document import Pointer
from iamlint.model import Container, Model, ServiceAccount, Workload
from iamlint.record import record

DOMAIN = "eks.amazonaws.com"
ROLE_ARN = f"{DOMAIN}/role-arn"
AUDIENCE = f"{DOMAIN}/audience"
STS_REGIONAL = f"{DOMAIN}/sts-regional-endpoints"
TOKEN_EXPIRATION = f"{DOMAIN}/token-expiration"
SKIP_CONTAINERS = f"{DOMAIN}/skip-containers"
SA_ANNOTATIONS = (ROLE_ARN, AUDIENCE, STS_REGIONAL, TOKEN_EXPIRATION)
POD_ANNOTATIONS = (TOKEN_EXPIRATION, SKIP_CONTAINERS)
WEBHOOK_ANNOTATIONS = (*SA_ANNOTATIONS, SKIP_CONTAINERS)


@record
class MetadataBlock:
    """An `annotations` or `labels` mapping of an object or of its pod template."""

    pointer: Pointer  # the mapping
    field: str  # annotations | labels
    where: str  # for messages: "ServiceAccount default/app", "pod template of ..."
    misplaced: bool = False  # not under `metadata` (mis-indented)

    @property
    def items(self) -> dict[Any, Any]:
        value = self.pointer.value
        return value if isinstance(value, dict) else {}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _squash(key: str) -> str:
    return "".join(c for c in key.lower() if c.isalnum())


def meant_annotation(key: Any, candidates: tuple[str, ...] = WEBHOOK_ANNOTATIONS) -> str | None:
    """The webhook annotation `key` was probably meant to be, or None.

    Exact keys are not near misses. Near: same letters ignoring case, `-`, `_`, `.`,
    `/` and spaces (`eks.amazonaws.com/role_arn`, `eks.amazonaws.com/roleArn`, a trailing
    space), or a small edit distance (`eks.amazon.com/role-arn`, `eks.amazonaws.com/role`).
    """
    if not isinstance(key, str) or key in candidates:
        return None
    return _nearest_annotation(key, candidates)


@lru_cache(maxsize=4096)
def _nearest_annotation(key: str, candidates: tuple[str, ...]) -> str | None:
    """(Cached: the same label and annotation keys recur in every manifest of a repo.)"""
    lowered = key.strip().lower()
    squashed = _squash(key)
    for target in candidates:
        if squashed == _squash(target):
            return target
    for target in candidates:
        limit = 4 if target == ROLE_ARN else 2
        if edit_distance(lowered, target, limit) <= limit:
            return target
    return None


# A metadata mapping as found, before any Pointer is made (most have nothing to report):
# (mapping, owner, path below the owner, field, misplaced, owner is the pod template)
MetaMapping = tuple[dict[Any, Any], Pointer, tuple[str, ...], str, bool, bool]


def service_account_mappings(sa: ServiceAccount) -> list[MetaMapping]:
    return _cached(sa, _BLOCKS_CACHE, lambda: _mappings(sa.pointer, False))


def workload_mappings(workload: Workload) -> list[MetaMapping]:
    """The workload's own metadata mappings and those of its pod template(s)."""
    return _cached(workload, _BLOCKS_CACHE, lambda: _workload_mappings(workload))


def _workload_mappings(workload: Workload) -> list[MetaMapping]:
    found = _mappings(workload.pointer, False)
    template = pod_template(workload)
    if template is not None:
        found += _mappings(template, True)
    return found


def metadata_block(mapping: MetaMapping, where: str) -> MetadataBlock:
    """The block of a mapping, for a finding; `where` as `MetadataBlock.where` (for a pod
    template's mapping, "pod template of ..." is prefixed here)."""
    _, owner, path, field, misplaced, in_template = mapping
    where = f"pod template of {where}" if in_template else where
    return MetadataBlock(owner.child(*path), field, where, misplaced)


def service_account_blocks(sa: ServiceAccount) -> Iterator[MetadataBlock]:
    return (metadata_block(m, sa.label) for m in service_account_mappings(sa))


def workload_blocks(workload: Workload) -> Iterator[MetadataBlock]:
    """The workload's own metadata blocks and those of its pod template(s)."""
    return (metadata_block(m, workload.label) for m in workload_mappings(workload))


def _cached(owner: Any, name: str, build: Callable[[], Any]) -> Any:
    """What the K rules read of an object, found once (K002 and K004 both read every
    metadata mapping; K004 and K005 every env list). Kept outside the record's fields: its
    equality ignores them; documents do not change after loading."""
    found = owner.__dict__.get(name)
    if found is None:
        found = owner.__dict__[name] = build()
    return found


_BLOCKS_CACHE = "_metadata_mappings"
_ENV_CACHE = "_env_entries"


def pod_template(workload: Workload) -> Pointer | None:
    """The pod template (`spec.template`, `spec.jobTemplate.spec.template`), None for a Pod."""
    spec = workload.pod_spec
    if spec is None or workload.kind == "Pod" or not spec.path or spec.path[-1] != "spec":
        return None
    return Pointer(spec.doc, spec.path[:-1])


def pod_annotations(workload: Workload) -> Pointer | None:
    """Where the webhook reads pod annotations: the Pod's, or the pod template's."""
    found = pod_annotation_mapping(workload)
    return found[1].child(*found[2]) if found is not None else None


def pod_annotation_mapping(workload: Workload) -> MetaMapping | None:
    """`pod_annotations` before its Pointer is made."""
    in_template = workload.kind != "Pod"
    for mapping in workload_mappings(workload):
        if mapping[2] == _ANNOTATIONS and mapping[5] == in_template:
            return mapping
    return None


_ANNOTATIONS = ("metadata", "annotations")


def _mappings(owner: Pointer, in_template: bool) -> list[MetaMapping]:
    data = owner.value
    if not isinstance(data, dict):
        return []
    found: list[MetaMapping] = []
    metadata = data.get("metadata")
    for field in ("annotations", "labels"):
        if isinstance(metadata, dict):
            value = metadata.get(field)
            if isinstance(value, dict):
                found.append((value, owner, ("metadata", field), field, False, in_template))
        value = data.get(field)
        if isinstance(value, dict):
            found.append((value, owner, (field,), field, True, in_template))
    return found


# (index in the container's `env`, the entry): its Pointer is made only for a finding
EnvEntry = tuple[int, dict[str, Any]]


def containers_with_env(workload: Workload) -> Iterator[tuple[Container, list[EnvEntry]]]:
    """Each container with its `env` entries (index, entry) that are mappings."""
    for container in workload.containers:
        entries = _cached(container, _ENV_CACHE, lambda c=container: _env_entries(c))
        if entries:
            yield container, entries


def _env_entries(container: Container) -> list[EnvEntry]:
    data = container.pointer.value
    env = data.get("env") if isinstance(data, dict) else None
    if not isinstance(env, list):
        return []
    return [(index, item) for index, item in enumerate(env) if isinstance(item, dict)]


def env_pointer(container: Container, index: int, *path: str) -> Pointer:
    return container.pointer.child("env", index, *path)


def service_account_of(model: Model, workload: Workload) -> ServiceAccount | None:
    subject = f"system:serviceaccount:{workload.namespace}:{workload.service_account_name}"
    for sa in model.index("sa_by_subject").get(subject, []):
        if sa.name == workload.service_account_name:
            return sa  # type: ignore[no-any-return]
    return None


def container_label(workload: Workload, container: Container) -> str:
    return f"container `{container.name}` of {workload.label}" if container.name else workload.label
