"""ECR image pulls from nodes, Fargate and across accounts (seed 002): the exact set of error
and warning findings, each at the file the user would edit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from iamlint.finding import Finding

Failing = Callable[[str], list[Finding]]

EXPECTED = {
    # node role with only AmazonEKSWorkerNodePolicy + CNI: "no basic auth credentials"
    "ecr_node_role_no_basic_auth": {("E001", "iam.json")},
    # Fargate CoreDNS 401: the pod execution role got the seed's permissions document as its
    # trust policy and has no permissions policy at all
    "ecr_fargate_coredns_401": {
        ("T001", "iam.json"),
        ("P011", "iam.json"),
        ("T013", "iam.json"),
        ("E001", "iam.json"),
    },
    # cross-account "pull access denied": the repository policy names the instance profile
    "ecr_cross_account_pull_access_denied": {
        ("E002", "repository-policy.json"),
        ("E003", "repository-policy.json"),
    },
    # node, Fargate and cross-account pulls all allowed
    "ecr_clean_setup": set(),
}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_ecr_scenario(folder: str, failing: Failing) -> None:
    assert {(f.rule, f.location.file) for f in failing(folder)} == EXPECTED[folder]


def test_node_role_message_names_image_and_fix(failing: Failing) -> None:
    (found,) = failing("ecr_node_role_no_basic_auth")
    assert "node role `eks-node-role` cannot pull" in found.message
    assert "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2" in found.message
    assert "`ecr:GetAuthorizationToken`" in found.message
    assert "attach `AmazonEC2ContainerRegistryPullOnly`" in found.message
    assert {r.location.file for r in found.related} == {"nodegroup.json", "deployment.yaml"}


def test_cross_account_message_names_both_sides(failing: Failing) -> None:
    found = [f for f in failing("ecr_cross_account_pull_access_denied")]
    (e002,) = [f for f in found if f.rule == "E002"]
    role = "arn:aws:iam::123456789012:role/eksctl-cross-account-ecr-access-n-NodeInstanceRole"
    assert f'"Principal": {{"AWS": "{role}"}}' in e002.message
    assert "account 210987654321" in e002.message
    assert "deployment.yaml" in {r.location.file for r in e002.related}
