"""E009 repository-principal-type: ECR policy uses a `Federated` principal or a role's service.

## What it does
Checks the `Principal` of every ECR repository and registry policy statement for:
- a `Federated` principal (an OIDC or SAML provider): ECR does not support it;
- a `Service` principal of a service whose image pulls are made with a *role*:
  `ec2.amazonaws.com`, `eks.amazonaws.com`, `eks-nodegroup.amazonaws.com`,
  `eks-fargate-pods.amazonaws.com`, `pods.eks.amazonaws.com`, `ecs-tasks.amazonaws.com`,
  `ecs.amazonaws.com`, `batch.amazonaws.com`. Someone copied the role's trust principal
  where the role belongs.

Service principals that pull with their own identity and that AWS documents in repository
policies are fine and never reported: `lambda.amazonaws.com` (Lambda container images),
`codebuild.amazonaws.com` (CodeBuild images), `sagemaker.amazonaws.com`,
`emr-serverless.amazonaws.com`; other services are left alone too.

## Why it matters
A web-identity or SAML session reaches ECR as an `assumed-role` session of the role it
assumed, never as the provider, so a `Federated` statement matches nothing (and ECR rejects
policies with unsupported principals). The kubelet, the ECS agent and Fargate pull with the
node role, the task execution role or the pod execution role: a statement for
`ecs-tasks.amazonaws.com` grants nothing to them, and a cross-account pull fails with
`not authorized to perform: ecr:BatchGetImage`.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
```

## Fix
Name the role that pulls, `{"AWS": "arn:aws:iam::<account>:role/<name>"}`: the ECS task
execution role, the EKS node role or the Fargate pod execution role (pods' IRSA / Pod
Identity roles do not pull images), or the account (`arn:aws:iam::<account>:root`).

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
- https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions
- https://docs.aws.amazon.com/codebuild/latest/userguide/sample-ecr.html
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._ecr import Principal, ecr_policies, principals, statements
from iamlint.rules.registry import rule

# service (without the partition's DNS suffix) -> the role that really pulls
ROLE_SERVICES = {
    "ec2": "the EC2 instance / EKS node role",
    "eks": "the EKS node role (the kubelet pulls with it)",
    "eks-nodegroup": "the EKS node role",
    "eks-fargate-pods": "the Fargate pod execution role",
    "pods.eks": "the EKS node role (Pod Identity roles do not pull images)",
    "ecs-tasks": "the ECS task execution role",
    "ecs": "the ECS task execution role",
    "batch": "the job's execution role or the instance role",
}
DNS_SUFFIXES = (".amazonaws.com.cn", ".amazonaws.com", ".c2s.ic.gov", ".sc2s.sgov.gov")


@rule(
    "E009",
    "repository-principal-type",
    "error",
    "Repository policy uses a `Federated` principal (not supported for ECR) or a `Service` "
    "principal where an account/role is meant.",
    reads=("policies", "repositories"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for ecr in ecr_policies(model):
        for statement in statements(ecr.policy):
            for principal in principals(statement):
                message = _problem(principal, ecr.scope_label)
                if message:
                    yield finding("E009", principal.pointer, message, resource=ecr.label)


def _problem(principal: Principal, scope: str) -> str:
    if principal.type == "Federated":
        return (
            f"`Federated` principal `{principal.value}` is not supported in an ECR {scope}: "
            "federated sessions reach ECR as the role they assumed; name the role that pulls, "
            '`{"AWS": "arn:aws:iam::<account>:role/<name>"}` (for EKS, the node role or '
            "Fargate pod execution role: IRSA roles do not pull images)"
        )
    if principal.type != "Service":
        return ""
    role = ROLE_SERVICES.get(_service_name(principal.value))
    if role is None:
        return ""
    return (
        f"`Service` principal `{principal.value}` grants nothing here: images are pulled "
        f"with {role}'s credentials, so name that role, "
        '`{"AWS": "arn:aws:iam::<account>:role/<name>"}` (or its account)'
    )


def _service_name(value: str) -> str:
    text = value.strip().lower()
    for suffix in DNS_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text
