"""`iamlint trace`: the text tree of examples/ (snapshot), Mermaid and dot structure, --for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamlint.cli import app
from iamlint.trace import Link, dot_escape, mermaid_escape, render_dot, render_mermaid

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).parent / "snapshots" / "trace_examples.txt"


def _trace(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["trace", *args])
    return result.exit_code, result.output


def test_text_tree_of_examples(in_repo: Path, update_snapshots: bool) -> None:
    code, output = _trace("examples")
    assert code == 0
    if update_snapshots:
        SNAPSHOT.write_text(output, encoding="utf-8")
    assert output == SNAPSHOT.read_text(encoding="utf-8")


def test_examples_show_each_kind_of_verdict(in_repo: Path) -> None:
    _, output = _trace("examples")
    # web-app's trust names another subject (I001): the role and its statement are broken
    assert re.search(r"\[broken\] role arn:aws:iam::111122223333:role/web-app", output)
    assert re.search(r"\[broken\] trust statement \(sub false, aud true\)", output)
    assert re.search(r"\[ok\] cluster prod issuer oidc\.eks\.eu-west-1", output)
    assert "[unknown] aws-auth mapping / access entry" in output


@pytest.mark.parametrize(
    ("target", "root"),
    [
        ("ServiceAccount/web/web-app", "ServiceAccount web/web-app"),
        ("NodeGroup/prod/general", "NodeGroup prod/general"),
        ("TaskDefinition/worker", "TaskDefinition worker"),
        ("arn:aws:iam::111122223333:role/eks-node", "NodeGroup prod/general"),
        ("web-app", "ServiceAccount web/web-app"),
    ],
)
def test_for_selects_one_chain(in_repo: Path, target: str, root: str) -> None:
    code, output = _trace("examples", "--for", target)
    assert code == 0
    roots = [line for line in output.splitlines() if line and line[0] not in "└├│ "]
    assert roots and all(line.startswith(root) for line in roots)


def test_unknown_target_and_format_are_usage_errors(in_repo: Path) -> None:
    code, output = _trace("examples", "--for", "ServiceAccount/none/none")
    assert code == 2 and "no identity chain" in output
    code, output = _trace("examples", "--format", "svg")
    assert code == 2 and "unknown format" in output


def _assert_balanced(text: str) -> None:
    depth = {"[": 0, "{": 0, "(": 0}
    closing = {"]": "[", "}": "{", ")": "("}
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in depth:
            depth[char] += 1
        elif not in_quotes and char in closing:
            depth[closing[char]] -= 1
            assert depth[closing[char]] >= 0
    assert not in_quotes
    assert set(depth.values()) == {0}


def test_mermaid_structure(in_repo: Path) -> None:
    code, output = _trace("examples", "--format", "mermaid")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "flowchart LR"
    declared = set()
    for line in lines[1:]:
        node = re.fullmatch(r'    (n\d+)\["([^"]*)"\]', line)
        edge = re.fullmatch(r"    (n\d+) --> (n\d+)", line)
        style = re.fullmatch(r"    classDef (ok|broken|unknown) \S+", line)
        klass = re.fullmatch(r"    class (n\d+(?:,n\d+)*) (ok|broken|unknown)", line)
        assert node or edge or style or klass, line
        if node:
            declared.add(node.group(1))
        if edge:
            assert {edge.group(1), edge.group(2)} <= declared
        if klass:
            assert set(klass.group(1).split(",")) <= declared
    _assert_balanced(output)


def test_dot_structure(in_repo: Path) -> None:
    code, output = _trace("examples", "--format", "dot")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "digraph iamlint {" and lines[-1] == "}"
    declared = set()
    for line in lines[1:-1]:
        node = re.fullmatch(r'    (n\d+) \[label="((?:[^"\\]|\\.)*)", color=\w+\];', line)
        edge = re.fullmatch(r"    (n\d+) -> (n\d+);", line)
        setting = re.fullmatch(r"    (rankdir=LR|node \[.*\]);", line)
        assert node or edge or setting, line
        if node:
            declared.add(node.group(1))
        if edge:
            assert {edge.group(1), edge.group(2)} <= declared
    _assert_balanced(output)


def test_labels_are_escaped() -> None:
    tricky = Link('role "a" <b> #1 \\ x', "broken", "f.yaml:1:1", children=[Link("c", "ok")])
    mermaid = render_mermaid([tricky])
    assert '"' not in mermaid_escape('say "hi"') and "#quot;" in mermaid_escape('"')
    assert "<b>" not in mermaid and "#lt;b#gt;" in mermaid
    _assert_balanced(mermaid)
    dot = render_dot([tricky])
    assert dot_escape('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c\\nd'
    assert re.search(r'label="role \\"a\\" <b> #1 \\\\ x', dot)
    _assert_balanced(dot)


def test_no_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "policy.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
        ' "Resource": "*"}]}',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, output = _trace(".")
    assert code == 0 and output == "no identity chain found\n"
