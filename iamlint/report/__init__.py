"""Reporters: a `Result` as text, JSON, SARIF 2.1.0, GitHub workflow commands or GitLab
Code Quality JSON. Every format is deterministic: the same result gives the same bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iamlint.result import Result
    from iamlint.rules.registry import Registry

FORMATS = ("text", "json", "sarif", "github", "gitlab")
TOOL_NAME = "iamlint"
INFORMATION_URI = "https://github.com/iamlint/iamlint"


def render(
    result: Result,
    fmt: str,
    *,
    color: bool = False,
    rules: Registry | None = None,
    quiet: bool = False,
) -> str:
    """The report of `result` in format `fmt` (one of FORMATS), ending with a newline.

    `color` adds ANSI colours to the text format (the caller decides: a TTY, no NO_COLOR);
    `quiet` drops the text format's summary line; `rules` supplies rule metadata (SARIF
    rule descriptors, security tags) and defaults to every registered rule.
    """
    if fmt == "text":
        from iamlint.report.text import render_text

        return render_text(result, color=color, quiet=quiet)
    if fmt == "json":
        from iamlint.report.json_report import render_json

        return render_json(result)
    if fmt == "github":
        from iamlint.report.github import render_github

        return render_github(result)
    if fmt == "sarif":
        from iamlint.report.sarif import render_sarif

        return render_sarif(result, rules or _registry())
    if fmt == "gitlab":
        from iamlint.report.gitlab import render_gitlab

        return render_gitlab(result, rules or _registry())
    raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def tool_info() -> dict[str, str]:
    return {"name": TOOL_NAME, "version": version()}


def version() -> str:
    import iamlint

    return str(getattr(iamlint, "__version__", "0.1.0"))


def _registry() -> Registry:
    from iamlint.rules import load_rules

    return load_rules()
