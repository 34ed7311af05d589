"""The pipeline as a library: results survive bad files and crashing rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.api import NoInputError, analyse
from iamlint.config import Config
from iamlint.finding import Severity
from iamlint.rules import load_rules
from iamlint.rules.registry import REGISTRY, Rule

BAD_EFFECT = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_parse_error_does_not_lose_other_files(tmp_path: Path) -> None:
    write(tmp_path, "broken.json", '{"Version": "2012-10-17",')
    write(tmp_path, "good/policy.json", BAD_EFFECT)
    analysis = analyse([str(tmp_path)], Config())
    rules = sorted(f.rule for f in analysis.findings)
    assert "X001" in rules and "P003" in rules
    x001 = next(f for f in analysis.findings if f.rule == "X001")
    assert x001.location.file.endswith("broken.json") and x001.location.line == 1


def test_crashing_rule_becomes_x004(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rules()

    def explode(model, ctx):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("boom")

    crashing = Rule("P999", "explodes", Severity.ERROR, "test rule", check=explode, module="tests")
    monkeypatch.setitem(REGISTRY.rules, "P999", crashing)
    write(tmp_path, "policy.json", BAD_EFFECT)
    analysis = analyse([str(tmp_path)], Config())
    crash = [f for f in analysis.findings if f.rule == "X004"]
    assert len(crash) == 1
    assert "P999" in crash[0].message and "ZeroDivisionError" in crash[0].message
    assert "boom" not in crash[0].message  # no exception text, no traceback
    assert any(f.rule == "P003" for f in analysis.findings)


def test_no_input_raises(tmp_path: Path) -> None:
    with pytest.raises(NoInputError):
        analyse([str(tmp_path)], Config())
    with pytest.raises(NoInputError, match="no such file"):
        analyse([str(tmp_path / "missing.json")], Config())


def test_select_and_ignore_by_family(tmp_path: Path) -> None:
    write(tmp_path, "broken.json", "{")
    write(tmp_path, "policy.json", BAD_EFFECT)
    only_x = analyse([str(tmp_path)], Config(select=["X"]))
    assert {f.rule for f in only_x.findings} == {"X001"}
    no_p = analyse([str(tmp_path)], Config(ignore=["P"]))
    assert not any(f.rule.startswith("P") for f in no_p.findings)


def test_unrecognised_file_named_explicitly_is_x002(tmp_path: Path) -> None:
    path = write(tmp_path, "settings.json", '{"theme": "dark"}')
    named = analyse([str(path)], Config())
    assert [f.rule for f in named.findings] == ["X002"]
    walked = analyse([str(tmp_path)], Config())
    assert walked.findings == []


def test_discovery_skips_hidden_and_vendored_dirs(tmp_path: Path) -> None:
    for folder in (".git", "node_modules", ".terraform", ".hidden"):
        write(tmp_path, f"{folder}/policy.json", BAD_EFFECT)
    write(tmp_path, "real/policy.json", BAD_EFFECT)
    analysis = analyse([str(tmp_path)], Config())
    assert {f.location.file.rsplit("/", 2)[-2] for f in analysis.findings} == {"real"}


def test_exclude_patterns(tmp_path: Path) -> None:
    write(tmp_path, "generated/policy.json", BAD_EFFECT)
    write(tmp_path, "src/policy.json", BAD_EFFECT)
    write(tmp_path, "src/skip.json", BAD_EFFECT)
    analysis = analyse([str(tmp_path)], Config(exclude=["generated/", "skip.json"]))
    assert [f.location.file.rsplit("/", 2)[-2:] for f in analysis.findings] == [
        ["src", "policy.json"]
    ]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path, "a/policy.json", BAD_EFFECT)
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    analysis = analyse([str(tmp_path)], Config())
    assert len([f for f in analysis.findings if f.rule == "P003"]) == 1


def test_oversized_file_is_x001_naming_the_limit(tmp_path: Path) -> None:
    write(tmp_path, "big.json", '{"Statement": []}' + " " * 2000)
    analysis = analyse([str(tmp_path)], Config(max_file_bytes=1000))
    (finding,) = analysis.findings
    assert finding.rule == "X001" and "1000" in finding.message


def test_stale_data_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iamlint import api
    from iamlint.api import lint
    from iamlint.iam import catalogue

    write(tmp_path, "policy.json", BAD_EFFECT)
    monkeypatch.setattr(catalogue, "data_age_days", lambda today=None: api.STALE_DATA_DAYS + 30)
    (notice,) = lint([str(tmp_path)], Config()).notices
    assert "days old" in notice and "P004" in notice
    monkeypatch.setattr(catalogue, "data_age_days", lambda today=None: 10)
    assert lint([str(tmp_path)], Config()).notices == []
