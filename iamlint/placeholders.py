"""Unresolved values: documentation placeholders, template and shell variables.

Rules skip a check whose input is a placeholder (rules.md, Notes): `<ACCOUNT_ID>`,
`{YOUR_AWS_ACCOUNT_ID}`, `${AWS_ACCOUNT_ID}`, `$account_id`, `region-code`, CloudFormation
`${AWS::AccountId}` and intrinsic functions, Helm `{{ .Values.x }}`. Syntactically valid
example values (`111122223333`, `123456789012`, `EXAMPLED539D4633E53DE1B71EXAMPLE`) are
ordinary values and are checked like any other.

IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`, `${<issuer>:sub}`)
are not placeholders: IAM resolves them at request time (see `is_policy_variable`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

# `${...}` with no nested braces; its content is inspected to tell IAM from CFN/shell.
_DOLLAR_BRACE = re.compile(r"\$\{([^{}]*)\}")
_ANGLE = re.compile(r"<[^<>\s][^<>]*>")
_DOUBLE_BRACE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_SINGLE_BRACE = re.compile(r"(?<![{$])\{([A-Za-z_][A-Za-z0-9_ .-]*)\}(?!\})")
# $name (shell), $(NAME) (Kubernetes dependent environment variables)
_SHELL_VAR = re.compile(r"\$(?:\((?P<paren>[A-Za-z_]\w*)\)|(?P<name>[A-Za-z_]\w*))", re.ASCII)

# "${service:key}" or "${issuer/path:claim}", optionally "${key, 'default'}" (IAM's default
# value syntax). CloudFormation's "${AWS::Region}" has a double colon; shell expansions
# "${VAR:-x}", "${VAR:=x}", "${VAR:0:3}" start the part after the colon with -=?+ or a digit.
_IAM_VARIABLE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9.\-_/]*:(?![:\-=?+0-9\s])[^:\s,}][^,}]*"
    r"(?:\s*,\s*'[^']*')?"
)
_IAM_ESCAPES = frozenset({"*", "?", "$"})

# Lambda version qualifier, not a shell variable: "...:function:name:$LATEST".
_SHELL_EXCEPTIONS = frozenset({"latest"})

# Words that stand for an account, region or partition in documentation. Bare words
# ("account", "REGION") are placeholders only as a whole value or as an ARN field; the
# distinctive ones ("region-code", "your_account_id") are placeholders anywhere.
_WORD = re.compile(
    r"(?:(?:your|my|the|source|target|destination|dest|other|trusted|trusting|aws|cross)"
    r"[-_ ]?)*"
    r"(?P<core>account|acct|region|partition)"
    r"(?P<tail>(?:[-_ ]?(?:ids?|codes?|numbers?|num|no|names?))?"
    r"(?:[-_ ]?without[-_ ]hyphens)?(?:[-_ ][a-z0-9])?)",
    re.IGNORECASE,
)
_FILLER = re.compile(r"(?i)x{12}|replace[-_ ]?me|change[-_ ]?me|todo|tbd|fixme|placeholder")
_TOKEN_SPLIT = re.compile(r"[:/.\s]+")

CFN_INTRINSIC_KEYS = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::Join",
        "Fn::Select",
        "Fn::Split",
        "Fn::ImportValue",
        "Fn::If",
        "Fn::FindInMap",
        "Fn::Base64",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::ToJsonString",
        "Fn::Length",
    }
)


def is_policy_variable(value: Any) -> bool:
    """True if `value` is exactly one IAM policy variable: `${aws:username}`,
    `${aws:PrincipalTag/team}`, `${saml:sub}`, `${www.amazon.com:user_id}`,
    `${oidc.eks.us-east-1.amazonaws.com/id/ABC:sub}`, `${aws:username, 'nobody'}`, or one of
    the escapes `${*}`, `${?}`, `${$}`. Not `${AWS::AccountId}` (CloudFormation), not
    `${AWS_ACCOUNT_ID}` or `${VAR:-x}` (shell), not `${var.account_id}` (Terraform)."""
    if not isinstance(value, str):
        return False
    match = _DOLLAR_BRACE.fullmatch(value.strip())
    return match is not None and _is_iam_variable_body(match.group(1))


def contains_policy_variable(value: Any) -> bool:
    """True if an IAM policy variable occurs anywhere in `value`."""
    if not isinstance(value, str) or "${" not in value:
        return False
    return any(_is_iam_variable_body(m.group(1)) for m in _DOLLAR_BRACE.finditer(value))


def is_placeholder(value: Any) -> bool:
    """True if the whole value is an unresolved placeholder: `<ACCOUNT_ID>`,
    `{YOUR_AWS_ACCOUNT_ID}`, `${AWS_ACCOUNT_ID}`, `$account_id`, `region-code`, `ACCOUNT`,
    `REGION`, `{{ .Values.roleArn }}`, or a CloudFormation intrinsic (`{"Ref": "X"}`).
    Other non-strings are not placeholders."""
    if isinstance(value, str):  # before Mapping: an ABC check costs five times more
        return _is_placeholder_text(value)
    return isinstance(value, Mapping) and is_cfn_intrinsic(value)


def contains_placeholder(value: Any) -> bool:
    """True if any part of the value is unresolved: `arn:aws:iam::<account-id>:role/x`,
    `arn:aws:iam::${AWS::AccountId}:role/x`, `arn:aws:iam::$account_id:role/x`,
    `arn:aws:iam::ACCOUNT_ID:role/x`, `oidc.eks.region-code.amazonaws.com/id/X`, or a
    CloudFormation intrinsic mapping. IAM policy variables do not count."""
    if isinstance(value, str):  # before Mapping: an ABC check costs five times more
        return _contains_placeholder_text(value)
    return isinstance(value, Mapping) and is_cfn_intrinsic(value)


_ANY_MARKER = re.compile(
    r"\$\{[^{}]*\}|\{\{.*?\}\}|<[^<>\s][^<>]*>|(?<![{$])\{[A-Za-z_][A-Za-z0-9_ .-]*\}"
    r"|\$\([A-Za-z_][A-Za-z0-9_]*\)|\$[A-Za-z_][A-Za-z0-9_]*",
    re.DOTALL,
)


def loosen(value: str) -> str | None:
    """`value` with each placeholder replaced by the IAM wildcard `*`, for "could this ever
    match?" tests: `arn:aws:iam::<account-id>:role/x` -> `arn:aws:iam::*:role/x`. IAM policy
    variables are loosened too. None when a placeholder word (`ACCOUNT_ID`, `region-code`)
    remains, which leaves no shape to test."""
    loose = _ANY_MARKER.sub(_marker_to_star, value)
    return None if _contains_placeholder_text(loose) else loose


def _marker_to_star(match: re.Match[str]) -> str:
    text = match.group(0)
    return text if text[1:].lower() in _SHELL_EXCEPTIONS else "*"


def is_cfn_intrinsic(value: Any) -> bool:
    """`{"Ref": ...}`, `{"Fn::Sub": ...}` and the other CloudFormation functions."""
    kind = type(value)
    if kind is str or kind is list:  # most values: no abstract-class check for them
        return False
    return (
        (kind is dict or isinstance(value, Mapping))
        and len(value) == 1
        and next(iter(value)) in CFN_INTRINSIC_KEYS
    )


def is_placeholder_word(word: str, *, strict: bool = False) -> bool:
    """A documentation word for an account/region/partition: `ACCOUNT_ID`, `account-id`,
    `your-account-id`, `AWSAccountId`, `region-code`, `REGION`, `XXXXXXXXXXXX`.
    With `strict`, only unmistakable forms count (`account-id`, `AWS_REGION`): bare
    `account`/`region` and `SourceAccount` are ordinary words inside a name."""
    if not word or len(word) > 64:
        return False
    if _FILLER.fullmatch(word):
        return True
    match = _WORD.fullmatch(word)
    if not match:
        return False
    if not strict:
        return True
    # inside a resource or free text only the unmistakable forms count: `account-id`,
    # `your_region_code`, `AWSAccountId`, `AWS_REGION` - not `SourceAccount`, `cross-account`
    return bool(match.group("tail")) or (word.isupper() and any(c in word for c in "-_"))


# ---------------------------------------------------------------------------------------


def _is_iam_variable_body(body: str) -> bool:
    body = body.strip()
    return body in _IAM_ESCAPES or (_IAM_VARIABLE.fullmatch(body) is not None and "::" not in body)


@lru_cache(maxsize=1 << 16)  # the same values recur across a repository's files
def _is_placeholder_text(text: str) -> bool:
    if not _may_hold_placeholder(text):
        return False
    stripped = text.strip()
    if not stripped:
        return False
    if is_placeholder_word(stripped):
        return True
    for pattern in (_ANGLE, _DOUBLE_BRACE):
        if pattern.fullmatch(stripped):
            return True
    braced = _DOLLAR_BRACE.fullmatch(stripped)
    if braced:
        return not _is_iam_variable_body(braced.group(1))
    if _SINGLE_BRACE.fullmatch(stripped):
        return True
    shell = _SHELL_VAR.fullmatch(stripped)
    return shell is not None and not _is_shell_exception(shell)


def _may_hold_placeholder(text: str) -> bool:
    """Every placeholder has a marker character or a hint word: most values have neither."""
    return "<" in text or "{" in text or "$" in text or _WORD_HINT.search(text.lower()) is not None


@lru_cache(maxsize=1 << 16)
def _contains_placeholder_text(text: str) -> bool:
    if not _may_hold_placeholder(text):
        return False
    if _is_placeholder_text(text):
        return True
    if len(text) > 4096:  # not a value a rule checks field by field; look at the markers only
        return _has_marker(text)
    return _has_marker(text) or _has_placeholder_word(text)


def _has_marker(text: str) -> bool:
    if "<" in text and _ANGLE.search(text):
        return True
    if "{" not in text and "$" not in text:
        return False
    if "{{" in text and _DOUBLE_BRACE.search(text):
        return True
    if any(not _is_iam_variable_body(m.group(1)) for m in _DOLLAR_BRACE.finditer(text)):
        return True
    if _SINGLE_BRACE.search(text):
        return True
    without_braced = _DOLLAR_BRACE.sub("", text)
    return any(not _is_shell_exception(m) for m in _SHELL_VAR.finditer(without_braced))


def _is_shell_exception(match: re.Match[str]) -> bool:
    name = match.group("paren") or match.group("name")
    return match.group("paren") is None and name.lower() in _SHELL_EXCEPTIONS


# every word `_WORD` or `_FILLER` matches holds one of these: without them, no placeholder
# word, and no need to split the text into words (most ARNs and names)
# (searched in the lower-cased text: an IGNORECASE search is three times slower)
_WORD_HINT = re.compile(r"acc|region|partition|x{12}|replace|change|todo|tbd|fixme|placeholder")


def _has_placeholder_word(text: str) -> bool:
    if not _WORD_HINT.search(text.lower()):
        return False
    if text.startswith("arn:"):
        fields = text.split(":", 5)
        # partition, region and account fields hold nothing but the value itself
        if any(is_placeholder_word(f) for f in fields[1:2] + fields[3:5]):
            return True
        text = fields[5] if len(fields) == 6 else ""
    return any(is_placeholder_word(token, strict=True) for token in _TOKEN_SPLIT.split(text))
