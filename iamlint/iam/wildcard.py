"""IAM glob matching: `*` matches any run of characters (also empty, also `:` and `/`),
`?` exactly one character; every other character is literal.

Actions match case-insensitively ("The prefix and the action name are case insensitive"),
resources and `StringLike` values case-sensitively. Patterns are compiled once into a
small matcher (equality, prefix, suffix, or an anchored regex) and cached, so matching a
pattern against many values costs one dictionary lookup and one string operation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Matcher = Callable[[str], bool]

WILDCARDS = frozenset("*?")


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def glob_to_regex(pattern: str) -> str:
    """The regular expression (without anchors) equivalent to an IAM glob."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=16384)
def compile_glob(pattern: str, ignore_case: bool = False) -> Matcher:
    """A predicate telling whether a value matches `pattern`. With `ignore_case` the value
    passed to the predicate must already be lower-cased (`str.lower`)."""
    if ignore_case:
        pattern = pattern.lower()
    if not has_wildcard(pattern):
        return pattern.__eq__
    stars = pattern.strip("*")
    if not stars:
        return _always
    if not has_wildcard(stars):
        if pattern.endswith("*") and not pattern.startswith("*"):
            return _startswith(stars)
        if pattern.startswith("*") and not pattern.endswith("*"):
            return _endswith(stars)
        if pattern.startswith("*") and pattern.endswith("*"):
            return _contains(stars)
    regex = re.compile(glob_to_regex(pattern), re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Match one value against one IAM glob; False for non-string input."""
    if not isinstance(pattern, str) or not isinstance(value, str):
        return False
    if ignore_case:
        return compile_glob(pattern, True)(value.lower())
    return compile_glob(pattern, False)(value)


def action_matches(pattern: Any, action: Any) -> bool:
    """`ecr:Get*` matches `ECR:GetAuthorizationToken` (actions ignore case)."""
    return glob_match(pattern, action, ignore_case=True)


def resource_matches(pattern: Any, resource: Any) -> bool:
    """`arn:aws:ecr:*:*:repository/app-*` matches `arn:aws:ecr:eu-west-1:1:repository/app-x`
    (case-sensitive)."""
    return glob_match(pattern, resource)


def string_like(pattern: Any, value: Any) -> bool:
    """The `StringLike` comparison: case-sensitive glob."""
    return glob_match(pattern, value)


def any_action_matches(patterns: list[str], action: str) -> bool:
    """True if one of `patterns` matches `action`; lower-cases the action once."""
    low = action.lower()
    return any(compile_glob(p, True)(low) for p in patterns if isinstance(p, str))


def _always(_value: str) -> bool:
    return True


def _startswith(prefix: str) -> Matcher:
    return lambda value: value.startswith(prefix)


def _contains(part: str) -> Matcher:
    return lambda value: part in value


def _endswith(suffix: str) -> Matcher:
    return lambda value: value.endswith(suffix)
