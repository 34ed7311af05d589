"""Baselines: record today's findings so that only new ones are reported.

The file is JSON, one entry per finding (an entry repeats when identical findings occur
several times, so matching keeps multiplicity), sorted by fingerprint:

    {"version": 1, "tool": {"name": "iamlint", "version": "0.1.0"},
     "entries": [{"fingerprint": "...", "rule": "I001", "file": "...",
                  "resource": "...", "message": "..."}]}

Only `fingerprint` is used for matching (see `Finding.fingerprint`: rule, resource, file
and message, no line numbers); the other fields are for the humans reviewing the diff.
X007 findings (unused suppressions, stale baseline entries) are never written: a baseline
that hid its own staleness would never shrink.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from iamlint.config import ConfigError
from iamlint.finding import Finding
from iamlint.record import field, record

BASELINE_VERSION = 1
UNBASELINABLE = frozenset({"X007"})
_FINGERPRINT_LINE = re.compile(r'"fingerprint"\s*:\s*"([^"]+)"')


@record(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str = ""
    file: str = ""
    resource: str = ""
    message: str = ""
    line: int | None = None  # where the entry sits in the baseline file
    column: int | None = None


@record
class Baseline:
    path: str  # as the user named it: stale entries are reported there
    entries: list[BaselineEntry] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(entry.fingerprint for entry in self.entries)


def write_baseline(path: str | Path, findings: Iterable[Finding]) -> int:
    """Write the baseline of `findings` (atomically); returns the number of entries."""
    from iamlint import report
    from iamlint.report import common as report_common

    entries = sorted(
        (_entry_json(f) for f in findings if f.rule not in UNBASELINABLE),
        key=lambda e: (e["fingerprint"], e["rule"], e["file"], e["resource"], e["message"]),
    )
    document = {"version": BASELINE_VERSION, "tool": report.tool_info(), "entries": entries}
    # one entry per line: baseline changes review as clean diffs
    text = report_common.dump_json(document, one_line_items=("entries",))
    _write_atomically(Path(path), text)
    return len(entries)


def _entry_json(finding: Finding) -> dict[str, str]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "file": finding.location.file,
        "resource": finding.resource,
        "message": finding.message,
    }


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".iamlint-baseline-", dir=directory)
    except OSError as error:
        raise ConfigError(f"{path}: cannot write baseline: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write baseline: {error.strerror or error}") from None


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline written by `write_baseline`; ConfigError with one line if it is bad."""
    shown = str(path).replace(os.sep, "/")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(f"{shown}: cannot read baseline: {reason}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{shown}:{error.lineno}:{error.colno}: invalid baseline JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid baseline JSON: nested too deeply") from None
    return Baseline(shown, _entries(document, shown, _fingerprint_lines(text)))


def _entries(
    document: object, shown: str, lines: dict[str, list[tuple[int, int]]]
) -> list[BaselineEntry]:
    expected = "expected {\"version\": 1, \"entries\": [...]} written by --write-baseline"
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ConfigError(f"{shown}: not an iamlint baseline ({expected})")
    version = document.get("version")
    if version != BASELINE_VERSION:
        raise ConfigError(
            f"{shown}: unsupported baseline version {version!r} (this iamlint reads version "
            f"{BASELINE_VERSION}); regenerate it with --write-baseline"
        )
    entries = []
    seen: Counter[str] = Counter()
    for index, raw in enumerate(document["entries"]):
        fingerprint = raw.get("fingerprint") if isinstance(raw, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise ConfigError(f"{shown}: entry {index} has no \"fingerprint\" string")
        occurrences = lines.get(fingerprint, [])
        nth = seen[fingerprint]
        line, column = occurrences[nth] if nth < len(occurrences) else (None, None)
        seen[fingerprint] += 1
        entries.append(
            BaselineEntry(
                fingerprint,
                rule=_text(raw.get("rule")),
                file=_text(raw.get("file")),
                resource=_text(raw.get("resource")),
                message=_text(raw.get("message")),
                line=line,
                column=column,
            )
        )
    return entries


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _fingerprint_lines(text: str) -> dict[str, list[tuple[int, int]]]:
    """(line, column) of each fingerprint, in file order (for locating stale entries)."""
    lines: dict[str, list[tuple[int, int]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _FINGERPRINT_LINE.finditer(line):
            lines.setdefault(match.group(1), []).append((number, match.start() + 1))
    return lines
