"""Findings: what a rule reports, with resolved locations."""

from __future__ import annotations

from enum import IntEnum

from iamlint.record import field, record


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@record(frozen=True)
class Location:
    """A resolved place: a file (or live ARN) with 1-based line/column, or no line."""

    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line or 0, self.column or 0)


@record(frozen=True)
class Related:
    location: Location
    message: str


@record(frozen=True)
class Edit:
    """Replace the text of `file` from (line, column) up to, not including, (end_line,
    end_column) with `replacement`. 1-based; columns count code points of the decoded
    text (as the loaders report them); a replacement may span lines."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str

    def sort_key(self) -> tuple[str, int, int, int, int]:
        return (self.file, self.line, self.column, self.end_line, self.end_column)


@record(frozen=True)
class Fix:
    """A mechanical fix of a finding: edits of files (never of live objects), all or none."""

    description: str
    edits: tuple[Edit, ...]


@record
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location
    resource: str = ""
    related: list[Related] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    # Extra identity for the fingerprint when one resource yields several findings
    # of one rule (e.g. the statement index); never shown to users.
    discriminator: str = ""

    @property
    def fingerprint(self) -> str:
        """Stable across runs and line shifts: rule + resource + file + discriminator.

        Line numbers are left out on purpose so that editing unrelated lines above a
        baselined finding does not resurrect it.
        """
        import hashlib  # loads OpenSSL: only when a fingerprint is asked for

        basis = "\x1f".join(
            (self.rule, self.resource, self.location.file, self.discriminator, self.message)
        )
        return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (*self.location.sort_key(), self.rule, self.message)
