"""Condition operators: parsing, P006 problems, P007 type fit, three-valued evaluation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlint.iam.conditions import (
    BASE_OPERATORS,
    FALSE,
    TRUE,
    UNKNOWN,
    ConditionContext,
    TriState,
    all_operator_names,
    arn_like,
    evaluate_condition,
    is_multivalued_type,
    iter_template,
    operator_fits_key_type,
    operator_problems,
    parse_operator,
    resolve_text,
    tri_all,
    tri_any,
)

MANAGED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "managed-policies"

# --- TriState -----------------------------------------------------------------------------


def test_tristate_logic() -> None:
    assert tri_all([]) is TRUE and tri_any([]) is FALSE
    assert tri_all([TRUE, UNKNOWN]) is UNKNOWN and tri_all([UNKNOWN, FALSE]) is FALSE
    assert tri_any([FALSE, UNKNOWN]) is UNKNOWN and tri_any([UNKNOWN, TRUE]) is TRUE
    assert ~TRUE is FALSE and ~FALSE is TRUE and ~UNKNOWN is UNKNOWN
    assert TriState.of(None) is UNKNOWN and TriState.of(True) is TRUE
    with pytest.raises(TypeError):
        bool(TRUE)


# --- parse_operator -------------------------------------------------------------------------


def test_every_operator_parses_with_every_modifier() -> None:
    for base, info in BASE_OPERATORS.items():
        op = parse_operator(base)
        assert op is not None and op.base == base and op.type == info.type
        assert op.negated is info.negated and not op.if_exists and op.set_qualifier is None
        for qualifier in ("ForAllValues", "ForAnyValue"):
            qualified = parse_operator(f"{qualifier}:{base}")
            assert qualified is not None and qualified.set_qualifier == qualifier
        if base != "Null":
            with_if_exists = parse_operator(f"ForAnyValue:{base}IfExists")
            assert with_if_exists is not None and with_if_exists.if_exists
            assert with_if_exists.name == f"ForAnyValue:{base}IfExists"


def test_parse_operator_fields() -> None:
    op = parse_operator("ForAllValues:StringNotLikeIfExists")
    assert op is not None
    assert (op.base, op.type, op.negated, op.if_exists) == ("StringNotLike", "string", True, True)
    assert op.set_qualifier == "ForAllValues" and op.is_like
    arn_equals = parse_operator("ArnEquals")
    assert arn_equals is not None and not arn_equals.is_like


@pytest.mark.parametrize(
    "text",
    [
        "stringEquals",
        "StringEqual",
        "NullIfExists",
        "forallvalues:StringEquals",
        "ForAllValue:StringEquals",
        "StringEqualsIfexists",
        "",
        ":StringEquals",
        "A:B:StringEquals",
        None,
        7,
    ],
)
def test_parse_operator_is_strict(text: Any) -> None:
    assert parse_operator(text) is None


def test_parse_operator_lenient_forgives_case() -> None:
    op = parse_operator("forallvalues:stringequalsifexists", strict=False)
    assert op is not None and op.name == "ForAllValues:StringEqualsIfExists"
    assert parse_operator("nullifexists", strict=False) is None


def test_all_operator_names() -> None:
    names = all_operator_names()
    assert len(names) == 2 * len(BASE_OPERATORS) - 1  # every one with IfExists except Null
    assert "NullIfExists" not in names and "BinaryEqualsIfExists" in names


# --- operator_problems (P006) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [*all_operator_names(), "ForAllValues:StringLike", "ForAnyValue:ArnLikeIfExists"]
)
def test_valid_operators_have_no_problems(text: str) -> None:
    assert operator_problems(text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("stringEquals", "case-sensitive: write `StringEquals`"),
        ("StringEqualsIgnorecase", "write `StringEqualsIgnoreCase`"),
        ("stringlikeifexists", "write `StringLikeIfExists`"),
        ("StringEqual", "did you mean `StringEquals`?"),
        ("DateGreaterThenEquals", "did you mean `DateGreaterThanEquals`?"),
        ("IpAdress", "did you mean `IpAddress`?"),
        ("ArnEqual", "did you mean `ArnEquals`?"),
        ("Boolean", "unknown condition operator `Boolean`"),
        ("NullIfExists", "`IfExists` cannot be added to `Null`"),
        ("nullIfExists", "`IfExists` cannot be added to `Null`"),
        ("ForAllValues:Null", "always true"),
        ("ForAnyValue:Null", "always false"),
        ("forAllValues:StringEquals", "write `ForAllValues:`"),
        ("ForAllValue:StringEquals", "did you mean `ForAllValues:`?"),
        ("ForEachValue:StringEquals", "unknown set operator"),
        ("For:All:StringEquals", "too many colons"),
        (" StringEquals", "surrounding whitespace"),
        ("", "empty"),
    ],
)
def test_operator_problems(text: str, fragment: str) -> None:
    problems = operator_problems(text)
    assert any(fragment in p for p in problems), problems


def test_operator_problems_non_string() -> None:
    assert operator_problems(["StringEquals"]) == [
        "a condition operator must be a string, not list"
    ]


@given(st.text(max_size=40))
def test_operator_functions_never_raise(text: str) -> None:
    assert isinstance(operator_problems(text), list)
    parse_operator(text, strict=False)


# --- operator_fits_key_type (P007) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "key_type", "fits"),
    [
        ("StringEquals", "IPAddress", False),  # StringEquals on aws:SourceIp
        ("Bool", "String", False),
        ("IpAddress", "IPAddress", True),
        ("NotIpAddress", "String", False),
        ("StringEquals", "ARN", True),  # AWS allows String operators on ARN keys
        ("ArnLike", "ARN", True),
        ("ArnLike", "String", True),  # kms:EncryptionContext:aws:s3:arn in AWS managed policies
        ("StringEquals", "Bool", True),  # aws:ViaAWSService in AWS managed policies
        ("NumericLessThan", ("Date", "Numeric"), True),  # aws:EpochTime
        ("DateGreaterThan", "Date|Numeric", True),
        ("DateGreaterThan", "String", False),
        ("NumericEquals", "Date", False),
        ("StringLike", "Numeric", False),
        ("ForAnyValue:StringLike", "ArrayOfString", True),
        ("ForAllValues:ArnEquals", "ArrayOfARN", True),
        ("BinaryEquals", "Binary", True),
        ("BinaryEquals", "String", False),
        ("Null", "IPAddress", True),
        ("StringEquals", None, True),
        ("StringEquals", "SomeFutureType", True),
        ("NotAnOperator", "String", True),
        ("stringequals", "IPAddress", False),  # read leniently
    ],
)
def test_operator_fits_key_type(op: str, key_type: Any, fits: bool) -> None:
    assert operator_fits_key_type(op, key_type) is fits


def test_operator_fits_catalogue_types() -> None:
    catalogue = pytest.importorskip("iamlint.iam.catalogue")
    assert not operator_fits_key_type("StringEquals", catalogue.condition_key_types("aws:SourceIp"))
    assert operator_fits_key_type("NumericLessThan", catalogue.condition_key_types("aws:EpochTime"))
    assert not operator_fits_key_type("Bool", catalogue.condition_key_types("aws:username"))


def test_multivalued_types() -> None:
    assert is_multivalued_type("ArrayOfString") and is_multivalued_type(("ArrayOfARN",))
    assert not is_multivalued_type("String") and not is_multivalued_type(None)


# --- evaluate_condition ------------------------------------------------------------------------

SUB = "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub"


def cond(block: dict[str, Any], context: dict[str, Any] | None = None, **kw: Any) -> TriState:
    return evaluate_condition(block, context, **kw)


def test_string_equals_is_literal_and_case_sensitive() -> None:
    block = {"StringEquals": {SUB: "system:serviceaccount:prod:app"}}
    assert cond(block, {SUB: "system:serviceaccount:prod:app"}) is TRUE
    assert cond(block, {SUB: "system:serviceaccount:prod:App"}) is FALSE
    star = {"StringEquals": {SUB: "system:serviceaccount:prod:*"}}
    assert cond(star, {SUB: "system:serviceaccount:prod:app"}) is FALSE  # `*` is literal
    assert cond(star, {SUB: "system:serviceaccount:prod:*"}) is TRUE


def test_condition_keys_ignore_case() -> None:
    block = {"StringEquals": {"AWS:SourceAccount": "111122223333"}}
    assert cond(block, {"aws:sourceaccount": "111122223333"}) is TRUE


def test_string_like_and_ignore_case() -> None:
    like = {"StringLike": {SUB: "system:serviceaccount:prod:*"}}
    assert cond(like, {SUB: "system:serviceaccount:prod:app"}) is TRUE
    assert cond(like, {SUB: "system:serviceaccount:dev:app"}) is FALSE
    ic = {"StringEqualsIgnoreCase": {"aws:RequestTag/team": "Blue"}}
    assert cond(ic, {"aws:RequestTag/team": "BLUE"}) is TRUE
    not_ic = {"StringNotEqualsIgnoreCase": {"aws:RequestTag/team": "Blue"}}
    assert cond(not_ic, {"aws:RequestTag/team": "blue"}) is FALSE


def test_missing_key_is_unknown_unless_context_is_complete() -> None:
    block = {"StringEquals": {SUB: "system:serviceaccount:prod:app"}}
    assert cond(block, {}) is UNKNOWN
    assert cond(block, ConditionContext({}, complete=True)) is FALSE
    assert cond(block, {SUB: None}) is FALSE  # known to be absent


@pytest.mark.parametrize(
    ("operator", "absent"),
    [
        ("StringEquals", FALSE),
        ("StringNotEquals", TRUE),  # negated operators are true on a missing key
        ("StringNotLike", TRUE),
        ("ArnNotLike", TRUE),
        ("NotIpAddress", TRUE),
        ("NumericNotEquals", TRUE),
        ("StringEqualsIfExists", TRUE),
        ("NumericLessThanIfExists", TRUE),
        ("ForAllValues:StringEquals", TRUE),  # fails open
        ("ForAllValues:StringNotEquals", TRUE),
        ("ForAnyValue:StringEquals", FALSE),
        ("ForAnyValue:StringNotEquals", FALSE),
        ("ForAnyValue:StringEqualsIfExists", FALSE),
        ("Bool", FALSE),
    ],
)
def test_absent_key(operator: str, absent: TriState) -> None:
    assert cond({operator: {"k:x": "v"}}, {"k:x": None}) is absent
    assert cond({operator: {"k:x": "v"}}, {"k:x": []}) is absent  # an empty set of values


def test_multiple_values_are_ored_keys_and_operators_anded() -> None:
    block = {
        "StringEquals": {
            SUB: ["system:serviceaccount:a:x", "system:serviceaccount:b:y"],
            "k:aud": "sts",
        },
        "Bool": {"aws:SecureTransport": "true"},
    }
    ok = {SUB: "system:serviceaccount:b:y", "k:aud": "sts", "aws:SecureTransport": "true"}
    assert cond(block, ok) is TRUE
    assert cond(block, {**ok, "k:aud": "other"}) is FALSE
    assert cond(block, {**ok, "aws:SecureTransport": "false"}) is FALSE
    assert cond(block, {SUB: "system:serviceaccount:b:y", "k:aud": "sts"}) is UNKNOWN


def test_negated_operator_with_several_values_is_true_when_none_matches() -> None:
    block = {"StringNotEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}
    assert cond(block, {"aws:PrincipalAccount": "999999999999"}) is TRUE
    assert cond(block, {"aws:PrincipalAccount": "444455556666"}) is FALSE


def test_set_operators_on_multivalued_keys() -> None:
    all_values = {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}
    assert cond(all_values, {"aws:TagKeys": ["team"]}) is TRUE
    assert cond(all_values, {"aws:TagKeys": ["team", "owner"]}) is FALSE
    any_value = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}
    assert cond(any_value, {"aws:TagKeys": ["owner", "env"]}) is TRUE
    assert cond(any_value, {"aws:TagKeys": ["owner"]}) is FALSE
    all_not = {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert cond(all_not, {"aws:TagKeys": ["a", "b"]}) is TRUE
    assert cond(all_not, {"aws:TagKeys": ["a", "secret"]}) is FALSE
    any_not = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert cond(any_not, {"aws:TagKeys": ["secret", "a"]}) is TRUE
    assert cond(any_not, {"aws:TagKeys": ["secret"]}) is FALSE


def test_null_operator() -> None:
    token_absent = {"Null": {"aws:TokenIssueTime": "true"}}
    assert cond(token_absent, {"aws:TokenIssueTime": None}) is TRUE
    assert cond(token_absent, {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}) is FALSE
    assert cond(token_absent, {}) is UNKNOWN
    assert cond({"Null": {"k:x": "false"}}, {"k:x": "v"}) is TRUE
    assert cond({"Null": {"k:x": True}}, {"k:x": None}) is TRUE  # YAML booleans
    assert cond({"Null": {"k:x": "maybe"}}, {"k:x": None}) is UNKNOWN
    assert cond({"ForAllValues:Null": {"k:x": "false"}}, {}) is TRUE
    assert cond({"ForAnyValue:Null": {"k:x": "true"}}, {"k:x": None}) is FALSE


def test_numeric_and_date_operators() -> None:
    assert cond({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}) is TRUE
    assert cond({"NumericLessThan": {"s3:max-keys": 10}}, {"s3:max-keys": "10"}) is FALSE
    assert cond({"NumericGreaterThan": {"s3:max-keys": "1.5"}}, {"s3:max-keys": "2"}) is TRUE
    assert cond({"NumericEquals": {"s3:max-keys": "x"}}, {"s3:max-keys": "2"}) is UNKNOWN
    date = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert cond(date, {"aws:TokenIssueTime": "2020-06-01T00:00:00Z"}) is TRUE
    assert cond(date, {"aws:TokenIssueTime": "2019-06-01"}) is FALSE
    epoch = {"DateLessThan": {"aws:EpochTime": "1700000000"}}
    assert cond(epoch, {"aws:EpochTime": "2020-01-01T00:00:00Z"}) is TRUE
    assert (
        cond({"DateGreaterThanEquals": {"aws:CurrentTime": "x"}}, {"aws:CurrentTime": "y"})
        is UNKNOWN
    )


def test_bool_binary_ip_arn_operators() -> None:
    assert (
        cond({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "FALSE"}) is TRUE
    )
    assert cond({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": True}) is FALSE
    assert cond({"BinaryEquals": {"k:b": "QUJD"}}, {"k:b": "QUJD"}) is TRUE
    ip = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert cond(ip, {"aws:SourceIp": "203.0.113.9"}) is TRUE
    assert cond(ip, {"aws:SourceIp": "2001:db8:1234:5678::1"}) is TRUE
    assert cond(ip, {"aws:SourceIp": "198.51.100.1"}) is FALSE
    assert (
        cond({"NotIpAddress": {"aws:SourceIp": "10.0.0.1"}}, {"aws:SourceIp": "10.0.0.2"}) is TRUE
    )
    assert cond({"IpAddress": {"aws:SourceIp": "bogus"}}, {"aws:SourceIp": "10.0.0.2"}) is UNKNOWN
    arn = {"ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:cluster/*"}}
    assert cond(arn, {"aws:SourceArn": "arn:aws:eks:us-east-1:111122223333:cluster/prod"}) is TRUE
    assert cond(arn, {"aws:SourceArn": "arn:aws:eks:us-east-1:444455556666:cluster/prod"}) is FALSE
    assert (
        cond(
            {"ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::b"}},
            {"aws:SourceArn": "arn:aws:s3:::c"},
        )
        is TRUE
    )


def test_arn_like_matches_field_by_field() -> None:
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert not arn_like(pattern, value)  # the IAM guide's example: StringLike would match
    assert cond({"StringLike": {"k:a": pattern}}, {"k:a": value}) is TRUE
    assert arn_like("*", "anything")
    assert not arn_like("arn:aws:s3:::*", "not-an-arn")


def test_policy_variables_in_values() -> None:
    block = {"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}}
    both = {"aws:PrincipalTag/team": "blue", "aws:ResourceTag/team": "blue"}
    assert cond(block, both) is TRUE
    assert cond(block, {**both, "aws:ResourceTag/team": "red"}) is FALSE
    assert cond(block, {"aws:PrincipalTag/team": "blue"}) is UNKNOWN
    absent = ConditionContext({"aws:PrincipalTag/team": "blue"}, complete=True)
    assert cond(block, absent) is FALSE
    with_default = {"StringEquals": {"k:a": "${aws:ResourceTag/team, 'none'}"}}
    assert cond(with_default, ConditionContext({"k:a": "none"}, complete=True)) is TRUE
    prefix = {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
    assert cond(prefix, {"s3:prefix": "home/alice/x", "aws:username": "alice"}) is TRUE
    assert cond(prefix, {"s3:prefix": "other/alice/x"}) is FALSE  # cannot match whatever the user
    assert cond(prefix, {"s3:prefix": "home/bob/x"}) is UNKNOWN
    assert cond({"StringEquals": {"k:a": "${*}"}}, {"k:a": "*"}) is TRUE  # escape: a literal `*`
    assert cond({"StringLike": {"k:a": "${*}"}}, {"k:a": "x"}) is FALSE
    arn = {"ArnLike": {"aws:SourceArn": "arn:aws:iam::*:user/${aws:username}"}}
    ctx = {"aws:SourceArn": "arn:aws:iam::111122223333:user/alice", "aws:username": "alice"}
    assert cond(arn, ctx) is TRUE
    assert cond(arn, {"aws:SourceArn": "arn:aws:iam::1:user/alice"}) is UNKNOWN


def test_variables_are_literal_without_version_2012() -> None:
    block = {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}
    ctx = {"aws:PrincipalTag/team": "alice", "aws:username": "alice"}
    assert cond(block, ctx) is TRUE
    assert cond(block, ctx, variables=False) is FALSE


def test_placeholders_in_values_are_unknown() -> None:
    block = {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}
    assert cond(block, {"aws:SourceAccount": "111122223333"}) is UNKNOWN
    assert cond(block, {"aws:SourceAccount": "111122223333"}, variables=False) is UNKNOWN
    arn = {"ArnLike": {"aws:SourceArn": "arn:aws:eks:<region>:111122223333:cluster/*"}}
    assert cond(arn, {"aws:SourceArn": "arn:aws:eks:us-east-1:111122223333:cluster/x"}) is UNKNOWN
    assert cond(arn, {"aws:SourceArn": "arn:aws:eks:us-east-1:444455556666:cluster/x"}) is FALSE
    intrinsic = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert cond(intrinsic, {"aws:SourceAccount": "111122223333"}) is UNKNOWN


@pytest.mark.parametrize(
    "block",
    [
        "StringEquals",
        ["StringEquals"],
        {"StringEquals": "k:x"},
        {"NotAnOperator": {"k:x": "v"}},
        {"stringEquals": {"k:x": "v"}},  # IAM rejects it: nothing to decide
        {"StringEquals": {5: "v"}},
        {"StringEquals": {"k:x": [{"nested": 1}]}},
    ],
)
def test_malformed_blocks_are_unknown(block: Any) -> None:
    assert cond(block, {"k:x": "v"}) is UNKNOWN


def test_empty_blocks_are_true() -> None:
    assert cond(None, {}) is TRUE
    assert cond({}, {}) is TRUE
    assert cond({"StringEquals": {}}, {}) is TRUE


def test_template_helpers() -> None:
    assert list(iter_template("a/${aws:username}/${*}")) == [
        ("a/", None, None),
        ("", "aws:username", None),
        ("/", None, None),
        ("*", "", None),
    ]
    assert resolve_text("u/${aws:username, 'x'}", ConditionContext({}, complete=True)) == "u/x"
    assert resolve_text("u/${aws:username}", ConditionContext({}, complete=True)) is None
    assert resolve_text("u/${aws:username}", {}) is ...
    assert resolve_text("u/${AWS::AccountId}", ConditionContext({}, complete=True)) is ...


# --- properties --------------------------------------------------------------------------------

_VALUES = st.sampled_from(["a", "b", "A", "a*", "*", "?", "ab"])
_OPS = st.sampled_from(["StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnLike", "Bool"])


@given(_OPS, st.lists(_VALUES, max_size=3), st.lists(_VALUES, max_size=3))
def test_negated_operator_is_the_complement_when_the_key_is_present(
    op: str, policy: list[str], request: list[str]
) -> None:
    negated = {"StringEquals": "StringNotEquals", "StringLike": "StringNotLike"}.get(op)
    if negated is None or not request:
        return
    positive = cond({op: {"k:x": policy}}, {"k:x": request})
    assert cond({negated: {"k:x": policy}}, {"k:x": request}) is ~positive


@given(_OPS, st.lists(_VALUES, max_size=3), st.lists(_VALUES, min_size=1, max_size=3))
def test_if_exists_changes_nothing_when_the_key_is_present(
    op: str, policy: list[str], request: list[str]
) -> None:
    plain = cond({op: {"k:x": policy}}, {"k:x": request})
    assert cond({op + "IfExists": {"k:x": policy}}, {"k:x": request}) is plain


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=25), children, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_evaluate_condition_never_raises(block: Any) -> None:
    assert isinstance(evaluate_condition(block, {"k:x": "v"}), TriState)
    assert isinstance(evaluate_condition({"StringLike": {"k:x": block}}, {"k:x": ["v"]}), TriState)


# --- the corpus ----------------------------------------------------------------------------------


def _conditions(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Condition" and isinstance(value, dict):
                yield value
            else:
                yield from _conditions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _conditions(value)


def test_aws_managed_policy_operators_are_valid_and_fit_their_keys() -> None:
    if not MANAGED.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    catalogue = pytest.importorskip("iamlint.iam.catalogue")
    operators = 0
    bad: list[tuple[str, str, list[str]]] = []
    misfits: list[tuple[str, str, str]] = []
    for path in sorted(MANAGED.glob("*.json")):
        for block in _conditions(json.loads(path.read_text(encoding="utf-8"))):
            assert isinstance(evaluate_condition(block, {}), TriState)
            for op, keys in block.items():
                operators += 1
                if operator_problems(op):
                    bad.append((path.name, op, operator_problems(op)))
                for key in keys:
                    if not operator_fits_key_type(op, catalogue.condition_key_types(key)):
                        misfits.append((path.name, op, key))
    assert operators > 1000
    assert bad == []
    assert misfits == []
