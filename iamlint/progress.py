"""A one-line progress indicator on stderr for long runs.

Drawn only when the stream is a terminal and the caller enabled it (`--no-progress`, `-q`
disable it); it redraws in place with `\\r` at most `MIN_INTERVAL` apart, appears only once
`delay` seconds have passed (short runs print nothing), and clears its line on close.
Disabled, every method returns at once: no imports, no clock reads.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False  # typing itself costs start-up time; only type checkers need it
if TYPE_CHECKING:
    from typing import TextIO

MIN_INTERVAL = 0.1  # seconds between redraws: at most ~10 per second
BAR_WIDTH = 24


class Progress:
    """`with Progress("linting", total=n) as bar: ... bar.advance()`."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        enabled: bool = True,
        *,
        stream: TextIO | None = None,
        delay: float = 0.5,
    ) -> None:
        self.label = label
        self.total = total
        self.count = 0
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = enabled and _is_terminal(self._stream)
        self._start = time.monotonic() if self._enabled else 0.0
        self._delay = delay
        self._last_draw = 0.0
        self._drawn_width = 0

    @property
    def enabled(self) -> bool:
        return self._enabled

    def advance(self, n: int = 1) -> None:
        self.count += n
        if not self._enabled:
            return
        now = time.monotonic()
        if now - self._start < self._delay or now - self._last_draw < MIN_INTERVAL:
            return
        self._last_draw = now
        self._draw(self._line())

    def close(self) -> None:
        """Clear the line (if anything was drawn); further calls draw nothing."""
        if self._enabled and self._drawn_width:
            self._write("\r" + " " * self._drawn_width + "\r")
        self._enabled = False
        self._drawn_width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _line(self) -> str:
        if not self.total:
            return f"{self.label}: {self.count}"
        done = min(self.count, self.total)
        filled = BAR_WIDTH * done // self.total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return f"{self.label} [{bar}] {done}/{self.total}"

    def _draw(self, line: str) -> None:
        width = _terminal_width(self._stream)
        line = line[: max(width - 1, 0)]
        padding = " " * max(self._drawn_width - len(line), 0)
        self._write("\r" + line + padding)
        self._drawn_width = len(line)

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # closed or broken terminal: stop drawing
            self._enabled = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _terminal_width(stream: TextIO) -> int:
    import os  # already loaded by the interpreter: no start-up cost

    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80
