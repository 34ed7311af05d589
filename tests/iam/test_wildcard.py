"""IAM glob matching: `*` any run (also empty, also across `:` and `/`), `?` one character."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlint.iam.wildcard import (
    action_matches,
    any_action_matches,
    compile_glob,
    glob_match,
    glob_to_regex,
    has_wildcard,
    resource_matches,
    string_like,
)


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("ecr:BatchGetImage", "ecr:BatchGetImage", True),
        ("ECR:batchgetimage", "ecr:BatchGetImage", True),  # actions ignore case
        ("ecr:Get*", "ecr:GetAuthorizationToken", True),
        ("ecr:Get*", "ecr:BatchGetImage", False),
        ("ecr:*", "ecr:PutImage", True),
        ("*", "sts:AssumeRoleWithWebIdentity", True),
        ("ecr:*Image", "ecr:BatchGetImage", True),
        ("ecr:*Image", "ecr:BatchGetImages", False),
        ("s3:?etObject", "s3:GetObject", True),
        ("s3:?etObject", "s3:etObject", False),  # `?` is exactly one character
        ("ec2:*Describe*", "ec2:DescribeInstances", True),
        ("ecr:Batch*Image", "ecr:BatchGetImage", True),
        ("ecr:BatchGetImage", "ecr:BatchGetImageX", False),
        ("ecr:", "ecr:BatchGetImage", False),
    ],
)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "arn:aws:ecr:us-east-1:111122223333:repository/app", True),
        ("arn:aws:ecr:*:*:repository/*", "arn:aws:ecr:us-east-1:111122223333:repository/a/b", True),
        (
            "arn:aws:ecr:*:*:repository/App",
            "arn:aws:ecr:us-east-1:111122223333:repository/app",
            False,
        ),
        # `*` crosses colons in Resource matching (unlike ArnLike)
        ("arn:aws:ecr:*", "arn:aws:ecr:us-east-1:111122223333:repository/app", True),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", False),
        ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/key", True),
        ("*/key", "arn:aws:s3:::bucket/key", True),
        ("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket", True),
        ("*", "", True),
        ("", "", True),
        ("?", "", False),
    ],
)
def test_resource_matches(pattern: str, resource: str, expected: bool) -> None:
    assert resource_matches(pattern, resource) is expected


def test_string_like_is_case_sensitive_and_treats_regex_characters_literally() -> None:
    assert string_like("system:serviceaccount:prod:*", "system:serviceaccount:prod:app")
    assert not string_like("system:serviceaccount:Prod:*", "system:serviceaccount:prod:app")
    assert string_like("a.b+c[d]", "a.b+c[d]")
    assert not string_like("a.b", "axb")
    assert string_like("line*", "line1\nline2")  # `*` also spans newlines


def test_non_strings_never_match_and_never_raise() -> None:
    assert not action_matches(None, "ecr:BatchGetImage")
    assert not action_matches("*", 5)
    assert not resource_matches(["*"], "x")
    assert not glob_match({"a": 1}, "x")


def test_any_action_matches_skips_non_strings() -> None:
    assert any_action_matches([1, None, "ecr:get*"], "ecr:GetAuthorizationToken")  # type: ignore[list-item]
    assert not any_action_matches([], "ecr:GetAuthorizationToken")


def test_compiled_matchers_are_cached() -> None:
    assert compile_glob("arn:aws:ecr:*:repository/x*") is compile_glob(
        "arn:aws:ecr:*:repository/x*"
    )
    assert compile_glob("Ecr:Get*", True) is compile_glob("Ecr:Get*", True)


def test_helpers() -> None:
    assert has_wildcard("a*") and has_wildcard("a?") and not has_wildcard("abc")
    assert glob_to_regex("a*b?.c") == r"a.*b.\.c"


# --- property: every fast path agrees with a plain regex translation ------------------

_ALPHABET = st.sampled_from("ab:/*?.")


def _reference(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


@given(st.text(_ALPHABET, max_size=8), st.text(st.sampled_from("abAB:/.*?"), max_size=10))
def test_glob_agrees_with_regex_reference(pattern: str, value: str) -> None:
    assert glob_match(pattern, value) is _reference(pattern, value, False)
    assert glob_match(pattern, value, ignore_case=True) is _reference(pattern, value, True)
