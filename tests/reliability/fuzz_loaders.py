"""Coverage-guided fuzzing of the loaders (decode, JSON, YAML, positions) with atheris.

Not collected by pytest (no `test_` prefix); `test_fuzz_harness.py` runs `fuzz_one` over
the seed corpus so the harness cannot rot. To fuzz (atheris is not a dependency):

    pip install atheris
    cp -r tests/reliability/fuzz_seeds /tmp/iamlint-corpus   # atheris adds files to it
    python tests/reliability/fuzz_loaders.py /tmp/iamlint-corpus -max_total_time=60

The only exception a loader may raise is ParseError; every parsed node, and every
occurrence of a repeated key, must resolve to a position inside the text.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

from iamlint.load import ParseError, SourceFile, decode, load_text
from iamlint.load.document import Document, Path

# forced JSON (`.json`), YAML, and sniffing by content: picked by input length
FILE_NAMES = ("fuzz.json", "fuzz.yaml", "fuzz")
MAX_NODES = 200
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def fuzz_one(data: bytes) -> None:
    """One input: decode and load it; ParseError is fine, anything else is a bug."""
    try:
        text = decode(data)
    except ParseError:
        return
    source = SourceFile(FILE_NAMES[len(data) % len(FILE_NAMES)], text)
    try:
        documents = load_text(source)
    except ParseError as error:
        _check_error_position(error, text)
        return
    line_count = len(LINE_BREAKS.split(text))
    for document in documents:
        for path in _paths(document.data, (), MAX_NODES):
            _check_position(document, path, line_count)
        _check_duplicates(document, line_count)


def _check_error_position(error: ParseError, text: str) -> None:
    if error.line is not None:
        assert 1 <= error.line <= len(LINE_BREAKS.split(text)) + 1, (error.message, error.line)
    if error.column is not None:
        assert error.column >= 1, (error.message, error.column)


def _check_position(document: Document, path: Path, line_count: int) -> None:
    for key in (False, True):
        span = document.span(path, key)
        if span is None:
            continue
        line, column, end_line, end_column = span
        assert 1 <= line <= end_line <= line_count + 1, (path, span, line_count)
        assert column >= 1 and end_column >= 1, (path, span)
    location = document.root().child(*path).location()
    assert location.line is None or location.line >= 1


def _check_duplicates(document: Document, line_count: int) -> None:
    """Every repeated key: two or more occurrences in text order, inside the text."""
    for duplicate in document.duplicates[:MAX_NODES]:
        assert len(duplicate.spans) >= 2 and list(duplicate.spans) == sorted(duplicate.spans)
        for line, column, end_line, end_column in duplicate.spans:
            assert 1 <= line <= end_line <= line_count + 1, (duplicate.path, duplicate.spans)
            assert column >= 1 and end_column >= 1, (duplicate.path, duplicate.spans)


def _paths(node: Any, prefix: Path, budget: int) -> Iterator[Path]:
    """Paths to the first `budget` nodes, breadth first (no recursion: data may be deep)."""
    queue: list[tuple[Any, Path]] = [(node, prefix)]
    while queue and budget > 0:
        value, path = queue.pop(0)
        budget -= 1
        yield path
        if isinstance(value, dict):
            queue.extend((child, (*path, key)) for key, child in value.items())
        elif isinstance(value, list):
            queue.extend((child, (*path, index)) for index, child in enumerate(value))


def main(argv: list[str]) -> None:
    import atheris

    atheris.instrument_all()
    atheris.Setup(argv, fuzz_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
