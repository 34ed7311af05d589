"""T015 node-role-trust: an EKS node role does not trust `ec2.amazonaws.com`.

## What it does
For every role the inputs use as the node role of an EKS managed node group
(`aws eks describe-nodegroup` `nodeRole`, `AWS::EKS::Nodegroup` `NodeRole`, ...), evaluates
the role's trust policy: can the service principal `ec2.amazonaws.com` call
`sts:AssumeRole`? List forms, the China form `.amazonaws.com.cn` and CloudFormation's
`${AWS::URLSuffix}` are accepted; conditions that cannot be decided statically are not
reported. It reports a trust with no statement for EC2 (e.g. one that trusts only
`eks.amazonaws.com`, the cluster role's principal), a statement for it that allows another
action, a condition that never matches a service request, or an explicit `Deny`.

## Why it matters
The instances cannot get credentials from their instance profile: `CreateNodegroup` fails
with "The provided role doesn't have the Amazon EKS Managed Policies / trust", or the
kubelet has no credentials and the nodes never join the cluster.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
   "Action": "sts:AssumeRole"}]}
```
used as a node group's `nodeRole`.

## Fix
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
   "Action": "sts:AssumeRole"}]}
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import NODE_ROLE, Model
from iamlint.rules.base import RuleContext
from iamlint.rules.registry import rule
from iamlint.rules.t._service_trust import service_trust_findings


@rule(
    "T015",
    "node-role-trust",
    "error",
    "Role used as EKS node role does not trust `ec2.amazonaws.com`.",
    reads=("role_uses", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    yield from service_trust_findings(model, "T015", (NODE_ROLE,), "ec2.amazonaws.com")
