"""The JSON loader's shared decoder: per-call counts, and a decoder of its own for a call
made while another holds the shared one (another thread)."""

from __future__ import annotations

import pytest

from iamlint.load import ParseError, SourceFile, json_loader
from iamlint.load.json_loader import load_json

DUPLICATED = '{"Version": "2012-10-17", "Statement": [], "Statement": [{"Effect": "Allow"}]}'
PLAIN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}'


def duplicates(text: str) -> list[tuple[object, ...]]:
    [document] = load_json(SourceFile("p.json", text))
    return [d.path for d in document.duplicates]


def test_counts_do_not_leak_from_one_call_to_the_next() -> None:
    assert duplicates(DUPLICATED) == [("Statement",)]
    assert duplicates(PLAIN) == []
    assert duplicates(DUPLICATED) == [("Statement",)]


def test_a_call_while_the_shared_decoder_is_busy_gets_its_own() -> None:
    with json_loader._SHARED_COUNTER_LOCK:  # as if another thread were decoding
        assert duplicates(DUPLICATED) == [("Statement",)]
        assert duplicates(PLAIN) == []
    assert duplicates(DUPLICATED) == [("Statement",)]


def test_a_byte_order_mark_character_is_refused_as_json_loads_refuses_it() -> None:
    with pytest.raises(ParseError, match="Unexpected UTF-8 BOM"):
        load_json(SourceFile("p.json", "\ufeff" + PLAIN))


def test_a_decoding_error_releases_the_shared_decoder() -> None:
    with pytest.raises(ParseError):
        load_json(SourceFile("p.json", '{"a": '))
    assert not json_loader._SHARED_COUNTER_LOCK.locked()
    assert duplicates(DUPLICATED) == [("Statement",)]
