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
from typing import Any

from iamlint.finding import Location
from iamlint.record import field, record

PathPart = str | int
Path = tuple[PathPart, ...]
# (line, column, end_line, end_column), 1-based, for a node or its key
Span = tuple[int, int, int, int]
SpanResolver = Callable[[Path, bool], "Span | None"]


@record
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


@record
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

    __slots__ = (
        "_resolver",
        "data",
        "duplicates",
        "embedding",
        "format",
        "helm_source",
        "index",
        "source",
    )

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
        # keys written more than once in one mapping, found by the loader (X009)
        self.duplicates: list[DuplicateKey] = []

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

    def location_of(self, span: Span) -> Location:
        """The file location of a span of this document's text (mapped out of embeddings)."""
        if self.embedding is None:
            return Location(self.path, *span)
        return _map_span(self.embedding, span)

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


@record(frozen=True)
class DuplicateKey:
    """A key written more than once in one mapping of a document.

    The data holds the value of the last occurrence (as Python's `json`, PyYAML and most
    parsers build it); `spans` are the key's occurrences in text order, at least two.
    """

    doc: Document
    path: Path  # the key's path: the mapping's path plus the key
    spans: tuple[Span, ...]


@record(frozen=True)
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
    if not emb.literal:
        return emb.outer.location()  # without asking the inner positions (a lazy scan)
    inner = pointer._nearest_span()
    if inner is None:
        return emb.outer.location()
    return _map_span(emb, inner)


def _map_span(emb: EmbeddingMap, inner: Span) -> Location:
    """Literal block scalars keep lines; any other embedding maps to the outer string."""
    outer = emb.outer.location()
    if not emb.literal or outer.line is None:
        return outer
    line, col, end_line, end_col = inner
    return Location(
        outer.file,
        line + emb.line_offset,
        col + emb.column_offset,
        end_line + emb.line_offset,
        end_col + emb.column_offset,
    )
