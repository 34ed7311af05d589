"""Live AWS reader: read-only boto3 calls -> documents in AWS CLI output shapes.

The documents are exactly what `aws ... --output json` prints, so the awscli source reads
them unchanged: `scan --aws` lints them in memory, `snapshot --aws` writes them to files
that `iamlint check DIR` reads the same way. Only Get/List/Describe calls are made.
boto3 is imported inside functions: `iamlint check` must not pay for it.
ECS task definitions and services are not read yet.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamlint.finding import Finding, Location, Severity

MAX_WORKERS = 8
DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "UnrecognizedClientException",
}
# a call the endpoint does not implement (moto, older partitions): nothing to read
UNSUPPORTED_CODES = {"NotImplemented", "InvalidAction", "UnknownOperationException"}
NOT_FOUND_CODES = {"RepositoryPolicyNotFoundException", "ResourceNotFoundException"}


class LiveCredentialsError(Exception):
    """No usable AWS credentials or profile (exit 2)."""


@dataclass
class LiveDocument:
    """One AWS object as the AWS CLI would print it; `source` is its ARN."""

    source: str
    data: dict[str, Any]

    @property
    def file_name(self) -> str:
        """A snapshot file name derived from the ARN (stable, filesystem-safe)."""
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.source).strip("_") + ".json"


@dataclass
class LiveRead:
    account: str = ""
    documents: list[LiveDocument] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, source: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.documents.append(LiveDocument(source, _plain(data)))

    def fail(self, finding: Finding) -> None:
        with self._lock:
            self.findings.append(finding)


def read_aws(
    regions: Iterable[str] | None = None,
    profile: str | None = None,
    clusters: Iterable[str] | None = None,
    max_workers: int = MAX_WORKERS,
) -> LiveRead:
    """Read IAM (once) and ECR/EKS (per region) of the account the credentials belong to."""
    session = _session(profile)
    wanted_regions = list(regions or []) or [session.region_name or "us-east-1"]
    reader = _Reader(session, wanted_regions[0], set(clusters or []))
    reader.read_identity()
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        reader.pool = pool
        reader.read_iam()
        for region in wanted_regions:
            reader.read_ecr(region)
            reader.read_eks(region)
        reader.wait()
    reader.result.documents.sort(key=lambda d: (d.source, json.dumps(d.data, sort_keys=True)))
    reader.result.findings.sort(key=Finding.sort_key)
    return reader.result


def write_snapshot(read: LiveRead, directory: Path) -> list[Path]:
    """Write each document to DIR/<arn>.json (distinct names when an ARN repeats)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: dict[str, int] = {}
    for document in read.documents:
        name = document.file_name
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name[:-5]}.{used[name]}.json"
        path = directory / name
        path.write_text(json.dumps(document.data, indent=2, sort_keys=True) + "\n", "utf-8")
        written.append(path)
    return written


def _session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.session.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise LiveCredentialsError(str(error)) from None


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-clean copy (datetimes as text, no ResponseMetadata), as a snapshot holds it."""
    clean = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    return json.loads(json.dumps(clean, default=str))


class _Reader:
    def __init__(self, session: Any, home_region: str, clusters: set[str]) -> None:
        self.session = session
        self.home_region = home_region
        self.clusters = clusters
        self.result = LiveRead()
        self.pool: ThreadPoolExecutor | None = None
        self._pending: list[Any] = []
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()

    # --- plumbing ---------------------------------------------------------------

    def client(self, service: str, region: str) -> Any:
        from botocore.config import Config

        with self._clients_lock:
            key = (service, region)
            if key not in self._clients:
                config = Config(retries={"mode": "adaptive", "max_attempts": 10})
                self._clients[key] = self.session.client(service, region_name=region, config=config)
            return self._clients[key]

    def later(self, task: Callable[[], None]) -> None:
        assert self.pool is not None
        self._pending.append(self.pool.submit(task))

    def wait(self) -> None:
        while self._pending:  # tasks may queue further tasks
            self._pending.pop(0).result()

    def call(self, client: Any, method: str, reading: str, **kwargs: Any) -> dict[str, Any] | None:
        """One API call; a denied or failed read becomes X005 and returns None."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(client, method)(**kwargs)  # type: ignore[no-any-return]
        except ClientError as error:
            return self._client_error(client, method, reading, error)
        except BotoCoreError as error:
            if _is_credentials_error(error):
                raise
            self.result.fail(
                _x005(_permission(client, method), reading, f"failed: {_one_line(str(error))}")
            )
            return None

    def pages(self, client: Any, method: str, key: str, reading: str, **kwargs: Any) -> list[Any]:
        """Every item under `key` across all pages; [] (and X005) when the read fails."""
        from botocore.exceptions import BotoCoreError, ClientError

        items: list[Any] = []
        try:
            for page in client.get_paginator(method).paginate(**kwargs):
                items.extend(page.get(key) or [])
        except ClientError as error:
            self._client_error(client, method, reading, error)
        except BotoCoreError as error:
            self.result.fail(
                _x005(_permission(client, method), reading, f"failed: {_one_line(str(error))}")
            )
        return items

    def _client_error(self, client: Any, method: str, reading: str, error: Any) -> None:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in NOT_FOUND_CODES:
            return None
        if code in UNSUPPORTED_CODES or _route_unknown(code, status):
            return None
        permission = _permission(client, method)
        if code in DENIED_CODES:
            detail = f"denied ({code}); grant {permission}"
        else:
            message = str(error.response.get("Error", {}).get("Message") or "")
            detail = f"failed ({code or status}): {_one_line(message)}"
        self.result.fail(_x005(permission, reading, detail))
        return None

    # --- services ---------------------------------------------------------------

    def read_identity(self) -> None:
        from botocore.exceptions import NoCredentialsError, PartialCredentialsError

        sts = self.client("sts", self.home_region)
        try:
            identity = self.call(sts, "get_caller_identity", "aws://caller-identity")
        except (NoCredentialsError, PartialCredentialsError) as error:
            raise LiveCredentialsError(f"no AWS credentials: {error}") from None
        self.result.account = str((identity or {}).get("Account") or "")

    def read_iam(self) -> None:
        iam = self.client("iam", self.home_region)
        here = f"aws://{self.result.account or 'account'}/iam"
        details = self._authorization_details(iam, here)
        for role in details["RoleDetailList"]:
            self.result.add(role.get("Arn") or here, {"RoleDetailList": [role]})
        for policy in details["Policies"]:
            self.result.add(policy.get("Arn") or here, {"RoleDetailList": [], "Policies": [policy]})
        listed = self.call(iam, "list_open_id_connect_providers", here)
        if listed is None:
            return
        self.result.add(f"{here}/oidc-providers", listed)
        for item in listed.get("OpenIDConnectProviderList") or []:
            arn = item.get("Arn")
            if arn:
                self.later(lambda arn=arn: self._oidc_provider(iam, arn))

    def _authorization_details(self, iam: Any, here: str) -> dict[str, list[Any]]:
        from botocore.exceptions import BotoCoreError, ClientError

        details: dict[str, list[Any]] = {"RoleDetailList": [], "Policies": []}
        method = "get_account_authorization_details"
        try:
            paginator = iam.get_paginator(method)
            for page in paginator.paginate(Filter=["Role", "LocalManagedPolicy"]):
                details["RoleDetailList"].extend(page.get("RoleDetailList") or [])
                details["Policies"].extend(page.get("Policies") or [])
        except ClientError as error:
            self._client_error(iam, method, here, error)
        except BotoCoreError as error:
            self.result.fail(
                _x005(_permission(iam, method), here, f"failed: {_one_line(str(error))}")
            )
        return details

    def _oidc_provider(self, iam: Any, arn: str) -> None:
        found = self.call(iam, "get_open_id_connect_provider", arn, OpenIDConnectProviderArn=arn)
        if found is not None:
            self.result.add(arn, found)

    def read_ecr(self, region: str) -> None:
        ecr = self.client("ecr", region)
        here = f"aws://{self.result.account or 'account'}/{region}/ecr"
        for repository in self.pages(ecr, "describe_repositories", "repositories", here):
            arn = repository.get("repositoryArn") or here
            self.result.add(arn, {"repositories": [repository]})
            name = repository.get("repositoryName")
            if name:
                self.later(lambda name=name, arn=arn: self._repository_policy(ecr, name, arn))

    def _repository_policy(self, ecr: Any, name: str, arn: str) -> None:
        found = self.call(ecr, "get_repository_policy", arn, repositoryName=name)
        if found is not None and found.get("policyText"):
            self.result.add(arn, found)

    def read_eks(self, region: str) -> None:
        eks = self.client("eks", region)
        here = f"aws://{self.result.account or 'account'}/{region}/eks"
        for name in self.pages(eks, "list_clusters", "clusters", here):
            if not self.clusters or name in self.clusters:
                self.later(lambda name=name: self._cluster(eks, name, region))

    def _cluster(self, eks: Any, name: str, region: str) -> None:
        here = f"aws://{self.result.account or 'account'}/{region}/eks/{name}"
        found = self.call(eks, "describe_cluster", here, name=name)
        if found is None:
            return
        arn = found.get("cluster", {}).get("arn") or here
        self.result.add(arn, found)
        self._each(eks, arn, "list_nodegroups", "nodegroups", name, self._nodegroup)
        self._each(
            eks, arn, "list_fargate_profiles", "fargateProfileNames", name, self._fargate_profile
        )
        self._each(
            eks, arn, "list_pod_identity_associations", "associations", name, self._association
        )
        self._each(eks, arn, "list_access_entries", "accessEntries", name, self._access_entry)

    def _each(
        self,
        eks: Any,
        cluster_arn: str,
        method: str,
        key: str,
        cluster: str,
        describe: Callable[[Any, str, str, Any], None],
    ) -> None:
        items = self._list(eks, method, key, cluster_arn, clusterName=cluster)
        for item in items:
            self.later(lambda item=item: describe(eks, cluster_arn, cluster, item))

    def _list(self, client: Any, method: str, key: str, reading: str, **kwargs: Any) -> list[Any]:
        if client.can_paginate(method):
            return self.pages(client, method, key, reading, **kwargs)
        found = self.call(client, method, reading, **kwargs)
        return list((found or {}).get(key) or [])

    def _nodegroup(self, eks: Any, cluster_arn: str, cluster: str, name: Any) -> None:
        found = self.call(
            eks, "describe_nodegroup", cluster_arn, clusterName=cluster, nodegroupName=name
        )
        if found is not None:
            self.result.add(found.get("nodegroup", {}).get("nodegroupArn") or cluster_arn, found)

    def _fargate_profile(self, eks: Any, cluster_arn: str, cluster: str, name: Any) -> None:
        found = self.call(
            eks,
            "describe_fargate_profile",
            cluster_arn,
            clusterName=cluster,
            fargateProfileName=name,
        )
        if found is not None:
            profile = found.get("fargateProfile", {})
            self.result.add(profile.get("fargateProfileArn") or cluster_arn, found)

    def _association(self, eks: Any, cluster_arn: str, cluster: str, item: Any) -> None:
        association_id = item.get("associationId") if isinstance(item, dict) else None
        if not association_id:
            return
        found = self.call(
            eks,
            "describe_pod_identity_association",
            cluster_arn,
            clusterName=cluster,
            associationId=association_id,
        )
        if found is not None:
            association = found.get("association", {})
            self.result.add(association.get("associationArn") or cluster_arn, found)

    def _access_entry(self, eks: Any, cluster_arn: str, cluster: str, principal: Any) -> None:
        found = self.call(
            eks, "describe_access_entry", cluster_arn, clusterName=cluster, principalArn=principal
        )
        if found is not None:
            entry = found.get("accessEntry", {})
            self.result.add(entry.get("accessEntryArn") or cluster_arn, found)


def _route_unknown(code: str, status: Any) -> bool:
    """The endpoint has no such operation (HTTP 501, or a bare 404 without an AWS error
    code: e.g. moto for EKS access entries); there is nothing to read, quietly."""
    return status == 501 or (status == 404 and code in ("", "404"))


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _is_credentials_error(error: Exception) -> bool:
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError

    return isinstance(error, (NoCredentialsError, PartialCredentialsError))


def _permission(client: Any, method: str) -> str:
    """`ecr:GetRepositoryPolicy` for (ECR client, "get_repository_policy")."""
    operation = client.meta.method_to_api_mapping.get(method, method)
    service = client.meta.service_model.signing_name
    return f"{service}:{operation}"


def _x005(permission: str, reading: str, detail: str) -> Finding:
    return Finding(
        "X005",
        Severity.WARNING,
        f"live read {permission} of {reading} {detail}; results that depend on it are incomplete",
        Location(reading),
        resource=reading,
    )
