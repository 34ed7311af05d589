"""What A005, A011 and A012 share: which aws-auth ConfigMap and access entries belong to a
cluster, the cluster's authentication mode, and how the authenticator compares role ARNs.

Not a rule module: registers nothing and imports only the model.

- `cluster_names(model)`: every cluster the inputs name (clusters, node groups, Fargate
  profiles, access entries);
- `aws_auth_for(model, cluster)`: the `aws-auth` ConfigMaps (`kube-system` or no namespace)
  of that cluster: those tied to it, or those tied to none when the inputs name exactly one
  cluster;
- `authentication_mode(model, cluster)`: `CONFIG_MAP`, `API_AND_CONFIG_MAP`, `API`, or ""
  when no input says (a `describe-cluster` output without `accessConfig` is `CONFIG_MAP`);
  `mode_pointer(cluster)` is where it is written;
- `same_role(a, b)`: the authenticator's and EKS's comparison: account and role name, case
  insensitive, IAM path ignored (A003 reports a path in aws-auth); IaC identities compare
  as written;
- node entry types and the usernames / groups EKS assigns them.
"""

from __future__ import annotations

from iamlint.load.document import Pointer
from iamlint.model import AccessEntry, AwsAuth, Cluster, Model

API = "API"
API_AND_CONFIG_MAP = "API_AND_CONFIG_MAP"
CONFIG_MAP = "CONFIG_MAP"
NODE_ENTRY_TYPES = ("EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2")
NODE_PROXIER = "system:node-proxier"


def cluster_names(model: Model) -> set[str]:
    names: frozenset[str] = model.memo("node-access-cluster-names", lambda: _names(model))
    return set(names)


def _names(model: Model) -> frozenset[str]:
    names = {c.name for c in model.clusters}
    names |= {g.cluster for g in model.node_groups}
    names |= {p.cluster for p in model.fargate_profiles}
    names |= {e.cluster for e in model.access_entries}
    names.discard("")
    return frozenset(names)


def aws_auth_for(model: Model, cluster: str) -> list[AwsAuth]:
    by_cluster: dict[str, list[tuple[int, AwsAuth]]] = model.memo(
        "aws-auth-by-cluster", lambda: _aws_auth_by_cluster(model)
    )
    found = by_cluster.get(cluster, [])
    if cluster and len(cluster_names(model)) == 1:  # those tied to no cluster are its too
        found = sorted(found + by_cluster.get("", []), key=lambda pair: pair[0])
    return [aws_auth for _, aws_auth in found]


def _aws_auth_by_cluster(model: Model) -> dict[str, list[tuple[int, AwsAuth]]]:
    """Grouped once by cluster ("" for none), with their input order: asked for every
    cluster, a scan each would be quadratic."""
    grouped: dict[str, list[tuple[int, AwsAuth]]] = {}
    for index, aws_auth in enumerate(model.aws_auth):
        if aws_auth.name != "aws-auth" or aws_auth.namespace not in (None, "kube-system"):
            continue  # lookalikes and other namespaces are A010's; EKS never reads them
        grouped.setdefault(aws_auth.cluster or "", []).append((index, aws_auth))
    return grouped


def cluster_label(name: str) -> str:
    """A cluster name for messages: a template cluster without `Name` by its logical ID."""
    return name.rsplit("#", 1)[-1] if name.startswith(("cfn:", "tf:")) else name


def cluster_objects(model: Model, name: str) -> list[Cluster]:
    return model.index("clusters_by_name").get(name, [])


def authentication_mode(model: Model, name: str) -> str:
    """The cluster's authentication mode; EKS's default `CONFIG_MAP` when a cluster
    definition leaves it out; "" when no input defines the cluster or it is unknown until
    deploy."""
    from iamlint.placeholders import contains_placeholder

    for cluster in cluster_objects(model, name):
        mode = cluster.authentication_mode.strip().upper()
        if mode:
            return "" if contains_placeholder(mode) else mode
        if _defines_cluster(cluster):
            return CONFIG_MAP
    return ""


def _defines_cluster(cluster: Cluster) -> bool:
    """A `describe-cluster` output or a template resource (not a config-declared fact)."""
    data = cluster.pointer.value
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("Properties"), dict):
        access = data["Properties"].get("AccessConfig")
        return access is None or isinstance(access, dict)
    return "arn" in data and "endpoint" in data


def mode_pointer(cluster: Cluster) -> Pointer:
    paths = (
        ("accessConfig", "authenticationMode"),
        ("Properties", "AccessConfig", "AuthenticationMode"),
    )
    for path in paths:
        pointer = cluster.pointer.child(*path)
        if pointer.value is not None:
            return pointer
    return cluster.pointer


def entries_for(model: Model, cluster: str) -> list[AccessEntry]:
    by_cluster: dict[str, list[AccessEntry]] = model.memo(
        "access-entries-by-cluster", lambda: _entries_by_cluster(model)
    )
    return list(by_cluster.get(cluster, []))


def _entries_by_cluster(model: Model) -> dict[str, list[AccessEntry]]:
    grouped: dict[str, list[AccessEntry]] = {}
    for entry in model.access_entries:
        grouped.setdefault(entry.cluster, []).append(entry)
    return grouped


def same_role(a: str, b: str) -> bool:
    """Do two role references name one role (account and name; path and case ignored)?"""
    left, right = a.strip(), b.strip()
    if left.lower() == right.lower():
        return True
    parsed_left, parsed_right = _role_key(left), _role_key(right)
    return parsed_left is not None and parsed_left == parsed_right


def _role_key(arn: str) -> tuple[str, str] | None:
    """(account, lower-case name) of a role or instance-profile ARN (A002 reports the
    latter in aws-auth; it is meant as the role of the same name)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return None
    kind, _, rest = parts[5].partition("/")
    if kind not in ("role", "instance-profile") or not rest:
        return None
    return parts[4], rest.rsplit("/", 1)[-1].lower()


def is_output(entry: AccessEntry) -> bool:
    """An entry read back from EKS (`describe-access-entry`): EKS filled username/groups."""
    data = entry.pointer.value
    return isinstance(data, dict) and ("accessEntryArn" in data or "createdAt" in data)


def entry_type(entry: AccessEntry) -> str:
    return (entry.type or "STANDARD").strip().upper()


def field_pointer(entry: AccessEntry, camel: str) -> Pointer | None:
    """The pointer of an access entry field as written (API camelCase or CloudFormation
    PascalCase under `Properties`), None when absent."""
    data = entry.pointer.value
    base = entry.pointer
    if isinstance(data, dict) and isinstance(data.get("Properties"), dict):
        base, data = entry.pointer.child("Properties"), data["Properties"]
    if not isinstance(data, dict):
        return None
    for key in (camel, camel[0].upper() + camel[1:]):
        if key in data:
            return base.child(key)
    return None


def without_path(role_arn: str) -> str:
    """`arn:aws:iam::1:role/a/b/name` -> `arn:aws:iam::1:role/name` (what aws-auth needs)."""
    head, sep, resource = role_arn.partition(":role/")
    return f"{head}:role/{resource.rsplit('/', 1)[-1]}" if sep else role_arn
