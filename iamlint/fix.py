"""`check --diff` and `check --fix`: the findings' mechanical fixes as new file contents.

Each finding's first fix is taken whole or not at all; a fix whose edits overlap an edit
already taken is left for the next pass (`--fix` re-lints and repeats). Edits apply
bottom-up on the decoded text; the file keeps its byte-order mark and line endings.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from iamlint.finding import Edit, Finding, Fix
from iamlint.record import record
from iamlint.rules.edits import text_offset


@record
class FixedFile:
    path: str
    before: str  # decoded text, as linted
    after: str
    fixes: int  # how many findings' fixes changed it


def plan(findings: Iterable[Finding], texts: dict[str, str]) -> list[FixedFile]:
    """New contents of every file a fix touches; `texts` are the decoded files as linted."""
    taken: dict[str, list[tuple[int, int, str]]] = {}
    counts: dict[str, int] = {}
    for fix in _first_fixes(findings):
        spans = _spans(fix, texts)
        if spans is None or _overlaps(spans, taken):
            continue
        for path, start, end, replacement in spans:
            if (start, end, replacement) not in taken.setdefault(path, []):
                taken[path].append((start, end, replacement))
        for path in {path for path, *_ in spans}:
            counts[path] = counts.get(path, 0) + 1
    files = [
        FixedFile(path, texts[path], _apply(texts[path], edits), counts[path])
        for path, edits in sorted(taken.items())
    ]
    return [fixed for fixed in files if fixed.after != fixed.before]


def _first_fixes(findings: Iterable[Finding]) -> list[Fix]:
    return [f.fixes[0] for f in sorted(findings, key=Finding.sort_key) if f.fixes]


def _spans(fix: Fix, texts: dict[str, str]) -> list[tuple[str, int, int, str]] | None:
    """Each edit as (path, start offset, end offset, replacement); None if one is invalid."""
    spans = []
    for edit in fix.edits:
        text = texts.get(edit.file)
        if text is None:
            return None
        start = text_offset(text, edit.line, edit.column)
        end = text_offset(text, edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None
        spans.append((edit.file, start, end, _line_endings(edit, text)))
    return spans


def _line_endings(edit: Edit, text: str) -> str:
    if "\r\n" in text and "\n" in edit.replacement:
        return edit.replacement.replace("\r\n", "\n").replace("\n", "\r\n")
    return edit.replacement


def _overlaps(
    spans: list[tuple[str, int, int, str]], taken: dict[str, list[tuple[int, int, str]]]
) -> bool:
    for path, start, end, replacement in spans:
        for other_start, other_end, other_replacement in taken.get(path, []):
            if (start, end, replacement) == (other_start, other_end, other_replacement):
                continue  # the same edit twice (two findings, one fix): apply once
            if start < other_end and other_start < end:
                return True
            if start == end == other_start == other_end:
                return True  # two insertions at one place: their order is not certain
    return False


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def unified_diff(files: list[FixedFile]) -> str:
    """The fixes as one unified diff (`a/` and `b/` prefixes, as `git apply` reads)."""
    import difflib  # only for --diff

    chunks = []
    for fixed in files:
        chunks.extend(
            difflib.unified_diff(
                fixed.before.splitlines(keepends=True),
                fixed.after.splitlines(keepends=True),
                fromfile=f"a/{fixed.path}",
                tofile=f"b/{fixed.path}",
            )
        )
    no_newline = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + no_newline for line in chunks)


def write(fixed: FixedFile) -> bool:
    """Write `fixed.after` when the file still holds what was linted; False otherwise."""
    try:
        with open(fixed.path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return False
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    try:
        if body.decode("utf-8") != fixed.before:
            return False  # changed since it was read, or not UTF-8: leave it alone
    except UnicodeDecodeError:
        return False
    data = (codecs.BOM_UTF8 if bom else b"") + fixed.after.encode("utf-8", "surrogatepass")
    with open(fixed.path, "wb") as handle:
        handle.write(data)
    return True
