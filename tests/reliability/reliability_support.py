"""Shared by the reliability tests: a run over a hostile file beside a normal broken one."""

from __future__ import annotations

from pathlib import Path

from iamlint.api import lint
from iamlint.config import Config
from iamlint.finding import Finding, Severity
from iamlint.result import Result

# An identity policy with one known problem: `allow` must be `Allow` (P003, an error).
BROKEN_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", '
    '"Action": "s3:GetObject", "Resource": "*"}]}'
)
BROKEN_NAME = "broken-policy.json"


def lint_beside_broken(root: Path, name: str, content: str | bytes, config: Config | None = None
                       ) -> Result:
    """Lint `root` holding `name` (hostile) and a normal broken policy; the broken policy's
    finding must survive whatever the hostile file does."""
    root.mkdir(parents=True, exist_ok=True)
    (root / BROKEN_NAME).write_text(BROKEN_POLICY, encoding="utf-8")
    target = root / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8", newline="")
    result = lint([str(root)], config or Config())
    assert_broken_policy_reported(result)
    return result


def assert_broken_policy_reported(result: Result) -> None:
    assert any(
        f.rule == "P003" and f.location.file.endswith(BROKEN_NAME) for f in result.findings
    ), [(f.rule, f.location.file) for f in result.findings]
    assert result.max_severity() == Severity.ERROR  # exit 1 under any --fail-on
    assert not [f for f in result.findings if f.rule == "X004"]


def findings_in(result: Result, name: str) -> list[Finding]:
    return [f for f in result.findings if f.location.file.endswith("/" + name)]


def only_x001(result: Result, name: str) -> Finding:
    """The one finding of the hostile file, which must be a parse error (X001)."""
    found = findings_in(result, name)
    assert [f.rule for f in found] == ["X001"], [(f.rule, f.message) for f in found]
    return found[0]


def line_col_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column (code points) where `needle` first starts in `text`."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
