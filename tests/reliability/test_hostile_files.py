"""Attacker-controlled files through the real pipeline: every one is an X001 (or read
correctly), never an exception, and a normal broken policy beside it is still reported."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reliability_support import (
    BROKEN_POLICY,
    assert_broken_policy_reported,
    findings_in,
    line_col_of,
    lint_beside_broken,
    only_x001,
)

import iamlint.api
from iamlint.config import Config
from iamlint.load import SourceFile, load_text

DEPTH = 100_000


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_x001(tmp_path: Path) -> None:
    result = lint_beside_broken(tmp_path, "bomb.yaml", billion_laughs())
    finding = only_x001(result, "bomb.yaml")
    assert "alias bomb" in finding.message and finding.location.line is not None


def test_recursive_yaml_alias_is_x001(tmp_path: Path) -> None:
    result = lint_beside_broken(tmp_path, "cycle.yaml", "roles: &a [*a]\n")
    assert "nested deeper" in only_x001(result, "cycle.yaml").message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("arrays.json", "[" * DEPTH + "]" * DEPTH),
        ("objects.json", '{"a": ' * DEPTH + "1" + "}" * DEPTH),
        ("flow.yaml", "[" * DEPTH + "]" * DEPTH),
        ("flow-mappings.yaml", "{a: " * DEPTH + "1" + "}" * DEPTH),
        ("block.yaml", "- " * DEPTH + "x\n"),
        # under the 64 KiB fast path: once crashed the C composer (segfault)
        ("compact.yaml", "- " * 30_000 + "x\n"),
        ("explicit-keys.yaml", "? " * 30_000 + "x\n"),
        ("indented.yaml", "".join(" " * depth + "a:\n" for depth in range(400)) + " " * 400 + "1"),
    ],
)
def test_deep_nesting_is_x001(tmp_path: Path, name: str, text: str) -> None:
    result = lint_beside_broken(tmp_path, name, text)
    assert "nested" in only_x001(result, name).message


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    text = '{"a": ' * 150 + "1" + "}" * 150
    result = lint_beside_broken(tmp_path, "deep-ok.json", text)
    assert not [f for f in findings_in(result, "deep-ok.json") if f.rule == "X001"]


def test_file_over_the_size_limit_is_x001_naming_it(tmp_path: Path) -> None:
    config = Config(max_file_bytes=4096)
    result = lint_beside_broken(tmp_path, "huge.json", " " * 5000 + "{}", config)
    finding = only_x001(result, "huge.json")
    assert "4096" in finding.message and "max-file-bytes" in finding.message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("image.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("nul.yaml", b"a: 1\n\x00\x00", "binary"),
        ("odd-utf16.json", codecs.BOM_UTF16_LE + b"{\x00\x00", "UTF-16"),
        ("surrogate-utf16.json", codecs.BOM_UTF16_LE + b"\x00\xd8", "UTF-16"),
        ("control.yaml", b"a: 1\nb: x\x1b[2Jy\n", "control characters"),
    ],
)
def test_binary_and_undecodable_bytes_are_x001(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    result = lint_beside_broken(tmp_path, name, content)
    assert expected in only_x001(result, name).message


def test_non_utf8_is_x001_at_the_byte(tmp_path: Path) -> None:
    content = "Version: '2012-10-17'\nStatement: caf\xe9\n".encode("latin-1")
    finding = only_x001(lint_beside_broken(tmp_path, "latin1.yaml", content), "latin1.yaml")
    assert "0xe9" in finding.message
    assert (finding.location.line, finding.location.column) == (2, 15)


def test_control_character_position_points_at_it(tmp_path: Path) -> None:
    result = lint_beside_broken(tmp_path, "control.yaml", "a: 1\nb: x\x07y\n")
    finding = only_x001(result, "control.yaml")
    assert (finding.location.line, finding.location.column) == (2, 5)
    assert "\n" not in finding.message


def _effect_position(result_findings: list, text: str) -> tuple[int, int]:  # type: ignore[type-arg]
    (p003,) = [f for f in result_findings if f.rule == "P003"]
    assert (p003.location.line, p003.location.column) == line_col_of(text, '"allow"')
    return p003.location.line, p003.location.column


def test_utf8_bom_json_is_read_with_exact_positions(tmp_path: Path) -> None:
    text = BROKEN_POLICY.replace("{", "{\n  ", 2)
    result = lint_beside_broken(tmp_path, "bom.json", codecs.BOM_UTF8 + text.encode())
    _effect_position(findings_in(result, "bom.json"), text)


def test_utf16_with_bom_is_read_with_exact_positions(tmp_path: Path) -> None:
    text = BROKEN_POLICY.replace(", ", ",\n ")
    for name, codec in [("utf16le.json", "utf-16-le"), ("utf16be.json", "utf-16-be")]:
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        result = lint_beside_broken(tmp_path, name, bom + text.encode(codec))
        _effect_position(findings_in(result, name), text)


def test_crlf_yaml_keeps_line_and_column(tmp_path: Path) -> None:
    text = (
        "Version: '2012-10-17'\r\nStatement:\r\n  - Effect: allow\r\n"
        "    Action: s3:GetObject\r\n    Resource: '*'\r\n"
    )
    result = lint_beside_broken(tmp_path, "crlf.yaml", codecs.BOM_UTF8 + text.encode())
    (p003,) = [f for f in findings_in(result, "crlf.yaml") if f.rule == "P003"]
    assert (p003.location.line, p003.location.column) == (3, 13)


PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]",
    "!!python/name:os.system",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_never_constructed(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n"
    text += "    eks.amazonaws.com/role-arn: " + tag.format(marker=marker) + "\n"
    result = lint_beside_broken(tmp_path / "in", "tagged.yaml", text)
    assert not marker.exists()
    assert not [f for f in findings_in(result, "tagged.yaml") if f.rule == "X001"]
    (document,) = load_text(SourceFile("tagged.yaml", text))
    value = document.data["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert _plain_data(value)  # the tag is dropped: strings and lists only
    assert not marker.exists()


def _plain_data(value: object) -> bool:
    if isinstance(value, list):
        return all(_plain_data(item) for item in value)
    return isinstance(value, str)


def test_json_duplicate_keys_are_x009_and_the_last_wins(tmp_path: Path) -> None:
    """The data and the positions agree on the last value (P003 points at it), and X009
    points at the repeated key, naming the first one."""
    text = BROKEN_POLICY.replace('"Effect": "allow"', '"Effect": "Allow", "Effect": "allow"')
    result = lint_beside_broken(tmp_path, "dup.json", text)
    p003, x009 = sorted(findings_in(result, "dup.json"), key=lambda f: f.rule)
    assert p003.rule == "P003" and x009.rule == "X009"
    assert (p003.location.line, p003.location.column) == line_col_of(text, '"allow"')
    second_effect = text.index('"Effect"', text.index('"Effect"') + 1)
    assert (x009.location.line, x009.location.column) == (1, second_effect + 1)
    first = line_col_of(text, '"Effect"')
    assert f"first at {first[0]}:{first[1]}" in x009.message and "IAM" in x009.message


def test_yaml_duplicate_keys_are_x009_and_the_last_wins(tmp_path: Path) -> None:
    text = (
        "Version: '2012-10-17'\nStatement:\n  - Effect: Allow\n    Effect: allow\n"
        "    Action: s3:GetObject\n    Resource: '*'\n"
    )
    result = lint_beside_broken(tmp_path, "dup.yaml", text)
    p003, x009 = sorted(findings_in(result, "dup.yaml"), key=lambda f: f.rule)
    assert (p003.rule, p003.location.line, p003.location.column) == ("P003", 4, 13)
    assert (x009.rule, x009.location.line, x009.location.column) == ("X009", 4, 5)
    assert "`Statement/0/Effect` (2 times, first at 3:5)" in x009.message


def test_many_duplicate_keys_are_summed_up(tmp_path: Path) -> None:
    """A file repeating keys thousands of times: a bounded number of findings, fast."""
    text = "{" + ", ".join(f'"k{i % 100}": {i}' for i in range(20_000)) + "}"
    started = time.monotonic()
    result = lint_beside_broken(tmp_path, "many.json", text)
    found = findings_in(result, "many.json")
    assert time.monotonic() - started < 20
    assert len(found) == 51 and "19850 more repeated keys" in found[-1].message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loops_do_not_hang_or_crash(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    os.symlink(root, root / "sub" / "back-to-root")  # a directory loop
    os.symlink(root / "a.json", root / "b.json")  # a file loop: a -> b -> a
    os.symlink(root / "b.json", root / "a.json")
    result = lint_beside_broken(root, "sub/ok.yaml", "a: 1\n")
    for name in ("a.json", "b.json"):
        assert "cannot read" in only_x001(result, name).message
    assert not [f for f in result.findings if "back-to-root" in f.location.file]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file"
)
def test_unreadable_file_is_x001(tmp_path: Path) -> None:
    target = tmp_path / "secret.json"
    target.write_text("{}")
    target.chmod(0)
    try:
        result = lint_beside_broken(tmp_path, "other.yaml", "a: 1\n")
        assert "cannot read" in only_x001(result, "secret.json").message
    finally:
        target.chmod(0o600)


def test_file_vanishing_after_discovery_is_x001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_discover = iamlint.api.discover

    def discover_then_delete(paths, exclude):  # type: ignore[no-untyped-def]
        found = real_discover(paths, exclude)
        (tmp_path / "gone.json").unlink()
        return found

    monkeypatch.setattr(iamlint.api, "discover", discover_then_delete)
    result = lint_beside_broken(tmp_path, "gone.json", BROKEN_POLICY)
    assert "cannot read" in only_x001(result, "gone.json").message


def test_directory_named_like_a_policy_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    result = lint_beside_broken(tmp_path, "dir.json/inner.yaml", "a: 1\n")
    assert not findings_in(result, "dir.json")


@pytest.mark.parametrize(
    "content", ["", " \n\t\n", "---\n", "---\n...\n", "---\n---\n", "null\n", "# only a comment\n"]
)
def test_empty_files_and_documents_are_quiet(tmp_path: Path, content: str) -> None:
    result = lint_beside_broken(tmp_path, "empty.yaml", content)
    assert not findings_in(result, "empty.yaml")


def test_empty_named_file_is_quiet(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("")
    result = iamlint.api.lint([str(tmp_path / "empty.json")], Config())
    assert result.findings == [] and result.max_severity() is None


@pytest.mark.parametrize(
    "name",
    ["with space.json", "ünïcödé-政策.json", "new\nline.json", "a::b.json", "100%,x.json"],
)
def test_awkward_file_names_are_linted(tmp_path: Path, name: str) -> None:
    result = lint_beside_broken(tmp_path, name, BROKEN_POLICY)
    (finding,) = findings_in(result, name)
    assert finding.rule == "P003" and finding.location.file == f"{tmp_path}/{name}"


def _aws_auth(map_roles: str) -> str:
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "aws-auth", "namespace": "kube-system"},
            "data": {"mapRoles": map_roles},
        }
    )


@pytest.mark.parametrize(
    "embedded", [billion_laughs(), "- " * 30_000 + "x\n", "[" * DEPTH + "]" * DEPTH]
)
def test_hostile_embedded_texts_are_findings(tmp_path: Path, embedded: str) -> None:
    """`mapRoles` strings and ECR `policyText` go through the same guards (A001, X003)."""
    repository = {"registryId": "111122223333", "repositoryName": "app", "policyText": embedded}
    (tmp_path / "ecr.json").write_text(json.dumps(repository))
    result = lint_beside_broken(tmp_path, "aws-auth.json", _aws_auth(embedded))
    (a001,) = findings_in(result, "aws-auth.json")
    assert a001.rule == "A001" and "not valid YAML" in a001.message
    (x003,) = findings_in(result, "ecr.json")
    assert x003.rule == "X003"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_found_by_walking_is_skipped_not_read(tmp_path: Path) -> None:
    """Opening a FIFO with no writer blocks forever: discovery must not hand it over."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # should a reader block on it after all, unblock it later, so the test fails, not hangs
    rescue = threading.Timer(UNBLOCK_AFTER, _release_reader, [fifo])
    rescue.start()
    started = time.monotonic()
    try:
        result = lint_beside_broken(tmp_path, "ok.yaml", "a: 1\n")
    finally:
        rescue.cancel()
    assert time.monotonic() - started < UNBLOCK_AFTER
    assert not findings_in(result, "pipe.json") and result.files == 2


UNBLOCK_AFTER = 5.0


def _release_reader(fifo: Path) -> None:
    with contextlib.suppress(OSError):  # ENXIO: nobody is reading, nothing to release
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd")
def test_pipe_named_explicitly_is_read(tmp_path: Path) -> None:
    """`iamlint check <(cat policy.json)`: the shell passes a pipe, which is read to its end."""
    read_end, write_end = os.pipe()
    os.write(write_end, BROKEN_POLICY.encode())
    os.close(write_end)
    try:
        result = iamlint.api.lint([f"/dev/fd/{read_end}"], Config())
    finally:
        os.close(read_end)
    assert [f.rule for f in result.findings] == ["P003"]


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="no /proc")
def test_file_failing_to_read_is_x001(tmp_path: Path) -> None:
    """Reading fails even for root (EIO at offset 0 of the process's own memory): the
    chmod 000 case above cannot be tested as root, this one can."""
    (tmp_path / "broken-policy.json").write_text(BROKEN_POLICY)
    result = iamlint.api.lint([str(tmp_path), "/proc/self/mem"], Config())
    assert_broken_policy_reported(result)
    (finding,) = [f for f in result.findings if f.location.file == "/proc/self/mem"]
    assert finding.rule == "X001" and finding.message.startswith("cannot read: ")


def test_every_hostile_file_at_once_through_the_cli(tmp_path: Path) -> None:
    """The command itself: one run over all of them exits 1 with no traceback, reports the
    broken policy, and gives each hostile file its one-line finding (or none)."""
    root = tmp_path / "repo"
    hostile: dict[str, str | bytes] = {
        "bomb.yaml": billion_laughs(),
        "deep.json": "[" * DEPTH + "]" * DEPTH,
        "deep.yaml": "- " * DEPTH + "x\n",
        "huge.json": " " * 5000 + "{}",
        "binary.json": b"\x89PNG\r\n\x1a\n\x00\x00",
        "latin1.yaml": "a: caf\xe9\n".encode("latin-1"),
        "bom-crlf.yaml": codecs.BOM_UTF8 + b"a: 1\r\nb: 2\r\n",
        "tagged.yaml": "a: !!python/object/apply:os.system ['touch pwned']\n",
        "dup.json": '{"a": 1, "a": 2}',
        "empty.yaml": "---\n...\n",
    }
    for name, content in hostile.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            (root / name).write_bytes(content)
        else:
            (root / name).write_text(content, encoding="utf-8")
    (root / "broken-policy.json").write_text(BROKEN_POLICY)
    (root / ".iamlint.yaml").write_text("max-file-bytes: 4096\n")
    if hasattr(os, "symlink"):
        os.symlink(root, root / "loop")
        os.symlink(root / "a.json", root / "b.json")
        os.symlink(root / "b.json", root / "a.json")
    run = subprocess.run(
        [sys.executable, "-m", "iamlint", "check", ".", "-f", "json"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and not (root / "pwned").exists()
    findings = json.loads(run.stdout)["findings"]
    by_file: dict[str, list[str]] = {}
    for item in findings:
        by_file.setdefault(item["file"].removeprefix("./"), []).append(item["rule"])
    assert by_file.pop("broken-policy.json") == ["P003"]
    assert by_file.pop("dup.json") == ["X009"]
    expected_x001 = {"bomb.yaml", "deep.json", "deep.yaml", "huge.json", "binary.json",
                     "latin1.yaml"} | ({"a.json", "b.json"} if hasattr(os, "symlink") else set())
    assert by_file == {name: ["X001"] for name in expected_x001}
