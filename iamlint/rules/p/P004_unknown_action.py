"""P004 unknown-action: an action names a service prefix or action that does not exist.

## What it does
Checks every `Action` and `NotAction` value of every policy document against the shipped
AWS action catalogue (`iamlint data-info` shows its date). Matching is case-insensitive, as
IAM's is (`ECR:batchgetimage` is fine). Reported:

- an unknown service prefix (`ecrr:BatchGetImage`), with the closest prefix;
- an unknown action of a known service (`ecr:BatchGetImages`), with the closest action;
- a wildcard that matches no action (`ecr:Pul*`, `ec2:Descibe*`);
- a value without `service:` (`GetObject`), except the bare `*`;
- surrounding whitespace (`" ecr:BatchGetImage"`).

Placeholders (`${Service}:Get*`, CloudFormation intrinsics) are skipped. Policies known to
be AWS managed by their ARN are skipped too (AWS may ship actions newer than the catalogue);
bare copies of AWS managed policies are checked like any other file, and the catalogue
knows every action AWS managed policies use.

## Why it matters
IAM accepts most unknown actions without complaint (only a malformed prefix is rejected),
so a typo silently grants nothing: the workload fails at run time with `AccessDenied` on
the action that was meant, and a typo in a `Deny` or `NotAction` silently protects nothing.

## Example
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
                "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImages",
                           "ecr:GetDownloadURLForLayer", "ecr:Pul*"],
                "Resource": "*"}]}
```
(`ecr:GetDownloadURLForLayer` is fine: actions are case-insensitive.)

## Fix
Use the action name from the service's "Actions, resources, and condition keys" page;
the message suggests the closest one.

## References
- https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
"""

from collections.abc import Iterator
from functools import lru_cache

from iamlint.finding import Finding
from iamlint.model import Model
from iamlint.placeholders import contains_placeholder
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.p._policy import did_you_mean, statements
from iamlint.rules.registry import rule

WILDCARDS = frozenset("*?")


@rule(
    "P004",
    "unknown-action",
    "error",
    "Unknown service prefix or action (checked against the shipped action catalogue); "
    "wildcards that match no action.",
    reads=("policies",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for policy in model.policies:
        if policy.aws_managed:
            continue
        for statement in statements(policy):
            for key in ("Action", "NotAction"):
                for value, path in statement.string_paths(key):
                    if not _action_fine(value):
                        pointer = statement.pointer_at(path)
                        yield finding("P004", pointer, _message(value), resource=policy.label)


@lru_cache(maxsize=1 << 14)
def _action_fine(value: str) -> bool:
    """(Cached: the same actions recur in every policy of a repository.)"""
    from iamlint.iam.catalogue import is_known_action

    if value == "*" or contains_placeholder(value):
        return True
    return value == value.strip() and is_known_action(value)


def _message(value: str) -> str:
    from iamlint.iam.catalogue import is_known_action, known_prefixes

    text = value.strip()
    if text != value and is_known_action(text):
        return f"`{value}` has surrounding whitespace: write `{text}`"
    prefix, sep, local = text.partition(":")
    if not sep:
        return _no_prefix(text)
    if WILDCARDS.isdisjoint(prefix) and prefix.lower() not in known_prefixes():
        close = did_you_mean(prefix, known_prefixes(), cutoff=0.75)
        hint = f" (did you mean `{close}:{local}`?)" if close else ""
        return f"unknown service prefix `{prefix}` in `{text}`{hint}"
    if not WILDCARDS.isdisjoint(text):
        return f"`{text}` matches no action{_pattern_hint(prefix, local)}"
    close = did_you_mean(local, _documented_actions(prefix), cutoff=0.8)
    hint = f": did you mean `{prefix.lower()}:{close}`?" if close else _elsewhere(text, local)
    return f"unknown action `{text}`: `{prefix.lower()}` has no action `{local}`{hint}"


def _pattern_hint(prefix: str, local: str) -> str:
    """`ec2:Descibe*` -> `ec2:Describe*`: the closest action-name start to the pattern's."""
    stem = local[:-1]
    if not local.endswith("*") or not stem or not WILDCARDS.isdisjoint(stem):
        return ": check the spelling of the pattern"
    starts = {
        name[:size]
        for name in _documented_actions(prefix)
        for size in (len(stem) - 1, len(stem), len(stem) + 1)
    }
    close = did_you_mean(stem, starts, cutoff=0.9) if len(stem) >= 5 else None
    if close:
        return f": did you mean `{prefix.lower()}:{close}*`?"
    return f": no `{prefix.lower()}` action starts with `{stem}`"


def _documented_actions(prefix: str) -> list[str]:
    """Suggestions come from documented actions only, not legacy names that AWS managed
    policies happen to use."""
    from iamlint.iam.catalogue import action_info, service

    info = service(prefix)
    names = info.actions if info else ()
    return [n for n in names if not getattr(action_info(f"{prefix}:{n}"), "legacy", True)]


def _elsewhere(text: str, local: str) -> str:
    """A condition key written as an action, or the same action name in other services."""
    from iamlint.iam.catalogue import condition_key_type, expand_action

    if condition_key_type(text):
        return "; it is a condition key, which goes into a `Condition` block, not an action"
    others = expand_action(f"*:{local}", include_legacy=False)
    if 1 <= len(others) <= 3:
        return "; it exists as " + " and ".join(f"`{o}`" for o in others)
    return ""


def _no_prefix(text: str) -> str:
    from iamlint.iam.catalogue import expand_action

    matches = expand_action(f"*:{text}", include_legacy=False) if WILDCARDS.isdisjoint(text) else []
    hint = ""
    if matches:
        shown = " or ".join(f"`{m}`" for m in matches[:3])
        hint = f" (e.g. {shown})" if len(matches) > 3 else f" ({shown})"
    return f"`{text}` has no service prefix: an action is written `service:Action`{hint}"
