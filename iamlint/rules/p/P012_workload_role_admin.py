"""P012 workload-role-admin: a role used by a workload allows every action on every resource.

## What it does
For each role that the inputs use for a workload — an IRSA or Pod Identity service account
role, an EKS node role, a Fargate pod execution role, an ECS task or task execution role —
looks through the role's inline policies, its attached customer managed policies (when the
inputs hold them) and its attached AWS managed policies (shipped data, e.g.
`AdministratorAccess`) for an `Allow` statement with `"Action": "*"` (or `*:*`) and
`"Resource": "*"` and no `Condition`. The finding points at the action in the policy (or at
the attachment of the managed policy) and lists where the role is used.

Roles are known to be used only through references in the inputs (a ServiceAccount
annotation, a task definition's `taskRoleArn`, a node group's `nodeRole`...). A role with a
permissions boundary is skipped: the boundary caps what the statement grants.

## Why it matters
Every pod or task that runs with the role can do anything in the account: read every
secret, create users, delete clusters. One compromised container, or a dependency with a
remote-code-execution bug, becomes full account takeover. Node roles are shared by every
pod on the node that can reach the instance metadata service.

## Example
```json
{"RoleName": "web", "PolicyName": "all",
 "PolicyDocument": {"Version": "2012-10-17",
   "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
```
with a task definition whose `taskRoleArn` names the role.

## Fix
Grant the workload only the actions it calls, on the resources it uses (start from IAM
Access Analyzer's policy generation or CloudTrail), and detach `AdministratorAccess`.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
- https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
"""

from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.load.document import Pointer
from iamlint.model import (
    ECS_EXECUTION_ROLE,
    ECS_TASK_ROLE,
    FARGATE_ROLE,
    IRSA_ROLE,
    NODE_ROLE,
    POD_IDENTITY_ROLE,
    Model,
    Role,
    RoleUse,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import statements, strings_of
from iamlint.rules.registry import rule

WORKLOAD_USAGES = {
    IRSA_ROLE: "IRSA service account role",
    POD_IDENTITY_ROLE: "Pod Identity role",
    NODE_ROLE: "EKS node role",
    FARGATE_ROLE: "Fargate pod execution role",
    ECS_TASK_ROLE: "ECS task role",
    ECS_EXECUTION_ROLE: "ECS task execution role",
}
ANY_ACTION = ("*", "*:*")


@rule(
    "P012",
    "workload-role-admin",
    "warning",
    "`Allow` of `*` action on `*` resource (admin) in a role used by a workload.",
    tags=("security",),
    reads=("roles", "role_uses", "managed_policies"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    uses_by_role: dict[int, list[RoleUse]] = {}
    for use in model.role_uses:
        if use.role is not None and use.usage in WORKLOAD_USAGES:
            uses_by_role.setdefault(id(use.role), []).append(use)
    for role in model.roles:
        uses = uses_by_role.get(id(role), [])
        usages = sorted({u for u in role.usages if u in WORKLOAD_USAGES})
        if not usages or role.permissions_boundary:
            continue
        used_as = " and ".join(WORKLOAD_USAGES[u] for u in usages)
        related = [(u.pointer, f"used as {WORKLOAD_USAGES[u.usage]} here") for u in uses]
        for pointer, source in _admin_grants(model, role):
            yield finding(
                "P012",
                pointer,
                f"role {role.label} is used as {used_as} and {source} allows `\"Action\": \"*\"` "
                "on `\"Resource\": \"*\"`: every workload with this role can do anything in the "
                "account; grant only the actions it calls, on its resources",
                resource=role.label,
                related=related,
            )


def _admin_grants(model: Model, role: Role) -> Iterator[tuple[Pointer, str]]:
    for policy in role.inline_policies:
        pointer = _admin_statement_action(policy)
        if pointer is not None:
            yield pointer, f"its inline policy {policy.label}"
    for attachment in role.attachments:
        customer = model.index("managed_by_arn").get(attachment.arn.lower())
        if customer:
            pointer = _admin_statement_action(customer[-1])
            if pointer is not None:
                yield pointer, f"its attached policy {attachment.arn}"
            continue
        if _aws_managed_is_admin(attachment.arn):
            yield attachment.pointer, f"its attached AWS managed policy {attachment.arn}"


def _admin_statement_action(policy: Any) -> Pointer | None:
    for statement in statements(policy):
        if not statement.allow or statement.has("Condition"):
            continue
        actions = [(v, p) for v, p in statement.strings("Action") if v.strip() in ANY_ACTION]
        resources = [v for v, _ in statement.strings("Resource") if v.strip() == "*"]
        if actions and resources:
            return actions[0][1]
    return None


def _aws_managed_is_admin(arn: str) -> bool:
    from iamlint.iam.managed import is_aws_managed_arn, managed_policy

    if not is_aws_managed_arn(arn):
        return False
    document = managed_policy(arn)
    if not isinstance(document, dict):
        return False
    raw = document.get("Statement")
    for statement in raw if isinstance(raw, list) else [raw]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "Condition" in statement:
            continue
        actions = strings_of(statement.get("Action"))
        if any(a in ANY_ACTION for a in actions) and "*" in strings_of(statement.get("Resource")):
            return True
    return False
