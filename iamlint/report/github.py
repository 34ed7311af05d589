"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
CR and LF are percent-encoded; in property values `:` and `,` are too.
"""

from __future__ import annotations

from iamlint.finding import Finding, Severity
from iamlint.report.common import has_position, ordered, where
from iamlint.result import Result

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(result: Result) -> str:
    return "".join(annotation(f) + "\n" for f in ordered(result.findings))


def annotation(finding: Finding) -> str:
    location = finding.location
    message = finding.message
    properties: list[tuple[str, int | str | None]] = []
    if has_position(location):
        properties += [
            ("file", location.file),
            ("line", location.line),
            ("col", location.column),
            ("endLine", location.end_line),
            ("endColumn", location.end_column),
        ]
    else:
        message = f"{location.file}: {message}"
    properties.append(("title", finding.rule))
    for related in finding.related:
        message += f"\n{where(related.location)}: {related.message}"
    rendered = ",".join(
        f"{name}={escape_property(str(value))}" for name, value in properties if value is not None
    )
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
