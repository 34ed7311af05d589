"""Keys written twice in one mapping: the loaders keep the last value (as json.loads and
PyYAML do) and record every occurrence with its exact position, for X009."""

from __future__ import annotations

import codecs
import json

from iamlint.load import SourceFile, decode, load_embedded, load_text
from iamlint.load.document import Document, Pointer


def load(text: str, name: str) -> list[Document]:
    return load_text(SourceFile(name, text))


def occurrences(doc: Document) -> dict[tuple[object, ...], list[tuple[int, int]]]:
    """Key path -> (line, column) of each occurrence, as reported in the file."""
    return {
        dup.path: [(loc.line, loc.column) for loc in map(dup.doc.location_of, dup.spans)]
        for dup in doc.duplicates
    }


def test_json_keeps_the_last_value_and_records_each_occurrence() -> None:
    text = '{"a": 1,\n "b": {"x": 1, "x": [2], "x": 3},\n "a": {"y": 1}}'
    (doc,) = load(text, "f.json")
    assert doc.data == json.loads(text) == {"a": {"y": 1}, "b": {"x": 3}}
    assert occurrences(doc) == {("b", "x"): [(2, 8), (2, 16), (2, 26)], ("a",): [(1, 2), (3, 2)]}
    # positions of the data still point at the last occurrence
    assert Pointer(doc, ("b", "x")).location().column == 31


def test_json_same_key_in_different_objects_is_not_a_duplicate() -> None:
    text = '[{"Effect": "Allow"}, {"Effect": "Deny"}, {"a": {"Effect": 1}, "b": {"Effect": 2}}]'
    assert load(text, "f.json")[0].duplicates == []


def test_json_quoted_keys_inside_strings_are_not_keys() -> None:
    inner = json.dumps({"Version": "2012-10-17", "Statement": []})
    text = json.dumps({"policyText": inner + inner, "k": 'a": 1, "k": 2'})
    assert load(text, "f.json")[0].duplicates == []


def test_json_duplicates_in_a_discarded_value_are_still_recorded() -> None:
    text = '{"a": {"x": 1, "x": 2}, "a": 3}'
    (doc,) = load(text, "f.json")
    assert set(occurrences(doc)) == {("a",), ("a", "x")}


def test_json_escaped_keys_compare_by_value() -> None:
    text = '{"Effect": 1, "\\u0045ffect": 2}'
    (doc,) = load(text, "f.json")
    assert occurrences(doc) == {("Effect",): [(1, 2), (1, 15)]}


def test_json_bom_and_crlf_positions() -> None:
    raw = codecs.BOM_UTF8 + b'{\r\n  "a": 1,\r\n  "a": 2\r\n}\r\n'
    (doc,) = load(decode(raw), "f.json")
    assert occurrences(doc) == {("a",): [(2, 3), (3, 3)]}


def test_yaml_records_block_and_flow_duplicates() -> None:
    text = "a: 1\nb:\n  x: 1\n  'x': 2\nc: [{k: 1, k: 2}]\na: 3\n"
    (doc,) = load(text, "f.yaml")
    assert doc.data == {"a": 3, "b": {"x": 2}, "c": [{"k": 2}]}
    assert occurrences(doc) == {
        ("a",): [(1, 1), (6, 1)],
        ("b", "x"): [(3, 3), (4, 3)],
        ("c", 0, "k"): [(5, 6), (5, 12)],
    }


def test_yaml_merge_keys_override_without_being_duplicates() -> None:
    text = "base: &b {name: a, image: x}\nc:\n  <<: *b\n  image: y\n"
    (doc,) = load(text, "f.yaml")
    assert doc.data["c"] == {"name": "a", "image": "y"} and doc.duplicates == []


def test_yaml_duplicates_in_an_anchored_mapping_are_recorded_once() -> None:
    text = "base: &b\n  x: 1\n  x: 2\nuse: [*b, *b]\n"
    (doc,) = load(text, "f.yaml")
    assert occurrences(doc) == {("base", "x"): [(2, 3), (3, 3)]}


def test_yaml_each_document_of_a_stream_has_its_own() -> None:
    first, second = load("a: 1\na: 2\n---\nb: 1\n", "f.yaml")
    assert occurrences(first) == {("a",): [(1, 1), (2, 1)]} and second.duplicates == []


def test_embedded_duplicates_are_reported_with_the_file_document() -> None:
    """A `mapRoles` block scalar keeps its lines; an escaped JSON string maps to itself."""
    text = "data:\n  mapRoles: |\n    - rolearn: a\n      rolearn: b\n  policy: '{\"a\": 1, \"a\": 2}'\n"
    (outer,) = load(text, "cm.yaml")
    load_embedded(outer.data["data"]["mapRoles"], Pointer(outer, ("data", "mapRoles")))
    load_embedded(outer.data["data"]["policy"], Pointer(outer, ("data", "policy")))
    assert occurrences(outer) == {(0, "rolearn"): [(3, 7), (4, 7)], ("a",): [(5, 11), (5, 11)]}
