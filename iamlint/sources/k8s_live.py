"""Live Kubernetes reader: GET requests through a kubeconfig context -> manifest documents.

Design: a small standard-library HTTPS client (urllib + ssl) instead of the official
`kubernetes` package or `kubectl get -o json`: no new runtime dependency, nothing heavy to
import, and no kubectl needed in CI. It supports what EKS kubeconfigs really use:
`server`, `certificate-authority-data` / `certificate-authority`,
`insecure-skip-tls-verify`, bearer `token` / `tokenFile`, client certificate and key (data
or file), and `exec` credential plugins (`aws eks get-token`: the command runs with its
args and env, its ExecCredential `status.token` or client certificate is used). KUBECONFIG
may list several files (merged, the first to define a name wins); the default is
`~/.kube/config`; the context is the one named, else `current-context`.

What is read, cluster-wide whatever the context's namespace: ServiceAccounts, Deployments,
StatefulSets, DaemonSets, ReplicaSets and Jobs not owned by a Deployment or CronJob,
CronJobs, and the `kube-system/aws-auth` ConfigMap. Lists are paginated (`limit` +
`continue`). Each object becomes the document `kubectl get -o yaml` prints (list items get
back the `apiVersion`/`kind` the API leaves out, `managedFields` are dropped), so
`sources/k8s.py` extracts it and the same rules run; its source is
`k8s://<context>/<namespace>/<Kind>/<name>`, which findings carry as their file, with no
line. A refused list (401/403) or an unreachable server is an X005 finding naming the RBAC
permission needed; an unusable kubeconfig, unknown context or failing exec plugin is a
`KubeconfigError` (a one-line usage error). Only GET requests are made.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamlint.finding import Finding
from iamlint.sources.aws_live import FailedRead, LiveDocument

PAGE_SIZE = 500
TIMEOUT_SECONDS = 30
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # one page of at most PAGE_SIZE objects
EXEC_TIMEOUT_SECONDS = 120
AWS_AUTH_PATH = "/api/v1/namespaces/kube-system/configmaps/aws-auth"
EXEC_DEFAULT_API = "client.authentication.k8s.io/v1beta1"
# `aws eks get-token --cluster-name X`, `aws-iam-authenticator token -i X`
EKS_CLUSTER_FLAGS = ("--cluster-name", "--cluster-id", "-i")
EKS_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster/(?P<name>.+)$")


class KubeconfigError(Exception):
    """The kubeconfig or context cannot be used (exit 2, one line)."""


@dataclass(frozen=True)
class Resource:
    """One cluster-wide list: its API path and what its items are."""

    plural: str
    path: str
    api_version: str
    kind: str
    skip_owned_by: tuple[str, ...] = ()  # owner kinds whose objects another list covers


RESOURCES = (
    Resource("serviceaccounts", "/api/v1/serviceaccounts", "v1", "ServiceAccount"),
    Resource("deployments", "/apis/apps/v1/deployments", "apps/v1", "Deployment"),
    Resource("statefulsets", "/apis/apps/v1/statefulsets", "apps/v1", "StatefulSet"),
    Resource("daemonsets", "/apis/apps/v1/daemonsets", "apps/v1", "DaemonSet"),
    Resource("replicasets", "/apis/apps/v1/replicasets", "apps/v1", "ReplicaSet", ("Deployment",)),
    Resource("jobs", "/apis/batch/v1/jobs", "batch/v1", "Job", ("CronJob",)),
    Resource("cronjobs", "/apis/batch/v1/cronjobs", "batch/v1", "CronJob"),
)
PLURALS = {r.kind: r.plural for r in RESOURCES} | {"ConfigMap": "configmaps"}


@dataclass
class KubeRead:
    """What one context gave: documents, X005 findings, and the EKS cluster it names."""

    context: str
    eks_cluster: str = ""
    documents: list[LiveDocument] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failures: list[FailedRead] = field(default_factory=list)  # of the X005 findings


# --- kubeconfig ---------------------------------------------------------------------------


@dataclass
class Target:
    """A resolved context: where the API server is and how to authenticate."""

    context: str
    server: str
    cluster: dict[str, Any]
    user: dict[str, Any]
    cluster_name: str
    base_dirs: dict[str, Path]  # "cluster" / "user" -> directory of the file defining it


def load_target(context: str | None = None, env: dict[str, str] | None = None) -> Target:
    """The context named (else `current-context`) of the merged KUBECONFIG files."""
    env = dict(os.environ) if env is None else env
    paths = _kubeconfig_paths(env)
    merged = _merge([(path, _load_file(path)) for path in paths if path.is_file()])
    if not merged["files"]:
        shown = os.pathsep.join(str(p) for p in paths)
        raise KubeconfigError(f"kubeconfig: no file found at {shown} (set KUBECONFIG)")
    name = context or merged["current-context"]
    if not name:
        raise KubeconfigError("kubeconfig: no current-context; pass --kube-context NAME")
    if name not in merged["contexts"]:
        known = ", ".join(sorted(merged["contexts"])) or "none"
        raise KubeconfigError(f"kubeconfig: context {name!r} not found (known: {known})")
    entry, _ = merged["contexts"][name]
    cluster_name = str(entry.get("cluster") or "")
    if cluster_name not in merged["clusters"]:
        raise KubeconfigError(f"kubeconfig: cluster {cluster_name!r} of context {name!r} not found")
    cluster, cluster_dir = merged["clusters"][cluster_name]
    user_name = str(entry.get("user") or "")
    user, user_dir = merged["users"].get(user_name, ({}, cluster_dir))
    if user_name and user_name not in merged["users"]:
        raise KubeconfigError(f"kubeconfig: user {user_name!r} of context {name!r} not found")
    server = str(cluster.get("server") or "")
    if not server.startswith(("https://", "http://")):
        raise KubeconfigError(f"kubeconfig: cluster {cluster_name!r} has no https:// server")
    dirs = {"cluster": cluster_dir, "user": user_dir}
    return Target(name, server.rstrip("/"), cluster, user, cluster_name, dirs)


def _kubeconfig_paths(env: dict[str, str]) -> list[Path]:
    listed = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p]
    if listed:
        return [Path(p).expanduser() for p in listed]
    home = env.get("HOME") or str(Path.home())
    return [Path(home) / ".kube" / "config"]


def _load_file(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise KubeconfigError(f"kubeconfig {path}: unreadable ({first})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KubeconfigError(f"kubeconfig {path}: not a kubeconfig (a mapping is expected)")
    return data


def _merge(files: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """kubectl's merge: the first file to set a value or a named entry wins."""
    merged: dict[str, Any] = {"files": [], "current-context": ""}
    for section in ("clusters", "contexts", "users"):
        merged[section] = {}
    for path, data in files:
        merged["files"].append(path)
        merged["current-context"] = merged["current-context"] or str(
            data.get("current-context") or ""
        )
        for section, inner in (("clusters", "cluster"), ("contexts", "context"), ("users", "user")):
            for item in data.get(section) or []:
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    continue
                body = item.get(inner)
                body = body if isinstance(body, dict) else {}
                merged[section].setdefault(item["name"], (body, path.parent))
    return merged


def eks_cluster_name(target: Target) -> str:
    """The EKS cluster the context talks to, when its exec args or cluster name say so."""
    spec = target.user.get("exec")
    args = [str(a) for a in (spec.get("args") or [])] if isinstance(spec, dict) else []
    for index, arg in enumerate(args):
        for flag in EKS_CLUSTER_FLAGS:
            if arg == flag and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    found = EKS_CLUSTER_ARN.match(target.cluster_name)
    return found.group("name") if found else ""


# --- credentials and TLS ------------------------------------------------------------------


@dataclass
class Credentials:
    token: str = ""
    cert_pem: bytes = b""
    key_pem: bytes = b""


def credentials(target: Target) -> Credentials:
    """exec plugin, else token, else tokenFile; client certificate from data or files."""
    user, base = target.user, target.base_dirs["user"]
    if isinstance(user.get("auth-provider"), dict):
        provider = user["auth-provider"].get("name") or "unknown"
        raise KubeconfigError(
            f"kubeconfig: auth-provider {provider!r} is not supported; use an exec plugin"
        )
    found = Credentials(
        cert_pem=_data_or_file(user, "client-certificate", base),
        key_pem=_data_or_file(user, "client-key", base),
    )
    if isinstance(user.get("exec"), dict):
        from_plugin = run_exec_plugin(user["exec"], base, _exec_cluster_info(target))
        found.token = from_plugin.token
        found.cert_pem = from_plugin.cert_pem or found.cert_pem
        found.key_pem = from_plugin.key_pem or found.key_pem
    elif user.get("token"):
        found.token = str(user["token"])
    elif user.get("tokenFile"):
        found.token = _read_local(str(user["tokenFile"]), base, "tokenFile").decode().strip()
    return found


def _exec_cluster_info(target: Target) -> dict[str, Any]:
    """`spec.cluster` of KUBERNETES_EXEC_INFO, for plugins with `provideClusterInfo`."""
    info: dict[str, Any] = {"server": target.server}
    for key in ("certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name"):
        if key in target.cluster:
            info[key] = target.cluster[key]
    return info


def run_exec_plugin(
    spec: dict[str, Any], base: Path, cluster_info: dict[str, Any] | None = None
) -> Credentials:
    """Run the credential plugin as kubectl does and read its ExecCredential."""
    command = str(spec.get("command") or "")
    if not command:
        raise KubeconfigError("kubeconfig: exec plugin without a command")
    if "/" in command and not Path(command).is_absolute():
        command = str(base / command)
    args = [str(a) for a in spec.get("args") or []]
    api_version = str(spec.get("apiVersion") or EXEC_DEFAULT_API)
    env = dict(os.environ)
    for item in spec.get("env") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            env[item["name"]] = str(item.get("value") or "")
    info: dict[str, Any] = {
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "spec": {"interactive": False},
    }
    if spec.get("provideClusterInfo") is True and cluster_info:
        info["spec"]["cluster"] = cluster_info
    env["KUBERNETES_EXEC_INFO"] = json.dumps(info)
    try:
        done = subprocess.run(
            [command, *args],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=EXEC_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        hint = str(spec.get("installHint") or "").strip().splitlines()
        raise KubeconfigError(
            f"kubeconfig: exec plugin {command!r} not found" + (f" ({hint[0]})" if hint else "")
        ) from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise KubeconfigError(f"kubeconfig: exec plugin {command!r} failed: {error}") from None
    if done.returncode != 0:
        said = _last_line(done.stderr.decode("utf-8", "replace"))
        raise KubeconfigError(
            f"kubeconfig: exec plugin {command!r} exited {done.returncode}: {said}"
        )
    return _exec_credential(command, done.stdout)


def _exec_credential(command: str, output: bytes) -> Credentials:
    try:
        status = json.loads(output)["status"]
        found = Credentials(
            token=str(status.get("token") or ""),
            cert_pem=str(status.get("clientCertificateData") or "").encode(),
            key_pem=str(status.get("clientKeyData") or "").encode(),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        found = Credentials()
    if not found.token and not found.cert_pem:
        raise KubeconfigError(
            f"kubeconfig: exec plugin {command!r} printed no ExecCredential with a token"
        )
    return found


def ssl_context(target: Target, found: Credentials) -> Any:
    import ssl

    cluster, base = target.cluster, target.base_dirs["cluster"]
    try:
        if cluster.get("insecure-skip-tls-verify") is True:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            authority = _data_or_file(cluster, "certificate-authority", base)
            cadata = authority.decode("ascii", "replace") if authority else None
            context = ssl.create_default_context(cadata=cadata)
        if found.cert_pem and found.key_pem:
            _load_client_certificate(context, found)
    except ssl.SSLError as error:
        raise KubeconfigError(
            f"kubeconfig: certificates of context {target.context!r} unusable: {error}"
        ) from None
    return context


def _load_client_certificate(context: Any, found: Credentials) -> None:
    """ssl loads a certificate chain only from files: write them briefly to a private dir."""
    with tempfile.TemporaryDirectory(prefix="iamlint-kube-") as directory:
        cert, key = Path(directory) / "client.crt", Path(directory) / "client.key"
        for path, data in ((cert, found.cert_pem), (key, found.key_pem)):
            path.touch(mode=0o600)
            path.write_bytes(data)
        context.load_cert_chain(str(cert), str(key))


def _data_or_file(section: dict[str, Any], name: str, base: Path) -> bytes:
    """`<name>-data` (base64) or the file `<name>` (relative to the kubeconfig), else b""."""
    data = section.get(f"{name}-data")
    if data:
        try:
            return base64.b64decode(str(data), validate=True)
        except ValueError:
            raise KubeconfigError(f"kubeconfig: {name}-data is not base64") from None
    if section.get(name):
        return _read_local(str(section[name]), base, name)
    return b""


def _read_local(name: str, base: Path, what: str) -> bytes:
    path = Path(name).expanduser()
    path = path if path.is_absolute() else base / path
    try:
        return path.read_bytes()
    except OSError as error:
        raise KubeconfigError(f"kubeconfig: {what} {path}: {error.strerror}") from None


# --- the API ------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Unreachable(Exception):
    """No answer from the API server (connection, TLS, timeout)."""


class Api:
    """GET-only JSON client for one API server."""

    def __init__(self, target: Target, found: Credentials, timeout: float) -> None:
        import urllib.request

        self.server = target.server
        self.timeout = timeout
        self.headers = {"Accept": "application/json", "User-Agent": "iamlint"}
        if found.token:
            self.headers["Authorization"] = f"Bearer {found.token}"
        handlers: list[Any] = []
        proxy = str(target.cluster.get("proxy-url") or "")
        if proxy.startswith(("http://", "https://")):
            handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
        if self.server.startswith("https://"):
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context(target, found)))
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        import http.client
        import urllib.error
        import urllib.parse
        import urllib.request

        url = self.server + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, headers=self.headers, method="GET")
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, _status_message(error)) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise Unreachable(f"{self.server} unreachable: {reason}") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise ApiError(0, f"{url} answered more than {MAX_RESPONSE_BYTES} bytes")
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError(0, f"{url} did not answer JSON") from None
        if not isinstance(data, dict):
            raise ApiError(0, f"{url} did not answer a JSON object")
        return data

    def pages(self, path: str) -> Iterator[dict[str, Any]]:
        """Every item of a list, page by page (`limit` + `continue`)."""
        token = ""
        seen: set[str] = set()
        while True:
            query = {"limit": str(PAGE_SIZE)} | ({"continue": token} if token else {})
            page = self.get(path, query)
            yield from (i for i in page.get("items") or [] if isinstance(i, dict))
            token = str(_mapping(page.get("metadata")).get("continue") or "")
            if not token or token in seen:
                return
            seen.add(token)


def _status_message(error: Any) -> str:
    """The `message` of the Kubernetes Status body, else the HTTP reason."""
    try:
        message = json.loads(error.read()).get("message")
    except (ValueError, AttributeError, OSError):
        message = None
    return _one_line(str(message or error.reason or ""))


# --- reading ------------------------------------------------------------------------------


def read_kube(context: str | None = None, timeout: float = TIMEOUT_SECONDS) -> KubeRead:
    """Read ServiceAccounts, workloads and aws-auth of the context's cluster (GET only)."""
    target = load_target(context)
    api = Api(target, credentials(target), timeout)
    read = KubeRead(target.context, eks_cluster_name(target))
    try:
        for resource in RESOURCES:
            _read_list(api, resource, read)
        _read_aws_auth(api, read)
    except Unreachable as error:
        read.findings.append(_x005(read, "reach the API server", _here(read), str(error)))
    except _Rejected as rejected:
        read.findings.append(rejected.finding)
    read.documents.sort(key=lambda d: d.source)
    return read


class _Rejected(Exception):
    """The server refuses our credentials (401): every further request would fail too."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _read_list(api: Api, resource: Resource, read: KubeRead) -> None:
    verb = f"list {resource.plural} (cluster-wide)"
    try:
        for item in api.pages(resource.path):
            if _owned_by(item, resource.skip_owned_by):
                continue
            _add(read, _as_document(item, resource.api_version, resource.kind))
    except ApiError as error:
        grant = f"RBAC get/list on {resource.plural} cluster-wide"
        _refused(read, error, verb, f"{_here(read)}/{resource.plural}", grant)


def _read_aws_auth(api: Api, read: KubeRead) -> None:
    try:
        found = api.get(AWS_AUTH_PATH)
    except ApiError as error:
        reading = f"{_here(read)}/kube-system/ConfigMap/aws-auth"
        grant = "RBAC get on configmaps/aws-auth in kube-system"
        _refused(read, error, "get configmap kube-system/aws-auth", reading, grant)
        return
    _add(read, _as_document(found, "v1", "ConfigMap"))


def _refused(read: KubeRead, error: ApiError, verb: str, reading: str, grant: str) -> None:
    """404: nothing there (API not served, no aws-auth); 401: stop; else X005, go on."""
    if error.status == 404:
        return
    if error.status == 401:
        detail = f"rejected our credentials (401 Unauthorized: {error.detail}); nothing more read"
        raise _Rejected(_x005(read, verb, reading, detail))
    if error.status == 403:
        detail = f"denied (403 Forbidden); grant {grant}"
    else:
        detail = f"failed ({error.status or 'bad answer'}): {error.detail}"
    read.findings.append(_x005(read, verb, reading, detail))


def _owned_by(item: dict[str, Any], kinds: tuple[str, ...]) -> bool:
    owners = _mapping(item.get("metadata")).get("ownerReferences")
    owners = owners if isinstance(owners, list) else []
    return any(isinstance(o, dict) and o.get("kind") in kinds for o in owners)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_document(item: dict[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """The object as `kubectl get -o yaml` prints it: apiVersion/kind first, no managedFields."""
    document: dict[str, Any] = {"apiVersion": api_version, "kind": kind}
    document.update((k, v) for k, v in item.items() if k not in ("apiVersion", "kind"))
    meta = document.get("metadata")
    if isinstance(meta, dict):
        document["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
    return document


def _add(read: KubeRead, document: dict[str, Any]) -> None:
    meta = _mapping(document.get("metadata"))
    namespace = meta.get("namespace") or "-"
    source = f"{_here(read)}/{namespace}/{document['kind']}/{meta.get('name') or '-'}"
    read.documents.append(LiveDocument(source, document))


def _here(read: KubeRead) -> str:
    return f"k8s://{read.context}"


def _x005(read: KubeRead, verb: str, reading: str, detail: str) -> Finding:
    """The X005 of a failed read; the failure is kept for a snapshot's record file."""
    failure = FailedRead(f"`{verb}`", reading, detail)
    read.failures.append(failure)
    return failure.finding()


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return _one_line(lines[-1]) if lines else "no error output"


# --- snapshot -----------------------------------------------------------------------------


def write_kube_snapshot(read: KubeRead, directory: Path) -> list[Path]:
    """One `kubectl get <plural> -A -o yaml`-shaped `kind: List` file per kind read."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for document in read.documents:
        by_kind.setdefault(document.data["kind"], []).append(document.data)
    prefix = "k8s_" + re.sub(r"[^A-Za-z0-9._-]+", "_", read.context).strip("_")
    written = []
    for kind in sorted(by_kind):
        listing = {
            "apiVersion": "v1",
            "items": by_kind[kind],
            "kind": "List",
            "metadata": {"resourceVersion": ""},
        }
        path = directory / f"{prefix}_{PLURALS.get(kind, kind.lower())}.yaml"
        text = yaml.dump(listing, Dumper=_block_dumper(), sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _block_dumper() -> type:
    import yaml

    class BlockDumper(yaml.SafeDumper):
        """Multi-line strings (aws-auth `mapRoles`) as `|` blocks, as kubectl prints them."""

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    BlockDumper.add_representer(str, text)
    return BlockDumper

