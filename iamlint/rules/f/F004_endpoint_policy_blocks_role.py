"""F004 endpoint-policy-blocks-role: VPC endpoint policy denies or misses what a role uses.

## What it does
For every VPC endpoint with a policy in the inputs (`AWS::EC2::VPCEndpoint`
`PolicyDocument`), finds the calls that roles of the same template make through it and
evaluates the endpoint policy for each (with `iamlint.iam.evaluate`: the endpoint policy
must allow, and an explicit `Deny` wins):
- ECR endpoints: the image pulls of task execution, Fargate and node roles
  (`ecr.api`: `ecr:GetAuthorizationToken`; `ecr.dkr`: `ecr:BatchGetImage`,
  `ecr:GetDownloadUrlForLayer` on the repository);
- `ssmmessages`: the four ECS Exec channel actions of task roles whose tasks run with ECS
  Exec;
- any other service: the actions a task role's own (inline or customer managed) policies
  allow on that service (named actions, not wildcards).
It tells an explicit deny from a missing allow. When the call's resource is a wildcard, a
missing allow is reported only if no statement of the endpoint policy allows the action at
all. Principals other than `*` match only the role's own ARN or account; undecidable
conditions give no finding.

## Why it matters
Requests through an interface endpoint are authorised by its policy too. The task's calls
fail with `... with an explicit deny in a VPC endpoint policy` or `... because no VPC
endpoint policy allows the sns:ListTopics action` (seed 003), image pulls fail, and ECS
Exec cannot connect; the role's own policies look right, which makes it hard to find.

## Example
```yaml
SnsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sns
    VpcEndpointType: Interface
    PolicyDocument:
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: sns:Publish
          Resource: "*"
```
while the task role of a service in the same template allows `sns:ListTopics`.

## Fix
Allow the action in the endpoint policy (for the role's ARN or `*` with a condition such
as `aws:PrincipalAccount`), or narrow the `Deny` that blocks it.

## References
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy
- https://repost.aws/knowledge-center/ecs-fargate-service-connection-issues
"""

from __future__ import annotations

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.iam.statements import Path
from iamlint.load.document import Pointer
from iamlint.model import ECS_TASK_ROLE, Model, Policy, VpcEndpoint
from iamlint.placeholders import contains_placeholder
from iamlint.record import record
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.e._pull import (
    AUTH_ACTION,
    PULL_ACTIONS,
    PULLER_LABEL,
    allow_all_identity,
    code_list,
    concrete_role_arn,
    principal_context,
    pulls,
    role_label,
    role_permissions,
)
from iamlint.rules.f._ecs import SSM_ACTIONS, exec_enabled_tasks
from iamlint.rules.registry import rule

# Endpoint service -> the actions requests through it are authorised for (lower case)
ECR_ENDPOINTS = {
    "ecr.api": {AUTH_ACTION.lower()},
    "ecr.dkr": {a.lower() for a in PULL_ACTIONS},
}


@record
class Call:
    """An action a role of the inputs is configured to perform."""

    who: str  # "task role `web-task`"
    role_key: str
    principal: str  # the role's ARN when known
    context: dict[str, object]
    action: str
    resource: str
    file: str  # the template or file that runs the role
    where: Pointer  # where the call is configured
    note: str


@rule(
    "F004",
    "endpoint-policy-blocks-role",
    "error",
    "A VPC endpoint policy explicitly denies, or does not allow, an action a role in the same "
    "VPC is configured to use.",
    reads=("vpc_endpoints", "task_definitions", "role_uses", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    endpoints = [
        e for e in model.vpc_endpoints if e.policy and isinstance(e.policy.document, dict)
    ]
    if not endpoints:
        return
    files = {e.pointer.file for e in endpoints}
    calls = [c for c in configured_calls(model) if c.file in files]
    for endpoint in endpoints:
        service = endpoint_service(endpoint.service)
        if not service:
            continue
        relevant = [
            c for c in calls if c.file == endpoint.pointer.file and _serves(service, c.action)
        ]
        yield from _check_endpoint(endpoint, service, relevant)


def endpoint_service(name: str) -> str:
    """`com.amazonaws.eu-west-1.ecr.dkr` (or with `${AWS::Region}`) -> `ecr.dkr`."""
    parts = name.strip().split(".")
    if len(parts) < 4 or parts[0] not in ("com", "cn") or parts[1] != "amazonaws":
        return ""
    return ".".join(parts[3:]).lower()


def _serves(service: str, action: str) -> bool:
    if service in ECR_ENDPOINTS:
        return action.lower() in ECR_ENDPOINTS[service]
    return action.split(":", 1)[0].lower() == service.split(".", 1)[0]


def configured_calls(model: Model) -> Iterator[Call]:
    yield from _pull_calls(model)
    yield from _exec_calls(model)
    yield from _task_role_calls(model)


def _pull_calls(model: Model) -> Iterator[Call]:
    for pull in pulls(model):
        role_arn = pull.use.role_arn
        who = f"{PULLER_LABEL[pull.usage]} `{role_label(pull.use.role, role_arn)}`"
        base = (who, role_arn.lower(), concrete_role_arn(pull.use.role, role_arn))
        context = principal_context(pull.use.role, role_arn)
        where = pull.image_pointer or pull.use.pointer
        note = f"it pulls `{pull.image_text}` for {pull.consumer}"
        file = pull.use.pointer.file
        yield Call(*base, context, AUTH_ACTION, "*", file, where, note)
        resource = pull.repository_arn if pull.certain else "*"
        for action in PULL_ACTIONS:
            yield Call(*base, context, action, resource, file, where, note)


def _exec_calls(model: Model) -> Iterator[Call]:
    for use in exec_enabled_tasks(model):
        task = use.task
        if not task.task_role_arn or contains_placeholder(task.task_role_arn):
            continue
        role = model.resolve_role(task.task_role_arn)
        who = f"task role `{role_label(role, task.task_role_arn)}`"
        principal = concrete_role_arn(role, task.task_role_arn)
        context = principal_context(role, task.task_role_arn)
        where, note = use.enablers[0]
        for action in SSM_ACTIONS:
            yield Call(
                who, task.task_role_arn.lower(), principal, context, action, "*",
                task.pointer.file, where, note,
            )


def _task_role_calls(model: Model) -> Iterator[Call]:
    from iamlint.iam.statements import iter_statements
    from iamlint.iam.wildcard import has_wildcard

    seen: set[tuple[int, str]] = set()
    for use in model.role_uses:
        role = use.role
        if use.usage != ECS_TASK_ROLE or role is None:
            continue
        if (id(role), use.pointer.file) in seen:
            continue
        seen.add((id(role), use.pointer.file))
        who = f"task role `{role_label(role)}`"
        principal = concrete_role_arn(role, use.role_arn)
        context = principal_context(role, use.role_arn)
        for policy in role_permissions(model, role).policies:
            if policy.aws_managed:
                continue  # broad by design: what the application calls is what it names itself
            for stmt in iter_statements(policy.ref.document):
                if not stmt.is_allow or stmt.actions is None:
                    continue
                where = _statement_pointer(policy.policy, stmt.path) or use.pointer
                resources = stmt.resource_values() or ["*"]
                for action in stmt.action_values():
                    if has_wildcard(action) or ":" not in action:
                        continue
                    for resource in resources:
                        yield Call(
                            who, use.role_arn.lower(), principal, context, action.strip(),
                            resource.strip(), use.pointer.file, where,
                            f"{policy.label} allows it",
                        )


def _statement_pointer(policy: Policy | None, path: Path) -> Pointer | None:
    return policy.pointer.child(*path) if policy is not None else None


@record
class _Blocked:
    explicit: bool
    calls: list[Call]
    deny_path: Path = ()


def _check_endpoint(endpoint: VpcEndpoint, service: str, calls: list[Call]) -> Iterator[Finding]:
    from iamlint.iam.evaluate import PolicyRef, Request, evaluate

    policy = endpoint.policy
    assert policy is not None
    ref = PolicyRef(policy.label, policy.document)
    blocked: dict[tuple[str, bool, Path], _Blocked] = {}
    for call in calls:
        request = Request(call.action, call.resource, call.principal, call.context)
        evaluation = evaluate(request, allow_all_identity(), ref, same_account=False)
        if not evaluation.denied:
            continue
        if evaluation.explicit_deny:
            path = evaluation.reasons[0].path
            key = (call.role_key, True, path)
            blocked.setdefault(key, _Blocked(True, [], path)).calls.append(call)
        elif _certain_resource(call.resource) or not _names_action(policy, call.action):
            blocked.setdefault((call.role_key, False, ()), _Blocked(False, [])).calls.append(call)
    for entry in blocked.values():
        yield _finding(endpoint, service, policy, entry)


def _certain_resource(resource: str) -> bool:
    return "*" not in resource and "?" not in resource and not contains_placeholder(resource)


def _names_action(policy: Policy, action: str) -> bool:
    """Does any Allow statement of the endpoint policy cover `action` (resources aside)?"""
    from iamlint.iam.statements import iter_statements
    from iamlint.iam.wildcard import action_matches

    for stmt in iter_statements(policy.document):
        if not stmt.is_allow:
            continue
        if stmt.not_actions is not None:
            if not any(action_matches(a, action) for a, _ in stmt.not_actions):
                return True
        elif any(action_matches(a, action) for a in stmt.action_values()):
            return True
    return False


def _finding(endpoint: VpcEndpoint, service: str, policy: Policy, entry: _Blocked) -> Finding:
    calls = entry.calls
    actions = list(dict.fromkeys(c.action for c in calls))
    first = calls[0]
    name = str(endpoint.pointer.path[-1]) if endpoint.pointer.path else service
    label = f"VPC endpoint `{name}` ({service})"
    related = [(first.where, f"{first.who} {first.note}")]
    if entry.explicit:
        pointer = policy.pointer.child(*entry.deny_path)
        message = (
            f"this `Deny` in the policy of {label} explicitly denies {code_list(actions)} to "
            f"{first.who}, which is configured to use it ({first.note}): requests through the "
            "endpoint fail with "
            "`explicit deny in a VPC endpoint policy`; narrow or remove the Deny (explicit "
            "deny, not a missing allow)"
        )
    else:
        document = policy.document
        has_statement = isinstance(document, dict) and "Statement" in document
        pointer = policy.pointer.child("Statement").at_key() if has_statement else policy.pointer
        message = (
            f"the policy of {label} does not allow {code_list(actions)}, which {first.who} is "
            f"configured to use ({first.note}): requests through the endpoint fail with "
            "`no VPC endpoint policy allows the action` (missing allow, not an explicit deny); "
            "add them to an Allow statement"
        )
    return finding(
        "F004",
        pointer,
        message,
        resource=name,
        related=related,
        discriminator=f"{name}:{first.role_key}:{entry.explicit}:{entry.deny_path}",
    )
