"""Forked workers (`iamlint.parallel`, `--jobs`): same output as one process, and a child
that fails in any way is redone by the parent instead of losing or changing findings."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
import threading
from pathlib import Path

import pytest

from iamlint import parallel
from iamlint.api import LintOptions, lint
from iamlint.config import Config
from iamlint.load import SourceFile, load_text
from iamlint.report import render

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="iamlint forks on Linux only"
)


@pytest.fixture(autouse=True)
def single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """iamlint does not fork while other threads run; in this test session the live-mode
    tests leave an idle moto server thread behind. The children here only run the task."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def in_child() -> bool:
    return os.getpid() != PARENT


PARENT = os.getpid()


def test_results_come_back_in_task_order_from_children() -> None:
    tasks = [lambda i=i: (i, os.getpid()) for i in range(4)]
    results = parallel.run_forked(tasks)
    assert [index for index, _ in results] == [0, 1, 2, 3]
    pids = [pid for _, pid in results]
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 4  # three children, each its own process


def fails_in_child() -> str:
    if in_child():
        raise RuntimeError("only the child fails")
    return "redone by the parent"


def killed_in_child() -> str:
    if in_child():
        os.kill(os.getpid(), signal.SIGKILL)
    return "redone by the parent"


def unpicklable_in_child() -> object:
    if in_child():
        return lambda: None  # pickling the result fails in the child
    return "redone by the parent"


@pytest.mark.parametrize("task", [fails_in_child, killed_in_child, unpicklable_in_child])
def test_a_failing_child_is_redone_by_the_parent(task) -> None:  # type: ignore[no-untyped-def]
    assert parallel.run_forked([lambda: "first", task]) == ["first", "redone by the parent"]


def test_a_damaged_payload_is_redone_by_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    def truncated(data: bytes) -> object:
        return pickle.loads(data[:-3])

    monkeypatch.setattr(pickle, "loads", truncated)
    assert parallel.run_forked([lambda: 1, lambda: 2]) == [1, 2]


def test_no_fork_off_linux_or_with_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.choose_jobs(2, 100, 1) == 2
    assert parallel.choose_jobs(8, 3, 1) == 3  # never more processes than work items
    assert parallel.choose_jobs(0, 10, 1000) == 1  # automatic: too little work to fork
    assert parallel.choose_jobs(None, 10, 1000) == 1
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # another thread runs
    assert parallel.choose_jobs(2, 100, 1) == 1
    assert parallel.run_forked([os.getpid, os.getpid]) == [os.getpid()] * 2
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert parallel.choose_jobs(2, 100, 1) == 1
    assert parallel.run_forked([os.getpid, os.getpid]) == [os.getpid()] * 2


def lint_json(paths: list[str], jobs: int) -> dict:  # type: ignore[type-arg]
    result = lint(paths, Config(), LintOptions(jobs=jobs, all_rules=True))
    return json.loads(render(result, "json"))


def test_two_processes_give_the_same_findings_and_positions(tmp_path: Path) -> None:
    # YAML findings away from line 1: a child-loaded YAML file resolves positions again
    many = tmp_path / "many"
    many.mkdir()
    for index in range(12):
        (many / f"sa-{index}.yaml").write_text(
            "# padding\n" * index
            + "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            + f"  name: app-{index}\n  namespace: apps\n  annotations:\n"
            + "    eks.amazonaws.com/role-arn: arn:aws:iam::11112222333:role/short-account-"
            + f"{index}\n",
            encoding="utf-8",
        )
    paths = [str(EXAMPLES), str(many)]
    one = lint_json(paths, jobs=1)
    two = lint_json(paths, jobs=2)
    three = lint_json(paths, jobs=3)
    lines = {
        f["file"].rsplit("/", 1)[-1]: f["line"] for f in one["findings"] if f["rule"] == "K001"
    }
    assert {name: lines[name] for name in lines if name.startswith("sa-")} == {
        f"sa-{index}.yaml": index + 7 for index in range(12)
    }
    assert two == one
    assert three == one


def test_a_yaml_document_sent_to_another_process_resolves_the_same_spans() -> None:
    text = "a: 1\n---\n# c\nb:\n  c: [x, y]\n  d: &anchor {e: f}\n  g: *anchor\n"
    documents = load_text(SourceFile("f.yaml", text))
    copies = pickle.loads(pickle.dumps(documents))
    paths = [("b",), ("b", "c", 1), ("b", "g", "e"), ("nope",)]
    for original, copy in zip(documents, copies, strict=True):
        assert copy.data == original.data
        for path in paths:
            for key in (False, True):
                assert copy.span(path, key) == original.span(path, key)


def test_cli_jobs_option_reaches_the_run(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from iamlint.cli import app

    runner = CliRunner()
    one = runner.invoke(app, ["check", "--format", "json", "-j", "1", str(EXAMPLES)])
    two = runner.invoke(app, ["check", "--format", "json", "--jobs", "2", str(EXAMPLES)])
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    bad = runner.invoke(app, ["check", "-j", "-1", str(EXAMPLES)])
    assert bad.exit_code == 2
