"""Bytes -> Documents. Decoding, format sniffing, embedded texts."""

from __future__ import annotations

import codecs
import json
from typing import Any

from iamlint.load.document import Document, EmbeddingMap, Pointer, SourceFile
from iamlint.load.errors import ParseError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "ParseError",
    "Pointer",
    "SourceFile",
    "decode",
    "load_embedded",
    "load_text",
]


def decode(raw: bytes) -> str:
    """UTF-8 (BOM allowed) or UTF-16/32 with a BOM; anything else is a ParseError."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _decode_with(raw, "utf-32")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_with(raw, "utf-16")
    if raw.find(b"\x00", 0, 8192) != -1:
        raise ParseError("binary file (NUL bytes), not JSON or YAML")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line, col) from None


def _decode_with(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise ParseError(f"not valid {codec.upper()}") from None


def looks_like_json(text: str, path: str) -> bool:
    if path.endswith(".json"):
        return True
    stripped = text.lstrip()
    return stripped[:1] in ("{", "[")


def load_text(source: SourceFile) -> list[Document]:
    """Parse a whole file's text into Documents (raises ParseError)."""
    if not source.text or source.text.isspace():
        return []
    if looks_like_json(source.text, source.path):
        from iamlint.load.json_loader import load_json

        try:
            return load_json(source)
        except ParseError:
            if source.path.endswith(".json"):
                raise
            # `{`-leading YAML (flow mappings, JSON with comments): try YAML before failing
    from iamlint.load.yaml_loader import load_yaml

    return load_yaml(source)


def load_embedded(text: str, outer: Pointer) -> list[Document]:
    """Parse text held in a string value (JSON or YAML) of another document.

    Positions map back into the outer file: line-exact for YAML block scalars (`|`),
    otherwise at the outer string itself.
    """
    source = SourceFile(outer.file, text)
    embedding = _embedding_for(outer)
    if looks_like_json(text, ""):  # by content: the outer file's `.json` says nothing here
        docs = load_text(source)
    else:
        from iamlint.load.yaml_loader import load_yaml

        docs = load_yaml(source)
    for doc in docs:
        doc.embedding = embedding
        doc.helm_source = outer.doc.helm_source
        if doc.duplicates:  # reported with the file's own (X009): it holds the text
            _file_document(outer.doc).duplicates.extend(doc.duplicates)
    return docs


def _file_document(doc: Document) -> Document:
    while doc.embedding is not None:
        doc = doc.embedding.outer.doc
    return doc


def _embedding_for(outer: Pointer) -> EmbeddingMap:
    doc = outer.doc
    if doc.format != "yaml" or doc.embedding is not None:
        return EmbeddingMap(outer)
    span = doc.span(outer.path, False)
    if span is None:
        return EmbeddingMap(outer)
    line, col = span[0], span[1]
    lines = doc.source.lines
    if line - 1 >= len(lines) or not lines[line - 1][col - 1 :].startswith(("|", ">")):
        return EmbeddingMap(outer)
    if lines[line - 1][col - 1 : col] == ">":
        return EmbeddingMap(outer)  # folded: lines do not map one to one
    indent = _explicit_indent(doc, outer, lines[line - 1], col)
    if indent is None:
        indent = _content_indent(lines, line)
    return EmbeddingMap(outer, literal=True, line_offset=line, column_offset=indent)


def _explicit_indent(doc: Document, outer: Pointer, header: str, col: int) -> int | None:
    """`|2`: content indentation is the enclosing block's indentation plus the digit."""
    digits = [c for c in header[col : col + 2] if c.isdigit()]
    if not digits:
        return None
    key = doc.span(outer.path, True) if outer.path and isinstance(outer.path[-1], str) else None
    parent = key[1] - 1 if key is not None else len(header) - len(header.lstrip(" "))
    return parent + int(digits[0])


def _content_indent(lines: list[str], header_line: int) -> int:
    for text in lines[header_line:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0


def parse_json_string(text: str) -> Any:
    """json.loads that reports failures as ParseError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
