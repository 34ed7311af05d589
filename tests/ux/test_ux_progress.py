"""The progress indicator: drawn on a terminal only, rate-limited, cleared, silent otherwise."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iamlint.progress import Progress

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def read_all(fd: int, until_exit: subprocess.Popen[bytes] | None = None) -> bytes:
    """Everything written to the pty master, until the writer is gone."""
    data = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the slave side is closed
                break
            if not chunk:
                break
            data += chunk
        elif until_exit is None or until_exit.poll() is not None:
            break
    return data


def draw_on_terminal(advances: int, pause: float, **options: object) -> bytes:
    master, slave = os.openpty()
    stream = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
    options.setdefault("total", advances)
    try:
        with Progress("linting", stream=stream, **options) as bar:  # type: ignore[arg-type]
            for _ in range(advances):
                bar.advance()
                time.sleep(pause)
    finally:
        stream.close()
    try:
        return read_all(master)
    finally:
        os.close(master)


def test_draws_in_place_and_clears_its_line() -> None:
    output = draw_on_terminal(20, 0.02, delay=0).decode()
    frames = [frame for frame in output.split("\r") if frame.strip()]
    assert frames and all(frame.startswith("linting [") for frame in frames)
    assert "/20" in frames[-1]
    assert output.endswith("\r") and output.split("\r")[-2].strip() == ""  # line cleared
    assert "\n" not in output


def test_redraws_at_most_ten_times_a_second() -> None:
    started = time.monotonic()
    output = draw_on_terminal(5000, 0, delay=0).decode()
    elapsed = time.monotonic() - started
    frames = [frame for frame in output.split("\r") if frame.strip()]
    assert 1 <= len(frames) <= elapsed * 10 + 2


def test_nothing_before_the_delay() -> None:
    assert draw_on_terminal(5, 0, delay=10) == b""


def test_disabled_or_not_a_terminal_writes_nothing() -> None:
    assert draw_on_terminal(5, 0, delay=0, enabled=False) == b""
    stream = io.StringIO()
    with Progress("linting", total=3, stream=stream, delay=0) as bar:
        bar.advance(3)
    assert stream.getvalue() == "" and bar.count == 3 and not bar.enabled


def test_unknown_total_shows_a_count() -> None:
    output = draw_on_terminal(3, 0.15, delay=0, total=None).decode()
    assert "linting: 1" in output


@pytest.fixture(scope="module")
def slow_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough input that `check` runs well over the half second before the bar appears."""
    root = tmp_path_factory.mktemp("slow")
    (root / ".git").mkdir()
    accounts = [
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
        f"  name: sa{i}\n  namespace: ns{i % 50}\n  annotations:\n"
        f"    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/r{i}\n"
        for i in range(6000)
    ]
    (root / "accounts.yaml").write_text("---\n".join(accounts))
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}\n'
    for i in range(50):
        (root / f"policy{i}.json").write_text(policy)
    return root


def check_with_stderr_on_terminal(project: Path, *args: str) -> tuple[bytes, float]:
    """What `check` writes to a terminal on stderr, and how long it ran."""
    started = time.monotonic()
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "iamlint", "check", ".", *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)},
    )
    os.close(slave)
    try:
        output = read_all(master, until_exit=process)
    finally:
        process.wait(timeout=120)
        os.close(master)
    return output, time.monotonic() - started


def test_check_draws_progress_on_a_terminal(slow_project: Path) -> None:
    raw, elapsed = check_with_stderr_on_terminal(slow_project)
    if elapsed < 1.0:  # start-up included: the bar may not have had its half second
        pytest.skip(f"the run took {elapsed:.2f} s: too fast to show progress")
    output = raw.decode()
    frames = [frame for frame in output.split("\r") if frame.strip()]
    assert frames, "no progress drawn"
    assert all(frame.startswith("iamlint: ") for frame in frames)
    assert any("reading" in frame or "checking" in frame for frame in frames)
    assert output.endswith("\r")  # cleared before the report


@pytest.mark.parametrize("option", ["--no-progress", "-q"])
def test_check_progress_switched_off(slow_project: Path, option: str) -> None:
    assert b"\r" not in check_with_stderr_on_terminal(slow_project, option)[0]


def test_check_without_terminal_writes_no_progress(slow_project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "iamlint", "check", "."],
        cwd=slow_project,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(slow_project)},
        timeout=120,
    )
    assert run.returncode == 1
    assert b"\r" not in run.stderr and b"reading" not in run.stderr
