"""Suppression: config `per-file-ignores`, inline comments, and the baseline.

Inline comments (YAML, or any input with `#` comments):

    serviceAccountName: app  # iamlint: ignore[I001,K003] the role lives in another repo

    # iamlint: ignore[T003] reason
    Principal: ...

A comment suppresses the named rules on its own line and on the line below it; a comment
alone on its line reaches past blank and comment lines to the next line of content, so
suppression comments can be stacked. Rules are named by exact ID: family prefixes (`I`)
and a bare `# iamlint: ignore` suppress nothing and are reported as X007, like unknown IDs
and suppressions that no finding used. A comment counts only where `#` starts a comment
(at the start of a line or after whitespace).

Order: inline comments (so that a comment is credited even where per-file-ignores would
also hide the finding), then per-file-ignores, then the baseline (matched by fingerprint,
with multiplicity). X007 findings can be silenced by config (`ignore`, per-file-ignores)
or a comment naming X007, never by the baseline. A baseline entry that matches nothing is
reported (X007, at the entry in the baseline file) when its file was linted in this run or
no longer exists; entries for files outside this run's inputs are left alone.
Everything is linear in the number of findings plus the lines of files that mention
`iamlint`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from iamlint.baseline import UNBASELINABLE, Baseline, BaselineEntry
from iamlint.config import Config
from iamlint.finding import Finding, Location, Severity
from iamlint.load.document import SourceFile
from iamlint.record import field, record

RULE = "X007"
SEVERITY = Severity.WARNING
MARKER = "iamlint"
_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*iamlint\s*:\s*ignore\b(?P<rest>.*)$")
_IDS = re.compile(r"^\s*\[(?P<ids>[^\]]*)\]")
_FAMILY = re.compile(r"^[A-Z]{1,4}$")
_NOT_PATH = ("arn:", "<")


@record
class InlineSuppression:
    file: str
    line: int  # the comment's line
    column: int  # column of `#`
    end_column: int
    ids: tuple[str, ...]  # upper-cased, as written; empty for a bare `# iamlint: ignore`
    covers: tuple[int, ...]  # lines whose findings it suppresses
    used: set[str] = field(default_factory=set)


@record
class SuppressionOutcome:
    kept: list[Finding]
    suppressed: list[Finding]
    unused: list[Finding]  # X007 findings: unused/unknown suppressions, stale baseline entries


def apply_suppressions(
    findings: Iterable[Finding],
    sources: dict[str, SourceFile],
    config: Config,
    baseline: Baseline | None,
    known_ids: set[str],
) -> SuppressionOutcome:
    """Split findings into kept and suppressed, and report suppressions that did nothing.

    `sources` are the run's files by display path (their text is scanned for comments;
    pass only the files whose findings are reported). `known_ids` are the registered rule
    IDs; comments naming others are X007.
    """
    per_file = _PerFileIgnores(config)
    inline = _InlineIndex(sources)
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        if inline.suppresses(finding) or per_file.ignores(finding):
            suppressed.append(finding)
        else:
            kept.append(finding)
    if baseline is not None:
        kept, hidden, stale = _apply_baseline(kept, baseline, sources)
        suppressed.extend(hidden)
    else:
        stale = []
    reports = inline.unused_findings(known_ids, config) + stale
    unused: list[Finding] = []
    for report in reports:
        if inline.suppresses(report) or per_file.ignores(report):
            suppressed.append(report)
        else:
            unused.append(report)
    return SuppressionOutcome(kept, suppressed, unused)


def rule_selected(rule_id: str, config: Config) -> bool:
    """Whether `select`/`ignore` let this rule run (IDs or family prefixes)."""

    def hit(selectors: list[str]) -> bool:
        return any(_matches(rule_id, s.upper()) for s in selectors)

    return (not config.select or hit(config.select)) and not hit(config.ignore)


def _matches(rule_id: str, selector: str) -> bool:
    return rule_id == selector or _family(rule_id) == selector


def _family(rule_id: str) -> str:
    return rule_id.rstrip("0123456789")


# --- per-file-ignores -------------------------------------------------------------------


class _PerFileIgnores:
    """`per-file-ignores` globs, matched against the display path and the path relative to
    the config file's directory; each file is matched once."""

    def __init__(self, config: Config) -> None:
        self.patterns = [(glob_regex(g), set(ids)) for g, ids in config.per_file_ignores.items()]
        self.root = str(config.root) if config.root else None
        self.cache: dict[str, set[str]] = {}

    def ignores(self, finding: Finding) -> bool:
        if not self.patterns:
            return False
        selectors = self._selectors(finding.location.file)
        return finding.rule in selectors or _family(finding.rule) in selectors

    def _selectors(self, path: str) -> set[str]:
        cached = self.cache.get(path)
        if cached is None:
            cached = set()
            candidates = self._candidates(path)
            for regex, ids in self.patterns:
                if any(regex.match(c) for c in candidates):
                    cached |= ids
            self.cache[path] = cached
        return cached

    def _candidates(self, path: str) -> list[str]:
        candidates = [path]
        if self.root and _is_file_path(path):
            relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
            if not relative.startswith("../") and relative != path:
                candidates.append(relative)
        return candidates


def _is_file_path(path: str) -> bool:
    return not path.startswith(_NOT_PATH) and "://" not in path


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-style glob as a regex over '/'-separated relative paths.

    `*` and `?` stay within one path segment, `**` crosses segments, `[...]` is a class;
    a pattern without `/` matches a file or directory name at any depth; a pattern that
    matches a directory matches everything beneath it.
    """
    text = pattern.strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if text.startswith("/"):
        text = text.lstrip("/")
    elif "/" not in text:
        text = "**/" + text
    body = _translate(text)
    tail = "/.*" if directory_only else "(?:/.*)?"
    return re.compile(f"^{body}{tail}$", re.DOTALL)


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := _class_end(glob, i)) is not None:
            inner = glob[i + 1 : end]
            if inner[:1] in ("!", "^"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _class_end(glob: str, start: int) -> int | None:
    """Index of the `]` closing the class opened at `start`, or None (then `[` is literal)."""
    i = start + 1
    if glob[i : i + 1] in ("!", "^"):
        i += 1
    if glob[i : i + 1] == "]":
        i += 1
    end = glob.find("]", i)
    return end if end != -1 else None


# --- inline comments --------------------------------------------------------------------


def parse_suppressions(source: SourceFile) -> list[InlineSuppression]:
    """The `# iamlint: ignore[...]` comments of one file, from its lines."""
    if source.live or MARKER not in source.text:
        return []
    lines = source.lines
    found: list[tuple[int, int, int, tuple[str, ...], bool]] = []
    for index, line in enumerate(lines):
        if MARKER not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        own_line = not line[: match.start()].strip()
        end = len(line.rstrip()) + 1
        found.append((index + 1, match.start() + 1, end, _ids(match.group("rest")), own_line))
    if not found:
        return []
    next_content = _next_content_lines(lines)
    suppressions = []
    for line_no, column, end, ids, own_line in found:
        target = next_content[line_no] if own_line else line_no + 1
        covers = (line_no, target) if target is not None else (line_no,)
        suppressions.append(InlineSuppression(source.path, line_no, column, end, ids, covers))
    return suppressions


def _ids(rest: str) -> tuple[str, ...]:
    match = _IDS.match(rest)
    if match is None:
        return ()
    parts = re.split(r"[,\s]+", match.group("ids"))
    return tuple(dict.fromkeys(p.strip().upper() for p in parts if p.strip()))


def _next_content_lines(lines: list[str]) -> list[int | None]:
    """For each 1-based line n, the next line after n that is not blank or a comment."""
    result: list[int | None] = [None] * (len(lines) + 1)
    following: int | None = None
    for number in range(len(lines), 0, -1):
        result[number] = following
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            following = number
    return result


class _InlineIndex:
    def __init__(self, sources: dict[str, SourceFile]) -> None:
        self.suppressions: list[InlineSuppression] = []
        self.by_line: dict[tuple[str, int], list[InlineSuppression]] = {}
        for source in sources.values():
            for suppression in parse_suppressions(source):
                self.suppressions.append(suppression)
                for line in suppression.covers:
                    self.by_line.setdefault((suppression.file, line), []).append(suppression)

    def suppresses(self, finding: Finding) -> bool:
        line = finding.location.line
        if line is None or not self.by_line:
            return False
        hit = False
        for suppression in self.by_line.get((finding.location.file, line), ()):
            if finding.rule in suppression.ids:
                suppression.used.add(finding.rule)
                hit = True
        return hit

    def unused_findings(self, known_ids: set[str], config: Config) -> list[Finding]:
        families = {_family(rule_id) for rule_id in known_ids}
        reports = []
        for suppression in self.suppressions:
            if not suppression.ids:
                reports.append(_inline_report(suppression, "", _bare_message()))
            for rule_id in suppression.ids:
                message = _problem(rule_id, suppression, known_ids, families, config)
                if message:
                    reports.append(_inline_report(suppression, rule_id, message))
        return reports


def _problem(
    rule_id: str,
    suppression: InlineSuppression,
    known_ids: set[str],
    families: set[str],
    config: Config,
) -> str | None:
    if rule_id not in known_ids:
        if _FAMILY.match(rule_id) and rule_id in families:
            return (
                f"suppression names the rule family '{rule_id}': inline suppressions need exact "
                f"rule IDs (e.g. {min(i for i in known_ids if _family(i) == rule_id)}); "
                "use per-file-ignores in the config for a whole family"
            )
        return f"suppression names unknown rule '{rule_id}' (see `iamlint rules`)"
    if rule_id == RULE or rule_id in suppression.used or not rule_selected(rule_id, config):
        return None  # a rule that did not run cannot show that the comment is unused
    return (
        f"unused suppression: no {rule_id} finding on this line or the next; remove "
        f"'{rule_id}' from the comment"
    )


def _bare_message() -> str:
    return "suppression names no rule: write `# iamlint: ignore[ID] reason` with exact rule IDs"


def _inline_report(suppression: InlineSuppression, rule_id: str, message: str) -> Finding:
    return Finding(
        RULE,
        SEVERITY,
        message,
        Location(
            suppression.file,
            suppression.line,
            suppression.column,
            suppression.line,
            suppression.end_column,
        ),
        resource=suppression.file,
        discriminator=f"{suppression.line}:{rule_id}",
    )


# --- baseline ---------------------------------------------------------------------------


def _apply_baseline(
    findings: list[Finding], baseline: Baseline, sources: dict[str, SourceFile]
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    remaining = baseline.counts()
    kept: list[Finding] = []
    hidden: list[Finding] = []
    for finding in findings:
        if finding.rule in UNBASELINABLE:
            kept.append(finding)
            continue
        fingerprint = finding.fingerprint
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
            hidden.append(finding)
        else:
            kept.append(finding)
    return kept, hidden, _stale_reports(baseline, remaining, sources)


def _stale_reports(
    baseline: Baseline, remaining: Counter[str], sources: dict[str, SourceFile]
) -> list[Finding]:
    """X007 for the entries left unmatched: the last ones of each fingerprint."""
    left = Counter({fp: n for fp, n in remaining.items() if n > 0})
    if not left:
        return []
    stale: list[BaselineEntry] = []
    for entry in reversed(baseline.entries):
        if left[entry.fingerprint] > 0:
            left[entry.fingerprint] -= 1
            if _in_scope(entry, sources):
                stale.append(entry)
    stale.reverse()
    return [_baseline_report(baseline, entry) for entry in stale]


def _in_scope(entry: BaselineEntry, sources: dict[str, SourceFile]) -> bool:
    if entry.file in sources:
        return True
    return bool(entry.file) and _is_file_path(entry.file) and not os.path.exists(entry.file)


def _baseline_report(baseline: Baseline, entry: BaselineEntry) -> Finding:
    what = f"{entry.rule or 'finding'} in {entry.file or '?'}"
    if entry.resource:
        what += f" ({entry.resource})"
    line = entry.line
    return Finding(
        RULE,
        SEVERITY,
        f"baseline entry matches no finding: {what}; remove it or regenerate the baseline "
        "with --write-baseline",
        Location(baseline.path, line, entry.column if line else None, line, None),
        resource=f"baseline {baseline.path}",
        discriminator=f"{entry.fingerprint}:{line}",
    )
