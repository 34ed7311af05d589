"""What the reporters share: order, kinds of location, counts, safe JSON."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from typing import Any

from iamlint.finding import Finding, Location, Severity
from iamlint.result import Result

LIVE_PREFIXES = ("arn:", "k8s://")


def ordered(findings: list[Finding]) -> list[Finding]:
    """By path, line, column, rule, then the rest, so that ties are deterministic too."""
    return sorted(
        findings,
        key=lambda f: (*f.sort_key(), f.resource, -f.severity, f.location.end_line or 0,
                       f.location.end_column or 0, f.discriminator),
    )


def has_position(location: Location) -> bool:
    """A place in a file (even without a line) rather than a live object or the tool."""
    return not is_live(location.file) and not is_internal(location.file)


def is_live(path: str) -> bool:
    return path.startswith(LIVE_PREFIXES) or "://" in path


def is_internal(path: str) -> bool:
    return path.startswith("<")  # e.g. "<iamlint>" for a crashed rule (X004)


def where(location: Location) -> str:
    """`path:line:col`, `path:line` or just `path` (live objects, whole files)."""
    text = location.file
    if location.line is not None:
        text += f":{location.line}"
        if location.column is not None:
            text += f":{location.column}"
    return text


def summary_counts(result: Result) -> dict[str, int | bool]:
    return {
        "files": result.files,
        "live_objects": result.live_objects,
        "findings": len(result.findings),
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
        "suppressed": len(result.suppressed),
        "incomplete": result.incomplete,  # a live read failed (X005)
    }


ROOT = ""  # names the top-level list in `one_line_items`


def dump_json(document: Any, *, one_line_items: Iterable[str] = ()) -> str:
    """Indented JSON with a final newline; the items of lists under the keys in
    `one_line_items` (ROOT for a top-level list) are written one per line.

    One finding (result, entry) per line reads and diffs well, and goes through the C
    encoder: fully indented output uses the pure-Python one, several times slower on big
    reports. UTF-8 is written as is, unless a string cannot be encoded (a file name with
    undecodable bytes), then ASCII escapes are used throughout.
    """
    keys = frozenset(one_line_items)
    text = _encode(document, 0, ROOT, keys, False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _encode(document, 0, ROOT, keys, True)
    return text + "\n"


def _encode(
    value: Any, depth: int, key: str | None, one_line: frozenset[str], ascii_only: bool
) -> str:
    if not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=ascii_only)
    inner = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=ascii_only)}: "
            f"{_encode(v, depth + 1, str(k), one_line, ascii_only)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if key in one_line:
        items = [inner + json.dumps(item, ensure_ascii=ascii_only) for item in value]
    else:
        items = [inner + _encode(item, depth + 1, None, one_line, ascii_only) for item in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


_VISIBLE_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """Text safe for a terminal line: control and bidi characters escaped, tabs kept.

    Messages quote file content; an escape sequence or a right-to-left override in a
    policy must not repaint the terminal or reorder what the user reads.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable() or char in (" ", "\t"):
            out.append(char)
        elif char in _VISIBLE_ESCAPES:
            out.append(_VISIBLE_ESCAPES[char])
        elif unicodedata.category(char) in ("Zs", "Mn", "Mc"):
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)
