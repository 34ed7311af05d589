"""Exact positions for JSON and YAML: flow style, multi-document, CRLF, BOM, embedded text."""

from __future__ import annotations

import codecs

import pytest

from iamlint.load import ParseError, SourceFile, decode, load_embedded, load_text
from iamlint.load.document import Pointer


def located(doc, *path, key=False):  # type: ignore[no-untyped-def]
    pointer = Pointer(doc, tuple(path))
    loc = (pointer.at_key() if key else pointer).location()
    return loc.line, loc.column


def load(text: str, name: str = "f.yaml"):  # type: ignore[no-untyped-def]
    return load_text(SourceFile(name, text))


def test_json_values_and_keys() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": ["a:b", "c:d"]}\n  ]\n}\n'
    doc = load(text, "p.json")[0]
    assert located(doc, "Version") == (2, 14)
    assert located(doc, "Version", key=True) == (2, 3)
    assert located(doc, "Statement", 0, "Action", 1) == (4, 43)
    assert located(doc, "Statement", 0) == (4, 5)


def test_json_escapes_and_unicode_do_not_shift_columns() -> None:
    text = '{"a": "x\\"y\\u00e9", "é": ["\\\\", 1.5e3, null, true]}'
    doc = load(text, "p.json")[0]
    assert located(doc, "é", 3) == (1, 46)
    assert located(doc, "é", key=True) == (1, 21)


def test_json_crlf_and_bom() -> None:
    raw = codecs.BOM_UTF8 + b'{\r\n  "Version": "2012-10-17",\r\n  "Statement": []\r\n}\r\n'
    doc = load(decode(raw), "p.json")[0]
    assert doc.data["Version"] == "2012-10-17"
    assert located(doc, "Statement") == (3, 16)


def test_json_duplicate_keys_point_at_the_last() -> None:
    doc = load('{"Sid": "a",\n "Sid": "b"}', "p.json")[0]
    assert doc.data["Sid"] == "b"
    assert located(doc, "Sid") == (2, 9)


def test_json_error_has_parser_position() -> None:
    with pytest.raises(ParseError) as error:
        load('{\n  "a": 1,\n}\n', "p.json")
    assert (error.value.line, error.value.column) == (3, 1)


def test_yaml_block_and_flow_positions() -> None:
    text = "a:\n  b: [1, {c: d}]\n  e:\n    - f\n    - g\n"
    doc = load(text)[0]
    assert located(doc, "a", "b", 1, "c") == (2, 14)
    assert located(doc, "a", "b", 1, "c", key=True) == (2, 11)
    assert located(doc, "a", "e", 1) == (5, 7)


def test_yaml_multi_document_and_helm_source() -> None:
    text = (
        "---\n# Source: app/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n"
        "metadata: {name: a}\n---\n# Source: app/templates/cm.yaml\nkind: ConfigMap\nx: 1\n"
    )
    docs = load(text)
    assert [d.helm_source for d in docs] == ["app/templates/sa.yaml", "app/templates/cm.yaml"]
    assert located(docs[1], "x") == (9, 4)


def test_yaml_crlf_positions() -> None:
    doc = load("a: 1\r\nb:\r\n  c: x\r\n")[0]
    assert located(doc, "b", "c") == (3, 6)


def test_yaml_empty_documents_are_skipped() -> None:
    assert load("---\n---\n") == []
    assert load("") == []


def test_yaml_cloudformation_short_forms() -> None:
    doc = load("A: !Ref X\nB: !GetAtt R.Arn\nC: !Sub 'arn:${AWS::Partition}'\n")[0]
    assert doc.data == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["R", "Arn"]},
        "C": {"Fn::Sub": "arn:${AWS::Partition}"},
    }


def test_yaml_python_tags_are_never_constructed() -> None:
    doc = load("a: !!python/object/apply:os.system ['echo hi']\n")[0]
    assert doc.data == {"a": ["echo hi"]}


def test_yaml_alias_bomb_is_a_parse_error() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(
            f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    with pytest.raises(ParseError, match="alias"):
        load("\n".join(lines) + "\n")


def test_yaml_deep_nesting_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested"):
        load("[" * 100_000 + "]" * 100_000)


def test_json_deep_nesting_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        load("[" * 100_000 + "]" * 100_000, "deep.json")


def test_unquoted_template_becomes_a_flow_key() -> None:
    doc = load("username: {{EC2PrivateDNSName}}\n")[0]
    (key,) = doc.data["username"]
    assert key == "{EC2PrivateDNSName}"


def test_embedded_block_scalar_maps_to_outer_lines() -> None:
    text = "data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/x\n      groups:\n        - system:nodes\n"
    outer = load(text)[0]
    inner = load_embedded(outer.data["data"]["mapRoles"], Pointer(outer, ("data", "mapRoles")))[0]
    assert located(inner, 0, "groups", 0) == (5, 11)
    assert located(inner, 0, "rolearn") == (3, 16)


def test_embedded_json_string_maps_to_the_string() -> None:
    outer = load('{"policyText": "{\\"Statement\\": []}"}', "r.json")[0]
    inner = load_embedded(outer.data["policyText"], Pointer(outer, ("policyText",)))[0]
    assert located(inner, "Statement") == (1, 16)


def test_decode_rejects_binary_and_invalid_utf8() -> None:
    with pytest.raises(ParseError, match="binary"):
        decode(b"\x00\x01\x02")
    with pytest.raises(ParseError, match="UTF-8") as error:
        decode(b"a: 1\nb: \xff\n")
    assert (error.value.line, error.value.column) == (2, 4)


def test_decode_utf16_with_bom() -> None:
    assert decode(codecs.BOM_UTF16_LE + "a: 1".encode("utf-16-le")) == "a: 1"
