"""T001 permissions-in-trust-policy: a trust policy allows non-STS actions.

## What it does
Checks every role trust policy (`AssumeRolePolicyDocument` from `aws iam get-role`,
Terraform, CloudFormation, and bare documents inferred as trust policies) for actions
outside the `sts:` service, such as `ecr:GetAuthorizationToken` or `s3:*`. One finding
per statement, at the first such action. A bare `"Action": "*"` is reported as a warning:
it includes the STS actions, but a trust policy never needs more than them.

Bare documents whose kind cannot be known from the file are judged by their principal:
a document whose statement names a `Federated` principal, or a workload service principal
that only ever assumes roles (`ecs-tasks`, `eks-fargate-pods`, `pods.eks`, `ec2`), and
allows only non-STS actions is a permissions policy written in trust-policy form. (A
document with an `AWS` principal and `ecr:` actions reads just as well as an ECR
repository policy, so it is only reported when it is a role's trust policy.)

## Why it matters
A trust policy says only who may assume the role. IAM rejects non-STS actions in it with
`MalformedPolicyDocument`, and the permissions the author meant the role to have are
missing: the pod or task fails later with `AccessDenied`, `no basic auth credentials` or
`401 Unauthorized` on image pulls (the Fargate CoreDNS troubleshooting example shows a
list of `ecr:` actions offered as the pod execution role's trust policy).

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "eks-fargate-pods.amazonaws.com"},
                "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
                "Resource": "*"}]}
```

## Fix
Keep the trust policy to the principal and the STS action it uses (`sts:AssumeRole` for
services and accounts, `sts:AssumeRoleWithWebIdentity` for OIDC providers,
`sts:AssumeRoleWithSAML` for SAML providers, plus `sts:TagSession` where session tags are
passed), and attach the permissions as a policy of the role (for Fargate pod execution
roles the AWS managed `AmazonEKSFargatePodExecutionRolePolicy`).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding, Severity
from iamlint.iam.statements import statement_items
from iamlint.model import TRUST, Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import (
    ActionRef,
    TrustStatement,
    code_list,
    expected_assume_actions,
    trust_policies,
    trust_statements,
)

# Service principals that are never granted access in resource policies: a document naming
# them is a trust policy whatever its actions say.
ROLE_ONLY_SERVICES = frozenset(
    {
        "ecs-tasks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "pods.eks.amazonaws.com",
        "ec2.amazonaws.com",
        "ec2.amazonaws.com.cn",
    }
)


@rule(
    "T001",
    "permissions-in-trust-policy",
    "error",
    "Trust policy contains non-STS actions: a permissions policy was put where the trust "
    "policy belongs.",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            yield from _trust_statement(policy, statement)
    for policy in model.policies:
        if policy.inferred and policy.kind != TRUST and _names_a_principal(policy):
            for statement in trust_statements(policy):
                yield from _bare_statement(policy, statement)


def _names_a_principal(policy: Policy) -> bool:
    """Only a statement with a `Principal` can name a trust-only one (most identity
    policies have none: no need to read their statements as trust statements)."""
    return any(
        isinstance(data.get("Principal"), dict) for _, _, data in statement_items(policy.document)
    )


def _trust_statement(policy: Policy, statement: TrustStatement) -> Iterator[Finding]:
    foreign = _non_sts(statement.actions)
    if not foreign:
        return
    first = foreign[0]
    wanted = code_list(expected_assume_actions(statement))
    if first.text == "*" and len(foreign) == 1:
        yield finding(
            "T001",
            first.pointer,
            f'`"Action": "*"` in a trust policy: it may only allow STS actions; write {wanted}',
            resource=policy.label,
            severity=Severity.WARNING,
        )
        return
    yield finding(
        "T001",
        first.pointer,
        f"{_listing(foreign)} in a trust policy: it only says who may assume the role and may "
        f"allow only STS actions (here {wanted}); put the permissions in a policy "
        "attached to the role",
        resource=policy.label,
    )


def _bare_statement(policy: Policy, statement: TrustStatement) -> Iterator[Finding]:
    """A document that names a trust-only principal but grants permissions."""
    foreign = _non_sts(statement.actions)
    if not foreign or len(foreign) != len([a for a in statement.actions if a.text]):
        return
    principal = _trust_only_principal(statement)
    if principal is None:
        return
    yield finding(
        "T001",
        foreign[0].pointer,
        f"{_listing(foreign)} granted to `{principal}`: a principal that only assumes roles, "
        f"so this is a permissions policy written as a trust policy; the trust policy allows "
        f"{code_list(expected_assume_actions(statement))} only, the permissions go into a policy "
        "attached to the role",
        resource=policy.label,
    )


def _trust_only_principal(statement: TrustStatement) -> str | None:
    for ref in statement.federated:
        if ref.text:
            return ref.text
    for ref in statement.services:
        if ref.text.lower() in ROLE_ONLY_SERVICES:
            return ref.text
    return None


def _non_sts(actions: list[ActionRef]) -> list[ActionRef]:
    return [a for a in actions if a.text and not a.text.lower().startswith("sts:")]


def _listing(actions: list[ActionRef]) -> str:
    names = [a.text for a in actions]
    noun = "action" if len(names) == 1 else "actions"
    if len(names) > 3:
        names = [*names[:2], f"{len(names) - 2} more"]
        return f"non-STS {noun} `{names[0]}`, `{names[1]}` and {names[2]}"
    return f"non-STS {noun} {code_list(names)}"
