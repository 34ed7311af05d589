"""Baseline files: what is written, what is read back, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamlint.baseline import load_baseline, write_baseline
from iamlint.config import ConfigError
from iamlint.finding import Finding, Location, Severity


def finding(rule: str, file: str, message: str, line: int = 1) -> Finding:
    return Finding(rule, Severity.WARNING, message, Location(file, line, 1), resource=f"res {file}")


FINDINGS = [
    finding("I001", "charts/sa.yaml", "role 'app' does not trust prod:app"),
    finding("P003", "roles/ünï.json", "`Effect` is `allow`"),
    finding("P003", "roles/ünï.json", "`Effect` is `allow`", line=9),  # same fingerprint
]


def test_written_file_is_sorted_readable_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "iamlint-baseline.json"
    assert write_baseline(path, FINDINGS) == 3
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert document["tool"] == {"name": "iamlint", "version": "0.1.0"}
    fingerprints = [e["fingerprint"] for e in document["entries"]]
    assert fingerprints == sorted(fingerprints)
    assert sorted(fingerprints) == sorted(f.fingerprint for f in FINDINGS)
    assert set(document["entries"][0]) == {"fingerprint", "rule", "file", "resource", "message"}
    assert "roles/ünï.json" in path.read_text(encoding="utf-8")

    baseline = load_baseline(path)
    assert baseline.path == str(path)
    assert baseline.counts()[FINDINGS[1].fingerprint] == 2
    entry = next(e for e in baseline.entries if e.rule == "I001")
    assert (entry.file, entry.resource, entry.message) == (
        "charts/sa.yaml", "res charts/sa.yaml", "role 'app' does not trust prod:app",
    )
    lines = path.read_text().splitlines()
    for item in baseline.entries:
        assert item.line is not None and item.fingerprint in lines[item.line - 1]


def test_output_does_not_depend_on_finding_order(tmp_path: Path) -> None:
    write_baseline(tmp_path / "a.json", FINDINGS)
    write_baseline(tmp_path / "b.json", list(reversed(FINDINGS)))
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_x007_findings_are_never_written(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    assert write_baseline(path, [finding("X007", "a.yaml", "unused suppression")]) == 0
    assert json.loads(path.read_text())["entries"] == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "baseline file not found"),
        ('{"version": 1,\n "entries": [}', ":2:14: invalid baseline JSON"),
        ("[]", "not an iamlint baseline"),
        ('{"version": 2, "entries": []}', "unsupported baseline version 2"),
        ('{"version": 1, "entries": [{"rule": "I001"}]}', 'entry 0 has no "fingerprint"'),
        (b"\xff\xfe\x00", "cannot read baseline"),
    ],
)
def test_bad_baselines_are_one_line_config_errors(
    tmp_path: Path, content: str | bytes | None, expected: str
) -> None:
    path = tmp_path / "baseline.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert message.startswith(str(path))


def test_unwritable_location_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot write baseline"):
        write_baseline(tmp_path / "missing-dir" / "b.json", FINDINGS)
