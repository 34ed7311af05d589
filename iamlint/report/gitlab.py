"""`--format gitlab`: GitLab Code Quality report (a JSON array of Code Climate issues).

Severity: error -> critical (blocker for rules tagged security), warning -> major,
info -> info. Fingerprints are the finding fingerprints, made unique within the report
(GitLab drops issues that share one).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from iamlint.finding import Finding, Severity
from iamlint.report.common import ROOT, dump_json, has_position, ordered
from iamlint.result import Result
from iamlint.rules.registry import Registry

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
SECURITY_ERROR = "blocker"


def render_gitlab(result: Result, rules: Registry) -> str:
    seen: Counter[str] = Counter()
    issues = []
    for finding in ordered(result.findings):
        fingerprint = finding.fingerprint
        seen[fingerprint] += 1
        if seen[fingerprint] > 1:
            unique = f"{fingerprint}:{seen[fingerprint]}".encode()
            fingerprint = hashlib.sha256(unique).hexdigest()[:32]
        issues.append(_issue(finding, fingerprint, rules))
    return dump_json(issues, one_line_items=(ROOT,))


def _issue(finding: Finding, fingerprint: str, rules: Registry) -> dict[str, Any]:
    location = finding.location
    line = location.line if has_position(location) and location.line else 1
    return {
        "description": f"{finding.rule}: {finding.message}",
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": _severity(finding, rules),
        "location": {"path": location.file, "lines": {"begin": line}},
    }


def _severity(finding: Finding, rules: Registry) -> str:
    rule = rules.get(finding.rule)
    if finding.severity == Severity.ERROR and rule is not None and rule.security:
        return SECURITY_ERROR
    return SEVERITIES[finding.severity]
