"""`iamlint scan --aws` / `snapshot --aws` against a real moto server over HTTP."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from iamlint.api import lint, lint_documents
from iamlint.cli import app
from iamlint.config import Config
from iamlint.progress import Progress
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


def test_snapshot_with_failed_reads_then_check_gives_the_scan_findings(
    account: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """X005 travels in the snapshot (iamlint-live-read.json): `check DIR` == `scan`."""
    _deny(monkeypatch, "ecr", "GetRepositoryPolicy")
    scanned = _scan()
    assert "X005" in _rules(scanned)
    outcome = CliRunner().invoke(app, ["snapshot", "--aws", "-o", str(tmp_path / "snap")])
    assert outcome.exit_code == 0, outcome.output
    checked = lint([str(tmp_path / "snap")], Config())
    assert sorted((f.rule, f.resource) for f in checked.findings) == scanned
    assert checked.incomplete


def test_cluster_option_reads_only_the_named_clusters(account: str) -> None:
    boto3.client("eks").create_cluster(
        name="staging",
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/nodes-without-pull",
        resourcesVpcConfig={"subnetIds": ["subnet-1"]},
    )
    session = boto3.session.Session()
    described: list[str] = []
    session.events.register(
        "before-parameter-build.eks.DescribeCluster",
        lambda params, **_: described.append(params["name"]),
    )
    read = read_aws(clusters=["staging"], session=session)
    assert described == ["staging"]
    assert [d.source.rsplit("/", 1)[1] for d in read.documents if ":cluster/" in d.source] == [
        "staging"
    ]
    assert not any(":nodegroup/prod/" in d.source for d in read.documents)
    everything = read_aws()
    assert {
        d.source.rsplit("/", 1)[1] for d in everything.documents if ":cluster/" in d.source
    } == {
        "prod",
        "staging",
    }


def test_ecs_task_definitions_in_use_are_read(account: str) -> None:
    """The service's task definition is read (F001: no execution role for an ECR image on
    Fargate); a registered task definition no service runs is not."""
    read = read_aws()
    sources = {d.source for d in read.documents}
    assert f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/apps/web" in sources
    assert f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/web:1" in sources
    assert not any("task-definition/idle" in source for source in sources)
    findings = lint_documents([(d.source, d.data) for d in read.documents], Config()).findings
    [f001] = [f for f in findings if f.rule == "F001"]
    assert f001.location.file.endswith(":task-definition/web:1")


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


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_the_objects_read(account: str) -> None:
    terminal = _Terminal()
    with Progress("iamlint: reading AWS", stream=terminal, delay=0) as progress:
        read = read_aws(progress=progress)
        counted = progress.count
    assert counted > 0 and read.documents
    assert re.search(r"\riamlint: reading AWS: [0-9]+", terminal.getvalue())
    assert terminal.getvalue().endswith("\r")  # the line is cleared when done


def test_scan_options_turn_progress_off(account: str) -> None:
    outcome = CliRunner().invoke(app, ["scan", "--aws", "--no-progress", "-q"])
    assert outcome.exit_code == 1 and "reading AWS" not in outcome.output
