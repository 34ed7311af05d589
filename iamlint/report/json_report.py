"""`--format json`: one object, the shape documented in the interface (version 1)."""

from __future__ import annotations

from typing import Any

from iamlint.finding import Finding, Fix, Related
from iamlint.report import tool_info
from iamlint.report.common import dump_json, ordered, summary_counts
from iamlint.result import Result

JSON_VERSION = 1


def render_json(result: Result) -> str:
    document = {
        "version": JSON_VERSION,
        "tool": tool_info(),
        "findings": [finding_json(f) for f in ordered(result.findings)],
        "summary": summary_counts(result),
    }
    return dump_json(document, one_line_items=("findings",))


def finding_json(finding: Finding) -> dict[str, Any]:
    location = finding.location
    document = {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
        "resource": finding.resource,
        "related": [_related_json(r) for r in finding.related],
        "fingerprint": finding.fingerprint,
    }
    if finding.fixes:  # only then: the documented keys stay as they are
        document["fix"] = _fix_json(finding.fixes[0])
    return document


def _fix_json(fix: Fix) -> dict[str, Any]:
    return {
        "description": fix.description,
        "edits": [
            {
                "file": edit.file,
                "line": edit.line,
                "column": edit.column,
                "end_line": edit.end_line,
                "end_column": edit.end_column,
                "replacement": edit.replacement,
            }
            for edit in fix.edits
        ],
    }


def _related_json(related: Related) -> dict[str, Any]:
    location = related.location
    return {
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "message": related.message,
    }
