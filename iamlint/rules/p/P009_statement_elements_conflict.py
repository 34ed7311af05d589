"""P009 statement-elements-conflict: both forms of an element, no action, or no resource.

## What it does
Checks each statement of every policy document for:

- both `Action` and `NotAction`, both `Resource` and `NotResource`, or both `Principal`
  and `NotPrincipal` (reported at the second key);
- no action at all: neither `Action` nor `NotAction`, or an empty list;
- in an identity (permissions) policy, no `Resource`/`NotResource` or an empty list.

Trust policies and resource policies (ECR repository and registry policies, VPC endpoint
policies) may omit `Resource`: the policy's resource is the role or repository it belongs
to (a `Resource` in a trust policy is P011's). For a bare document whose kind was guessed
from its content, a statement with neither `Principal` nor `Resource` is wrong whatever the
document is meant to be (an identity policy needs the resource, a resource policy the
principal), so it is reported and the message names both ways out.

## Why it matters
AWS rejects the document with `MalformedPolicyDocument` (`Policy statement must contain
actions`, `Policy statement must contain resources`, `Statement can't contain both Action
and NotAction`), so the role, policy or repository policy is not created or updated.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}
```

## Fix
Keep one of `Action`/`NotAction` (and of `Resource`/`NotResource`, `Principal`/
`NotPrincipal`), list at least one action, and give identity policy statements a
`Resource` (`"*"` or the ARNs the actions apply to).

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from collections.abc import Iterator

from iamlint.finding import Finding
from iamlint.model import IDENTITY, Model
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import Problem, Statement, statements
from iamlint.rules.registry import rule

PAIRS = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))


@rule(
    "P009",
    "statement-elements-conflict",
    "error",
    "Both `Action` and `NotAction` (or `Resource`/`NotResource`, `Principal`/`NotPrincipal`) "
    "in one statement, no action at all, or no `Resource` in an identity policy statement.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        for statement in statements(policy):
            for problem in (_pairs, _no_action, _no_resource):
                for pointer, message in problem(statement):
                    yield finding("P009", pointer, message, resource=policy.label)


def _pairs(statement: Statement) -> Iterator[Problem]:
    for positive, negative in PAIRS:
        if statement.has(positive) and statement.has(negative):
            yield statement.pointer.child(negative).at_key(), (
                f"statement {statement.number} has both `{positive}` and `{negative}`: AWS "
                f"rejects the policy; keep one of them"
            )


def _no_action(statement: Statement) -> Iterator[Problem]:
    present = [k for k in ("Action", "NotAction") if statement.has(k)]
    if not present:
        yield statement.pointer, (
            f"statement {statement.number} has neither `Action` nor `NotAction`: AWS rejects a "
            "statement without actions; list the actions it allows or denies"
        )
        return
    for key in present:
        if statement.data[key] == []:
            yield statement.pointer.child(key), (
                f"`{key}` is an empty list: AWS rejects a statement without actions; list at "
                "least one action"
            )


def _no_resource(statement: Statement) -> Iterator[Problem]:
    if statement.policy.kind != IDENTITY:
        return
    present = [k for k in ("Resource", "NotResource") if statement.has(k)]
    if any(k in statement.data for k in ("Principal", "NotPrincipal")):
        return  # a Principal in an identity policy is P011's; the kind is in doubt
    guessed = statement.policy.inferred
    alternative = "; if this document is a resource policy, it needs a `Principal` instead"
    alternative = alternative if guessed else ""
    if not present:
        yield statement.pointer, (
            f"statement {statement.number} has no `Resource`: an identity policy statement must "
            f"name the resources its actions apply to (`\"Resource\": \"*\"` or ARNs){alternative}"
        )
        return
    for key in present:
        if statement.data[key] == []:
            yield statement.pointer.child(key), (
                f"`{key}` is an empty list: an identity policy statement must name at least one "
                f"resource (`\"*\"` or an ARN){alternative}"
            )
