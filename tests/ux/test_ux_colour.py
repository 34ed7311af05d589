"""Colour of the text report: on a terminal only, NO_COLOR honoured, FORCE_COLOR for pipes,
never into `--output` files."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:*"}]}\n'
ESC = "\x1b["


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "policy.json").write_text(POLICY)
    return tmp_path


def _env(project: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(project), **extra}


def stdout_on_terminal(project: Path, *args: str, **env: str) -> str:
    """The report as written to a pseudo-terminal (the pty turns `\\n` into `\\r\\n`)."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "iamlint", "check", ".", "--no-progress", *args],
        cwd=project,
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=_env(project, **env),
    )
    os.close(slave)
    data = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                data += chunk
            elif process.poll() is not None:
                break
    finally:
        process.wait(timeout=120)
        os.close(master)
    return data.decode("utf-8").replace("\r\n", "\n")


def stdout_on_pipe(project: Path, *args: str, **env: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "iamlint", "check", ".", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(project, **env),
        timeout=120,
    )
    return run.stdout


def test_colour_on_a_terminal(project: Path) -> None:
    out = stdout_on_terminal(project)
    assert f"{ESC}31m" in out  # the error severity in red
    assert "P003" in out and out.rstrip().endswith("in 1 file.")


@pytest.mark.parametrize("value", ["1", "true", "0"])  # any non-empty value (no-color.org)
def test_no_color_on_a_terminal(project: Path, value: str) -> None:
    out = stdout_on_terminal(project, NO_COLOR=value)
    assert ESC not in out and "P003 error" in out


def test_empty_no_color_is_unset(project: Path) -> None:
    assert ESC in stdout_on_terminal(project, NO_COLOR="")


def test_no_colour_into_a_pipe_unless_forced(project: Path) -> None:
    assert ESC not in stdout_on_pipe(project)
    assert f"{ESC}31m" in stdout_on_pipe(project, FORCE_COLOR="1")
    assert ESC not in stdout_on_pipe(project, FORCE_COLOR="1", NO_COLOR="1")


def test_never_colour_into_an_output_file(project: Path) -> None:
    stdout_on_terminal(project, "--output", "report.txt", FORCE_COLOR="1")
    report = (project / "report.txt").read_text()
    assert ESC not in report and "P003 error" in report


def test_other_formats_never_colour(project: Path) -> None:
    out = stdout_on_terminal(project, "--format", "json")
    assert ESC not in out and '"rule": "P003"' in out
