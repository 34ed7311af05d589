"""Documents and Pointers: parsed data plus a lazy way back to exact positions.

A Document holds the plain Python data of one JSON document or one YAML document of a
stream. Positions are not materialised for every node up front (that would cost more
than parsing); a Pointer is the Document plus a path of keys/indices, resolved to a
`Location` only when a finding needs one.

Embedded documents (a policy inside a JSON string, `mapRoles` inside a ConfigMap) are
Documents whose positions map back to the outer file through `EmbeddingMap`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iamlint.finding import Location

PathPart = str | int
Path = tuple[PathPart, ...]
# (line, column, end_line, end_column), 1-based, for a node or its key
Span = tuple[int, int, int, int]
SpanResolver = Callable[[Path, bool], "Span | None"]


@dataclass
class SourceFile:
    """One input file as read from disk (or a live object without a file)."""

    path: str  # display path: relative, '/'-separated, as the user passed it
    text: str = ""
    live: bool = False  # a live ARN or k8s:// URI: no lines

    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines


@dataclass
class EmbeddingMap:
    """How positions in an embedded text map to the outer file.

    `literal` embeddings (a YAML block scalar `|`) keep lines: line n of the inner text
    is line `line_offset + n` of the outer file, columns shifted by `column_offset`.
    Otherwise (an escaped JSON string) every inner position maps to the outer scalar.
    """

    outer: Pointer
    literal: bool = False
    line_offset: int = 0
    column_offset: int = 0


class Document:
    """One parsed document: data plus a position resolver."""

    __slots__ = ("_resolver", "data", "embedding", "format", "helm_source", "index", "source")

    def __init__(
        self,
        source: SourceFile,
        data: Any,
        fmt: str,
        resolver: SpanResolver | None = None,
        index: int = 0,
        helm_source: str | None = None,
        embedding: EmbeddingMap | None = None,
    ) -> None:
        self.source = source
        self.data = data
        self.format = fmt  # "json" | "yaml" | "live"
        self._resolver = resolver
        self.index = index
        self.helm_source = helm_source
        self.embedding = embedding

    @property
    def path(self) -> str:
        return self.source.path

    def root(self) -> Pointer:
        return Pointer(self, ())

    def span(self, path: Path, key: bool = False) -> Span | None:
        if self._resolver is None:
            return None
        try:
            return self._resolver(path, key)
        except (RecursionError, ValueError, IndexError, KeyError, TypeError):
            return None

    def get(self, path: Path, default: Any = None) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def __repr__(self) -> str:
        return f"Document({self.path!r}#{self.index})"


@dataclass(frozen=True)
class Pointer:
    """A node inside a Document; resolves to a Location on demand."""

    doc: Document
    path: Path = ()
    key: bool = False  # point at the mapping key rather than its value

    def child(self, *parts: PathPart) -> Pointer:
        return Pointer(self.doc, self.path + tuple(parts))

    def at_key(self) -> Pointer:
        return Pointer(self.doc, self.path, key=True)

    @property
    def value(self) -> Any:
        return self.doc.get(self.path)

    @property
    def file(self) -> str:
        emb = self.doc.embedding
        return emb.outer.file if emb is not None else self.doc.path

    def location(self) -> Location:
        emb = self.doc.embedding
        if emb is not None:
            return _embedded_location(self, emb)
        if self.doc.source.live:
            return Location(self.doc.path)
        span = self._nearest_span()
        if span is None:
            return Location(self.doc.path, 1, 1, 1, 1)
        return Location(self.doc.path, *span)

    def _nearest_span(self) -> Span | None:
        """The span of this node, or of its closest existing ancestor."""
        path = self.path
        key = self.key
        if key and self.doc.span(path, True) is None:
            key = False
        while True:
            span = self.doc.span(path, key)
            if span is not None or not path:
                return span
            path, key = path[:-1], False

    def describe(self) -> str:
        return "/".join(str(p) for p in self.path)


def _embedded_location(pointer: Pointer, emb: EmbeddingMap) -> Location:
    outer = emb.outer.location()
    if not emb.literal or outer.line is None:
        return outer
    inner = Pointer(pointer.doc, pointer.path, pointer.key)._nearest_span()
    if inner is None:
        return outer
    line, col, end_line, end_col = inner
    return Location(
        outer.file,
        line + emb.line_offset,
        col + emb.column_offset,
        end_line + emb.line_offset,
        end_col + emb.column_offset,
    )
