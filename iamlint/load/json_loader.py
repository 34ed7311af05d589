"""JSON loading: `json.loads` for the data, a lazy scanner for positions.

The data comes from the standard library's C parser (the fastest thing available);
positions are computed by a single pass over the text only the first time a finding in
this document asks for one. Duplicate keys resolve as `json.loads` does: the last wins;
they are noticed while parsing (a pairs hook) and located by the scanner, for X009.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
import threading
from typing import Any

from iamlint.load.document import Document, DuplicateKey, Path, SourceFile, Span
from iamlint.load.errors import ParseError

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")
_WS = re.compile(r"[ \t\r\n]*")


def load_json(source: SourceFile, max_depth: int = 200) -> list[Document]:
    text = source.text
    try:
        data, objects = _decode(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise ParseError(f"JSON nested deeper than {max_depth} levels") from None
    # nesting needs a container per level: few containers, no deep nesting to look for
    if objects.count + text.count("[") > max_depth and _depth_exceeds(data, max_depth):
        raise ParseError(f"JSON nested deeper than {max_depth} levels")
    index = _LazyJsonIndex(text)
    document = Document(source, data, "json", index.span)
    if objects.repeated:
        document.duplicates = [
            DuplicateKey(document, path, spans) for path, spans in index.duplicate_keys()
        ]
    return [document]


_SHARED_COUNTER_LOCK = threading.Lock()


def _decode(text: str) -> tuple[Any, _ObjectCounter]:
    """`json.loads` with the counting pairs hook. One decoder serves every call (making
    one costs as much as decoding a small policy); a second thread at the same moment
    gets a decoder of its own."""
    if text.startswith("\ufeff"):  # as json.loads says it (JSONDecoder.decode does not look)
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    if not _SHARED_COUNTER_LOCK.acquire(blocking=False):
        counter = _ObjectCounter()
        return json.JSONDecoder(object_pairs_hook=counter).decode(text), counter
    try:
        _SHARED_COUNTER.reset()
        data = _SHARED_DECODER.decode(text)
        return data, _SHARED_COUNTER.copy()
    finally:
        _SHARED_COUNTER_LOCK.release()


class _ObjectCounter:
    """The pairs hook: builds each object as `json.loads` would (the last duplicate key
    wins), counting objects and noticing repeated keys. Seeing the pairs costs about a
    third more parse time than plain `json.loads`; anything that looks at the text again
    (counting `":`) costs as much, and cannot tell a key from a string that holds `":`."""

    __slots__ = ("count", "repeated")

    def __init__(self) -> None:
        self.count = 0
        self.repeated = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        self.count += 1
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            self.repeated = True
        return mapping

    def reset(self) -> None:
        self.count = 0
        self.repeated = False

    def copy(self) -> _ObjectCounter:
        counted = _ObjectCounter()
        counted.count, counted.repeated = self.count, self.repeated
        return counted


_SHARED_COUNTER = _ObjectCounter()
_SHARED_DECODER = json.JSONDecoder(object_pairs_hook=_SHARED_COUNTER)


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Level by level rather than node by node: no tuple per node, half the time."""
    level = [data] if type(data) in (dict, list) else []
    depth = 0
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:
            children = node.values() if type(node) is dict else node
            below.extend([child for child in children if type(child) in (dict, list)])
        level = below
        depth += 1
    return False


class _LazyJsonIndex:
    """Maps a path to the text span of its value (and of its key), built on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._values: dict[Path, tuple[int, int]] | None = None
        self._keys: dict[Path, tuple[int, int]] = {}
        self._line_starts: list[int] = []

    def span(self, path: Path, key: bool) -> Span | None:
        if self._values is None:
            self._build()
        assert self._values is not None
        offsets = self._keys.get(path) if key else self._values.get(path)
        if offsets is None:
            return None
        start, end = offsets
        return (*self._line_col(start), *self._line_col(end))

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def duplicate_keys(self) -> list[tuple[Path, tuple[Span, ...]]]:
        """Every key written more than once in one object, with all its key spans."""
        duplicates: list[tuple[Path, list[tuple[int, int]]]] = []
        self._build(duplicates)
        return [
            (path, tuple((*self._line_col(start), *self._line_col(end)) for start, end in spans))
            for path, spans in duplicates
        ]

    def _build(self, duplicates: list[tuple[Path, list[tuple[int, int]]]] | None = None) -> None:
        text = self._text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._values = {}
        self._keys = {}
        # positions stay partial on a scanner surprise: the data came from json.loads
        with contextlib.suppress(IndexError, ValueError):
            _scan(text, self._values, self._keys, duplicates)


def _scan(
    text: str,
    values: dict[Path, tuple[int, int]],
    keys: dict[Path, tuple[int, int]],
    duplicates: list[tuple[Path, list[tuple[int, int]]]] | None = None,
) -> None:
    """Iterative walk of valid JSON text recording value and key spans by path, and with
    `duplicates`, every key seen more than once in one object (with all its spans)."""
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    # stack frames: [path, kind ('{' or '['), start offset, next array index,
    #                key -> its spans in this object (only when looking for duplicates)]
    stack: list[list[Any]] = []
    pending_path: Path = ()
    while pos < len(text):
        ch = text[pos]
        if ch in "{[":
            seen = {} if duplicates is not None and ch == "{" else None
            stack.append([pending_path, ch, pos, 0, seen])
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos] in "}]":
                continue
            pending_path = _next_member(text, pos, stack, keys, duplicates)
            pos = _after_key(text, pos, stack)
            continue
        if ch in "}]":
            path, _kind, start, _, _ = stack.pop()
            values[path] = (start, pos + 1)
            pos += 1
        else:
            match = _STRING.match(text, pos) if ch == '"' else _SCALAR.match(text, pos)
            if match is None:
                raise ValueError(f"unexpected character at {pos}")
            values[pending_path] = (pos, match.end())
            pos = match.end()
        if not stack:
            return
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            stack[-1][3] += 1
            pending_path = _next_member(text, pos, stack, keys, duplicates)
            pos = _after_key(text, pos, stack)


def _next_member(
    text: str,
    pos: int,
    stack: list[list[Any]],
    keys: dict[Path, tuple[int, int]],
    duplicates: list[tuple[Path, list[tuple[int, int]]]] | None,
) -> Path:
    frame = stack[-1]
    if frame[1] == "[":
        return (*frame[0], frame[3])
    match = _STRING.match(text, pos)
    if match is None:
        raise ValueError(f"expected a key at {pos}")
    quoted = match.group()
    name = quoted[1:-1] if "\\" not in quoted else json.loads(quoted)
    path = (*frame[0], name)
    keys[path] = (pos, match.end())
    seen = frame[4]
    if seen is not None:
        spans = seen.setdefault(name, [])
        spans.append(keys[path])
        if len(spans) == 2:
            duplicates.append((path, spans))  # type: ignore[union-attr]
    return path  # type: ignore[no-any-return]


def _after_key(text: str, pos: int, stack: list[list[Any]]) -> int:
    if stack[-1][1] == "[":
        return pos
    end = _STRING.match(text, pos).end()  # type: ignore[union-attr]
    pos = _WS.match(text, end).end()  # type: ignore[union-attr]
    if text[pos] != ":":
        raise ValueError(f"expected ':' at {pos}")
    return _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
