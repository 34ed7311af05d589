"""Normalising policy documents into statements with paths, without crashing on junk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlint.iam.statements import (
    Principals,
    iter_statements,
    parse_principals,
    policy_version,
    string_items,
    supports_variables,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

PROVIDER = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/A"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Irsa",
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/A:sub": "x"}},
        },
        {
            "Effect": "Allow",
            "Principal": {
                "Service": ["ec2.amazonaws.com", "eks.amazonaws.com"],
                "AWS": 111122223333,
            },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        },
    ],
}


def test_statements_with_paths() -> None:
    first, second = iter_statements(TRUST)
    assert (first.index, first.path, first.sid, first.effect) == (
        0,
        ("Statement", 0),
        "Irsa",
        "Allow",
    )
    assert first.actions == [("sts:AssumeRoleWithWebIdentity", ("Statement", 0, "Action"))]
    assert first.not_actions is None and first.resources is None
    assert first.condition == TRUST["Statement"][0]["Condition"]
    assert first.condition_path == ("Statement", 0, "Condition")
    assert first.principal is not None
    assert first.principal.items("Federated")[0][1] == ("Statement", 0, "Principal", "Federated")
    assert second.actions == [
        ("sts:AssumeRole", ("Statement", 1, "Action", 0)),
        ("sts:TagSession", ("Statement", 1, "Action", 1)),
    ]
    assert second.principal is not None
    assert second.principal.values("Service") == ["ec2.amazonaws.com", "eks.amazonaws.com"]
    assert second.principal.items("Service")[1][1] == ("Statement", 1, "Principal", "Service", 1)
    assert second.principal.values("AWS") == ["111122223333"]  # YAML read it as a number
    assert second.condition is None and second.condition_path is None
    assert second.is_allow and not second.is_deny
    assert second.key_path("Action") == ("Statement", 1, "Action")


def test_single_statement_object() -> None:
    doc = {"Statement": {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:s3:::b"]}}
    (stmt,) = iter_statements(doc)
    assert stmt.path == ("Statement",)
    assert stmt.not_actions == [("iam:*", ("Statement", "NotAction"))]
    assert stmt.not_resources == [("arn:aws:s3:::b", ("Statement", "NotResource", 0))]
    assert stmt.actions is None and stmt.is_deny


def test_principal_forms() -> None:
    anyone = parse_principals("*", ("Principal",))
    assert anyone.anyone and anyone.is_anyone and anyone.as_dict() == {"*": True}
    aws_star = parse_principals({"AWS": "*"}, ("Principal",))
    assert aws_star.is_anyone and not aws_star.anyone
    mixed = parse_principals({"AWS": ["arn:aws:iam::1:root", None], "Service": "x"}, ("P",))
    assert mixed.as_dict() == {"AWS": ["arn:aws:iam::1:root"], "Service": ["x"]}
    assert mixed.unreadable
    assert parse_principals("arn:aws:iam::1:root", ("P",)).unreadable  # a string other than "*"
    assert parse_principals(5, ("P",)) == Principals(path=("P",), unreadable=True)
    assert parse_principals({"AWS": True}, ("P",)).unreadable


def test_wrong_types_are_skipped_and_noted() -> None:
    doc = {
        "Statement": [
            "not a statement",
            5,
            {
                "Effect": ["Allow"],
                "Sid": 3,
                "Action": ["ecr:GetAuthorizationToken", 7, {"Ref": "X"}],
                "Resource": {"Fn::GetAtt": ["Repo", "Arn"]},
                "Principal": {"AWS": {"Ref": "AccountId"}},
            },
        ]
    }
    (stmt,) = iter_statements(doc)
    assert (stmt.index, stmt.path) == (2, ("Statement", 2))
    assert stmt.effect is None and stmt.sid is None
    assert stmt.actions == [("ecr:GetAuthorizationToken", ("Statement", 2, "Action", 0))]
    assert stmt.resources == []
    assert set(stmt.unreadable) == {"Action", "Resource", "Principal"}


@pytest.mark.parametrize(
    "doc",
    [
        None,
        "policy",
        5,
        [],
        {},
        {"Statement": None},
        {"Statement": "x"},
        {"Statement": 5},
        {"Version": 1},
    ],
)
def test_unreadable_documents_have_no_statements(doc: Any) -> None:
    assert iter_statements(doc) == []


def test_version_helpers() -> None:
    assert policy_version({"Version": "2012-10-17"}) == "2012-10-17"
    assert policy_version({"Version": 2012}) is None and policy_version("x") is None
    assert supports_variables({"Version": "2012-10-17"})
    assert not supports_variables({"Version": "2008-10-17"}) and not supports_variables({})


def test_string_items() -> None:
    assert string_items("a", ("A",)) == ([("a", ("A",))], True)
    assert string_items(["a", 1], ("A",)) == ([("a", ("A", 0))], False)
    assert string_items(None, ("A",)) == ([], False)
    assert string_items([], ("A",)) == ([], True)


def test_huge_statement_lists() -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": [f"s3:Get{i}" for i in range(100)]}] * 2000}
    statements = iter_statements(doc)
    assert len(statements) == 2000 and len(statements[-1].actions or []) == 100


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["Statement", "Effect", "Action", "Principal", "AWS", "Resource", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(_JSON)
def test_iter_statements_never_raises(doc: Any) -> None:
    for stmt in iter_statements({"Statement": doc}):
        assert stmt.path[0] == "Statement"
    iter_statements(doc)


def test_corpus_documents_normalise() -> None:
    managed = CORPUS / "managed-policies"
    if not managed.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    total = 0
    for path in sorted(managed.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        statements = iter_statements(doc)
        total += len(statements)
        for stmt in statements:
            assert stmt.effect in ("Allow", "Deny"), path.name
            assert (stmt.actions is None) != (stmt.not_actions is None), path.name
            assert stmt.unreadable == (), path.name
    assert total > 3000
