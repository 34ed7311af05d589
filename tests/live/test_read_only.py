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
from iamlint.sources import aws_live
from iamlint.sources.aws_live import read_aws

READ_PREFIXES = ("Get", "List", "Describe")
SERVICES = ("iam", "ecr", "eks", "sts")
ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "docs" / "iamlint-readonly-policy.json"


def _operations_in_source() -> set[str]:
    """`service:Operation` for every string literal in aws_live.py that names a client method."""
    literals = set(re.findall(r'"([a-z][a-z0-9_]+)"', Path(aws_live.__file__).read_text("utf-8")))
    found = set()
    for service in SERVICES:
        client = boto3.client(service, region_name="us-east-1")
        mapping = client.meta.method_to_api_mapping
        signing = client.meta.service_model.signing_name
        found |= {f"{signing}:{mapping[name]}" for name in literals & set(mapping)}
    return found


def _granted() -> set[str]:
    statements = json.loads(POLICY.read_text("utf-8"))["Statement"]
    return {action for statement in statements for action in statement["Action"]}


def test_every_operation_named_in_the_source_is_a_read() -> None:
    operations = _operations_in_source()
    assert "ecr:GetRepositoryPolicy" in operations and "eks:DescribeNodegroup" in operations
    writes = [op for op in operations if not op.split(":")[1].startswith(READ_PREFIXES)]
    assert writes == []


def test_every_operation_called_in_a_full_scan_is_a_read(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: Any) -> Any:
        called.append(f"{self.meta.service_model.signing_name}:{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    read_aws()
    assert {"iam:GetAccountAuthorizationDetails", "eks:DescribeNodegroup"} <= set(called)
    assert [op for op in called if not op.split(":")[1].startswith(READ_PREFIXES)] == []
    assert set(called) <= _granted()


def test_read_only_policy_grants_exactly_what_live_mode_calls() -> None:
    assert _granted() == _operations_in_source()


def test_read_only_policy_lints_clean() -> None:
    result = lint([str(POLICY)], Config())
    assert result.findings == []
