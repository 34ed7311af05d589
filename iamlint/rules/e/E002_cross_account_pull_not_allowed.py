"""E002 cross-account-pull-not-allowed: repository policy does not let the other account pull.

## What it does
For every ECR image pulled by a role of another account than the registry's (the image's
`<account>.dkr.ecr...` differs from the pulling role's account; who pulls is worked out as
for E001), evaluates the repository policy of the registry account when the inputs hold it
(`aws ecr get-repository-policy`, `AWS::ECR::Repository` `RepositoryPolicyText`): does a
statement allow `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` to that role? A
principal matches when it is the role's ARN (any IAM path), its account root or bare
account ID, or `*`; conditions on `aws:PrincipalArn` and `aws:PrincipalAccount` are decided,
other conditions (such as `aws:PrincipalOrgID`) make the answer unknown and give no
finding. An explicit `Deny` is E007's. Same-account pulls need no repository policy. When
the policy is not in the inputs, the check is skipped and said once (X006).

## Why it matters
Across accounts both sides must allow: the puller's identity policy and the repository
policy. Without the second, the pull fails with `pull access denied ... not authorized to
perform: ecr:BatchGetImage on resource: arn:aws:ecr:...:repository/...` (seed 002).

## Example
Node role `arn:aws:iam::444455556666:role/eks-node` pulls
`111122223333.dkr.ecr.eu-west-1.amazonaws.com/shared/base:3`, and the repository policy of
`shared/base` (`aws ecr get-repository-policy` in account 111122223333) lets only its own
account pull:
```json
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PullWithinAccount", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
  ]
}
```

## Fix
In the registry account, add a statement to the repository policy:
```json
{"Sid": "AllowPullFromWorkloadAccount", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:role/eks-node"},
 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
```
(use the role ARN, not the instance profile ARN; or the account root to delegate to that
account's IAM policies).

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
- https://repost.aws/knowledge-center/secondary-account-access-ecr
- https://repost.aws/knowledge-center/eks-ecr-troubleshooting
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import (
    AWS_REGISTRY_ACCOUNTS,
    PULL_ACTIONS,
    PULLER_LABEL,
    PullCheck,
    RepositoryCheck,
    code_list,
    concrete_role_arn,
    pull_checks,
    role_account,
)
from iamlint.rules.e.E001_pull_permission_missing import implicitly_denied
from iamlint.rules.registry import rule


@rule(
    "E002",
    "cross-account-pull-not-allowed",
    "error",
    "Cross-account image: the registry's repository policy does not allow the pulling role "
    "`ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer`.",
    reads=("role_uses", "roles", "repositories", "workloads", "task_definitions"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for pull_check in pull_checks(model):
        for repo in pull_check.repositories:
            if repo.cross_account is not True or not repo.certain:
                continue
            if repo.image.account in AWS_REGISTRY_ACCOUNTS:
                continue  # AWS's own registries (EKS add-ons) let every account pull
            policy = repo.repository.policy if repo.repository is not None else None
            if policy is None or repo.resource_side is None:
                yield _skipped(pull_check, repo)
                continue
            missing = implicitly_denied(repo.resource_side)
            if missing:
                yield _finding(pull_check, repo, policy, missing)


def _finding(
    pull_check: PullCheck, repo: RepositoryCheck, policy: Policy, missing: list[str]
) -> Finding:
    arn = concrete_role_arn(pull_check.role, repo.pulls[0].use.role_arn)
    account = role_account(pull_check.role, repo.pulls[0].use.role_arn)
    first = repo.pulls[0]
    who = f"{PULLER_LABEL[first.usage]} `{arn}`"
    message = (
        f"this repository policy of `{repo.image.repository}` (account {repo.image.account}) "
        f"does not allow {who} of account {account} to pull `{first.image_text}` "
        f"({first.consumer}): no statement grants it {code_list(missing)}; add "
        f'`"Principal": {{"AWS": "{arn}"}}` (or account `{account}`) to a statement allowing '
        f"{code_list(PULL_ACTIONS)}"
    )
    related = [(p.image_pointer, f"image pulled by {who}") for p in repo.pulls if p.image_pointer]
    related.append((first.use.pointer, f"{first.owner_label} uses the role"))
    return finding(
        "E002",
        _anchor(policy),
        message,
        resource=repo.arn,
        related=related,
        discriminator=f"{repo.arn}:{arn}",
    )


def _anchor(policy: Policy) -> Pointer:
    """The principal of the statement that grants pulls, else the statement list."""
    from iamlint.iam.statements import iter_statements
    from iamlint.iam.wildcard import action_matches

    for stmt in iter_statements(policy.document):
        grants = any(action_matches(a, PULL_ACTIONS[0]) for a in stmt.action_values())
        if stmt.is_allow and stmt.principal is not None and grants:
            return policy.pointer.child(*stmt.principal.path)
    document = policy.document
    if isinstance(document, dict) and "Statement" in document:
        return policy.pointer.child("Statement").at_key()
    return policy.pointer


def _skipped(pull_check: PullCheck, repo: RepositoryCheck) -> Finding:
    first = repo.pulls[0]
    anchor = first.image_pointer or first.use.pointer
    return finding(
        "X006",
        anchor,
        f"`{first.image_text}` is in account {repo.image.account}, another account than the "
        f"{PULLER_LABEL[first.usage]} `{pull_check.label}`; the repository policy of "
        f"`{repo.image.repository}` is not in the inputs, so whether it lets the role pull "
        "(E002) was not checked",
        resource=repo.arn,
        discriminator=f"E002:{repo.arn}",
    )
