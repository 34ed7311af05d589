"""Unit tests of `iamlint/rules/t/_trust.py` and a no-crash property test of the T rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlint.config import ClusterFact, Config
from iamlint.load import SourceFile
from iamlint.load.document import Document
from iamlint.model import TRUST, Cluster, Model, Policy
from iamlint.rules import load_rules
from iamlint.rules.base import RuleContext
from iamlint.rules.t import _trust

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"


def trust_policy(document: Any) -> Policy:
    doc = Document(SourceFile("trust.json"), document, "json")
    return Policy(pointer=doc.root(), kind=TRUST)


def model_with(*documents: Any) -> Model:
    model = Model()
    for document in documents:
        model.add_policy(trust_policy(document))
    return model


@pytest.mark.parametrize(
    ("key", "issuer", "claim", "well_formed"),
    [
        (f"{ISSUER}:sub", ISSUER, "sub", True),
        (f"{ISSUER}:AUD", ISSUER, "AUD", True),
        (f"https://{ISSUER}:sub", ISSUER, "sub", False),
        (f"{PROVIDER}:sub", ISSUER, "sub", False),
        (f"{ISSUER}/:sub", ISSUER, "sub", False),
        (ISSUER, ISSUER, "", False),
        (
            "token.actions.githubusercontent.com:sub",
            "token.actions.githubusercontent.com",
            "sub",
            True,
        ),
    ],
)
def test_parse_issuer_key(key: str, issuer: str, claim: str, well_formed: bool) -> None:
    parsed = _trust.parse_issuer_key(key)
    assert parsed is not None
    assert (parsed.issuer, parsed.claim, parsed.well_formed) == (issuer, claim, well_formed)


@pytest.mark.parametrize(
    "key",
    ["aws:SourceAccount", "sts:ExternalId", "aws:RequestTag/kubernetes-namespace", "saml:aud"],
)
def test_global_and_service_keys_are_not_issuer_keys(key: str) -> None:
    assert _trust.parse_issuer_key(key) is None


def test_eks_issuers() -> None:
    assert _trust.eks_issuer_parts(ISSUER) == ("eu-west-1", "5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C")
    assert _trust.is_eks_issuer("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC")
    assert not _trust.is_eks_issuer("token.actions.githubusercontent.com")
    assert _trust.provider_issuer(PROVIDER) == ISSUER
    assert (
        _trust.provider_issuer(f"arn:aws:iam::111122223333:oidc-provider/https://{ISSUER}/")
        == ISSUER
    )
    assert _trust.provider_issuer("cognito-identity.amazonaws.com") is None


def test_irsa_issuers_from_clusters_and_config() -> None:
    model = Model()
    model.clusters.append(
        Cluster(name="a", pointer=trust_policy({}).pointer, issuer="https://issuer.example.com/a")
    )
    config = Config(clusters=[ClusterFact(name="b", oidc_issuer="Issuer.Example.com/B")])
    extra = _trust.irsa_issuers(model, config)
    assert extra == {"issuer.example.com/a", "issuer.example.com/b"}
    assert _trust.is_irsa_issuer("issuer.example.com/A".lower(), extra)


def test_statements_normalise_principals_actions_and_conditions() -> None:
    policy = trust_policy(
        {
            "Statement": {
                "Effect": "Allow",
                "Principal": {"Service": ["ecs-tasks.amazonaws.com"], "Federated": PROVIDER},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {"AWS:SourceAccount": "111122223333"},
                    "ForAllValues:StringLikeIfExists": {f"{ISSUER}:sub": ["a", "b"]},
                },
            }
        }
    )
    (statement,) = _trust.trust_statements(policy)
    assert statement.pointer.path == ("Statement",)
    assert statement.service_texts() == {"ecs-tasks.amazonaws.com"}
    assert statement.federated[0].pointer.path == ("Statement", "Principal", "Federated")
    assert statement.allows("STS:TAGSESSION") and not statement.allows("sts:AssumeRoleWithSAML")
    assert statement.has_key("aws:sourceaccount")
    entry = statement.conditions[1]
    assert (entry.qualifier, entry.base, entry.if_exists, entry.is_like) == (
        "ForAllValues",
        "StringLike",
        True,
        True,
    )
    assert entry.values[1].pointer.path[-1] == 1
    assert entry.operator_pointer.key and entry.operator_pointer.path[-1] == entry.operator


def test_trusted_services() -> None:
    policy = trust_policy(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "EC2.amazonaws.com"},
                    "Action": "sts:*",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ssm.amazonaws.com"},
                    "Action": "s3:*",
                },
                {
                    "Effect": "Deny",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "*",
                },
            ]
        }
    )
    assert _trust.trusted_services(policy) == {"ec2.amazonaws.com"}


def test_same_key_under_two_operators_gives_two_entries() -> None:
    (statement,) = _trust.trust_statements(
        trust_policy(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": PROVIDER},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:a:b"},
                            "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:a:*"},
                        },
                    }
                ]
            }
        )
    )
    assert [e.operator for e in statement.conditions] == ["StringEquals", "StringLike"]


def test_trust_policies_deduplicates_role_trust() -> None:
    from iamlint.model import Role

    policy = trust_policy({"Statement": []})
    model = Model()
    model.add_policy(policy)
    model.roles.append(Role(name="r", pointer=policy.pointer, trust=policy))
    assert _trust.trust_policies(model) == [policy]


# --- no rule crashes, whatever the document holds ---------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(
        [
            "*",
            "Allow",
            "Deny",
            "sts:AssumeRole",
            "sts:AssumeRoleWithWebIdentity",
            "ecr:*",
            PROVIDER,
            f"{ISSUER}:sub",
            f"https://{ISSUER}:aud",
            "system:serviceaccount:a:*",
            "pods.eks.amazonaws.com",
            "ecs-tasks.amazonaws.com",
            "token.actions.githubusercontent.com:sub",
            "arn:aws:iam::1:oidc-provider/",
            "repo:*",
            "",
        ]
    ),
    st.text(max_size=12),
)
keys = st.sampled_from(
    [
        "Effect",
        "Principal",
        "Action",
        "Condition",
        "AWS",
        "Service",
        "Federated",
        "StringEquals",
        "ForAllValues:StringLike",
        "StringNotLike",
        f"{ISSUER}:sub",
        "aws:SourceAccount",
        "Statement",
    ]
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.just("Statement"), values, min_size=1))
def test_t_rules_never_crash(document: dict[str, Any]) -> None:
    model = model_with(document)
    context = RuleContext()
    for rule in load_rules().sorted():
        if rule.family == "T" and rule.check is not None:
            for found in rule.check(model, context):
                assert found.message
