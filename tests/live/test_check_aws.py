"""`iamlint check PATHS --aws` against a real moto server: files first, then only the objects
they reference but do not define are read from the account, and all is linted together."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from live_faults import count_requests
from moto_account import ACCOUNT, ISSUER, PROVIDER_ARN, REGION, _create_account, _document
from typer.testing import CliRunner

from iamlint.api import LintOptions, lint
from iamlint.cli import app
from iamlint.config import Config
from iamlint.sources.aws_resolve import resolve_live

APP_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
GHOST_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ghost"
PARTNER_ROLE_ARN = "arn:aws:iam::999999999999:role/partner"
CHART = f"""\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: {APP_ROLE_ARN}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ghost
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: {GHOST_ROLE_ARN}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: partner
  namespace: prod
  annotations:
    eks.amazonaws.com/role-arn: {PARTNER_ROLE_ARN}
"""


@pytest.fixture
def chart(account: str, tmp_path: Path) -> Path:
    """The chart's ServiceAccounts; in the account, role `app` trusts namespace `staging`
    (a wrong namespace), `ghost` does not exist and `partner` is in another account."""
    boto3.client("iam").create_role(
        RoleName="app",
        AssumeRolePolicyDocument=_document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:staging:app",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ),
    )
    path = tmp_path / "chart" / "sa.yaml"
    path.parent.mkdir()
    path.write_text(CHART, "utf-8")
    return path


@pytest.fixture
def aws_managed_policies(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The moto account with AWS managed policies loaded (for this test only: slow). The
    server runs in this process and reads the setting when a reset rebuilds its backends."""
    import requests

    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    requests.post(f"{aws}/moto-api/reset", timeout=10)
    _create_account()
    yield aws
    monkeypatch.delenv("MOTO_IAM_LOAD_MANAGED_POLICIES")
    requests.post(f"{aws}/moto-api/reset", timeout=10)


def _check(*args: str) -> tuple[int, list[dict[str, Any]]]:
    outcome = CliRunner().invoke(app, ["check", *args, "--format", "json"])
    assert outcome.exit_code in (0, 1), outcome.output
    return outcome.exit_code, json.loads(outcome.stdout)["findings"]


def _by_resource(findings: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in findings:
        found.setdefault(item["resource"], []).append(item["rule"])
    return found


def test_without_aws_the_roles_are_unresolved(chart: Path) -> None:
    code, findings = _check(str(chart))
    assert code == 0
    assert {f["rule"] for f in findings} == {"X006"}
    assert {f["resource"] for f in findings} == {APP_ROLE_ARN, GHOST_ROLE_ARN, PARTNER_ROLE_ARN}


def test_aws_reads_the_referenced_roles_and_lints_them_with_the_files(chart: Path) -> None:
    code, findings = _check(str(chart), "--aws")
    assert code == 1
    [wrong_namespace] = [f for f in findings if f["rule"] == "I001"]
    assert wrong_namespace["file"] == str(chart) and wrong_namespace["line"] == 7
    assert "`staging` vs `prod`" in wrong_namespace["message"]
    related = wrong_namespace["related"]
    assert [r["file"] for r in related] == [APP_ROLE_ARN] and related[0]["line"] is None
    [missing] = [f for f in findings if f["rule"] == "I006"]
    assert missing["resource"] == "ServiceAccount prod/ghost"
    assert f"does not exist in account {ACCOUNT}: `iam:GetRole`" in missing["message"]
    [other_account] = [f for f in findings if f["resource"] == PARTNER_ROLE_ARN]
    assert other_account["rule"] == "X006"
    assert (
        f"not in the scanned inputs nor in the account --aws read ({ACCOUNT})"
        in (other_account["message"])
    )


def test_only_referenced_objects_of_the_callers_account_are_read(chart: Path) -> None:
    session = boto3.session.Session()
    get_role = count_requests(session, "iam", "GetRole")
    full_scan = count_requests(session, "iam", "GetAccountAuthorizationDetails")
    repositories = count_requests(session, "ecr", "DescribeRepositories")
    read = resolve_live([str(chart)], Config(), session=session)
    assert get_role[0] == 2  # app and ghost; partner is in another account
    assert full_scan[0] == repositories[0] == 0
    sources = {d.source for d in read.documents}
    assert APP_ROLE_ARN in sources and PROVIDER_ARN in sources
    assert not any("irsa-any-sa" in s or "nodes-without-pull" in s for s in sources)
    assert read.absent == {GHOST_ROLE_ARN}


def test_attached_customer_policies_are_read_and_aws_managed_ones_are_not(
    aws_managed_policies: str, tmp_path: Path
) -> None:
    iam = boto3.client("iam")
    iam.attach_role_policy(
        RoleName="nodes-without-pull",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    )
    chart = tmp_path / "nodegroup.json"
    chart.write_text(
        json.dumps(
            {
                "nodegroup": {
                    "clusterName": "prod",
                    "nodegroupName": "workers",
                    "nodeRole": f"arn:aws:iam::{ACCOUNT}:role/nodes-without-pull",
                }
            }
        ),
        "utf-8",
    )
    session = boto3.session.Session()
    versions = count_requests(session, "iam", "GetPolicyVersion")
    read = resolve_live([str(chart)], Config(), session=session)
    assert versions[0] == 1  # logs-only; the AWS managed policy is shipped data
    role = next(d.data["Role"] for d in read.documents if d.source.endswith("nodes-without-pull"))
    assert {p["PolicyName"] for p in role["AttachedManagedPolicies"]} == {
        "logs-only",
        "AmazonEC2ContainerRegistryReadOnly",
    }
    assert role["RolePolicyList"] == []
    sources = {d.source for d in read.documents}
    assert f"arn:aws:iam::{ACCOUNT}:policy/logs-only" in sources
    assert f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/prod" in sources  # its issuer
    options = LintOptions(extra_documents=[(d.source, d.data) for d in read.documents])
    result = lint([str(chart)], Config(), options)
    assert "E001" not in {f.rule for f in result.findings}  # the managed policy allows pulls


def test_a_denied_lookup_is_x005_and_the_result_incomplete(
    chart: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from live_faults import ErrorServer

    with ErrorServer("query", "AccessDenied", status=403) as iam:
        monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", iam.url)
        outcome = CliRunner().invoke(app, ["check", str(chart), "--aws"])
    assert outcome.exit_code == 1
    assert "denied (AccessDenied); grant iam:GetRole" in outcome.stdout
    assert outcome.stdout.splitlines()[-1].endswith("incomplete: live reads failed (X005).")
    assert "I006" not in outcome.stdout  # not found is not the same as not allowed to look


def test_files_that_reference_nothing_make_no_call(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")  # a call would fail for want of credentials
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    policy = tmp_path / "policy.json"
    policy.write_text(
        _document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}), "utf-8"
    )
    outcome = CliRunner().invoke(app, ["check", str(policy), "--aws"])
    assert outcome.exit_code == 0, outcome.output


def test_no_credentials_is_a_one_line_error(chart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    outcome = CliRunner().invoke(app, ["check", str(chart), "--aws"])
    assert outcome.exit_code == 2
    assert "no AWS credentials" in outcome.output and outcome.output.strip().count("\n") == 0


def test_repository_policies_of_images_in_this_account_are_read(
    account: str, tmp_path: Path
) -> None:
    """The image from this account's `app` repository: its (public) policy is read and
    linted (E004); the image of another account's registry is not looked up."""
    deployment = tmp_path / "deployment.yaml"
    deployment.write_text(
        f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: prod}}
spec:
  template:
    spec:
      containers:
        - name: web
          image: {ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:1
        - name: sidecar
          image: 999999999999.dkr.ecr.{REGION}.amazonaws.com/shared/proxy:2
""",
        "utf-8",
    )
    session = boto3.session.Session()
    policies = count_requests(session, "ecr", "GetRepositoryPolicy")
    read = resolve_live([str(deployment)], Config(), session=session)
    assert policies[0] == 1
    repository_arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app"
    assert [d.source for d in read.documents if ":repository/" in d.source] == [repository_arn]
    options = LintOptions(extra_documents=[(d.source, d.data) for d in read.documents])
    result = lint([str(deployment)], Config(), options)
    assert [f.location.file for f in result.findings if f.rule == "E004"] == [repository_arn]
