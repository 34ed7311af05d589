"""What moto does not serve (EKS Pod Identity associations and access entries, ECS Exec on
services, a role list failing half-way), answered by botocore Stubbers on the clients the
reader uses; every other service is the moto server. One worker thread makes the order of
the stubbed calls deterministic, as a Stubber needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto_account import ACCOUNT, ISSUER, NODE_ROLE_ARN, PROVIDER_ARN, REGION, _document

from iamlint.api import lint_documents
from iamlint.config import Config
from iamlint.finding import Finding
from iamlint.sources.aws_live import LiveRead, read_aws

CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/prod"
POD_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/web-pods"
ADMIN_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/admins"
ECS_CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/apps"
TASK_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:3"


@pytest.fixture
def stubbed() -> Iterator[dict[str, Stubber]]:
    """Stubbers for EKS, ECS and IAM clients; each is used only when a test adds responses."""
    session = boto3.session.Session()
    stubbers = {
        name: Stubber(session.client(name, region_name=REGION)) for name in ("eks", "ecs", "iam")
    }
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def _read(stubbed: dict[str, Stubber], *services: str) -> LiveRead:
    clients = {name: stubbed[name].client for name in services}
    return read_aws(max_workers=1, clients=clients)


def _lint(read: LiveRead) -> list[Finding]:
    documents = [(d.source, d.data) for d in read.documents]
    return lint_documents(documents, Config()).findings


def _eks_cluster(eks: Stubber, *, nodegroups: list[str]) -> None:
    """list-clusters, describe-cluster and list-nodegroups / fargate profiles of `prod`."""
    eks.add_response("list_clusters", {"clusters": ["prod"]}, {})
    cluster = {
        "name": "prod",
        "arn": CLUSTER_ARN,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eks-cluster",
        "identity": {"oidc": {"issuer": f"https://{ISSUER}"}},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
    }
    eks.add_response("describe_cluster", {"cluster": cluster}, {"name": "prod"})
    eks.add_response("list_nodegroups", {"nodegroups": nodegroups}, {"clusterName": "prod"})
    eks.add_response("list_fargate_profiles", {"fargateProfileNames": []}, {"clusterName": "prod"})


def _nodegroup(name: str) -> dict[str, Any]:
    return {
        "nodegroup": {
            "nodegroupName": name,
            "clusterName": "prod",
            "nodegroupArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/prod/{name}/1",
            "nodeRole": NODE_ROLE_ARN,
        }
    }


def _access_entry(principal: str, entry_type: str) -> dict[str, Any]:
    return {
        "accessEntry": {
            "clusterName": "prod",
            "principalArn": principal,
            "kubernetesGroups": [],
            "accessEntryArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:access-entry/prod/{entry_type}",
            "username": "someone",
            "type": entry_type,
        }
    }


def test_access_entries_are_read_across_pages_and_checked(
    account: str, stubbed: dict[str, Stubber]
) -> None:
    """The node role's access entry is typed STANDARD (A012); a second page of entries
    (nextToken) holds the admins' entry, which is fine."""
    eks = stubbed["eks"]
    _eks_cluster(eks, nodegroups=["workers"])
    eks.add_response(
        "list_pod_identity_associations", {"associations": []}, {"clusterName": "prod"}
    )
    eks.add_response(
        "list_access_entries",
        {"accessEntries": [NODE_ROLE_ARN], "nextToken": "page-2"},
        {"clusterName": "prod"},
    )
    eks.add_response(
        "list_access_entries",
        {"accessEntries": [ADMIN_ROLE_ARN]},
        {"clusterName": "prod", "nextToken": "page-2"},
    )
    eks.add_response(
        "describe_nodegroup",
        _nodegroup("workers"),
        {"clusterName": "prod", "nodegroupName": "workers"},
    )
    for principal, entry_type in ((NODE_ROLE_ARN, "STANDARD"), (ADMIN_ROLE_ARN, "STANDARD")):
        eks.add_response(
            "describe_access_entry",
            _access_entry(principal, entry_type),
            {"clusterName": "prod", "principalArn": principal},
        )
    read = _read(stubbed, "eks")
    assert read.findings == []
    findings = _lint(read)
    [a012] = [f for f in findings if f.rule == "A012"]
    assert NODE_ROLE_ARN in a012.message and "STANDARD" in a012.message
    # the entries are in the inputs: A005 has nothing to skip or report
    assert not [f for f in findings if f.rule in ("A005", "X006") and "aws-auth" in f.message]


def test_a_node_entry_of_the_right_type_is_clean(account: str, stubbed: dict[str, Stubber]) -> None:
    eks = stubbed["eks"]
    _eks_cluster(eks, nodegroups=["workers"])
    eks.add_response(
        "list_pod_identity_associations", {"associations": []}, {"clusterName": "prod"}
    )
    eks.add_response(
        "list_access_entries", {"accessEntries": [NODE_ROLE_ARN]}, {"clusterName": "prod"}
    )
    eks.add_response(
        "describe_nodegroup",
        _nodegroup("workers"),
        {"clusterName": "prod", "nodegroupName": "workers"},
    )
    entry = _access_entry(NODE_ROLE_ARN, "EC2_LINUX")
    entry["accessEntry"]["username"] = "system:node:{{EC2PrivateDNSName}}"
    entry["accessEntry"]["kubernetesGroups"] = []
    eks.add_response(
        "describe_access_entry", entry, {"clusterName": "prod", "principalArn": NODE_ROLE_ARN}
    )
    findings = _lint(_read(stubbed, "eks"))
    assert not [f for f in findings if f.rule.startswith("A")]


def test_pod_identity_association_wires_its_role(account: str, stubbed: dict[str, Stubber]) -> None:
    """The association makes `web-pods` a Pod Identity role; its trust also admits IRSA
    tokens nobody uses (T018) and names Pod Identity without `sts:TagSession` (T012)."""
    boto3.client("iam").create_role(
        RoleName="web-pods",
        AssumeRolePolicyDocument=_document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:web:web"}},
            },
        ),
    )
    eks = stubbed["eks"]
    _eks_cluster(eks, nodegroups=[])
    association = {
        "clusterName": "prod",
        "namespace": "web",
        "serviceAccount": "web",
        "associationArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:podidentityassociation/prod/a-1",
        "associationId": "a-1",
    }
    eks.add_response(
        "list_pod_identity_associations", {"associations": [association]}, {"clusterName": "prod"}
    )
    eks.add_response("list_access_entries", {"accessEntries": []}, {"clusterName": "prod"})
    eks.add_response(
        "describe_pod_identity_association",
        {"association": {**association, "roleArn": POD_ROLE_ARN}},
        {"clusterName": "prod", "associationId": "a-1"},
    )
    read = _read(stubbed, "eks")
    assert any(d.source == association["associationArn"] for d in read.documents)
    by_rule = {f.rule: f for f in _lint(read)}
    t018 = by_rule["T018"]  # on the association: the live role's trust is not a file
    assert (t018.location.file, t018.resource) == (association["associationArn"], POD_ROLE_ARN)
    assert "wire only Pod Identity (the association for ServiceAccount web/web)" in t018.message
    assert by_rule["T012"].location.file == POD_ROLE_ARN


def test_ecs_services_are_described_in_batches_and_exec_is_checked(
    aws: str, stubbed: dict[str, Stubber]
) -> None:
    """Twelve services of one task definition: two DescribeServices calls (10 + 2), one
    DescribeTaskDefinition; ECS Exec is enabled on them and the container has no init
    process (F003)."""
    ecs = stubbed["ecs"]
    services = [f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/apps/api-{i}" for i in range(12)]
    ecs.add_response("list_clusters", {"clusterArns": [ECS_CLUSTER_ARN]}, {})
    ecs.add_response("list_services", {"serviceArns": services}, {"cluster": ECS_CLUSTER_ARN})
    for batch in (services[:10], services[10:]):
        described = [
            {
                "serviceArn": arn,
                "serviceName": arn.rsplit("/", 1)[1],
                "taskDefinition": TASK_ARN,
                "enableExecuteCommand": True,
                "deployments": [{"taskDefinition": TASK_ARN}],
                "events": [{"message": "history, not kept"}],
            }
            for arn in batch
        ]
        ecs.add_response(
            "describe_services",
            {"services": described},
            {"cluster": ECS_CLUSTER_ARN, "services": batch},
        )
    definition = {
        "taskDefinitionArn": TASK_ARN,
        "family": "api",
        "revision": 3,
        "containerDefinitions": [{"name": "api", "image": "nginx:1.27", "essential": True}],
    }
    ecs.add_response(
        "describe_task_definition", {"taskDefinition": definition}, {"taskDefinition": TASK_ARN}
    )
    read = _read(stubbed, "ecs")
    service_documents = [d for d in read.documents if ":service/" in d.source]
    assert len(service_documents) == 12
    assert "events" not in service_documents[0].data["services"][0]
    [f003] = [f for f in _lint(read) if f.rule == "F003"]
    assert f003.location.file == TASK_ARN


def test_a_role_list_failing_half_way_is_not_taken_as_complete(
    aws: str, stubbed: dict[str, Stubber]
) -> None:
    """Page 2 of GetAccountAuthorizationDetails fails: X005, and the roles of page 1 do not
    claim to be all the account's roles, so a missing role is X006, not I006."""
    iam = stubbed["iam"]
    role = {
        "RoleName": "first",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/first",
        "Path": "/",
        "AssumeRolePolicyDocument": "%7B%7D",
    }
    request = {"Filter": ["Role", "LocalManagedPolicy"]}
    iam.add_response(
        "get_account_authorization_details",
        {"RoleDetailList": [role], "IsTruncated": True, "Marker": "m"},
        request,
    )
    iam.add_client_error(
        "get_account_authorization_details", "ServiceUnavailable", "try later", 503
    )
    iam.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []}, {})
    read = _read(stubbed, "iam")
    [x005] = read.findings
    assert (
        "iam:GetAccountAuthorizationDetails" in x005.message
        and "ServiceUnavailable" in x005.message
    )
    [first] = [d for d in read.documents if d.source.endswith(":role/first")]
    assert first.data["IsTruncated"] is True
    service_account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "app",
            "namespace": "prod",
            "annotations": {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/app"},
        },
    }
    documents = [(d.source, d.data) for d in read.documents] + [("sa.yaml", service_account)]
    rules = {f.rule for f in lint_documents(documents, Config()).findings}
    assert "I006" not in rules and "X006" in rules
