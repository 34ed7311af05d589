"""AWS managed policy lookups from the shipped data."""

from __future__ import annotations

from typing import Any

import pytest

from iamlint.iam.managed import (
    is_aws_managed_arn,
    managed_policy,
    managed_policy_info,
    managed_policy_names,
)


def allowed_actions(document: dict[str, Any]) -> set[str]:
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    found: set[str] = set()
    for stmt in statements:
        if stmt.get("Effect") == "Allow":
            actions = stmt.get("Action", [])
            found.update([actions] if isinstance(actions, str) else actions)
    return found


@pytest.mark.parametrize(
    ("name", "must_allow"),
    [
        ("AmazonEC2ContainerRegistryReadOnly", {"ecr:BatchGetImage", "ecr:GetAuthorizationToken"}),
        (
            "AmazonEC2ContainerRegistryPullOnly",
            {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"},
        ),
        ("AmazonEKSWorkerNodePolicy", {"ec2:DescribeInstances", "eks:DescribeCluster"}),
        (
            "AmazonEKSFargatePodExecutionRolePolicy",
            {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"},
        ),
        (
            "AmazonSSMManagedInstanceCore",
            {"ssmmessages:OpenDataChannel", "ssmmessages:CreateControlChannel"},
        ),
    ],
)
def test_policies_workloads_attach(name: str, must_allow: set[str]) -> None:
    document = managed_policy(name)
    assert document is not None
    assert must_allow <= allowed_actions(document)


def test_pull_only_omits_layer_availability_check() -> None:
    # rules.md E001: pulls work without ecr:BatchCheckLayerAvailability
    document = managed_policy("AmazonEC2ContainerRegistryPullOnly")
    assert document is not None
    assert "ecr:BatchCheckLayerAvailability" not in allowed_actions(document)


@pytest.mark.parametrize(
    "reference",
    [
        "AmazonEKSWorkerNodePolicy",
        "amazoneksworkernodepolicy",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/some/other/path/AmazonEKSWorkerNodePolicy",
    ],
)
def test_lookup_by_name_or_arn_in_any_partition(reference: str) -> None:
    info = managed_policy_info(reference)
    assert info is not None and info.name == "AmazonEKSWorkerNodePolicy"


def test_paths_are_kept() -> None:
    task_exec = managed_policy_info(
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    )
    assert task_exec is not None
    assert task_exec.path == "/service-role/"
    assert (
        task_exec.arn() == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    )
    assert task_exec.arn("aws-cn").startswith("arn:aws-cn:iam::aws:policy/service-role/")  # type: ignore[union-attr]
    # looked up without its path, the policy is still found and tells the right ARN
    bare = managed_policy_info("arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy")
    assert bare is task_exec
    fargate = managed_policy_info("AmazonEKSFargatePodExecutionRolePolicy")
    assert fargate is not None and fargate.path == "/"


def test_deleted_policies_are_kept_without_a_path() -> None:
    info = managed_policy_info("AWSLambdaFullAccess")
    assert info is not None and info.deprecated and info.path is None and info.arn() is None
    assert info.document["Statement"]


def test_policies_missing_from_the_source_snapshot_head_are_present() -> None:
    admin = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin is not None
    assert allowed_actions(admin) == {"*"}
    assert managed_policy("PowerUserAccess") is not None


@pytest.mark.parametrize(
    "reference",
    [
        "NoSuchPolicy",
        "",
        "arn:aws:iam::123456789012:policy/AmazonEKSWorkerNodePolicy",  # customer managed
        "arn:aws:iam::aws:role/AmazonEKSWorkerNodePolicy",
    ],
)
def test_unknown_references(reference: str) -> None:
    assert managed_policy(reference) is None


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", True),
        ("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", True),
        ("arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy", True),
        ("arn:aws-iso-b:iam::aws:policy/AmazonEKS_CNI_Policy", True),
        ("arn:aws:iam::123456789012:policy/AmazonEKS_CNI_Policy", False),
        ("arn:aws:iam::aws:policy/", False),
        ("AmazonEKS_CNI_Policy", False),
    ],
)
def test_is_aws_managed_arn(arn: str, expected: bool) -> None:
    assert is_aws_managed_arn(arn) is expected


def test_every_policy_has_a_document_and_a_unique_name() -> None:
    names = managed_policy_names()
    assert len(names) > 1000
    assert len({n.lower() for n in names}) == len(names)
    without_statements = [n for n in names if not (managed_policy(n) or {}).get("Statement")]
    assert without_statements == []
