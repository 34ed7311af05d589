"""P011 principal-placement: `Principal` forbidden or missing for the policy type.

## What it does
Checks each statement against what its policy type allows:

- identity (permissions) policies: no `Principal` or `NotPrincipal` — the principal is the
  role, user or group the policy is attached to;
- trust policies (a role's assume-role policy): every statement names a `Principal`, and
  none has `Resource`, `NotResource` or `NotPrincipal`;
- resource policies (ECR repository and registry policies, VPC endpoint policies, other
  resource policies): every statement names a `Principal` (or `NotPrincipal`).

Bare documents (a file holding just a policy) carry no type, so it is guessed from the
content: a document without any `Principal` is taken as an identity policy, one with
principals and only `sts:` actions as a trust policy, any other one with principals as a
resource policy. Only what is decidable is reported for them: a document where some
statements name a principal and others do not is wrong whatever it is meant to be (the
statements without one are reported), and a guessed trust policy with `Resource`,
`NotResource` or `NotPrincipal` is reported (only role trust policies grant `sts:` actions
to a principal). "Principal in an identity policy" is never reported for a bare document:
its kind was guessed from the absence of principals.

## Why it matters
IAM rejects these documents with `MalformedPolicyDocument` (`Policy document should not
specify a principal`, `Missing required field Principal`, `Has prohibited field Resource`),
so the role, policy or repository policy is not created or updated. A trust policy written
with a `Resource` is usually a permissions policy pasted into the trust slot, or the
reverse.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole", "Resource": "*"}]}
```

## Fix
Remove `Resource` from trust policies (the role is the resource) and `Principal` from
permissions policies (attach the policy to the role instead); give every statement of a
trust or resource policy a `Principal`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import IDENTITY, TRUST, Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import Problem, Statement, statements
from iamlint.rules.registry import rule

KIND_LABELS = {
    "resource": "a resource policy",
    "ecr-repository": "an ECR repository policy",
    "ecr-registry": "an ECR registry policy",
    "vpc-endpoint": "a VPC endpoint policy",
}
FORBIDDEN_IN_TRUST = ("Resource", "NotResource", "NotPrincipal")


@rule(
    "P011",
    "principal-placement",
    "error",
    "`Principal` in an identity policy or missing in a trust/resource policy; `Resource`, "
    "`NotResource` or `NotPrincipal` in a trust policy.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        for pointer, message in _problems(policy):
            yield finding("P011", pointer, message, resource=policy.label)


def _problems(policy: Policy) -> Iterator[Problem]:
    found = statements(policy)
    if policy.kind == IDENTITY:
        if not policy.inferred:
            for statement in found:
                yield from _principal_in_identity(statement)
        return
    if policy.inferred:
        for statement in found:
            if not _names_principal(statement):
                yield statement.pointer, (
                    f"statement {statement.number} names no `Principal` while other statements "
                    "of this document do: a trust or resource policy names a principal in every "
                    "statement, an identity policy in none; add the `Principal` or move the "
                    "statement to a policy attached to the role"
                )
    else:
        for statement in found:
            if not _names_principal(statement):
                yield statement.pointer, _missing_principal(policy, statement)
    if policy.kind == TRUST:
        for statement in found:
            yield from _forbidden_in_trust(statement)


def _names_principal(statement: Statement) -> bool:
    return statement.has("Principal") or statement.has("NotPrincipal")


def _principal_in_identity(statement: Statement) -> Iterator[Problem]:
    for key in ("Principal", "NotPrincipal"):
        if statement.has(key):
            yield statement.pointer.child(key).at_key(), (
                f"`{key}` in an identity policy: a permissions policy applies to the role, user "
                "or group it is attached to and cannot name principals; remove it (principals "
                "belong in the role's trust policy or in a resource policy)"
            )


def _missing_principal(policy: Policy, statement: Statement) -> str:
    if policy.kind == TRUST:
        return (
            f"statement {statement.number} of a trust policy has no `Principal`: name who may "
            "assume the role, e.g. `{\"Service\": \"ecs-tasks.amazonaws.com\"}`, an OIDC "
            "provider under `Federated`, or an account under `AWS`"
        )
    label = KIND_LABELS.get(policy.kind, "a resource policy")
    return (
        f"statement {statement.number} of {label} has no `Principal`: a resource policy must "
        "say whom it grants access, e.g. `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`"
    )


def _forbidden_in_trust(statement: Statement) -> Iterator[Problem]:
    for key in FORBIDDEN_IN_TRUST:
        if not statement.has(key):
            continue
        if key == "NotPrincipal":
            reason = "AWS rejects it in a role trust policy; name the principals with `Principal`"
        else:
            reason = (
                f"AWS rejects the trust policy (`Has prohibited field {key}`); remove it, the "
                "role itself is the resource (permissions go into a policy attached to the role)"
            )
        yield statement.pointer.child(key).at_key(), f"`{key}` in a trust policy: {reason}"
