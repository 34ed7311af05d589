"""Node and Fargate roles: trust, aws-auth and access entries (seed 004: the managed node
group's aws-auth mapping was lost and the kubelet gets `Unauthorized`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from iamlint.finding import Finding

Failing = Callable[[str], list[Finding]]

EXPECTED = {
    "nodes_aws_auth_lost_node_mapping": {("A005", "aws-auth.yaml")},
    "nodes_api_mode_standard_entry": {("A011", "aws-auth.yaml"), ("A012", "access-entry.json")},
    "nodes_role_trusts_cluster_service": {("T015", "iam.json")},
    "nodes_clean_setup": set(),
}


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_nodes_scenario(folder: str, failing: Failing) -> None:
    assert {(f.rule, f.location.file) for f in failing(folder)} == EXPECTED[folder]


def test_lost_mapping_says_what_to_add(failing: Failing) -> None:
    (found,) = failing("nodes_aws_auth_lost_node_mapping")
    assert "`- rolearn: arn:aws:iam::111122223333:role/eks-node-role`" in found.message
    assert "system:node:{{EC2PrivateDNSName}}" in found.message
    assert "Unauthorized" in found.message
    assert [r.location.file for r in found.related] == ["nodegroup.json"]
