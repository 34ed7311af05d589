"""A populated AWS account on a moto server on loopback, for timing `iamlint scan --aws`.

The server is moto's ThreadedMotoServer on a free 127.0.0.1 port (as tests/live does);
the account gets one EKS cluster with its OIDC provider and node group, `roles` IAM roles
(IRSA, ECS and EC2 trusts, inline and attached policies) and `repositories` ECR
repositories, each with a repository policy.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from moto.server import ThreadedMotoServer

REGION = "eu-west-1"
ACCOUNT = "123456789012"
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/BENCHD539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def environment(endpoint: str) -> dict[str, str]:
    """The subprocess environment: fake credentials, every client pointed at moto."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}


def _client(endpoint: str, service: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    ).client(service, endpoint_url=endpoint)


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(number: int) -> str:
    if number % 3 == 0:
        service = "ecs-tasks.amazonaws.com" if number % 2 else "ec2.amazonaws.com"
        return _document(
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        )
    subject = f"system:serviceaccount:team-{number % 17}:app-{number}"
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER_ARN},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{ISSUER}:sub": subject, f"{ISSUER}:aud": "sts.amazonaws.com"}
            },
        }
    )


def populate(endpoint: str, roles: int, repositories: int, workers: int = 8) -> None:
    iam = _client(endpoint, "iam")
    ecr = _client(endpoint, "ecr")
    eks = _client(endpoint, "eks")
    iam.create_open_id_connect_provider(
        Url=f"https://{ISSUER}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    managed = iam.create_policy(
        PolicyName="app-logs",
        PolicyDocument=_document(
            {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}
        ),
    )["Policy"]["Arn"]

    def role(number: int) -> None:
        name = f"app-{number}"
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(number))
        iam.put_role_policy(
            RoleName=name,
            PolicyName="data",
            PolicyDocument=_document(
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": f"arn:aws:s3:::bucket-{number}/*",
                }
            ),
        )
        iam.attach_role_policy(RoleName=name, PolicyArn=managed)

    def repository(number: int) -> None:
        name = f"service-{number}"
        ecr.create_repository(repositoryName=name)
        ecr.set_repository_policy(
            repositoryName=name,
            policyText=_document(
                {
                    "Sid": "NodesPull",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app-{number * 3}"},
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ),
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(role, range(roles)))
        list(pool.map(repository, range(repositories)))
    node_role = f"arn:aws:iam::{ACCOUNT}:role/app-0"
    eks.create_cluster(
        name="bench", roleArn=node_role, resourcesVpcConfig={"subnetIds": ["subnet-1"]}
    )
    eks.create_nodegroup(
        clusterName="bench", nodegroupName="workers", nodeRole=node_role, subnets=["subnet-1"]
    )
