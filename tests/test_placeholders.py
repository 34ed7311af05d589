"""Placeholders (skipped by rules) versus IAM policy variables and ordinary example values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from iamlint.placeholders import (
    contains_placeholder,
    contains_policy_variable,
    is_cfn_intrinsic,
    is_placeholder,
    is_placeholder_word,
    is_policy_variable,
    loosen,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.parametrize(
    "value",
    [
        "<ACCOUNT_ID>",
        "<account-id>",
        "<region>",
        "{YOUR_AWS_ACCOUNT_ID}",
        "${AWS_ACCOUNT_ID}",
        "${AWS::AccountId}",
        "${var.account_id}",
        "$account_id",
        "$ACCOUNT",
        "$(ACCOUNT_ID)",
        "region-code",
        "your-region-code",
        "ACCOUNT",
        "REGION",
        "account-id",
        "ACCOUNT-ID",
        "AWS_ACCOUNT_ID",
        "your_account_id",
        "AWSAccountId",
        "XXXXXXXXXXXX",
        "{{ .Values.serviceAccount.roleArn }}",
        " <ACCOUNT_ID> ",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert contains_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "111122223333",
        "123456789012",
        "EXAMPLED539D4633E53DE1B71EXAMPLE",
        "us-east-1",
        "arn:aws:iam::111122223333:role/my-role",
        "${aws:username}",
        "",
        "aws",
    ],
)
def test_ordinary_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)
    assert not contains_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::<account-id>:role/x",
        "arn:aws:iam::${AWS::AccountId}:role/x",
        "arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::$account_id:role/x",
        "arn:aws:iam::ACCOUNT_ID:role/x",
        "arn:aws:iam::account-id:root",
        "arn:aws:iam::source_account_id:root",
        "arn:aws:ecr:us-west-2:your_account_id:repository/*",
        "arn:aws:codebuild:region:123456789012:project/project-name",
        "arn:aws:ssm:AWS_REGION:AWS_ACCOUNT_ID:*",
        "arn:aws:kms:region-code:account:key/key",
        "arn:aws:iam::xxxxxxxxxxxx:role/alb-controller",
        "arn:aws:iam::{YOUR_AWS_ACCOUNT_ID}:oidc-provider/oidc.eks.region-code.amazonaws.com/id/X",
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLE",
        "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub",
        "system:serviceaccount:$namespace:$service_account",
        "${REPOSITORY_URI}:latest",
        "arn:aws:sso:::instance/ssoins-<SSO Instance ID>",
    ],
)
def test_values_containing_placeholders(value: str) -> None:
    assert contains_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::111122223333:role/account-a-role",
        "arn:aws:iam::123456789012:role/region",  # a resource named like a placeholder word
        "aws:SourceAccount",
        "aws:RequestedRegion",
        "arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST",
        "arn:aws:s3:::bucket/home/${aws:username}/*",
        "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/${*}",
        "Allow cross-account access from the source account",
    ],
)
def test_values_without_placeholders(value: str) -> None:
    assert not contains_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "${aws:username}",
        "${aws:PrincipalTag/team}",
        "${aws:PrincipalTag/eks:eks-cluster-name}",
        "${saml:sub}",
        "${www.amazon.com:user_id}",
        "${cognito-identity.amazonaws.com:sub}",
        "${oidc.eks.us-east-1.amazonaws.com/id/ABC:sub}",
        "${aws:username, 'nobody'}",
        "${*}",
        "${?}",
        "${$}",
    ],
)
def test_policy_variables(value: str) -> None:
    assert is_policy_variable(value)
    assert contains_policy_variable(f"arn:aws:s3:::bucket/{value}")
    assert not is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    ["${AWS::AccountId}", "${AWS_ACCOUNT_ID}", "${VAR:-default}", "${VAR:0:3}", "${var.x}", "$x"],
)
def test_not_policy_variables(value: str) -> None:
    assert not is_policy_variable(value)


def test_cloudformation_intrinsics_are_unresolved_values() -> None:
    assert is_cfn_intrinsic({"Ref": "AWS::AccountId"})
    assert is_placeholder({"Fn::GetAtt": ["Role", "Arn"]})
    assert contains_placeholder({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"})
    assert not is_placeholder({"Ref": "X", "Other": 1})
    assert not contains_placeholder({"AWS": "arn:aws:iam::111122223333:root"})


@pytest.mark.parametrize("value", [None, 5, 3.5, True, ["<ACCOUNT_ID>"], b"<x>", object()])
def test_non_strings_are_not_placeholders(value: Any) -> None:
    assert not is_placeholder(value)
    assert not contains_placeholder(value)
    assert not is_policy_variable(value)
    assert not contains_policy_variable(value)


def test_placeholder_words_strict_mode() -> None:
    assert is_placeholder_word("account") and not is_placeholder_word("account", strict=True)
    assert is_placeholder_word("account-id", strict=True)
    assert is_placeholder_word("AWS_REGION", strict=True)
    assert not is_placeholder_word("SourceAccount", strict=True)
    assert not is_placeholder_word("x" * 100)


def test_loosen_turns_placeholders_into_wildcards() -> None:
    assert loosen("arn:aws:iam::<account-id>:role/x") == "arn:aws:iam::*:role/x"
    assert loosen("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") == "arn:*:iam::*:root"
    assert (
        loosen("arn:aws:lambda:r:1:function:f:$LATEST") == "arn:aws:lambda:r:1:function:f:$LATEST"
    )
    assert loosen("arn:aws:iam::ACCOUNT_ID:role/x") is None


def test_huge_values_are_handled() -> None:
    big = "a" * 100_000
    assert not contains_placeholder(big)
    assert contains_placeholder(big + "<ACCOUNT_ID>")


# --- the real forms in ../shared/corpus ---------------------------------------------------


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _corpus_arns() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    found: set[str] = set()
    for path in sorted(CORPUS.rglob("*")):
        if path.is_dir() or "managed-policies" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            docs = [json.loads(text)] if path.suffix == ".json" else list(yaml.safe_load_all(text))
        except (ValueError, yaml.YAMLError, UnicodeDecodeError):
            continue
        for doc in docs:
            found.update(s for s in _strings(doc) if s.startswith("arn:") and len(s) < 300)
    return sorted(found)


def test_corpus_arns_with_documentation_accounts_are_placeholders() -> None:
    arns = _corpus_arns()
    account_placeholders = [a for a in arns if a.split(":")[4:5] and not _plain_account(a)]
    assert account_placeholders, "the corpus should hold documentation ARNs"
    missed = [a for a in account_placeholders if not contains_placeholder(a)]
    assert missed == []


def test_corpus_arns_with_real_looking_accounts_are_not_placeholders() -> None:
    plain = [
        a
        for a in _corpus_arns()
        if _plain_account(a)
        and "{" not in a
        and "<" not in a
        and "$" not in a.replace("$LATEST", "")
    ]
    assert plain
    flagged = [a for a in plain if contains_placeholder(a)]
    # only ARNs with a documentation region (`region`, `region-code`) remain
    assert all(a.split(":")[3] == "region" or "region-code" in a for a in flagged), flagged


def _plain_account(arn: str) -> bool:
    """Accounts that are syntactically account-like (digits, `aws`, `*`, empty)."""
    fields = arn.split(":")
    if len(fields) < 6:
        return True
    account = fields[4]
    return account in ("", "aws", "*") or account.isdigit()
