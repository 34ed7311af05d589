"""Live AWS reader: read-only boto3 calls -> documents in AWS CLI output shapes.

The documents are exactly what `aws ... --output json` prints, so the awscli source reads
them unchanged: `scan --aws` lints them in memory, `snapshot --aws` writes them to files
that `iamlint check DIR` reads the same way. Only Get/List/Describe calls are made.
boto3 is imported inside functions: `iamlint check` must not pay for it.

What a read could not do travels with it: every read ends with one `iamlintLiveRead`
document (`iamlint-live-read.json` in a snapshot) listing the failed reads (X005: the
results are incomplete) and the objects looked up that do not exist (I006).

Faults: throttling is retried by botocore (adaptive mode, `AWS_RETRY_MODE` /
`AWS_MAX_ATTEMPTS` honoured); connect and read timeouts are bounded
(`IAMLINT_AWS_TIMEOUT` seconds); a read that still fails is X005 and the rest goes on;
missing, expired or rejected credentials stop the whole read (`LiveCredentialsError`).
`iamlint/sources/aws_resolve.py` reads only what files reference (`check --aws`).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from iamlint.finding import Finding, Location, Severity
from iamlint.record import field, record

MAX_WORKERS = 8
DESCRIBE_SERVICES_BATCH = 10  # ecs:DescribeServices takes at most 10 services
MAX_ATTEMPTS = 8  # total attempts per call (botocore `total_max_attempts`)
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
TIMEOUT_ENV = "IAMLINT_AWS_TIMEOUT"  # seconds, for both timeouts (tests, slow links)
LIVE_READ_KEY = "iamlintLiveRead"
LIVE_READ_FILE = "iamlint-live-read.json"

DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
}
# the credentials themselves are refused: nothing else can be read either
CREDENTIAL_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
}
# a call the endpoint does not implement (moto, older partitions): nothing to read
UNSUPPORTED_CODES = {"NotImplemented", "InvalidAction", "UnknownOperationException"}
NOT_FOUND_CODES = {
    "NoSuchEntity",
    "RepositoryPolicyNotFoundException",
    "RepositoryNotFoundException",
    "ResourceNotFoundException",
    "ClusterNotFoundException",
}


class LiveReadError(Exception):
    """The live read cannot be done at all (exit 2)."""


class LiveCredentialsError(LiveReadError):
    """No usable AWS credentials, or AWS refused them (exit 2)."""


class _Absent:
    """`LiveReader.fetch` result for an object that does not exist."""


ABSENT = _Absent()


@record
class LiveDocument:
    """One AWS object as the AWS CLI would print it; `source` is its ARN."""

    source: str
    data: dict[str, Any]
    name: str = ""  # snapshot file name, when not derived from the ARN

    @property
    def file_name(self) -> str:
        """A snapshot file name derived from the ARN (stable, filesystem-safe)."""
        if self.name:
            return self.name
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.source).strip("_") + ".json"


@record(frozen=True)
class FailedRead:
    """One call that was denied or failed: X005."""

    permission: str  # the IAM action, e.g. ecr:GetRepositoryPolicy
    reading: str  # the ARN (or aws://ACCOUNT/REGION/SERVICE) of what was being read
    detail: str

    @property
    def message(self) -> str:
        return (
            f"live read {self.permission} of {self.reading} {self.detail}; "
            "results that depend on it are incomplete"
        )

    def finding(self) -> Finding:
        return Finding(
            "X005", Severity.WARNING, self.message, Location(self.reading), resource=self.reading
        )


@record
class LiveRead:
    account: str = ""
    regions: list[str] = field(default_factory=list)
    documents: list[LiveDocument] = field(default_factory=list)
    failures: list[FailedRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # X005 of the failures
    absent: set[str] = field(default_factory=set)  # ARNs looked up that do not exist
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def incomplete(self) -> bool:
        return bool(self.failures)

    def add(self, source: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.documents.append(LiveDocument(source, _plain(data)))

    def fail(self, failure: FailedRead) -> None:
        with self._lock:
            if failure not in self.failures:
                self.failures.append(failure)
                self.findings.append(failure.finding())

    def note_absent(self, arn: str) -> None:
        with self._lock:
            self.absent.add(arn)

    def finish(self) -> LiveRead:
        """Sort for deterministic output and append the `iamlintLiveRead` document."""
        self.documents.sort(key=lambda d: (d.source, json.dumps(d.data, sort_keys=True)))
        self.failures.sort(key=lambda f: (f.reading, f.permission, f.detail))
        self.findings.sort(key=Finding.sort_key)
        self.documents.append(self.record_document())
        return self

    def record_document(self) -> LiveDocument:
        data = {
            LIVE_READ_KEY: {
                "version": 1,
                "account": self.account,
                "regions": self.regions,
                "complete": not self.failures,
                "failedReads": [
                    {"action": f.permission, "object": f.reading, "message": f.message}
                    for f in self.failures
                ],
                "absent": sorted(self.absent),
            }
        }
        source = f"aws://{self.account or 'account'}/iamlint-live-read"
        return LiveDocument(source, data, name=LIVE_READ_FILE)


def read_aws(
    regions: Iterable[str] | None = None,
    profile: str | None = None,
    clusters: Iterable[str] | None = None,
    max_workers: int = MAX_WORKERS,
    *,
    session: Any = None,
    clients: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> LiveRead:
    """Read IAM (once) and ECR/EKS/ECS (per region) of the account the credentials belong to.

    `session`: a boto3 Session (default: from `profile`); `clients`: pre-built clients by
    service name, used instead of creating them (e.g. wrapped in a botocore Stubber);
    `progress`: an object with `advance(n)`, told of every object read.
    """
    reader = _Scan(session or make_session(profile), regions, clients, progress)
    reader.read_identity()
    reader.run(max_workers, reader.read_all, set(clusters or []))
    return reader.result.finish()


def write_snapshot(read: LiveRead, directory: Path) -> list[Path]:
    """Write each document to DIR/<arn>.json (distinct names when an ARN repeats)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: dict[str, int] = {}
    documents = [d for d in read.documents if d.name != LIVE_READ_FILE]
    if read.account or read.failures:  # written afresh: failures may have been added
        documents.append(read.record_document())
    for document in documents:
        name = document.file_name
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name[:-5]}.{used[name]}.json"
        path = directory / name
        path.write_text(json.dumps(document.data, indent=2, sort_keys=True) + "\n", "utf-8")
        written.append(path)
    return written


def make_session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.session.Session(profile_name=profile)
    except BotoCoreError as error:  # ProfileNotFound, a broken config file
        raise LiveCredentialsError(_one_line(str(error))) from None


def client_config(max_workers: int = MAX_WORKERS) -> Any:
    """Retries (adaptive: backs off and slows down on throttling), bounded timeouts, and a
    connection pool as large as the thread pool."""
    from botocore.config import Config

    connect, read = _timeouts()
    return Config(
        retries=_retries(),
        connect_timeout=connect,
        read_timeout=read,
        max_pool_connections=max(10, max_workers),
    )


def _retries() -> dict[str, Any]:
    """Adaptive retries with MAX_ATTEMPTS attempts, unless AWS_RETRY_MODE/AWS_MAX_ATTEMPTS
    say otherwise (botocore reads those when the keys are left out)."""
    retries: dict[str, Any] = {}
    if not os.environ.get("AWS_RETRY_MODE"):
        retries["mode"] = "adaptive"
    if not os.environ.get("AWS_MAX_ATTEMPTS"):
        retries["total_max_attempts"] = MAX_ATTEMPTS
    return retries


def _timeouts() -> tuple[float, float]:
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return CONNECT_TIMEOUT, READ_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise LiveReadError(f"{TIMEOUT_ENV}={text!r}: expected a number of seconds above 0")
    return seconds, seconds


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-clean copy (datetimes as text, no ResponseMetadata), as a snapshot holds it."""
    clean = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    return json.loads(json.dumps(clean, default=str))


class LiveReader:
    """Plumbing shared by the scan and the reference lookups: clients, the thread pool,
    calls whose failures become X005."""

    def __init__(
        self,
        session: Any,
        regions: Iterable[str] | None,
        clients: Mapping[str, Any] | None = None,
        progress: Any = None,
    ) -> None:
        self.session = session
        self.regions = list(dict.fromkeys(regions or [])) or [session.region_name or "us-east-1"]
        self.home_region = self.regions[0]
        self.result = LiveRead(regions=list(self.regions))
        self.progress = progress
        self.pool: ThreadPoolExecutor | None = None
        self.max_workers = MAX_WORKERS
        self._given = dict(clients or {})
        self._pending: deque[Future[None]] = deque()
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()
        self._seen: set[str] = set()
        self._seen_lock = threading.Lock()
        self._progress_lock = threading.Lock()
        self._stopped = False

    @property
    def account(self) -> str:
        return self.result.account

    def where(self, *parts: str) -> str:
        """`aws://ACCOUNT/...`: the X005 location of a read that has no ARN of its own."""
        return "/".join((f"aws://{self.account or 'account'}", *parts))

    # --- plumbing ---------------------------------------------------------------

    def client(self, service: str, region: str) -> Any:
        from botocore.exceptions import BotoCoreError

        if service in self._given:
            return self._given[service]
        with self._clients_lock:
            key = (service, region)
            if key not in self._clients:
                try:
                    self._clients[key] = self.session.client(
                        service, region_name=region, config=client_config(self.max_workers)
                    )
                except BotoCoreError as error:  # a bad retry mode, region or endpoint
                    raise LiveReadError(_one_line(str(error))) from None
            return self._clients[key]

    def run(self, max_workers: int, start: Callable[..., None], *args: Any) -> None:
        """Run `start` and every task it queues on a pool of `max_workers` threads."""
        self.max_workers = max_workers
        with ThreadPoolExecutor(max_workers=max_workers) as pool:
            self.pool = pool
            try:
                start(*args)
                self.wait()
            finally:
                self.pool = None

    def later(self, task: Callable[[], None]) -> None:
        if self._stopped:
            return
        if self.pool is None:  # not inside `run`: do it now
            task()
            return
        self._pending.append(self.pool.submit(task))

    def wait(self) -> None:
        """Until every queued task (and the tasks they queue) is done; the first error that
        stops the read (credentials) cancels the rest."""
        try:
            while self._pending:
                self._pending.popleft().result()
        except BaseException:
            self._stopped = True
            while self._pending:
                self._pending.popleft().cancel()
            raise

    def first_time(self, key: str) -> bool:
        """True once per key (thread-safe): read each shared object once."""
        with self._seen_lock:
            new = key not in self._seen
            self._seen.add(key)
            return new

    def advance(self, count: int = 1) -> None:
        if self.progress is not None:
            with self._progress_lock:  # one thread draws at a time
                self.progress.advance(count)

    def call(self, client: Any, method: str, reading: str, **kwargs: Any) -> dict[str, Any] | None:
        """One API call; None when the object does not exist or the read failed (X005)."""
        found = self.fetch(client, method, reading, **kwargs)
        return None if found is ABSENT else found  # type: ignore[return-value]

    def fetch(self, client: Any, method: str, reading: str, **kwargs: Any) -> Any:
        """One API call: its response, ABSENT (not found), or None (failed: X005)."""
        from botocore.exceptions import BotoCoreError, ClientError

        if self._stopped:
            return None
        try:
            response = getattr(client, method)(**kwargs)
        except ClientError as error:
            return self._client_error(client, method, reading, error)
        except BotoCoreError as error:
            self._connection_error(client, method, reading, error)
            return None
        self.advance()
        return response

    def pages(
        self, client: Any, method: str, key: str, reading: str, **kwargs: Any
    ) -> list[Any] | None:
        """Every item under `key` across all pages; None when the read failed (X005) or
        stopped half-way (the items of the pages read are then not trusted either)."""
        from botocore.exceptions import BotoCoreError, ClientError

        if self._stopped:
            return None
        items: list[Any] = []
        try:
            for page in client.get_paginator(method).paginate(**kwargs):
                items.extend(page.get(key) or [])
                self.advance()
        except ClientError as error:
            found = self._client_error(client, method, reading, error)
            return [] if found is ABSENT else None
        except BotoCoreError as error:
            self._connection_error(client, method, reading, error)
            return None
        return items

    def _client_error(self, client: Any, method: str, reading: str, error: Any) -> Any:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = _one_line(str(error.response.get("Error", {}).get("Message") or ""))
        permission = _permission(client, method)
        if code in CREDENTIAL_CODES:
            self._stopped = True
            raise LiveCredentialsError(
                f"AWS refused the credentials ({code}) on {permission}: {message}; "
                "refresh them (e.g. `aws sso login`) and run again"
            )
        if code in NOT_FOUND_CODES:
            return ABSENT
        if code in UNSUPPORTED_CODES or _route_unknown(code, status):
            return None
        if code in DENIED_CODES:
            detail = f"denied ({code}); grant {permission}"
        else:
            detail = f"failed ({code or status}): {message}"
        self.result.fail(FailedRead(permission, reading, detail))
        return None

    def _connection_error(self, client: Any, method: str, reading: str, error: Any) -> None:
        permission = _permission(client, method)
        if _is_credentials_error(error):
            self._stopped = True
            raise LiveCredentialsError(
                f"no usable AWS credentials for {permission}: {_one_line(str(error))}"
            ) from None
        self.result.fail(FailedRead(permission, reading, f"failed: {_one_line(str(error))}"))

    # --- identity ---------------------------------------------------------------

    def read_identity(self) -> None:
        """The account the credentials belong to; any failure stops the read: nothing
        else could be read either."""
        from botocore.exceptions import BotoCoreError, ClientError

        sts = self.client("sts", self.home_region)
        try:
            identity = sts.get_caller_identity()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            message = _one_line(str(error.response.get("Error", {}).get("Message") or ""))
            if code in CREDENTIAL_CODES:
                raise LiveCredentialsError(
                    f"AWS refused the credentials ({code}): {message}; refresh them "
                    "(e.g. `aws sso login`) and run again"
                ) from None
            raise LiveReadError(f"sts:GetCallerIdentity failed ({code}): {message}") from None
        except BotoCoreError as error:
            if _is_credentials_error(error):
                raise LiveCredentialsError(
                    f"no AWS credentials: {_one_line(str(error))} (set a profile with "
                    "--profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"
                ) from None
            raise LiveReadError(
                f"cannot reach AWS STS to identify the account: {_one_line(str(error))}"
            ) from None
        self.result.account = str(identity.get("Account") or "")


class _Scan(LiveReader):
    """`scan --aws` / `snapshot --aws`: the whole account (EKS clusters: all or the named)."""

    def read_all(self, clusters: set[str]) -> None:
        self.clusters = clusters
        self.later(self.read_iam)
        for region in self.regions:
            self.later(lambda region=region: self.read_ecr(region))
            self.later(lambda region=region: self.read_eks(region))
            self.later(lambda region=region: self.read_ecs(region))

    # --- IAM ----------------------------------------------------------------------

    def read_iam(self) -> None:
        iam = self.client("iam", self.home_region)
        here = self.where("iam")
        details, complete = self._authorization_details(iam, here)
        # a partial role list must not claim to be the account's complete list (I006)
        truncated = {} if complete else {"IsTruncated": True}
        for role in details["RoleDetailList"]:
            self.result.add(role.get("Arn") or here, {"RoleDetailList": [role], **truncated})
        for policy in details["Policies"]:
            self.result.add(policy.get("Arn") or here, {"RoleDetailList": [], "Policies": [policy]})
        listed = self.call(iam, "list_open_id_connect_providers", here)
        if listed is None:
            return
        self.result.add(self.where("iam", "oidc-providers"), listed)
        for item in listed.get("OpenIDConnectProviderList") or []:
            arn = item.get("Arn")
            if arn:
                self.later(lambda arn=arn: self._oidc_provider(iam, arn))

    def _authorization_details(self, iam: Any, here: str) -> tuple[dict[str, list[Any]], bool]:
        """Roles (inline + attached policies) and customer managed policies in one paginated
        call; False when a page failed."""
        from botocore.exceptions import BotoCoreError, ClientError

        details: dict[str, list[Any]] = {"RoleDetailList": [], "Policies": []}
        method = "get_account_authorization_details"
        try:
            paginator = iam.get_paginator(method)
            for page in paginator.paginate(Filter=["Role", "LocalManagedPolicy"]):
                details["RoleDetailList"].extend(page.get("RoleDetailList") or [])
                details["Policies"].extend(page.get("Policies") or [])
                self.advance()
        except ClientError as error:
            self._client_error(iam, method, here, error)
            return details, False
        except BotoCoreError as error:
            self._connection_error(iam, method, here, error)
            return details, False
        return details, True

    def _oidc_provider(self, iam: Any, arn: str) -> None:
        found = self.call(iam, "get_open_id_connect_provider", arn, OpenIDConnectProviderArn=arn)
        if found is not None:
            self.result.add(arn, found)

    # --- ECR ----------------------------------------------------------------------

    def read_ecr(self, region: str) -> None:
        ecr = self.client("ecr", region)
        here = self.where(region, "ecr")
        for repository in self.pages(ecr, "describe_repositories", "repositories", here) or []:
            arn = repository.get("repositoryArn") or here
            self.result.add(arn, {"repositories": [repository]})
            name = repository.get("repositoryName")
            if name:
                self.later(lambda name=name, arn=arn: self._repository_policy(ecr, name, arn))

    def _repository_policy(self, ecr: Any, name: str, arn: str) -> None:
        found = self.call(ecr, "get_repository_policy", arn, repositoryName=name)
        if found is not None and found.get("policyText"):
            self.result.add(arn, found)

    # --- EKS ----------------------------------------------------------------------

    def read_eks(self, region: str) -> None:
        eks = self.client("eks", region)
        here = self.where(region, "eks")
        for name in self.pages(eks, "list_clusters", "clusters", here) or []:
            if not self.clusters or name in self.clusters:
                self.later(lambda name=name: self._cluster(eks, name, region))

    def _cluster(self, eks: Any, name: str, region: str) -> None:
        found = self.call(eks, "describe_cluster", self.where(region, "eks", name), name=name)
        if found is None:
            return
        arn = found.get("cluster", {}).get("arn") or self.where(region, "eks", name)
        self.result.add(arn, found)
        for method, key, describe in (
            ("list_nodegroups", "nodegroups", self._nodegroup),
            ("list_fargate_profiles", "fargateProfileNames", self._fargate_profile),
            ("list_pod_identity_associations", "associations", self._association),
            ("list_access_entries", "accessEntries", self._access_entry),
        ):
            for item in self._list(eks, method, key, arn, clusterName=name):
                self.later(lambda item=item, d=describe: d(eks, arn, name, item))

    def _list(self, client: Any, method: str, key: str, reading: str, **kwargs: Any) -> list[Any]:
        if client.can_paginate(method):
            return self.pages(client, method, key, reading, **kwargs) or []
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

    # --- ECS ----------------------------------------------------------------------

    def read_ecs(self, region: str) -> None:
        """Services (ECS Exec setting, task definition) and the task definitions in use."""
        ecs = self.client("ecs", region)
        here = self.where(region, "ecs")
        for cluster_arn in self.pages(ecs, "list_clusters", "clusterArns", here) or []:
            self.later(lambda c=cluster_arn: self._ecs_cluster(ecs, c))

    def _ecs_cluster(self, ecs: Any, cluster_arn: str) -> None:
        services = self.pages(ecs, "list_services", "serviceArns", cluster_arn, cluster=cluster_arn)
        for batch in _chunks(services or [], DESCRIBE_SERVICES_BATCH):
            self.later(lambda batch=batch: self._ecs_services(ecs, cluster_arn, batch))

    def _ecs_services(self, ecs: Any, cluster_arn: str, batch: list[str]) -> None:
        found = self.call(
            ecs, "describe_services", cluster_arn, cluster=cluster_arn, services=batch
        )
        for service in (found or {}).get("services") or []:
            kept = {k: v for k, v in service.items() if k != "events"}  # history, not wiring
            self.result.add(service.get("serviceArn") or cluster_arn, {"services": [kept]})
            for definition in _task_definitions_of(service):
                if self.first_time(f"task-definition:{definition}"):
                    self.later(lambda d=definition: self._task_definition(ecs, d))

    def _task_definition(self, ecs: Any, reference: str) -> None:
        found = self.call(ecs, "describe_task_definition", reference, taskDefinition=reference)
        definition = (found or {}).get("taskDefinition")
        if isinstance(definition, dict):
            arn = definition.get("taskDefinitionArn") or reference
            self.result.add(arn, {"taskDefinition": definition})


def _task_definitions_of(service: dict[str, Any]) -> list[str]:
    """The service's task definition and those of its deployments still running."""
    found = [service.get("taskDefinition")]
    found += [d.get("taskDefinition") for d in service.get("deployments") or []]
    return list(dict.fromkeys(d for d in found if isinstance(d, str) and d))


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _route_unknown(code: str, status: Any) -> bool:
    """The endpoint has no such operation (HTTP 501, or a bare 404 without an AWS error
    code: e.g. moto for EKS access entries); there is nothing to read, quietly."""
    return status == 501 or (status == 404 and code in ("", "404"))


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _is_credentials_error(error: Exception) -> bool:
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError

    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return True
    # SSO / assume-role providers whose token expired (TokenRetrievalError, ...)
    return type(error).__name__ in ("TokenRetrievalError", "UnauthorizedSSOTokenError")


def _permission(client: Any, method: str) -> str:
    """`ecr:GetRepositoryPolicy` for (ECR client, "get_repository_policy")."""
    operation = client.meta.method_to_api_mapping.get(method, method)
    service = client.meta.service_model.signing_name
    return f"{service}:{operation}"
