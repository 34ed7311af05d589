"""The moto account the live tests read: names, and the resources created in it."""

from __future__ import annotations

import json
from typing import Any

REGION = "eu-west-1"

ACCOUNT = "123456789012"
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
NODE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/nodes-without-pull"
IRSA_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/irsa-any-sa"
REPOSITORY = "app"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _create_account() -> None:
    """A node role without ECR pull used by a node group, a public repository, and an
    IRSA role trusting every service account of the cluster's provider."""
    import boto3

    iam = boto3.client("iam")
    iam.create_role(
        RoleName="nodes-without-pull",
        AssumeRolePolicyDocument=_document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    iam.create_policy(
        PolicyName="logs-only",
        PolicyDocument=_document(
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
        ),
    )
    iam.attach_role_policy(
        RoleName="nodes-without-pull", PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/logs-only"
    )
    iam.create_open_id_connect_provider(
        Url=f"https://{ISSUER}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    iam.create_role(
        RoleName="irsa-any-sa",
        AssumeRolePolicyDocument=_document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}},
            }
        ),
    )
    eks = boto3.client("eks")
    eks.create_cluster(
        name="prod",
        roleArn=NODE_ROLE_ARN,
        resourcesVpcConfig={"subnetIds": ["subnet-1"]},
    )
    eks.create_nodegroup(
        clusterName="prod", nodegroupName="workers", nodeRole=NODE_ROLE_ARN, subnets=["subnet-1"]
    )
    _create_ecs()
    ecr = boto3.client("ecr")
    ecr.create_repository(repositoryName=REPOSITORY)
    ecr.create_repository(repositoryName="private-no-policy")
    ecr.set_repository_policy(
        repositoryName=REPOSITORY,
        policyText=_document(
            {
                "Sid": "everyone",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    )


ECS_CLUSTER = "apps"
IN_USE_TASK = "web"  # run by a service
IDLE_TASK = "idle"  # registered, run by nothing: not read


def _create_ecs() -> None:
    """A Fargate task definition without execution role pulling from ECR (F001) run by a
    service, and one that nothing runs."""
    import boto3

    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName=ECS_CLUSTER)
    for family in (IN_USE_TASK, IDLE_TASK):
        ecs.register_task_definition(
            family=family,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[
                {
                    "name": family,
                    "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{REPOSITORY}:1",
                    "essential": True,
                }
            ],
        )
    ecs.create_service(
        cluster=ECS_CLUSTER, serviceName=IN_USE_TASK, taskDefinition=IN_USE_TASK, desiredCount=1
    )
