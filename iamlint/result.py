"""What a run produces: findings after suppression plus counts for the summary."""

from __future__ import annotations

from iamlint.finding import Finding, Severity
from iamlint.load.document import SourceFile
from iamlint.record import field, record


@record
class Result:
    findings: list[Finding] = field(default_factory=list)  # kept, sorted
    suppressed: list[Finding] = field(default_factory=list)
    files: int = 0
    live_objects: int = 0  # objects read from an AWS account or a cluster
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by display path
    notices: list[str] = field(default_factory=list)  # one-line notes for stderr
    incomplete: bool = False  # a live read failed (X005): some checks could not run

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)
