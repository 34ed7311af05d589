"""`--format sarif`: SARIF 2.1.0 (one run), as GitHub code scanning and IDEs read it.

Paths are relative URIs under `%SRCROOT%` (the directory iamlint ran from), percent-encoded
per RFC 3986; columns count Unicode code points (`columnKind`), as the loaders do. Live
objects (ARNs, `k8s://` URIs) have no file: they get a logical location instead.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from iamlint.finding import Edit, Finding, Fix, Location, Related, Severity
from iamlint.report import INFORMATION_URI, TOOL_NAME, version
from iamlint.report.common import dump_json, has_position, is_internal, ordered
from iamlint.result import Result
from iamlint.rules.registry import Registry, Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "iamlintFingerprint/v1"
HELP_URI = "https://github.com/iamlint/iamlint/blob/main/docs/rules/{id}.md"
PACK_MODULE_PREFIX = "iamlint.packs:"  # iamlint.packs.MODULE_PREFIX, without importing it
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "3.0"}
# RFC 3986 pchar minus ':' (a colon in a relative path's first segment would read as a scheme)
_SAFE = "/-._~!$&'()*+,;=@"


def render_sarif(result: Result, rules: Registry) -> str:
    findings = ordered(result.findings)
    rule_ids = sorted({f.rule for f in findings})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    descriptors = [_descriptor(rule_id, rules.get(rule_id), findings) for rule_id in rule_ids]
    run: dict[str, Any] = {
        "tool": {"driver": _driver(descriptors)},
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri()}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule]) for f in findings],
    }
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return dump_json(document, one_line_items=("results", "rules"))


def _driver(descriptors: list[dict[str, Any]]) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": version(),
        "semanticVersion": version(),
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    data = _data_info()
    if data:
        driver["properties"] = {"awsData": data}
    return driver


def _data_info() -> dict[str, str]:
    """Date and source of the shipped AWS data, when that module is present."""
    try:
        from iamlint.iam.catalogue import data_info
    except ImportError:
        return {}
    try:
        info = data_info()
    except (OSError, ValueError, KeyError):
        return {}
    return {str(k): str(v) for k, v in sorted(dict(info).items())}


def _root_uri() -> str:
    return Path(os.getcwd()).as_uri().rstrip("/") + "/"


# --- rules ------------------------------------------------------------------------------


def _descriptor(rule_id: str, rule: Rule | None, findings: list[Finding]) -> dict[str, Any]:
    if rule is None:  # a finding of a rule the registry does not know: no page to point at
        severity = next(f.severity for f in findings if f.rule == rule_id)
        return {
            "id": rule_id,
            "name": rule_id.lower(),
            "shortDescription": {"text": rule_id},
            "defaultConfiguration": {"level": LEVELS[severity]},
        }
    properties: dict[str, Any] = {"tags": sorted(rule.tags)}
    if rule.security:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    doc = rule.doc or rule.summary
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(doc) or rule.summary},
        "help": {"text": _plain(doc), "markdown": doc},
    }
    help_uri = _help_uri(rule)
    if help_uri:
        descriptor["helpUri"] = help_uri
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    descriptor["properties"] = properties
    return descriptor


def _help_uri(rule: Rule) -> str:
    """The docs/rules page of a built-in rule; a pack rule's own page if its pack names one
    (pack rules have no page of ours)."""
    if rule.help_uri:
        return rule.help_uri
    if rule.module.startswith(PACK_MODULE_PREFIX):
        return ""
    return HELP_URI.format(id=rule.id)


_SECTION = re.compile(r"^## What it does\s*\n(?P<body>.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def _what_it_does(doc: str) -> str:
    match = _SECTION.search(doc)
    return " ".join(match.group("body").split()) if match else ""


def _plain(doc: str) -> str:
    """The markdown doc as plain text: headings without `#`, no code fences."""
    lines = []
    for line in doc.splitlines():
        if line.startswith("```"):
            continue
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)


# --- results ----------------------------------------------------------------------------


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.location)],
    }
    if finding.related:
        result["relatedLocations"] = [
            _related(related, number) for number, related in enumerate(finding.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    fixes = [_fix(fix) for fix in finding.fixes if fix.edits]
    if fixes:
        result["fixes"] = fixes
    if finding.resource:
        result["properties"] = {"resource": finding.resource}
    return result


def _location(location: Location) -> dict[str, Any]:
    if not has_position(location):
        kind = "module" if is_internal(location.file) else "resource"
        name = location.file.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        logical = {"name": name or location.file, "fullyQualifiedName": location.file, "kind": kind}
        return {"logicalLocations": [logical]}
    physical: dict[str, Any] = {"artifactLocation": artifact_location(location.file)}
    region = _region(location)
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def _related(related: Related, number: int) -> dict[str, Any]:
    return {"id": number, **_location(related.location), "message": {"text": related.message}}


def _region(location: Location) -> dict[str, int]:
    if location.line is None or location.line < 1:
        return {}
    region = {"startLine": location.line}
    if location.column is not None and location.column >= 1:
        region["startColumn"] = location.column
    if location.end_line is not None and location.end_line >= location.line:
        region["endLine"] = location.end_line
        if location.end_column is not None and location.end_column >= 1:
            region["endColumn"] = location.end_column
    return region


def _fix(fix: Fix) -> dict[str, Any]:
    """One SARIF fix: the edits grouped by file, in file order."""
    by_file: dict[str, list[Edit]] = {}
    for edit in sorted(fix.edits, key=Edit.sort_key):
        by_file.setdefault(edit.file, []).append(edit)
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(path),
                "replacements": [_replacement(edit) for edit in edits],
            }
            for path, edits in by_file.items()
        ],
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    region = {
        "startLine": edit.line,
        "startColumn": edit.column,
        "endLine": edit.end_line,
        "endColumn": edit.end_column,
    }
    return {"deletedRegion": region, "insertedContent": {"text": edit.replacement}}


_DRIVE = re.compile(r"^[A-Za-z]:/")


def artifact_location(path: str) -> dict[str, str]:
    """A relative path under %SRCROOT%, or an absolute `file:` URI for absolute paths."""
    text = path.replace("\\", "/")
    if text.startswith("/"):
        return {"uri": "file://" + _quote(text)}
    if _DRIVE.match(text):
        return {"uri": "file:///" + text[:2] + _quote(text[2:])}
    return {"uri": _quote(text), "uriBaseId": SRCROOT}


@lru_cache(maxsize=4096)
def _quote(path: str) -> str:
    # surrogateescape: a file name with undecodable bytes is encoded back to those bytes
    return quote(path, safe=_SAFE, errors="surrogateescape")
