"""The shipped AWS data: action catalogue, condition keys, ARN formats, service principals."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from iamlint.iam import catalogue
from iamlint.iam.catalogue import (
    action_exists,
    action_info,
    condition_key_type,
    condition_key_types,
    expand_action,
    is_known_action,
)
from iamlint.iam.principals import closest_service_principal, is_known_service_principal

# --- provenance and age -------------------------------------------------------------------


def test_data_names_its_source_commit_and_date() -> None:
    info = catalogue.data_info()
    assert info["source"].startswith("https://github.com/")
    assert len(info["commit"]) == 40
    dt.date.fromisoformat(info["date"])
    dt.date.fromisoformat(info["generated"])
    assert info["managed_policies_source"].startswith("https://github.com/")
    assert all(isinstance(value, str) for value in info.values())


def test_data_age_is_known_and_reported() -> None:
    age = catalogue.data_age_days()
    # Never fails because the data is old: it only says how old it is.
    print(f"AWS data from {catalogue.data_info()['date']}: {age} days old")
    source_date = dt.date.fromisoformat(catalogue.data_info()["date"])
    assert catalogue.data_age_days(today=source_date + dt.timedelta(days=10)) == 10


# --- actions ------------------------------------------------------------------------------

RECENT_ACTIONS = [
    "eks:CreatePodIdentityAssociation",
    "eks:CreateAccessEntry",
    "ecr:BatchImportUpstreamImage",
    "ssmmessages:OpenDataChannel",
    "ssmmessages:CreateControlChannel",
    "sts:TagSession",
]


@pytest.mark.parametrize("name", RECENT_ACTIONS)
def test_catalogue_is_current(name: str) -> None:
    assert action_exists(name)
    info = action_info(name)
    assert info is not None and info.full_name == name and not info.legacy


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("EKS:createpodidentityassociation", "eks:CreatePodIdentityAssociation"),
        ("ecr:batchgetimage", "ecr:BatchGetImage"),
        ("SNS:Publish", "sns:Publish"),
    ],
)
def test_actions_match_case_insensitively(written: str, canonical: str) -> None:
    assert action_exists(written)
    info = action_info(written)
    assert info is not None and info.full_name == canonical


@pytest.mark.parametrize(
    "name",
    ["ecr:BatchGetImages", "ecs-task:RunTask", "ecr", "ecr:", ":GetObject", "", "ecr:Get*"],
)
def test_unknown_or_malformed_names_do_not_exist(name: str) -> None:
    assert not action_exists(name)
    assert action_info(name) is None


def test_action_info_has_access_level_resources_and_conditions() -> None:
    put = action_info("iam:PutRolePolicy")
    assert put is not None
    assert put.access_level == "Permissions management"
    assert put.resource_types == ("role",) and put.required_resource_types == ("role",)
    assert "iam:PermissionsBoundary" in put.condition_keys
    tag = action_info("iam:TagRole")
    assert tag is not None and tag.access_level == "Tagging"
    assert "aws:TagKeys" in tag.condition_keys
    pull = action_info("ecr:BatchGetImage")
    assert pull is not None and pull.access_level == "Read" and "repository" in pull.resource_types
    assert action_info("ecr:GetAuthorizationToken").resource_types == ()  # type: ignore[union-attr]


# --- wildcards ----------------------------------------------------------------------------


def test_question_mark_matches_one_character() -> None:
    assert expand_action("s3:?etObject") == ["s3:GetObject"]


def test_prefix_wildcard_expands_within_the_service() -> None:
    found = expand_action("ecr:Get*")
    assert "ecr:GetAuthorizationToken" in found and "ecr:GetDownloadUrlForLayer" in found
    assert all(a.startswith("ecr:Get") for a in found)
    assert expand_action("ECR:get*") == found


def test_service_wildcard_and_star_cover_the_catalogue() -> None:
    ec2 = catalogue.service("ec2")
    assert ec2 is not None
    assert len(expand_action("ec2:*")) == len(ec2.actions) > 500
    everything = expand_action("*")
    assert "eks:CreatePodIdentityAssociation" in everything
    assert len(everything) > 20000


def test_wildcard_in_the_service_prefix() -> None:
    assert expand_action("*:CreatePodIdentityAssociation") == ["eks:CreatePodIdentityAssociation"]
    assert "ssmmessages:OpenDataChannel" in expand_action("ssm*:Open*")


def test_wildcards_that_match_nothing_are_unknown() -> None:
    assert expand_action("ecr:Foo*") == []
    assert expand_action("nosuchservice:*") == []
    assert expand_action("ecr") == []
    assert not is_known_action("ecr:Foo*")
    assert not is_known_action("nosuchservice:*")


@pytest.mark.parametrize("pattern", ["*", "ecr:*", "s3:Get*", "ec2:Describe*", "eks:*Pod*"])
def test_known_patterns(pattern: str) -> None:
    assert is_known_action(pattern)


# --- legacy actions (used by AWS managed policies, absent from the catalogue) ---------------


def test_legacy_actions_are_known_but_marked() -> None:
    info = action_info("s3:ListObjects")  # used by AmazonLaunchWizardFullaccess; not an action
    assert info is not None and info.legacy and info.access_level is None
    assert info.seen_in
    assert is_known_action("deepracer:Add*")  # retired service, pattern used verbatim
    assert "s3:ListObjects" not in expand_action("s3:List*", include_legacy=False)
    assert "s3:ListObjects" in expand_action("s3:List*")
    retired = catalogue.service("deepracer")
    assert retired is not None and retired.legacy


# --- services -----------------------------------------------------------------------------


def test_service_lookup() -> None:
    eks = catalogue.service("EKS")
    assert eks is not None and "Kubernetes" in eks.name
    assert "CreateAccessEntry" in eks.actions
    assert eks.condition_keys["eks:clusterName"] == "String"
    assert catalogue.service("nosuchservice") is None
    assert {"eks", "ecr", "sts", "iam", "ssmmessages"} <= catalogue.known_prefixes()


# --- condition keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("aws:SourceIp", "IPAddress"),
        ("AWS:SOURCEIP", "IPAddress"),
        ("aws:VpcSourceIp", "IPAddress"),
        ("aws:SecureTransport", "Bool"),
        ("aws:ViaAWSService", "Bool"),
        ("aws:PrincipalIsAWSService", "Bool"),
        ("aws:CurrentTime", "Date"),
        ("aws:TokenIssueTime", "Date"),
        ("aws:MultiFactorAuthAge", "Numeric"),
        ("aws:SourceArn", "ARN"),
        ("aws:PrincipalArn", "ARN"),
        ("aws:SourceAccount", "String"),
        ("aws:PrincipalOrgID", "String"),
        ("aws:TagKeys", "ArrayOfString"),
        ("aws:CalledVia", "ArrayOfString"),
        ("aws:PrincipalOrgPaths", "ArrayOfString"),
        ("aws:PrincipalTag/team", "String"),
        ("aws:RequestTag/kubernetes-namespace", "String"),
        ("aws:ResourceTag/${TagKey}", "String"),
        ("s3:ExistingObjectTag/classification", "String"),
        ("ec2:ResourceTag/Name", "String"),
        ("secretsmanager:ResourceTag/aws:secretsmanager:owningService", "String"),
        ("sts:ExternalId", "String"),
        ("eks:namespaces", "ArrayOfString"),
        ("iam:PassedToService", "String"),
        ("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub", "String"),
        ("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud", "String"),
        ("token.actions.githubusercontent.com:sub", "String"),
        ("accounts.google.com:google/organization_number", "Numeric"),
        ("cognito-identity.amazonaws.com:amr", "ArrayOfString"),
    ],
)
def test_condition_key_types(key: str, expected: str) -> None:
    assert condition_key_type(key) == expected


def test_epoch_time_takes_date_and_numeric_operators() -> None:
    assert condition_key_types("aws:EpochTime") == ("Date", "Numeric")
    assert condition_key_type("aws:EpochTime") == "Date"


@pytest.mark.parametrize("key", ["aws:SourceIpp", "nosuchservice:Thing", "SourceIp", "", "eks:"])
def test_unknown_condition_keys(key: str) -> None:
    assert condition_key_type(key) is None


# --- ARN formats --------------------------------------------------------------------------


def test_region_and_account_use_from_arn_formats() -> None:
    assert "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}" in (
        catalogue.resource_arn_formats("iam")
    )
    assert catalogue.service_uses_region("iam") is False
    assert catalogue.service_uses_account("iam") is True
    assert catalogue.service_uses_region("ecr") is True
    assert catalogue.service_uses_region("eks") is None  # access policies: "eks::aws:..."
    assert catalogue.service_uses_region("s3") is None  # buckets: none; access points: one
    s3 = catalogue.service("s3")
    assert s3 is not None
    bucket = next(rt for rt in s3.resource_types if rt.name == "bucket")
    assert not bucket.uses_region and not bucket.uses_account
    assert catalogue.service_uses_region("nosuchservice") is None
    assert catalogue.resource_arn_formats("nosuchservice") == []


# --- speed --------------------------------------------------------------------------------


def test_warm_lookups_are_fast() -> None:
    action_exists("ecr:BatchGetImage")
    start = time.perf_counter()
    for _ in range(10_000):
        action_exists("ecr:BatchGetImage")
        condition_key_type("aws:SourceIp")
    per_pair = (time.perf_counter() - start) / 10_000
    assert per_pair < 50e-6, f"{per_pair * 1e6:.1f} µs per lookup pair"


# --- service principals -------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal",
    [
        "ecs-tasks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "pods.eks.amazonaws.com",
        "ec2.amazonaws.com",
        "eks.amazonaws.com",
        "lambda.amazonaws.com",
        "ec2.amazonaws.com.cn",
        "ec2.c2s.ic.gov",
        "EC2.AmazonAWS.com",
        "logs.us-east-1.amazonaws.com",
        "ec2.${AWS::URLSuffix}",
        "alexa-appkit.amazon.com",
    ],
)
def test_known_service_principals(principal: str) -> None:
    assert is_known_service_principal(principal)
    assert closest_service_principal(principal) is not None


@pytest.mark.parametrize(
    ("misspelled", "meant"),
    [
        ("ecs-task.amazonaws.com", "ecs-tasks.amazonaws.com"),
        ("eks-fargate-pod.amazonaws.com", "eks-fargate-pods.amazonaws.com"),
        ("pod.eks.amazonaws.com", "pods.eks.amazonaws.com"),
        ("ec2.amazonaws.con", "ec2.amazonaws.com"),
        ("ecs-task.amazonaws.com.cn", "ecs-tasks.amazonaws.com.cn"),
    ],
)
def test_misspelled_service_principals(misspelled: str, meant: str) -> None:
    assert not is_known_service_principal(misspelled)
    assert closest_service_principal(misspelled) == meant


@pytest.mark.parametrize("principal", ["ec2", "", "amazonaws.com", "nothing-like-it.amazonaws.com"])
def test_not_service_principals(principal: str) -> None:
    assert not is_known_service_principal(principal)
