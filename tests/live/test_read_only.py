"""Live mode never writes: every AWS operation it can call is a Get/List/Describe, and the
shipped read-only policy grants exactly what it calls (and lints clean)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import botocore.client
import pytest

from iamlint.api import lint
from iamlint.config import Config
from iamlint.sources import aws_live, aws_resolve
from iamlint.sources.aws_live import read_aws
from iamlint.sources.aws_resolve import resolve_live

READ_PREFIXES = ("Get", "List", "Describe")
SERVICES = ("iam", "ecr", "eks", "ecs", "sts")
ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "docs" / "iamlint-readonly-policy.json"
LIVE_MODULES = (aws_live, aws_resolve)
# every AWS operation live mode can call: `scan`/`snapshot --aws`, then `check --aws`
OPERATIONS = {
    "sts:GetCallerIdentity",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListOpenIDConnectProviders",
    "iam:GetOpenIDConnectProvider",
    "ecr:DescribeRepositories",
    "ecr:GetRepositoryPolicy",
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListNodegroups",
    "eks:DescribeNodegroup",
    "eks:ListFargateProfiles",
    "eks:DescribeFargateProfile",
    "eks:ListPodIdentityAssociations",
    "eks:DescribePodIdentityAssociation",
    "eks:ListAccessEntries",
    "eks:DescribeAccessEntry",
    "ecs:ListClusters",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
}


def _operations_in_source() -> set[str]:
    """`service:Operation` for every client method the live modules name: as a string
    literal (`call(client, "get_role", ...)`, paginators) or as a call (`.get_role(`)."""
    names: set[str] = set()
    for module in LIVE_MODULES:
        text = Path(module.__file__).read_text("utf-8")
        names |= set(re.findall(r'"([a-z][a-z0-9_]+)"', text))
        names |= set(re.findall(r"\.([a-z][a-z0-9_]+)\(", text))
    found = set()
    for service in SERVICES:
        client = boto3.client(service, region_name="us-east-1")
        mapping = client.meta.method_to_api_mapping
        signing = client.meta.service_model.signing_name
        found |= {f"{signing}:{mapping[name]}" for name in names & set(mapping)}
    return found


def _granted() -> set[str]:
    statements = json.loads(POLICY.read_text("utf-8"))["Statement"]
    return {action for statement in statements for action in statement["Action"]}


def test_every_operation_named_in_the_source_is_listed_and_a_read() -> None:
    assert _operations_in_source() == OPERATIONS
    writes = [op for op in OPERATIONS if not op.split(":")[1].startswith(READ_PREFIXES)]
    assert writes == []


def test_every_operation_called_in_a_full_scan_is_a_read(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = _record_calls(monkeypatch)
    read_aws()
    assert {"iam:GetAccountAuthorizationDetails", "eks:DescribeNodegroup"} <= set(called)
    assert {"ecs:DescribeServices", "ecs:DescribeTaskDefinition"} <= set(called)
    assert set(called) <= OPERATIONS


def test_every_operation_called_by_check_aws_is_a_read(
    account: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    called = _record_calls(monkeypatch)
    chart = tmp_path / "sa.yaml"
    chart.write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: prod\n"
        "  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/"
        "nodes-without-pull\n",
        "utf-8",
    )
    resolve_live([str(chart)], Config())
    assert {"iam:GetRole", "iam:ListAttachedRolePolicies", "iam:GetPolicyVersion"} <= set(called)
    assert set(called) <= OPERATIONS


def _record_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    called: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: Any) -> Any:
        called.append(f"{self.meta.service_model.signing_name}:{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return called


def test_read_only_policy_grants_exactly_what_live_mode_calls() -> None:
    assert _granted() == OPERATIONS


def test_read_only_policy_lints_clean() -> None:
    result = lint([str(POLICY)], Config())
    assert result.findings == []
