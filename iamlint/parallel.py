"""Run independent pieces of one lint on several CPU cores, with `fork`.

Reading and parsing files, and running the rules, are the two halves of a large run
(`bench/`). Both split into tasks that share nothing while they run: shards of files, and
groups of rules over the finished model. `run_forked(tasks)` runs the first task in this
process and each other task in a forked child, which inherits everything already loaded
(the model, the rule modules) without copying it, and sends back its result pickled
through a pipe. Results come back in task order, so output does not depend on `jobs`.

A child that fails in any way (an exception, a signal, a result that does not unpickle)
costs nothing but time: this process runs that task itself, so a broken child can never
lose findings or change them. Forking is used only where it is safe and cheap: on Linux,
with no other thread running (a lock held by another thread at fork time would never be
released in the child), and only when there is enough work to pay for a process.
"""

from __future__ import annotations

import contextlib
import os
import sys

TYPE_CHECKING = False  # typing costs start-up time; only type checkers need it
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

MAX_AUTO_JOBS = 4  # more processes than this buys little: the parent's serial part remains
_FAILED = b"\x00iamlint-child-failed"


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def choose_jobs(requested: int | None, work: int, minimum_work: int) -> int:
    """How many processes to use: `requested` (0 or None means automatic), never more than
    there are work items, and 1 when forking is not available or not worth it."""
    if not can_fork():
        return 1
    if requested is None or requested <= 0:
        if work < minimum_work:
            return 1
        requested = min(available_cores(), MAX_AUTO_JOBS)
    return max(1, min(requested, work))


def can_fork() -> bool:
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    import threading

    return threading.active_count() == 1


def run_forked(tasks: Sequence[Callable[[], Any]]) -> list[Any]:
    """Each task's result, in order: the first task runs here, the others in children."""
    if not tasks:
        return []
    with Workers(tasks[1:]) as workers:
        first = tasks[0]()
        return [first, *(workers.result(index) for index in range(len(tasks) - 1))]


class Workers:
    """Tasks started in forked children at once, their results collected on demand, so
    that this process can do its own share of the work in between:

        with Workers(tasks) as workers:
            ...                      # this process's work, while the children run
            workers.result(0)        # the first task's result (waits for it)

    Without `fork` (or with other threads running) `result` runs the task here."""

    def __init__(self, tasks: Sequence[Callable[[], Any]]) -> None:
        import pickle  # noqa: F401 - imported here, so that no child has to import it

        self.tasks = list(tasks)
        forking = len(self.tasks) > 0 and can_fork()
        self.children = [_start_child(task) if forking else None for task in self.tasks]

    def result(self, index: int) -> Any:
        import pickle

        # the child stays listed: interrupted while collecting, __exit__ still reaps it
        return _result_of(self.children[index], self.tasks[index], pickle.loads)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for child in self.children:
            _reap(child)


def _result_of(child: _Child | None, task: Callable[[], Any], loads: Callable[[bytes], Any]) -> Any:
    payload = _collect(child)
    if payload is not None:
        try:
            return loads(payload)
        except Exception:  # a damaged payload: redo the task here
            pass
    return task()


class _Child:
    __slots__ = ("pid", "reader", "reaped")

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self.reader = reader
        self.reaped = False


def _start_child(task: Callable[[], Any]) -> _Child | None:
    """Fork a child that runs `task`; None when the fork itself fails (the task then runs
    here). Buffered output is flushed first so that no child can repeat it."""
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: never returns into the caller's code
        os.close(reader)
        _child_main(task, writer)
    os.close(writer)
    return _Child(pid, reader)


def _child_main(task: Callable[[], Any], writer: int) -> None:
    status = 1
    try:
        import pickle

        payload = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    except BaseException:  # anything at all: the parent redoes the task
        payload = _FAILED
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(writer, view) :]
    except BaseException:  # the parent sees a short payload and redoes it
        status = 1
    finally:
        os._exit(status)  # no atexit handlers, no flushing of buffers copied from the parent


def _collect(child: _Child | None) -> bytes | None:
    """The child's pickled result, or None when it did not deliver one."""
    if child is None:
        return None
    chunks = []
    try:
        while chunk := os.read(child.reader, 1 << 20):
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        _close_reader(child)
    _, status = os.waitpid(child.pid, 0)
    child.reaped = True
    payload = b"".join(chunks)
    if status != 0 or not payload or payload == _FAILED:
        return None
    return payload


def _reap(child: _Child | None) -> None:
    """After an interruption: stop a child that is still running and wait for it."""
    if child is None or child.reaped:
        return
    import signal

    with contextlib.suppress(OSError):
        os.kill(child.pid, signal.SIGKILL)
    _close_reader(child)
    with contextlib.suppress(OSError):
        os.waitpid(child.pid, 0)
    child.reaped = True


def _close_reader(child: _Child) -> None:
    if child.reader >= 0:
        reader, child.reader = child.reader, -1  # never close a number reused since
        os.close(reader)
