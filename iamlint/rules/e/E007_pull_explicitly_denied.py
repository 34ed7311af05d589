"""E007 pull-explicitly-denied: an explicit `Deny` blocks a pull action for the pulling role.

## What it does
For every ECR image of the inputs and the role that pulls it (worked out as for E001),
evaluates `ecr:GetAuthorizationToken` on `*` and `ecr:BatchGetImage` /
`ecr:GetDownloadUrlForLayer` on the repository, separately on the two sides that can deny:
the role's identity policies (inline, AWS managed, customer managed) and the repository
policy of the image's repository when the inputs hold it. A `Deny` statement counts only
when it certainly applies: its action, resource and principal match, and its condition (if
any) is decided true with what is known of the request (the role's ARN and account).

## Why it matters
An explicit deny overrides every allow, so attaching `AmazonEC2ContainerRegistryReadOnly`
does not help: pulls fail with `... with an explicit deny in an identity-based policy` (or
`in a resource-based policy`), pods stay in `ImagePullBackOff` and ECS tasks stop with
`CannotPullContainerError`.

## Example
```json
{"Sid": "DenyUntrustedRegistries", "Effect": "Deny",
 "Action": "ecr:BatchGetImage",
 "NotResource": "arn:aws:ecr:eu-west-1:111122223333:repository/approved/*"}
```
in the node role, while a pod pulls `111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1`.

## Fix
Narrow the `Deny` (its `Resource`/`NotResource`, `NotPrincipal` or a condition) so that it
leaves the intended pulls alone, or move the image to a repository the policy allows.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_troubleshoot.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import Model, Policy
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import (
    PULLER_LABEL,
    Pull,
    PullCheck,
    code_list,
    pull_checks,
    role_anchor,
)
from iamlint.rules.registry import rule

if TYPE_CHECKING:
    from iamlint.iam.evaluate import ActionDecisions, Reason


@rule(
    "E007",
    "pull-explicitly-denied",
    "error",
    "An explicit `Deny` in the repository policy or an identity policy blocks a required pull "
    "action for the pulling role.",
    reads=("role_uses", "roles", "repositories", "workloads", "task_definitions"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for pull_check in pull_checks(model):
        all_pulls = [p for repo in pull_check.repositories for p in repo.pulls]
        # one finding per identity Deny statement, whatever it blocks
        merged: dict[tuple[object, ...], tuple[Reason, list[str], list[Pull]]] = {}
        sides = [(pull_check.auth, all_pulls)]
        sides += [(repo.identity, repo.pulls) for repo in pull_check.repositories]
        for decisions, pulls in sides:
            for key, (reason, actions) in _denies(decisions).items():
                entry = merged.setdefault(key, (reason, [], []))
                entry[1].extend(a for a in actions if a not in entry[1])
                entry[2].extend(p for p in pulls if p not in entry[2])
        for reason, actions, pulls in merged.values():
            permissions = pull_check.permissions
            pointer = permissions.statement_pointer(reason) or role_anchor(pull_check.role)
            statement = permissions.describe(reason)
            yield _finding(pull_check, pulls, actions, statement, pointer, "identity", "")
        for repo in pull_check.repositories:
            policy = repo.repository.policy if repo.repository is not None else None
            if policy is not None and repo.resource_side is not None:
                yield from _resource(pull_check, repo.resource_side, repo.pulls, policy)


def _denies(decisions: ActionDecisions) -> dict[tuple[object, ...], tuple[Reason, list[str]]]:
    """Deny statement (policy label, path) -> (reason, the actions it denies)."""
    found: dict[tuple[object, ...], tuple[Reason, list[str]]] = {}
    for action, evaluation in decisions.items():
        if not evaluation.explicit_deny:
            continue
        for reason in evaluation.reasons:
            key = (reason.label, reason.path)
            found.setdefault(key, (reason, []))[1].append(action)
    return found


def _resource(
    pull_check: PullCheck, decisions: ActionDecisions, pulls: list[Pull], policy: Policy
) -> Iterator[Finding]:
    for reason, actions in _denies(decisions).values():
        pointer = policy.pointer.child(*reason.path)
        name = f"`{reason.sid}`" if reason.sid else "/".join(str(p) for p in reason.path)
        statement = f"statement {name} of the repository policy of `{pulls[0].image.repository}`"
        yield _finding(pull_check, pulls, actions, statement, pointer, "resource", policy.label)


def _finding(
    pull_check: PullCheck,
    pulls: list[Pull],
    actions: list[str],
    statement: str,
    pointer: Pointer,
    side: str,
    where: str,
) -> Finding:
    first = pulls[0]
    images = list(dict.fromkeys(p.image_text for p in pulls))
    more = f" (and {len(images) - 1} more)" if len(images) > 1 else ""
    message = (
        f"an explicit `Deny` in {statement} blocks {code_list(actions)} for "
        f"{PULLER_LABEL[first.usage]} `{pull_check.label}`, which pulls `{images[0]}`{more} "
        f"({first.consumer}): an explicit deny overrides every allow; narrow the statement "
        "(resource, principal or condition) so it leaves this pull alone"
    )
    related = [(p.image_pointer, f"image ({p.consumer})") for p in pulls if p.image_pointer]
    related.append((first.use.pointer, f"{first.owner_label} uses the role"))
    return finding(
        "E007",
        pointer,
        message,
        resource=pull_check.role.arn or pull_check.label,
        related=related,
        discriminator=f"{side}:{where}:{pull_check.role.arn}:{','.join(actions)}",
    )
