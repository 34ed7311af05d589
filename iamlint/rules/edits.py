"""Mechanical fixes for rules: edits computed from the exact positions the loaders give.

Every builder returns None unless the replacement is certain: the node has a span of its
own (not an ancestor's), lies in a file (not a live object, not a string-escaped
embedding), the file's text at that span is exactly what the data says (a plain or quoted
scalar, the expected raw text), and the file is a source people edit (not a Terraform plan,
rendered Helm output or a CDK assembly, which are regenerated from other sources, nor
AWS CLI output, which records the account).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from iamlint.finding import Edit, Fix
from iamlint.load.document import Document, Pointer

if TYPE_CHECKING:
    from iamlint.model import Model, Role

# A plain YAML scalar that reads back as the same string (after `: ` or `- ` too): it
# starts with a letter (no number, date or indicator), has no `: ` or ` #`, no final `:`.
_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_./@=+:*-]*(?<!:)\Z")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])


def fix(description: str, *edits: Edit | None) -> list[Fix]:
    """`fixes=` of a finding: one fix when every edit could be made, else none."""
    if not edits or any(edit is None for edit in edits):
        return []
    return [Fix(description, tuple(e for e in edits if e is not None))]


def replace_scalar(pointer: Pointer, new_value: str) -> Edit | None:
    """Write `new_value` in place of the string at `pointer`, in the same quoting style."""
    old_value = pointer.value
    if not isinstance(old_value, str):
        return None
    return _replace_string(pointer, old_value, new_value)


def rename_key(pointer: Pointer, new_key: str) -> Edit | None:
    """Write `new_key` in place of the mapping key of `pointer` (a path ending in a str)."""
    if not pointer.path or not isinstance(pointer.path[-1], str):
        return None
    return _replace_string(pointer.at_key(), pointer.path[-1], new_key)


def replace_raw(pointer: Pointer, expected: str, replacement: str) -> Edit | None:
    """Replace the node's text when it reads exactly `expected` (e.g. an unquoted flow map)."""
    found = _raw(pointer)
    if found is None or found[1] != expected:
        return None
    return _edit(found[0], replacement)


def insert_first_key(mapping: Pointer, key: str, value: str | list[str]) -> Edit | None:
    """Add `key: value` (a string or a list of strings) before the first key of the mapping
    at `mapping`, on a line of its own when that key has one, written as the mapping's
    format writes it."""
    data = mapping.value
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) for k in data):
        return None
    if key in data:
        return None
    first = next(iter(data))
    found = _raw(mapping.child(first).at_key())
    if found is None:
        return None
    place, _raw_key = found
    before = _text_before(place)
    fmt = mapping.doc.format  # a JSON policy in a YAML block scalar is written as JSON
    if fmt not in ("json", "yaml"):
        return None
    inline = before.rstrip().endswith(("{", ",")) if fmt == "yaml" else bool(before.strip())
    indent = " " * len(before)
    if fmt == "json" or inline:
        entry = f"{json.dumps(key)}: {json.dumps(value)}"
        replacement = entry + (", " if inline else ",\n" + before)
    elif isinstance(value, list):
        items = "".join(f"\n{indent}  - {_yaml_scalar(item)}" for item in value)
        replacement = f"{key}:{items}\n{indent}"
    else:
        replacement = f"{key}: {json.dumps(value)}\n{indent}"
    _doc, line, column, _end_line, _end_column = place
    return Edit(place[0].path, line, column, line, column, replacement)


def append_to_list(sequence: Pointer, value: str) -> Edit | None:
    """Add the string `value` after the last item of the non-empty list at `sequence`, in
    the list's style: a block item (`- x`) on a line of its own, a flow or JSON item after
    `, ` (on a line of its own when the last item has one)."""
    items = sequence.value
    if not isinstance(items, list) or not items:
        return None
    found = _raw(sequence.child(len(items) - 1))
    if found is None:
        return None
    place, _raw_item = found
    doc, line, _column, end_line, end_column = place
    rest = _rest_of_line(doc, end_line, end_column).strip()
    if line != end_line or not (rest == "" or rest.startswith("]")):
        return None  # a multi-line last item or a comment after it: keep it simple
    before = _text_before(place)
    fmt = sequence.doc.format
    if fmt == "yaml" and before.strip() == "-":
        replacement = f"\n{before}{_yaml_scalar(value)}"
    elif before.rstrip().endswith((",", "[")):
        replacement = f", {json.dumps(value)}"
    elif not before.strip():
        replacement = f",\n{before}{json.dumps(value)}"
    else:
        return None
    return Edit(doc.path, end_line, end_column, end_line, end_column, replacement)


def _yaml_scalar(value: str) -> str:
    plain = _PLAIN_SAFE.match(value) and value.lower() not in _YAML_WORDS
    return value if plain else json.dumps(value)


def _rest_of_line(doc: Document, line: int, column: int) -> str:
    text = doc.source.text
    at = text_offset(text, line, column)
    if at is None:
        return ""
    end = text.find("\n", at)
    return text[at : len(text) if end < 0 else end]


def _text_before(place: _Place) -> str:
    """The text of the line of `place` before its column."""
    doc, line, column, _end_line, _end_column = place
    text = doc.source.text
    start = text_offset(text, line, 1)
    at = text_offset(text, line, column)
    return "" if start is None or at is None else text[start:at]


def _replace_string(pointer: Pointer, old: str, new: str) -> Edit | None:
    found = _raw(pointer)
    if found is None:
        return None
    place, raw = found
    written = _same_style(raw, old, new, place[0].format)
    return None if written is None else _edit(place, written)


def _same_style(raw: str, old: str, new: str, fmt: str) -> str | None:
    """`new` written as `old` is written in `raw`, or None when `raw` is not simply `old`."""
    double = json.dumps(new, ensure_ascii=False)
    if raw == json.dumps(old, ensure_ascii=False) or raw == json.dumps(old):
        return double
    if fmt != "yaml":
        return None
    if raw == old:
        return _yaml_scalar(new)
    if raw == "'" + old.replace("'", "''") + "'":
        return "'" + new.replace("'", "''") + "'"
    return None


# place: (document, line, column, end_line, end_column) in the file's own coordinates
_Place = tuple[Document, int, int, int, int]


def _raw(pointer: Pointer) -> tuple[_Place, str] | None:
    """The node's own span in its file and the file's text there."""
    doc = pointer.doc
    if doc.source.live or _generated(doc):
        return None
    if doc.embedding is not None and not doc.embedding.literal:
        return None  # inside an escaped string: inner positions do not map to the file
    span = doc.span(pointer.path, pointer.key)
    if span is None:
        return None
    location = doc.location_of(span)
    file_doc = _file_document(doc)
    text = file_doc.source.text
    if location.line is None or location.end_line is None or not text:
        return None
    start = text_offset(text, location.line, location.column or 1)
    end = text_offset(text, location.end_line, location.end_column or 1)
    if start is None or end is None or end <= start:
        return None
    place = (file_doc, location.line, location.column or 1, location.end_line,
             location.end_column or 1)
    return place, text[start:end]


def _edit(place: _Place, replacement: str) -> Edit:
    doc, line, column, end_line, end_column = place
    return Edit(doc.path, line, column, end_line, end_column, replacement)


def _file_document(doc: Document) -> Document:
    while doc.embedding is not None:
        doc = doc.embedding.outer.doc
    return doc


def _generated(doc: Document) -> bool:
    """Not a source people edit: built from one (a Terraform plan, rendered Helm output, a
    CDK assembly) or read from AWS (CLI output, `iamlint snapshot`): a record of live state,
    where an edit would hide the problem without changing the account."""
    root = _file_document(doc)
    if root.helm_source is not None or "cdk.out/" in f"/{root.path}":
        return True
    data: Any = root.data
    if not isinstance(data, dict):
        return False
    return any(key in data for key in _READ_FROM_AWS) or any(
        all(key in data for key in keys) for keys in _READ_FROM_AWS_TOGETHER
    )


_READ_FROM_AWS = frozenset(
    {
        "terraform_version",
        "format_version",
        "Role",
        "RoleDetailList",
        "PolicyVersion",
        "OpenIDConnectProviderList",
        "cluster",
        "nodegroup",
        "fargateProfile",
        "association",
        "accessEntry",
        "iamlintLiveRead",
        "taskDefinition",
    }
)
_READ_FROM_AWS_TOGETHER = (
    ("RoleName", "PolicyName", "PolicyDocument"),
    ("Url", "ClientIDList"),
    ("policyText", "repositoryName"),
    ("policyText", "registryId"),
)


def text_offset(text: str, line: int, column: int) -> int | None:
    """Offset in `text` of 1-based (line, column); lines end at `\\n` (CRLF keeps its `\\r`
    before the `\\n`, so columns of a line's content are the same)."""
    starts = _line_starts(text)
    if line < 1 or line > len(starts) or column < 1:
        return None
    offset = starts[line - 1] + column - 1
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    return offset if offset <= line_end else None


_STARTS_CACHE: dict[int, tuple[str, list[int]]] = {}


def _line_starts(text: str) -> list[int]:
    cached = _STARTS_CACHE.get(id(text))
    if cached is not None and cached[0] is text:
        return cached[1]
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    if len(_STARTS_CACHE) > 64:
        _STARTS_CACHE.clear()
    _STARTS_CACHE[id(text)] = (text, starts)
    return starts


def role_arn_meant(model: Model, arn: str, *, canonical: bool) -> str | None:
    """The role ARN an instance-profile or STS assumed-role ARN stands for, when certain.

    `canonical` is the form aws-auth compares (`arn:<partition>:iam::<account>:role/<name>`,
    no path): an assumed-role ARN gives it by itself. Otherwise the role must be in the
    inputs with its real name (and path), as resource policies and IRSA need it; for an
    instance profile, the inputs must define the profile with its single role.
    """
    from iamlint.iam.arn import assumed_role_parts, is_instance_profile_arn, parse_arn

    parsed = parse_arn(arn)
    if parsed is None or not re.fullmatch(r"\d{12}", parsed.account):
        return None
    assumed = assumed_role_parts(arn)
    if assumed is not None:
        name = assumed[2]
        if canonical:
            return f"arn:{parsed.partition}:iam::{parsed.account}:role/{name}"
        role = model.resolve_role(f"arn:{parsed.partition}:iam::{parsed.account}:role/{name}")
    elif is_instance_profile_arn(arn):
        role = _profile_role(model, arn)
    else:
        return None
    if role is None or not _ROLE_NAME.fullmatch(role.name) or not _PATH.fullmatch(role.path):
        return None
    if role.account not in ("", parsed.account):
        return None
    path = "/" if canonical else role.path
    return f"arn:{parsed.partition}:iam::{parsed.account}:role{path}{role.name}"


_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_PATH = re.compile(r"/(?:[\w+=,.@-]+/)*")


def _profile_role(model: Model, arn: str) -> Role | None:
    name = arn.rsplit("/", 1)[-1]
    matches = [
        profile
        for profile in model.instance_profiles
        if profile.arn == arn or (not profile.arn.startswith("arn:") and profile.name == name)
    ]
    if len(matches) != 1 or len(matches[0].roles) != 1:
        return None
    return model.resolve_role(matches[0].roles[0])
