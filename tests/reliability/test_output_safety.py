"""Awkward file names and hostile message content through every reporter: each finding
stays one line / one record, names survive a round trip, and nothing injects commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from reliability_support import BROKEN_POLICY

from iamlint.api import lint
from iamlint.config import Config
from iamlint.report import render
from iamlint.result import Result

NAMES = [
    "with space.json",
    "ünïcödé/政策.json",
    "new\nline.json",
    "a::b.json",
    "100%,x.json",
    "a,b:c%0Ad=e.json",
    "#hash?query.json",
]
INJECTED_ACTION = "s3:Get\n::error file=evil.json::injected\x1b[2J\u202e%0A"
SHARED_SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    root = tmp_path_factory.mktemp("names")
    for name in NAMES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(BROKEN_POLICY, encoding="utf-8")
    hostile = json.loads(BROKEN_POLICY)
    hostile["Statement"][0]["Action"] = INJECTED_ACTION
    (root / "hostile.json").write_text(json.dumps(hostile), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)  # display paths are the names, relative, as the user passed them
        return lint(["."], Config())


def test_every_name_is_linted_under_its_own_name(result: Result) -> None:
    files = {f.location.file for f in result.findings if f.rule == "P003"}
    assert files == {*NAMES, "hostile.json"}


def test_text_keeps_one_line_per_finding(result: Result) -> None:
    lines = render(result, "text").splitlines()
    # plus the summary; indented lines belong to the finding above (`note:`, `fix:`)
    assert len([line for line in lines if not line.startswith("  ")]) == len(result.findings) + 1
    for name in NAMES:
        shown = name.replace("\n", "\\n")
        assert any(line.startswith(f"{shown}:1:") and " P003 error " in line for line in lines)
    hostile = [line for line in lines if line.startswith("hostile.json")]
    assert hostile and not any("\x1b" in line or "\u202e" in line for line in lines)


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command the way the Actions runner does, undoing its escapes."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line
    properties = {}
    for pair in match.group(2).split(","):
        key, _, value = pair.partition("=")
        properties[key] = _unescape(value, property_value=True)
    return match.group(1), properties, _unescape(match.group(3), property_value=False)


def _unescape(text: str, *, property_value: bool) -> str:
    text = text.replace("%0D", "\r").replace("%0A", "\n")
    if property_value:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%25", "%")


def test_github_annotations_round_trip_names_and_messages(result: Result) -> None:
    lines = render(result, "github").splitlines()
    assert len(lines) == len(result.findings)  # no message or name adds a command
    parsed = [parse_workflow_command(line) for line in lines]
    files = {props["file"] for command, props, _ in parsed if props.get("title") == "P003"}
    assert files == {*NAMES, "hostile.json"}
    messages = [message for _, props, message in parsed if props.get("file") == "hostile.json"]
    assert any(INJECTED_ACTION.split("\n")[0] in message for message in messages)
    assert all(command in ("error", "warning", "notice") for command, _, _ in parsed)


URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=@/%]+")


def test_sarif_uris_are_percent_encoded_relative_references(result: Result) -> None:
    document = json.loads(render(result, "sarif"))
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for item in document["runs"][0]["results"]
        for location in item["locations"]
        if "physicalLocation" in location
    }
    for uri in uris:
        assert URI_CHARACTERS.fullmatch(uri), uri  # no space, newline, `:`, `#`, `?`, raw unicode
    assert {unquote(uri) for uri in uris} >= set(NAMES)


def test_sarif_with_awkward_names_is_schema_valid(result: Result) -> None:
    schema_file = SHARED_SCHEMA / "sarif-schema-2.1.0.json"
    if not schema_file.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not beside the repository")
    import jsonschema

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    sarif = json.loads(render(result, "sarif"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(sarif))
    assert not errors, errors[0].message


def test_json_and_gitlab_keep_exact_names(result: Result) -> None:
    findings = json.loads(render(result, "json"))["findings"]
    assert {f["file"] for f in findings if f["rule"] == "P003"} == {*NAMES, "hostile.json"}
    issues = json.loads(render(result, "gitlab"))
    assert {i["location"]["path"] for i in issues if i["check_name"] == "P003"} >= set(NAMES)
    hostile = [f["message"] for f in findings if f["file"] == "hostile.json"]
    assert any(INJECTED_ACTION.split("\n")[0] in message for message in hostile)
