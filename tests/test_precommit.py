"""The pre-commit hooks, through real `pre-commit try-repo` in a consumer git repository.

pre-commit installs iamlint into an environment of its own with pip. Tests make no
network calls, so pip is pointed at the wheels `.ci/run` downloads beforehand
(`.ci/wheelhouse`), with the index disabled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WHEELHOUSE = REPO / ".ci" / "wheelhouse"

BAD_TRUST = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                 "Action": "sts:AssumeRole"}]
}
"""
GOOD_TRUST = BAD_TRUST.replace('"allow"', '"Allow"')


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not WHEELHOUSE.is_dir():
        pytest.skip(
            "no .ci/wheelhouse: run `bash .ci/run` (it downloads the wheels this test installs offline)"
        )
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = dict(os.environ)
    env.update(
        PRE_COMMIT_HOME=str(home),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return env


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    repo = tmp_path / "consumer"
    (repo / "roles").mkdir(parents=True)
    (repo / "roles" / "bad-trust.json").write_text(BAD_TRUST)
    (repo / "roles" / "good-trust.json").write_text(GOOD_TRUST)
    (repo / "notes.txt").write_text("not linted\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    return repo


def try_repo(
    consumer: Path, env: dict[str, str], hook: str, *args: str
) -> subprocess.CompletedProcess[str]:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    return subprocess.run(
        [pre_commit, "try-repo", str(REPO), hook, "--verbose", *args],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_iamlint_hook_reports_changed_files(consumer: Path, pre_commit_env: dict[str, str]) -> None:
    run = try_repo(consumer, pre_commit_env, "iamlint", "--files", "roles/bad-trust.json")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "roles/bad-trust.json:3:" in output and "P003" in output


def test_iamlint_hook_passes_on_a_clean_file(
    consumer: Path, pre_commit_env: dict[str, str]
) -> None:
    run = try_repo(consumer, pre_commit_env, "iamlint", "--files", "roles/good-trust.json")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "P003" not in output


def test_iamlint_all_hook_lints_the_repository(
    consumer: Path, pre_commit_env: dict[str, str]
) -> None:
    run = try_repo(consumer, pre_commit_env, "iamlint-all", "--all-files")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "roles/bad-trust.json" in output and "P003" in output
