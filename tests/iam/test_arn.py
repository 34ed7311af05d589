"""ARN parsing and P005 problems, IAM identity ARNs, OIDC issuers, image references."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamlint.iam.arn import (
    PARTITIONS,
    Arn,
    arn_problems,
    assumed_role_parts,
    eks_oidc_issuer_parts,
    image_reference_problems,
    is_account_root_arn,
    is_assumed_role_arn,
    is_eks_issuer,
    is_instance_profile_arn,
    is_role_arn,
    is_user_arn,
    normalise_issuer,
    oidc_provider_arn_parts,
    parse_arn,
    parse_ecr_image,
    partition_for_region,
    role_arn_parts,
)

MANAGED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "managed-policies"

# --- parse_arn ---------------------------------------------------------------------------


def test_parse_role_arn_with_path() -> None:
    arn = parse_arn("arn:aws:iam::111122223333:role/team/a/app")
    assert arn == Arn("aws", "iam", "", "111122223333", "role/team/a/app")
    assert (arn.resource_type, arn.resource_id) == ("role", "team/a/app")
    assert (arn.path, arn.name) == ("/team/a/", "app")
    assert str(arn) == "arn:aws:iam::111122223333:role/team/a/app"


def test_parse_keeps_colons_in_the_resource() -> None:
    arn = parse_arn("arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/x:log-stream:*")
    assert arn is not None
    assert arn.region == "us-east-1"
    assert arn.resource == "log-group:/aws/eks/x:log-stream:*"
    assert arn.resource_type == "log-group"


def test_parse_tolerates_wildcards_variables_and_placeholders() -> None:
    assert parse_arn("arn:aws:ecr:*:*:repository/*") == Arn("aws", "ecr", "*", "*", "repository/*")
    arn = parse_arn("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}")
    assert arn == Arn("${AWS::Partition}", "iam", "", "${AWS::AccountId}", "role/${RoleName}")
    arn = parse_arn("arn:aws:s3:::bucket/${aws:username}/*")
    assert arn is not None and arn.resource == "bucket/${aws:username}/*"
    assert parse_arn("  arn:aws:iam::111122223333:root \n") == Arn(
        "aws", "iam", "", "111122223333", "root"
    )


@pytest.mark.parametrize(
    "text", ["", "*", "arn:aws:iam", "arn:aws:iam::111122223333", "ARN:aws:iam::1:role/x", None, 5]
)
def test_parse_rejects_non_arns(text: Any) -> None:
    assert parse_arn(text) is None


def test_root_and_s3_resources() -> None:
    root = parse_arn("arn:aws:iam::111122223333:root")
    assert root is not None and root.resource_type == "" and root.resource_id == "root"
    bucket = parse_arn("arn:aws:s3:::my-bucket")
    assert bucket is not None and bucket.account == "" and bucket.name == "my-bucket"


# --- arn_problems (P005) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "*",
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app",
        "arn:aws-us-gov:s3:::bucket/*",
        "arn:aws:s3:::bucket",
        "arn:aws:s3:us-west-2:111122223333:accesspoint/ap",
        "arn:aws:ssm:*::document/AWS-RunShellScript",
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        "arn:aws:ecr:*:*:repository/*",
        "arn:*:iam::*:role/*",
        "arn:aws:iam::*:role/aws-service-role/eks*",
        "arn:aws:s3:::bucket/home/${aws:username}/*",
        "arn:*:kms:*:${aws:PrincipalAccount}:key/*",
        "arn:aws:ec2:us-west-2::image/ami-0f0a6d00932023856",
        "arn:aws:logs:eu-central-2:111122223333:log-group:/x:*",
        "arn:aws:ecr:eusc-de-east-1:111122223333:repository/x",
        "arn:aws:iam::<ACCOUNT_ID>:role/x",  # placeholder: skipped
        "arn:aws:iam::account-id:role/x",
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x",
    ],
)
def test_valid_resource_arns_have_no_problems(text: str) -> None:
    assert arn_problems(text) == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("arn:aws:iam::11112222333:role/app", "has 11 digits; an AWS account ID has 12"),
        ("arn:aws:iam::1111:role/phonetool-test", "has 4 digits"),
        ("arn:aws:iam::abc:role/app", "is not a 12-digit AWS account ID"),
        ("arn:aws:iam:us-east-1:111122223333:role/app", "`iam` ARNs have no region"),
        ("arn:aws:sts:us-east-1:111122223333:assumed-role/a/b", "`sts` ARNs have no region"),
        ("arn:aws:s3:us-east-1::bucket", "`s3` ARNs have no region"),
        ("arn:aws:s3::111122223333:bucket", "have no account ID"),
        ("arn:aws:ecr:useast1:111122223333:repository/x", "is not a region code"),
        ("arn:aws-gov:iam::111122223333:role/app", "unknown partition `aws-gov`"),
        ("arn:amazon:iam::111122223333:role/app", "unknown partition"),
        ("arn::iam::111122223333:role/app", "partition is empty"),
        ("arn:aws::111122223333:podidentityassociation/c/a-1", "has 5 colon-separated"),
        ("arn:aws:::111122223333:podidentityassociation/c/a-1", "the service is empty"),
        ("arn:aws:IAM::111122223333:role/app", "must be lower case: `iam`"),
        ("arn:aws:iam::111122223333", "has 5 colon-separated fields"),
        ("arn:aws:iam::111122223333:", "resource part"),
        ("ARN:aws:iam::111122223333:role/app", "must be lower case: `arn:`"),
        ("111122223333", "not an ARN"),
        ("arn:aws:iam::111122223333:role/app ", "leading or trailing whitespace"),
        ("arn:aws:iam::111122223333:role/my app", "contains whitespace"),
    ],
)
def test_resource_arn_problems(text: str, fragment: str) -> None:
    problems = arn_problems(text)
    assert any(fragment in p for p in problems), problems


def test_partition_suggestion() -> None:
    assert "did you mean `aws-us-gov`" in arn_problems("arn:aws-us-gob:iam::111122223333:root")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("111122223333", []),
        ("*", []),
        ("arn:aws:iam::111122223333:root", []),
        ("arn:aws:sts::111122223333:assumed-role/app/session", []),
    ],
)
def test_principal_values(text: str, expected: list[str]) -> None:
    assert arn_problems(text, "principal") == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("11112222333", "has 11 digits"),
        ("arn:aws:ecr:us-east-1:111122223333:repository/x", "not a `ecr` resource"),
        ("arn:aws:iam:::role/x", "account ID is missing"),
    ],
)
def test_principal_problems(text: str, fragment: str) -> None:
    assert any(fragment in p for p in arn_problems(text, "principal"))


@pytest.mark.parametrize("value", [None, 5, ["arn:aws:iam::1:root"], {"a": 1}])
def test_non_string_arns(value: Any) -> None:
    assert arn_problems(value) == [f"an ARN must be a string, not {type(value).__name__}"]


def test_cloudformation_intrinsics_are_skipped() -> None:
    assert arn_problems({"Fn::GetAtt": ["Role", "Arn"]}) == []


def _resources(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Resource", "NotResource"):
                yield from ([value] if isinstance(value, str) else value)
            else:
                yield from _resources(value)
    elif isinstance(node, list):
        for value in node:
            yield from _resources(value)


def test_no_problems_in_aws_managed_policy_resources() -> None:
    """AWS managed policies are valid: P005 must not flag any of their ~12k resources."""
    if not MANAGED.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    flagged = []
    count = 0
    for path in sorted(MANAGED.glob("*.json")):
        for resource in _resources(json.loads(path.read_text(encoding="utf-8"))):
            count += 1
            if arn_problems(resource):
                flagged.append((path.name, resource, arn_problems(resource)))
    assert count > 10_000
    assert flagged == []


@given(st.text(max_size=60))
def test_arn_problems_never_raise(text: str) -> None:
    assert isinstance(arn_problems(text), list)
    assert isinstance(arn_problems("arn:" + text), list)
    assert isinstance(arn_problems(text, "principal"), list)
    parse_arn(text)


# --- IAM identity ARNs -------------------------------------------------------------------


def test_role_arn_parts() -> None:
    assert role_arn_parts("arn:aws:iam::111122223333:role/app") == (
        "aws",
        "111122223333",
        "/",
        "app",
    )
    assert role_arn_parts("arn:aws-cn:iam::111122223333:role/a/b/app") == (
        "aws-cn",
        "111122223333",
        "/a/b/",
        "app",
    )
    assert role_arn_parts("arn:aws:iam::111122223333:role/") is None
    assert role_arn_parts("arn:aws:iam::111122223333:instance-profile/app") is None
    assert role_arn_parts(None) is None


def test_identity_kinds() -> None:
    role = "arn:aws:iam::111122223333:role/app"
    profile = "arn:aws:iam::111122223333:instance-profile/app"
    session = "arn:aws:sts::111122223333:assumed-role/app/i-0123"
    user = "arn:aws:iam::111122223333:user/alice"
    assert is_role_arn(role) and not is_role_arn(profile) and not is_role_arn(session)
    assert is_instance_profile_arn(profile) and not is_instance_profile_arn(role)
    assert is_assumed_role_arn(session) and not is_assumed_role_arn(role)
    assert assumed_role_parts(session) == ("aws", "111122223333", "app", "i-0123")
    assert is_user_arn(user) and not is_user_arn(role)
    assert is_account_root_arn("arn:aws:iam::111122223333:root")
    assert not is_account_root_arn(role)


def test_oidc_provider_arn_parts() -> None:
    arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC123"
    assert oidc_provider_arn_parts(arn) == (
        "aws",
        "111122223333",
        "oidc.eks.us-west-2.amazonaws.com/id/ABC123",
    )
    github = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    assert oidc_provider_arn_parts(github) == (
        "aws",
        "111122223333",
        "token.actions.githubusercontent.com",
    )
    assert oidc_provider_arn_parts("arn:aws:iam::111122223333:role/x") is None


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("oidc.eks.us-west-2.amazonaws.com/id/A39A2842863C47208955D753DE205E6E",
         ("us-west-2", "A39A2842863C47208955D753DE205E6E")),
        ("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/", ("eu-west-1", "ABC")),
        ("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC", ("cn-north-1", "ABC")),
        ("oidc.eks.region-code.amazonaws.com/id/EXAMPLE", ("region-code", "EXAMPLE")),
        ("token.actions.githubusercontent.com", None),
        ("oidc.eks.us-west-2.amazonaws.com/id/ABC/extra", None),
        (None, None),
    ],
)  # fmt: skip
def test_eks_issuer_parts(issuer: Any, expected: tuple[str, str] | None) -> None:
    assert eks_oidc_issuer_parts(issuer) == expected
    assert is_eks_issuer(issuer) is (expected is not None)


def test_normalise_issuer() -> None:
    assert (
        normalise_issuer(" https://oidc.eks.a.amazonaws.com/id/X/ ")
        == "oidc.eks.a.amazonaws.com/id/X"
    )
    assert normalise_issuer("HTTPS://token.actions.githubusercontent.com") == (
        "token.actions.githubusercontent.com"
    )
    assert normalise_issuer("oidc.eks.a.amazonaws.com/id/X") == "oidc.eks.a.amazonaws.com/id/X"


def test_partition_for_region() -> None:
    assert partition_for_region("us-east-1") == "aws"
    assert partition_for_region("cn-northwest-1") == "aws-cn"
    assert partition_for_region("us-gov-west-1") == "aws-us-gov"
    assert partition_for_region("us-isob-east-1") == "aws-iso-b"
    assert {partition_for_region(r) for r in ("us-iso-east-1", "eusc-de-east-1")} <= set(PARTITIONS)


# --- ECR images ----------------------------------------------------------------------------


def test_parse_ecr_image_with_tag() -> None:
    image = parse_ecr_image("111122223333.dkr.ecr.us-west-2.amazonaws.com/team/app:1.2.3")
    assert image is not None
    assert (image.account, image.region, image.repository) == (
        "111122223333",
        "us-west-2",
        "team/app",
    )
    assert (image.tag, image.digest, image.fips) == ("1.2.3", None, False)
    assert image.repository_arn == "arn:aws:ecr:us-west-2:111122223333:repository/team/app"


def test_parse_ecr_image_with_digest_fips_and_china() -> None:
    digest = "sha256:" + "a" * 64
    image = parse_ecr_image(f"111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app@{digest}")
    assert image is not None
    assert (image.tag, image.digest, image.fips) == (None, digest, True)
    assert image.repository_arn.startswith("arn:aws-us-gov:ecr:us-gov-west-1:")
    cn = parse_ecr_image("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1@" + digest)
    assert cn is not None and cn.tag == "v1" and cn.partition == "aws-cn"
    upper = parse_ecr_image("111122223333.DKR.ECR.US-EAST-1.AMAZONAWS.COM/app")
    assert upper is not None and upper.region == "us-east-1"
    dual = parse_ecr_image("111122223333.dkr-ecr.eu-west-1.on.aws/app")
    assert dual is not None and dual.region == "eu-west-1" and dual.tag is None


@pytest.mark.parametrize(
    "image",
    [
        "nginx:latest",
        "public.ecr.aws/eks/coredns:v1.11",
        "docker.io/library/nginx",
        "111122223333.dkr.ecr.us-west-2.amazonaws.com",
        "111122223333.dkr.ecr.us-west-2.amazonaws.com/",
        "ghcr.io/org/app:1",
        None,
    ],
)
def test_non_ecr_images(image: Any) -> None:
    assert parse_ecr_image(image) is None


def test_ecr_image_with_placeholders_parses_as_written() -> None:
    image = parse_ecr_image("${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com/app:latest")
    assert image is not None
    assert (image.account, image.region, image.tag) == (
        "${AWS_ACCOUNT_ID}",
        "${AWS_REGION}",
        "latest",
    )
    cfn = parse_ecr_image("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app")
    assert cfn is not None and cfn.account == "${AWS::AccountId}" and cfn.repository == "app"


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.25",
        "coredns/coredns:1.11.1",
        "localhost:5000/app:dev",
        "registry.example.com:443/team/app-x_y.z:v1.0-rc1",
        "MyRegistry.example.com/app:1",  # upper case is fine in the host
        "111122223333.dkr.ecr.us-west-2.amazonaws.com/team/app@sha256:" + "0" * 64,
        "[::1]:5000/app:1",
        "a__b/c---d:tag",
        "${REPOSITORY_URI}:latest",
        "{{ .Values.image.repository }}:{{ .Values.image.tag }}",
    ],
)
def test_valid_image_references(image: str) -> None:
    assert image_reference_problems(image) == []


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ("coredns:latest ", "trailing whitespace"),
        (" nginx", "leading or trailing whitespace"),
        ("my app:1", "contains whitespace"),
        ("111122223333.dkr.ecr.us-west-2.amazonaws.com/Team/App:1", "must be lower case"),
        ("MyApp:1", "must be lower case"),
        ("nginx:", "tag after `:` is empty"),
        ("registry.example.com//app", "empty path component"),
        ("registry.example.com/app/", "empty path component"),
        ("app:-bad", "tag `-bad` is invalid"),
        ("app:" + "t" * 129, "is invalid"),
        ("app@sha256:xyz", "digest"),
        ("reg_istry.example.com/app", "registry host"),
        ("registry.example.com:http/app", "registry port `http` is not a number"),
        ("app!:1", "path component `app!` is invalid"),
        ("", "empty"),
        ("a" * 256, "longer than 255"),
    ],
)
def test_image_reference_problems(image: str, fragment: str) -> None:
    problems = image_reference_problems(image)
    assert any(fragment in p for p in problems), problems


def test_image_reference_non_string() -> None:
    assert image_reference_problems(5) == ["the image must be a string, not int"]


@given(st.text(max_size=80))
def test_image_functions_never_raise(text: str) -> None:
    assert isinstance(image_reference_problems(text), list)
    parse_ecr_image(text)
    parse_ecr_image("111122223333.dkr.ecr.us-west-2.amazonaws.com/" + text)
