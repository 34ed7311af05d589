"""Live-mode faults (issue 9): throttling, timeouts, partial AccessDenied, pagination,
expired credentials; incomplete results are marked as such, in the output and the exit code.

Faults are injected into the requests of a real boto3 session talking to the moto server
(a `before-send` hook answering with an AWS error, which botocore's retry logic sees as a
server answer), or served by loopback servers that answer with an error or never answer.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import boto3
import pytest
from live_faults import ErrorServer, SilentServer, count_requests, inject, page_size
from typer.testing import CliRunner

from iamlint.api import lint
from iamlint.cli import app
from iamlint.config import Config
from iamlint.sources.aws_live import LIVE_READ_FILE, LiveCredentialsError, read_aws

REPOSITORY_ARN = "arn:aws:ecr:eu-west-1:123456789012:repository/app"


def _session() -> boto3.session.Session:
    return boto3.session.Session()


def test_throttling_is_retried_and_the_read_is_complete(account: str) -> None:
    session = _session()
    throttled = inject(session, "ecr", "DescribeRepositories", "ThrottlingException", times=2)
    read = read_aws(session=session)
    assert throttled.sent == 3  # two throttled answers, then the real one
    assert read.findings == [] and not read.incomplete
    assert any(d.source == REPOSITORY_ARN for d in read.documents)


def test_persistent_throttling_is_x005_and_marks_the_read_incomplete(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    session = _session()
    throttled = inject(session, "iam", "GetAccountAuthorizationDetails", "Throttling")
    read = read_aws(session=session)
    assert throttled.sent == 3  # AWS_MAX_ATTEMPTS honoured
    assert read.incomplete
    [finding] = read.findings
    assert finding.rule == "X005" and "iam:GetAccountAuthorizationDetails" in finding.message
    assert "Throttling" in finding.message
    assert any(d.source == REPOSITORY_ARN for d in read.documents)  # the rest was read
    record = read.documents[-1].data["iamlintLiveRead"]
    assert record["complete"] is False
    assert record["failedReads"][0]["action"] == "iam:GetAccountAuthorizationDetails"


def test_a_read_that_times_out_is_x005_and_the_rest_goes_on(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IAMLINT_AWS_TIMEOUT", "0.3")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    with SilentServer() as silent:
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", silent.url)
        started = time.monotonic()
        read = read_aws()
        elapsed = time.monotonic() - started
    assert elapsed < 20
    assert silent.accepted  # the calls reached the server, which never answered
    [finding] = read.findings
    assert "ecr:DescribeRepositories" in finding.message and "timeout" in finding.message.lower()
    assert any(d.source.endswith(":role/irsa-any-sa") for d in read.documents)


def test_bad_timeout_setting_is_a_one_line_usage_error(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IAMLINT_AWS_TIMEOUT", "soon")
    outcome = CliRunner().invoke(app, ["scan", "--aws"])
    assert outcome.exit_code == 2
    assert "IAMLINT_AWS_TIMEOUT" in outcome.output and outcome.output.strip().count("\n") == 0


def test_partial_access_denied_names_api_and_action_and_the_rest_goes_on(account: str) -> None:
    session = _session()
    inject(session, "eks", "DescribeCluster", "AccessDeniedException", status=403)
    read = read_aws(session=session)
    [finding] = read.findings
    assert finding.message.startswith("live read eks:DescribeCluster of ")
    assert "denied (AccessDeniedException); grant eks:DescribeCluster" in finding.message
    assert finding.location.file == "aws://123456789012/eu-west-1/eks/prod"
    sources = {d.source for d in read.documents}
    assert REPOSITORY_ARN in sources and not any(":cluster/" in s for s in sources)


def test_expired_credentials_stop_the_read(account: str) -> None:
    session = _session()
    inject(session, "ecr", "DescribeRepositories", "ExpiredTokenException")
    with pytest.raises(LiveCredentialsError, match="ExpiredTokenException"):
        read_aws(session=session)


def test_expired_credentials_are_a_one_line_error_exit_2(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ErrorServer("query", "ExpiredToken", status=403) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
        outcome = CliRunner().invoke(app, ["scan", "--aws"])
    assert outcome.exit_code == 2
    assert outcome.output.startswith("iamlint: error: AWS refused the credentials (ExpiredToken)")
    assert outcome.output.strip().count("\n") == 0


def test_credentials_expiring_during_the_scan_are_exit_2(
    account: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ErrorServer("json", "ExpiredTokenException") as ecr:
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", ecr.url)
        outcome = CliRunner().invoke(app, ["scan", "--aws"])
    assert outcome.exit_code == 2
    assert "(ExpiredTokenException) on ecr:DescribeRepositories" in outcome.output
    assert outcome.output.strip().count("\n") == 0


def test_unreachable_sts_is_a_one_line_error_exit_2(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IAMLINT_AWS_TIMEOUT", "0.3")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with SilentServer() as silent:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", silent.url)
        outcome = CliRunner().invoke(app, ["scan", "--aws"])
    assert outcome.exit_code == 2
    assert "cannot reach AWS STS" in outcome.output
    assert outcome.output.strip().count("\n") == 0


def test_lists_are_read_across_pages(account: str) -> None:
    eks = boto3.client("eks")
    for name in ("blue", "green"):
        eks.create_cluster(
            name=name, roleArn="arn:aws:iam::123456789012:role/x", resourcesVpcConfig={}
        )
    session = _session()
    page_size(session, "eks", "ListClusters", "maxResults", 1)
    listed = count_requests(session, "eks", "ListClusters")
    read = read_aws(session=session)
    assert listed[0] == 3  # one cluster a page, the next page asked for by its nextToken
    clusters = {d.source.rsplit("/", 1)[1] for d in read.documents if ":cluster/" in d.source}
    assert clusters == {"blue", "green", "prod"}


def test_incomplete_scan_says_so_and_exits_1_even_without_other_findings(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty account whose ECR reads are denied: X005 (a warning) is the only finding;
    the default --fail-on warning makes it exit 1. With --fail-on error the exit code is 0,
    but the summary still says the result is incomplete."""
    with ErrorServer("json", "AccessDeniedException") as ecr:
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", ecr.url)
        as_json = CliRunner().invoke(app, ["scan", "--aws", "--format", "json"])
        as_text = CliRunner().invoke(app, ["scan", "--aws", "--fail-on", "error"])
    assert as_json.exit_code == 1, as_json.output
    report = json.loads(as_json.stdout)
    assert [f["rule"] for f in report["findings"]] == ["X005"]
    assert report["summary"]["incomplete"] is True
    assert report["summary"]["warnings"] == 1
    assert as_text.exit_code == 0
    assert "incomplete: live reads failed (X005)" in as_text.stdout.splitlines()[-1]


def test_complete_scan_is_not_marked_incomplete(account: str) -> None:
    outcome = CliRunner().invoke(app, ["scan", "--aws", "--format", "json"])
    assert json.loads(outcome.stdout)["summary"]["incomplete"] is False


def test_snapshot_keeps_failed_reads_and_check_reports_them(
    account: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with ErrorServer("json", "AccessDeniedException") as ecr:
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", ecr.url)
        outcome = CliRunner().invoke(app, ["snapshot", "--aws", "-o", str(tmp_path)])
    assert outcome.exit_code == 0
    assert "snapshot is incomplete" in outcome.output
    record = json.loads((tmp_path / LIVE_READ_FILE).read_text("utf-8"))["iamlintLiveRead"]
    assert record["complete"] is False and record["account"] == "123456789012"
    result = lint([str(tmp_path)], Config())
    [x005] = [f for f in result.findings if f.rule == "X005"]
    assert x005.resource == "aws://123456789012/eu-west-1/ecr"
    assert x005.location.file.endswith(LIVE_READ_FILE) and x005.location.line is not None
    assert "ecr:DescribeRepositories" in x005.message and result.incomplete
