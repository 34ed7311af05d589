"""The default format: `path:line:col: ID severity message`, related lines, a summary."""

from __future__ import annotations

from iamlint.finding import Finding, Severity
from iamlint.report.common import ordered, printable, where
from iamlint.result import Result

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
SEVERITY_COLOURS = {
    Severity.ERROR: "\x1b[31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}


def render_text(result: Result, *, color: bool = False, quiet: bool = False) -> str:
    paint = _Paint(color)
    lines: list[str] = []
    for finding in ordered(result.findings):
        lines.append(_finding_line(finding, paint))
        lines.extend(_related_line(related.location, related.message, paint)
                     for related in finding.related)
        if finding.fixes and not quiet:
            lines.append(f"  {paint(DIM, 'fix:')} {printable(finding.fixes[0].description)}")
    if not quiet:
        lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)


def _finding_line(finding: Finding, paint: _Paint) -> str:
    place = paint(BOLD, printable(where(finding.location)))
    severity = finding.severity
    rule = paint(BOLD + SEVERITY_COLOURS[severity], finding.rule)
    label = paint(SEVERITY_COLOURS[severity], severity.label)
    return f"{place}: {rule} {label} {printable(finding.message)}"


def _related_line(location, message: str, paint: _Paint) -> str:  # type: ignore[no-untyped-def]
    place = paint(DIM, printable(where(location)))
    return f"  {place}: note: {printable(message)}"


def _scope(result: Result) -> str:
    """`12 files`, `1,206 live objects`, or both (`check --aws`)."""
    files = _plural(result.files, "file")
    if not result.live_objects:
        return files
    live = f"{result.live_objects} live object{'' if result.live_objects == 1 else 's'}"
    return f"{files} and {live}" if result.files else live


def summary_line(result: Result) -> str:
    """`Found 3 findings (2 errors, 1 warning, 0 info) in 12 files; 1 suppressed.`"""
    files = _scope(result)
    tail = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    if result.incomplete:
        tail += "; incomplete: live reads failed (X005)"
    if not result.findings:
        return f"No findings in {files}{tail}."
    counts = ", ".join(
        (
            _plural(result.count(Severity.ERROR), "error"),
            _plural(result.count(Severity.WARNING), "warning"),
            f"{result.count(Severity.INFO)} info",
        )
    )
    return f"Found {_plural(len(result.findings), 'finding')} ({counts}) in {files}{tail}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{style}{text}{RESET}" if self.enabled else text
