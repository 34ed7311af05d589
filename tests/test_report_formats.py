"""Every output format, rendered from hand-built Results."""

from __future__ import annotations

import json
import random
import sys
import types
from pathlib import Path

import pytest

from iamlint.finding import Edit, Finding, Fix, Location, Related, Severity
from iamlint.report import render
from iamlint.report.github import escape_data, escape_property
from iamlint.result import Result
from iamlint.rules.registry import Registry, Rule

SARIF_SCHEMA = Path(__file__).parents[1] / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ODD_PATH = "charts/app dir/pol#1, a:b.yaml"
ARN = "arn:aws:iam::111122223333:role/app"


def registry() -> Registry:
    rules = Registry()
    rules.add(Rule("P003", "invalid-effect", Severity.ERROR, "Effect not Allow/Deny.",
                   doc="P003 invalid-effect: x.\n\n## What it does\nChecks `Effect`.\n\n"
                       "## Example\n```json\n{}\n```\n", module="m.p003"))
    rules.add(Rule("T003", "irsa-trust-without-sub", Severity.WARNING, "No :sub condition.",
                   tags=frozenset({"security"}), doc="T003 irsa: y.", module="m.t003"))
    rules.add(Rule("T004", "irsa-trust-without-aud", Severity.INFO, "No :aud condition.",
                   doc="T004 aud: z.", module="m.t004"))
    return rules


def error_finding() -> Finding:
    return Finding(
        "P003",
        Severity.ERROR,
        "`Effect` is `allow`:\nwrite `Allow` :: 100%",
        Location(ODD_PATH, 3, 5, 3, 20),
        resource="policy app-policy",
        related=[Related(Location("roles/ünï.json", 12, 11, 12, 30), "trust condition")],
        fixes=[Fix("capitalise Effect", (Edit(ODD_PATH, 3, 13, 3, 20, "Allow"),))],
    )


def sample() -> Result:
    findings = [
        error_finding(),
        Finding("T003", Severity.WARNING, "trust has no :sub condition", Location(ARN),
                resource="role app"),
        Finding("T004", Severity.INFO, "trust has no :aud condition",
                Location("a.yaml", 2, 1, 2, 9), resource="role other"),
        Finding("T003", Severity.WARNING, "live service account",
                Location("k8s://prod-ctx/prod/ServiceAccount/app"), resource="ServiceAccount"),
    ]
    suppressed = [Finding("T004", Severity.INFO, "hidden", Location("a.yaml", 9, 1))]
    return Result(findings=findings, suppressed=suppressed, files=12)


# --- text -------------------------------------------------------------------------------


def test_text_lines_are_sorted_with_related_notes_and_a_summary() -> None:
    out = render(sample(), "text", rules=registry())
    assert out.splitlines() == [
        "a.yaml:2:1: T004 info trust has no :aud condition",
        f"{ARN}: T003 warning trust has no :sub condition",
        f"{ODD_PATH}:3:5: P003 error `Effect` is `allow`:\\nwrite `Allow` :: 100%",
        "  roles/ünï.json:12:11: note: trust condition",
        "  fix: capitalise Effect",
        "k8s://prod-ctx/prod/ServiceAccount/app: T003 warning live service account",
        "Found 4 findings (1 error, 2 warnings, 1 info) in 12 files; 1 suppressed.",
    ]


def test_text_summary_without_findings_and_quiet_mode() -> None:
    assert render(Result(files=1), "text") == "No findings in 1 file.\n"
    one = Result(findings=[error_finding()], files=2)
    assert render(one, "text").endswith(
        "Found 1 finding (1 error, 0 warnings, 0 info) in 2 files.\n"
    )
    assert render(one, "text", quiet=True).count("\n") == 2  # finding + related, no fix/summary
    assert render(Result(files=3), "text", quiet=True) == ""


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render(sample(), "text")
    coloured = render(sample(), "text", color=True)
    assert "\x1b[31mP003" in coloured or "\x1b[1m\x1b[31mP003" in coloured
    assert coloured.count("\n") == render(sample(), "text").count("\n")


def test_text_summary_counts_live_objects_apart_from_files() -> None:
    live = Result(files=0, live_objects=1206)
    assert render(live, "text").strip().endswith("No findings in 1206 live objects.")
    both = Result(files=3, live_objects=1)
    assert render(both, "text").strip().endswith("No findings in 3 files and 1 live object.")


def test_text_escapes_terminal_control_and_bidi_characters() -> None:
    message = "value \x1b[2J\u202egnp.exe\r"
    nasty = Finding("P003", Severity.ERROR, message, Location("x.yaml", 1, 1))
    line = render(Result(findings=[nasty], files=1), "text", quiet=True)
    assert "\x1b" not in line and "\u202e" not in line and "\r" not in line
    assert "\\x1b[2J\\u202egnp.exe\\r" in line


# --- json -------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_shape() -> None:
    doc = json.loads(render(sample(), "json"))
    assert list(doc) == ["version", "tool", "findings", "summary"]
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "iamlint", "version": "0.1.0"}
    assert doc["summary"] == {
        "files": 12, "live_objects": 0, "findings": 4, "errors": 1, "warnings": 2,
        "infos": 1, "suppressed": 1, "incomplete": False,
    }
    error = next(f for f in doc["findings"] if f["rule"] == "P003")
    assert list(error) == [
        "rule", "severity", "message", "file", "line", "column", "end_line", "end_column",
        "resource", "related", "fingerprint", "fix",  # `fix` only when there is one
    ]
    assert error["fix"] == {
        "description": "capitalise Effect",
        "edits": [{"file": ODD_PATH, "line": 3, "column": 13, "end_line": 3, "end_column": 20,
                   "replacement": "Allow"}],
    }
    assert all("fix" not in f for f in doc["findings"] if f["rule"] != "P003")
    assert error["file"] == ODD_PATH and error["line"] == 3 and error["end_column"] == 20
    assert error["related"] == [
        {"file": "roles/ünï.json", "line": 12, "column": 11, "message": "trust condition"}
    ]
    assert error["fingerprint"] == error_finding().fingerprint
    live = next(f for f in doc["findings"] if f["file"] == ARN)
    assert live["line"] is None and live["column"] is None


def test_json_is_byte_identical_whatever_the_input_order() -> None:
    first = sample()
    shuffled = sample()
    random.Random(7).shuffle(shuffled.findings)
    assert render(first, "json") == render(shuffled, "json")
    assert [f["file"] for f in json.loads(render(first, "json"))["findings"]] == [
        "a.yaml", ARN, ODD_PATH, "k8s://prod-ctx/prod/ServiceAccount/app",
    ]


def test_json_keeps_unicode_and_survives_undecodable_file_names() -> None:
    assert "roles/ünï.json" in render(sample(), "json")
    odd = Finding("P003", Severity.ERROR, "m", Location("bad\udcff.yaml", 1, 1))
    text = render(Result(findings=[odd], files=1), "json")
    text.encode("utf-8")  # must not raise
    assert json.loads(text)["findings"][0]["file"] == "bad\udcff.yaml"


# --- sarif ------------------------------------------------------------------------------


def sarif(result: Result | None = None) -> dict:  # type: ignore[type-arg]
    return json.loads(render(result or sample(), "sarif", rules=registry()))


def test_sarif_is_valid_against_the_oasis_schema() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not beside the repository")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    for result in (sample(), Result(files=0), _whole_file_result()):
        errors = sorted(validator.iter_errors(sarif(result)), key=str)
        assert not errors, errors[0].message


def _whole_file_result() -> Result:
    whole = Finding("P003", Severity.ERROR, "whole file", Location("x.json"))
    crash = Finding("X004", Severity.ERROR, "rule crashed", Location("<iamlint>"), resource="I001")
    return Result(findings=[whole, crash], files=1)


def test_sarif_run_driver_and_rules() -> None:
    run = sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "iamlint" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["P003", "T003", "T004"]
    p003, t003, t004 = driver["rules"]
    assert p003["helpUri"] == "https://github.com/iamlint/iamlint/blob/main/docs/rules/P003.md"
    assert p003["help"]["markdown"].startswith("P003 invalid-effect")
    assert "```" not in p003["help"]["text"] and "## " not in p003["help"]["text"]
    assert p003["fullDescription"]["text"] == "Checks `Effect`."
    assert p003["defaultConfiguration"]["level"] == "error"
    assert "security-severity" not in p003["properties"]
    assert t003["properties"] == {"tags": ["security"], "security-severity": "5.5"}
    assert t004["defaultConfiguration"]["level"] == "note"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_results_locations_and_fingerprints() -> None:
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    error = next(r for r in results if r["ruleId"] == "P003")
    assert error["level"] == "error"
    assert error["message"]["text"] == "`Effect` is `allow`:\nwrite `Allow` :: 100%"
    physical = error["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "charts/app%20dir/pol%231,%20a%3Ab.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 20}
    related = error["relatedLocations"][0]
    assert related["id"] == 1 and related["message"]["text"] == "trust condition"
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "roles/%C3%BCn%C3%AF.json"
    assert error["partialFingerprints"] == {"iamlintFingerprint/v1": error_finding().fingerprint}
    replacement = error["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "Allow"
    assert replacement["deletedRegion"]["startColumn"] == 13
    warning = next(r for r in results if r["ruleId"] == "T003" and "sub" in r["message"]["text"])
    assert warning["level"] == "warning"
    assert "physicalLocation" not in warning["locations"][0]
    logical = warning["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == ARN and logical["name"] == "app"
    assert next(r for r in results if r["ruleId"] == "T004")["level"] == "note"


def test_sarif_omits_the_region_when_there_is_no_line_and_handles_absolute_paths() -> None:
    results = sarif(_whole_file_result())["runs"][0]["results"]
    whole = results[1] if results[0]["ruleId"] == "X004" else results[0]
    assert "region" not in whole["locations"][0]["physicalLocation"]
    outside = Finding("P003", Severity.ERROR, "m", Location("/tmp/a b.json", 1, 1))
    absolute = Result(findings=[outside])
    location = sarif(absolute)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///tmp/a%20b.json"}


def test_sarif_records_the_aws_data_date_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("iamlint.iam.catalogue")
    fake.data_info = lambda: {"date": "2024-05-01", "source": "AWS service authorization"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "iamlint.iam.catalogue", fake)
    driver = sarif()["runs"][0]["tool"]["driver"]
    assert driver["properties"]["awsData"] == {
        "date": "2024-05-01", "source": "AWS service authorization",
    }


def test_sarif_uses_the_registered_rules_by_default() -> None:
    result = Result(findings=[Finding("X007", Severity.WARNING, "m", Location("a.yaml", 1, 1))])
    driver = json.loads(render(result, "sarif"))["runs"][0]["tool"]["driver"]
    assert driver["rules"][0]["name"] == "unused-suppression"


# --- github -----------------------------------------------------------------------------


def test_github_workflow_commands_with_escaping() -> None:
    lines = render(sample(), "github").splitlines()
    assert lines[0] == (
        "::notice file=a.yaml,line=2,col=1,endLine=2,endColumn=9,title=T004::"
        "trust has no :aud condition"
    )
    assert lines[1] == f"::warning title=T003::{ARN}: trust has no :sub condition"
    assert lines[2] == (
        "::error file=charts/app dir/pol#1%2C a%3Ab.yaml,line=3,col=5,endLine=3,endColumn=20,"
        "title=P003::`Effect` is `allow`:%0Awrite `Allow` :: 100%25"
        "%0Aroles/ünï.json:12:11: trust condition"
    )
    assert len(lines) == 4  # one line per finding, no summary


def test_github_escape_functions() -> None:
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


# --- gitlab -----------------------------------------------------------------------------


def test_gitlab_code_quality_issues() -> None:
    issues = json.loads(render(sample(), "gitlab", rules=registry()))
    assert [i["check_name"] for i in issues] == ["T004", "T003", "P003", "T003"]
    first = issues[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert first["location"] == {"path": "a.yaml", "lines": {"begin": 2}}
    assert [i["severity"] for i in issues] == ["info", "major", "critical", "major"]
    assert issues[1]["location"] == {"path": ARN, "lines": {"begin": 1}}


def test_gitlab_security_errors_are_blockers_and_fingerprints_unique() -> None:
    rules = registry()
    rules.rules["P003"].tags = frozenset({"security"})
    twice = Result(findings=[error_finding(), error_finding()], files=1)
    issues = json.loads(render(twice, "gitlab", rules=rules))
    assert [i["severity"] for i in issues] == ["blocker", "blocker"]
    assert len({i["fingerprint"] for i in issues}) == 2


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(sample(), "xml")
