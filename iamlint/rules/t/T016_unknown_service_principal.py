"""T016 unknown-service-principal: a `Service` principal is misspelled or not an AWS service.

## What it does
Checks every `Service` principal of every trust statement against the shipped list of AWS
service principals (global, China, GovCloud/ISO and regional forms are all accepted, in
any case). An unknown value is reported with the nearest known principal ("did you mean
`ecs-tasks.amazonaws.com`?"), a bare service name (`ecs-tasks`) with its full form, an
ARN or account with a hint that those go under `AWS`, and whitespace around the value.
Placeholders and CloudFormation intrinsics (`!Sub`, `{"Fn::Join": ...}`) are skipped.

## Why it matters
IAM rejects most unknown service principals (`MalformedPolicyDocument: Invalid principal
in policy`). Worse, a well-formed but wrong name that IAM accepts trusts nobody the
author meant: the task, pod or node never gets credentials.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "ecs-task.amazonaws.com"},
 "Action": "sts:AssumeRole"}
```

## Fix
Write the service principal exactly, e.g. `ecs-tasks.amazonaws.com` (ECS tasks),
`eks-fargate-pods.amazonaws.com` (Fargate pods), `pods.eks.amazonaws.com` (EKS Pod
Identity), `ec2.amazonaws.com` (nodes).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_scalar
from iamlint.rules.registry import rule
from iamlint.rules.t._trust import has_placeholder, trust_policies, trust_statements


@rule(
    "T016",
    "unknown-service-principal",
    "warning",
    "Service principal misspelled / not a known AWS service principal (e.g. "
    "`ecs-task.amazonaws.com`).",
    reads=("policies", "roles"),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in trust_policies(model):
        for statement in trust_statements(policy):
            for ref in statement.services:
                value = ref.value
                if not isinstance(value, str) or has_placeholder(value):
                    continue
                problem = service_principal_problem(value)
                if problem:
                    fixes = _fixes(ref.pointer, value)
                    yield finding("T016", ref.pointer, problem, resource=policy.label, fixes=fixes)


def _fixes(pointer: Pointer, value: str) -> list[Fix]:
    """Only the certain corrections: whitespace, a bare service name; not the guesses."""
    from iamlint.iam.principals import is_known_service_principal

    text = value.strip()
    if not is_known_service_principal(text):
        text = f"{text.lower()}.amazonaws.com"
        if "." in value.strip() or not is_known_service_principal(text):
            return []
    if text == value or pointer.value != value:
        return []
    return fix(f"write `{text}`", replace_scalar(pointer, text))


def service_principal_problem(value: str) -> str:
    from iamlint.iam.principals import closest_service_principal, is_known_service_principal

    text = value.strip()
    if is_known_service_principal(text):
        if text != value:
            return f"`Service` `{value}` has whitespace around it: write `{text}`"
        return ""
    if text == "*":
        return "`Service` `*` is not valid: name the service, e.g. `ecs-tasks.amazonaws.com`"
    if text.lower().startswith("arn:") or text.isdigit():
        return (
            f"`{text}` under `Service`: accounts, roles and users go under `AWS`; `Service` "
            "takes a service principal such as `ecs-tasks.amazonaws.com`"
        )
    if "." not in text and is_known_service_principal(f"{text}.amazonaws.com"):
        return f"`{text}` is not a service principal: write `{text.lower()}.amazonaws.com`"
    closest = closest_service_principal(text)
    if closest:
        return f"`{text}` is not a known AWS service principal: did you mean `{closest}`?"
    return (
        f"`{text}` is not a known AWS service principal (services are named like "
        "`ecs-tasks.amazonaws.com`)"
    )
