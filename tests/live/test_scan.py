"""`iamlint scan --aws` / `snapshot --aws` against a real moto server over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from iamlint.api import lint, lint_documents
from iamlint.cli import app
from iamlint.config import Config
from iamlint.sources.aws_live import read_aws

ACCOUNT = "123456789012"
IRSA_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/irsa-any-sa"
REPOSITORY = "app"


def _scan() -> list[tuple[str, str]]:
    read = read_aws()
    documents = [(d.source, d.data) for d in read.documents]
    from iamlint.api import LintOptions

    result = lint_documents(documents, Config(), LintOptions(extra_findings=read.findings))
    return sorted((f.rule, f.resource) for f in result.findings)


def _rules(findings: list[tuple[str, str]]) -> set[str]:
    return {rule for rule, _ in findings}


def test_scan_finds_node_pull_public_repository_and_unscoped_irsa(account: str) -> None:
    read = read_aws()
    documents = [(d.source, d.data) for d in read.documents]
    result = lint_documents(documents, Config())
    by_rule = {f.rule: f for f in result.findings}
    assert {"E001", "E004", "T003"} <= set(by_rule)
    assert "X005" not in by_rule  # moto lacks access entries / pod identity: skipped quietly
    assert by_rule["T003"].location.file == IRSA_ROLE_ARN
    assert by_rule["T003"].location.line is None
    assert by_rule["E004"].location.file.endswith(f":repository/{REPOSITORY}")
    assert read.account == ACCOUNT


def test_snapshot_then_check_gives_the_scan_findings(account: str, tmp_path: Path) -> None:
    scanned = _scan()
    runner = CliRunner()
    outcome = runner.invoke(app, ["snapshot", "--aws", "-o", str(tmp_path / "snap")])
    assert outcome.exit_code == 0, outcome.output
    files = sorted((tmp_path / "snap").glob("*.json"))
    assert files
    checked = lint([str(tmp_path / "snap")], Config())
    assert sorted((f.rule, f.resource) for f in checked.findings) == scanned
    assert {"E001", "E004", "T003"} <= _rules(scanned)


def test_access_denied_becomes_x005_and_the_scan_goes_on(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, "ecr", "GetRepositoryPolicy")
    findings = _scan()
    denied = [resource for rule, resource in findings if rule == "X005"]
    assert denied and all(":repository/" in resource for resource in denied)
    assert "E004" not in _rules(findings)  # the public policy could not be read
    assert {"E001", "T003"} <= _rules(findings)
    read = read_aws()
    assert any("ecr:GetRepositoryPolicy" in f.message for f in read.findings)


def test_scan_cli_reports_live_findings_as_json(account: str) -> None:
    outcome = CliRunner().invoke(app, ["scan", "--aws", "--format", "json"])
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.stdout)
    text = json.dumps(report)
    assert "E004" in text and IRSA_ROLE_ARN in text


def test_region_option_reads_only_that_region(account: str) -> None:
    other = read_aws(regions=["us-east-2"])
    assert not any(":repository/" in d.source for d in other.documents)
    assert any(d.source == IRSA_ROLE_ARN for d in other.documents)  # IAM is global


def test_no_credentials_is_a_one_line_usage_error(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    outcome = CliRunner().invoke(app, ["scan", "--aws"])
    assert outcome.exit_code == 2
    assert "no AWS credentials" in outcome.output
    assert outcome.output.strip().count("\n") == 0


def test_scan_without_aws_flag_is_a_clear_error() -> None:
    outcome = CliRunner().invoke(app, ["scan"])
    assert outcome.exit_code == 2
    assert "--aws" in outcome.output


def _deny(monkeypatch: pytest.MonkeyPatch, service: str, operation: str) -> None:
    """Make every `service` client raise AccessDenied for `operation` (before-call hook)."""
    original = boto3.session.Session.client

    def client(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        made = original(self, name, *args, **kwargs)
        if name == service:
            made.meta.events.register(f"before-call.{service}.{operation}", _raise_denied)
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)


def _raise_denied(model: Any, **_: Any) -> None:
    raise ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, model.name
    )
