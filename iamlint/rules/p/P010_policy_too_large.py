"""P010 policy-too-large: a policy is larger than the limit AWS sets for its kind.

## What it does
Counts each policy's characters as IAM does (whitespace outside strings is not counted) and
compares them with the limit for its kind:

| policy | limit |
|---|---|
| role trust policy | 2048 by default (quota up to 8192: set `trust-policy-max-chars`) |
| inline policies of one role | 10240 in total |
| customer managed policy | 6144 |
| ECR repository policy | 10240 |
| VPC endpoint policy | 20480 (AWS counts whitespace too: the count here is a lower bound) |
| bare identity policy (kind unknown) | 10240: larger than any role policy can be |

AWS managed policies are exempt (AWS's own are larger than customers may write); a
document without ARN or owner (a bare file, `get-policy-version` output) that is a verbatim
copy of an AWS managed policy counts as AWS managed. Other resource policies and ECR
registry policies have service-specific limits and are not checked.

## Why it matters
IAM rejects the document (`LimitExceeded: Cannot exceed quota for ACLSizePerRole`,
`PolicySize`), so the role, policy or repository policy is not created or updated — often
only after a long apply, when someone added one more statement or OIDC condition.

## Example
A trust policy with one statement per IRSA ServiceAccount: 25 statements like this one
reach about 3000 characters, over the default 2048:
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
     "system:serviceaccount:prod:svc-01",
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":
    "sts.amazonaws.com"}}}
```

## Fix
Shorten the policy (merge statements that differ only in one value into one statement with a
list, use `StringLike` patterns, drop redundant `Sid`s), split permissions into several
managed policies (up to 20 per role with a raised quota), or raise the quota and set
`trust-policy-max-chars` accordingly. The 25 statements above as one (values abridged):
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": [
     "system:serviceaccount:prod:svc-01",
     "system:serviceaccount:prod:svc-02",
     "system:serviceaccount:prod:svc-25"],
   "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":
    "sts.amazonaws.com"}}}
```

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import ECR_REPOSITORY, ENDPOINT, IDENTITY, TRUST, Model, Policy, Role
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import compact_size, is_aws_managed
from iamlint.rules.registry import rule

INLINE_ROLE_TOTAL = 10240
CUSTOMER_MANAGED = 6144
ECR_REPOSITORY_POLICY = 10240
ENDPOINT_POLICY = 20480
COUNTED = "whitespace not counted"


@rule(
    "P010",
    "policy-too-large",
    "error",
    "Policy larger than the service limit (trust 2048 by default, inline role policies 10240 "
    "in total, customer managed 6144, ECR repository policy 10240).",
    reads=("policies", "roles", "managed_policies"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    inline = {id(p) for role in model.roles for p in role.inline_policies}
    managed = {id(p) for p in model.managed_policies}
    for role in model.roles:
        yield from _inline_total(role)
    for policy in model.policies:
        if id(policy) in inline or not isinstance(policy.document, dict):
            continue
        limit, what = _limit(policy, id(policy) in managed, ctx.config.trust_policy_max_chars)
        if not limit:
            continue
        size = compact_size(policy.document)
        if size > limit and not is_aws_managed(policy):
            yield finding(
                "P010",
                policy.pointer,
                f"{what} is {size} characters ({COUNTED}), over the limit of {limit}"
                f"{_which_limit(policy, limit)}: {_advice(policy)}",
                resource=policy.label,
            )


def _limit(policy: Policy, is_managed: bool, trust_limit: int) -> tuple[int, str]:
    if policy.kind == TRUST:
        return trust_limit, "trust policy"
    if policy.kind == ECR_REPOSITORY:
        return ECR_REPOSITORY_POLICY, "ECR repository policy"
    if policy.kind == ENDPOINT:
        return ENDPOINT_POLICY, "VPC endpoint policy"
    if policy.kind != IDENTITY:
        return 0, ""
    if is_managed or policy.arn:
        return CUSTOMER_MANAGED, "customer managed policy"
    return INLINE_ROLE_TOTAL, "identity policy"


def _which_limit(policy: Policy, limit: int) -> str:
    if policy.kind == IDENTITY and limit == INLINE_ROLE_TOTAL:
        return (
            f" (the most a role's inline policies may hold together; a customer managed policy "
            f"may hold {CUSTOMER_MANAGED})"
        )
    return ""


def _advice(policy: Policy) -> str:
    if policy.kind == TRUST:
        return (
            "merge statements that differ in one value into lists or `StringLike` patterns, or "
            "raise the IAM quota `Role trust policy length` (up to 8192) and set "
            "`trust-policy-max-chars`"
        )
    if policy.kind == IDENTITY:
        return "split it into several managed policies or use wildcards for action families"
    return "merge statements and drop repeated values"


def _inline_total(role: Role) -> Iterator[Finding]:
    sized = [
        (compact_size(p.document), p) for p in role.inline_policies if isinstance(p.document, dict)
    ]
    total = sum(size for size, _ in sized)
    if total <= INLINE_ROLE_TOTAL:
        return
    size, largest = max(sized, key=lambda item: item[0])
    others = [(p.pointer, f"inline policy {p.label}: {n}") for n, p in sized if p is not largest]
    yield finding(
        "P010",
        largest.pointer,
        f"inline policies of role {role.label} total {total} characters ({COUNTED}), over the "
        f"limit of {INLINE_ROLE_TOTAL} per role (this one: {size}): move permissions into "
        "managed policies attached to the role",
        resource=role.label,
        related=others,
    )
