"""The command line: exit codes, formats, options, configuration errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BAD = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
GOOD = BAD.replace('"allow"', '"Allow"')


def iamlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iamlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(cwd)},
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # stops the config search here
    (tmp_path / "bad.json").write_text(BAD)
    (tmp_path / "good.json").write_text(GOOD)
    return tmp_path


def test_exit_1_with_findings_and_text_format(project: Path) -> None:
    run = iamlint("check", ".", cwd=project)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines()[0].startswith("bad.json:1:52: P003 error ")
    assert "1 finding" in run.stdout.splitlines()[-1]


def test_exit_0_when_clean(project: Path) -> None:
    run = iamlint("check", "good.json", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr


def test_exit_3_without_input(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert iamlint("check", ".", cwd=tmp_path).returncode == 3
    run = iamlint("check", "missing.json", cwd=tmp_path)
    assert run.returncode == 3 and "no such file" in run.stderr


def test_exit_2_on_usage_and_config_errors(project: Path) -> None:
    assert iamlint("check", "--format", "xml", ".", cwd=project).returncode == 2
    assert iamlint("check", "--fail-on", "fatal", ".", cwd=project).returncode == 2
    (project / ".iamlint.yaml").write_text("select: [P]\nselekt: [T]\n")
    run = iamlint("check", ".", cwd=project)
    assert run.returncode == 2
    assert ".iamlint.yaml:2" in run.stderr and "selekt" in run.stderr
    assert "Traceback" not in run.stderr


def test_fail_on_error_ignores_warnings_and_select(project: Path) -> None:
    run = iamlint("check", ".", "--fail-on", "error", "--ignore", "P", cwd=project)
    assert run.returncode == 0
    run = iamlint("check", ".", "--select", "X", cwd=project)
    assert run.returncode == 0 and "P003" not in run.stdout


def test_json_output_shape(project: Path) -> None:
    run = iamlint("check", ".", "--format", "json", cwd=project)
    data = json.loads(run.stdout)
    assert data["version"] == 1 and data["tool"]["name"] == "iamlint"
    (finding,) = data["findings"]
    assert {
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "related",
        "fingerprint",
    } <= set(finding)
    assert finding["file"] == "bad.json" and finding["line"] == 1
    assert data["summary"]["files"] == 2 and data["summary"]["errors"] == 1


def test_output_file_and_quiet(project: Path) -> None:
    run = iamlint("check", ".", "-q", "--output", "out.sarif", "--format", "sarif", cwd=project)
    assert run.returncode == 1 and run.stdout == ""
    sarif = json.loads((project / "out.sarif").read_text())
    assert sarif["version"] == "2.1.0"


def test_github_format(project: Path) -> None:
    run = iamlint("check", ".", "--format", "github", cwd=project)
    assert run.stdout.startswith("::error file=bad.json,line=1,col=52")


def test_baseline_round_trip(project: Path) -> None:
    assert iamlint("check", ".", "--write-baseline", "base.json", cwd=project).returncode == 0
    assert iamlint("check", ".", "--baseline", "base.json", cwd=project).returncode == 0
    (project / "bad.json").write_text(GOOD)
    run = iamlint("check", ".", "--baseline", "base.json", cwd=project)
    assert "X007" in run.stdout  # the entry no longer matches anything


def test_inline_suppression_in_yaml(project: Path) -> None:
    (project / "bad.json").unlink()
    (project / "trust.yaml").write_text(
        "Version: '2012-10-17'\nStatement:\n  # iamlint: ignore[P003] legacy file, tracked in JIRA-1\n"
        "  - Effect: allow\n    Principal: {Service: ecs-tasks.amazonaws.com}\n    Action: sts:AssumeRole\n"
    )
    run = iamlint("check", "trust.yaml", "--select", "P003", cwd=project)
    assert run.returncode == 0, run.stdout


def test_rules_explain_version(project: Path) -> None:
    rules = iamlint("rules", cwd=project)
    assert rules.returncode == 0 and "P003" in rules.stdout and "invalid-effect" in rules.stdout
    explain = iamlint("explain", "p003", cwd=project)
    assert explain.returncode == 0 and "## Fix" in explain.stdout
    assert iamlint("explain", "Z999", cwd=project).returncode == 2
    version = iamlint("--version", cwd=project)
    assert version.returncode == 0 and "AWS data:" in version.stdout


def test_kube_context_without_a_kubeconfig_is_a_one_line_usage_error(project: Path) -> None:
    run = iamlint("scan", "--aws", "--kube-context", "prod", cwd=project)
    assert run.returncode == 2 and "kubeconfig: no file found" in run.stderr
    assert run.stderr.strip().count("\n") == 0


def test_check_aws_reads_nothing_when_the_files_reference_nothing(project: Path) -> None:
    """No role, provider, repository or cluster to resolve: no AWS session is even made,
    so a profile that does not exist is never looked up (live tests: tests/live)."""
    run = iamlint("check", "--aws", "--profile", "iamlint-no-such-profile", cwd=project)
    assert run.returncode == 1 and "bad.json" in run.stdout and run.stderr == ""


def test_changed_only_reports_only_named_files(project: Path) -> None:
    run = iamlint("check", "--changed-only", "good.json", cwd=project)
    assert run.returncode == 0, run.stdout
    run = iamlint("check", "--changed-only", "bad.json", cwd=project)
    assert run.returncode == 1 and "bad.json" in run.stdout
