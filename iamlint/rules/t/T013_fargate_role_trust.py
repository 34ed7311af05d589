"""T013 fargate-role-trust: Fargate pod execution role not trusting `eks-fargate-pods`.

## What it does
For every role the inputs use as the pod execution role of an EKS Fargate profile
(`aws eks describe-fargate-profile`, `AWS::EKS::FargateProfile`, ...), evaluates the role's
trust policy: can the service principal `eks-fargate-pods.amazonaws.com` call
`sts:AssumeRole`? List forms, the China form `.amazonaws.com.cn` and CloudFormation's
`${AWS::URLSuffix}` are accepted; `aws:SourceAccount`/`aws:SourceArn` conditions cannot be
decided statically and are not reported. It reports a trust with no statement for the
service, a statement for it that allows another action, a condition that never matches a
service request (e.g. `sts:ExternalId`), or an explicit `Deny`.

## Why it matters
EKS cannot assume the role, so `CreateFargateProfile` fails ("Misconfigured PodExecutionRole
Trust Policy"), or, when the trust was changed later, Fargate pods cannot pull their images
(`401 Unauthorized`, seed 002) or register with the cluster.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
   "Action": "sts:AssumeRole"}]}
```
used as `podExecutionRoleArn` of a Fargate profile.

## Fix
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
   "Principal": {"Service": "eks-fargate-pods.amazonaws.com"},
   "Action": "sts:AssumeRole",
   "Condition": {"ArnLike": {"aws:SourceArn":
     "arn:aws:eks:eu-west-1:111122223333:fargateprofile/my-cluster/*"}}}]}
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html
- https://repost.aws/knowledge-center/eks-ecr-troubleshooting
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import FARGATE_ROLE, Model
from iamlint.rules.base import RuleContext
from iamlint.rules.registry import rule
from iamlint.rules.t._service_trust import service_trust_findings


@rule(
    "T013",
    "fargate-role-trust",
    "error",
    "Role used as an EKS Fargate pod execution role does not trust "
    "`eks-fargate-pods.amazonaws.com`.",
    reads=("role_uses", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    yield from service_trust_findings(
        model, "T013", (FARGATE_ROLE,), "eks-fargate-pods.amazonaws.com"
    )
