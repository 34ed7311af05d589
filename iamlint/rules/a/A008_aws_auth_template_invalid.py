"""A008 aws-auth-template-invalid: a `{{...}}` template in aws-auth that does not work.

## What it does
Checks `username` and `groups` of every `mapRoles`/`mapUsers` entry for:
- a value starting with `{{` left unquoted (`username: {{SessionName}}`): YAML reads it as
  a mapping;
- a variable the authenticator does not know: it replaces exactly `{{EC2PrivateDNSName}}`,
  `{{AccountID}}`, `{{SessionName}}` (with `@` turned into `-`), `{{SessionNameRaw}}` and
  `{{AccessKeyID}}`, case-sensitive and without spaces (`{{ SessionName }}`,
  `{{EC2PrivateDnsName}}` and `{{accountId}}` stay literal);
- `{{EC2PrivateDNSName}}` in a mapping that is not a node mapping (no `system:nodes` /
  `system:bootstrappers` group, no `system:node:` username, no node role name), or in
  `mapUsers`.

## Why it matters
- Unquoted: the authenticator's YAML decoder rejects a mapping used as a key (`invalid map
  key`), so it loads no entry at all from that section: every role (or user) in it gets
  `Unauthorized`, nodes included.
- Unknown variable: the username or group keeps the literal braces, so RBAC bindings for
  the intended name never match (`Forbidden`), and audit logs show `{{...}}`.
- `{{EC2PrivateDNSName}}` asks EC2 for the private DNS name of the instance whose ID is
  the role session name; for people, CI jobs and IAM users the session name is not an
  instance ID and authentication fails.

## Example
```yaml
mapRoles: |
  - rolearn: arn:aws:iam::111122223333:role/developers
    username: {{SessionName}}
    groups:
      - developers
```

## Fix
Quote templated values (`username: "{{SessionName}}"`, or start with a literal prefix:
`username: developer:{{SessionName}}`), spell variables exactly as listed, and use
`{{SessionName}}` instead of `{{EC2PrivateDNSName}}` for anything that is not a node.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator#full-configuration-format
- https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/server/server.go
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from iamlint.finding import Finding, Fix
from iamlint.load.document import Pointer
from iamlint.model import Model
from iamlint.rules.a._aws_auth import (
    TEMPLATE_VARIABLES,
    Entry,
    entries,
    is_node_mapping,
    resource,
    template_of_flow_value,
    templates,
    unknown_template,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.edits import fix, replace_raw
from iamlint.rules.registry import rule

RULE = "A008"
NODE_ONLY = "{{EC2PrivateDNSName}}"


@rule(
    RULE,
    "aws-auth-template-invalid",
    "error",
    "aws-auth `{{...}}` unquoted, unknown, or `{{EC2PrivateDNSName}}` on a non-node mapping.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for entry in entries(model):
        if not isinstance(entry.value, dict):
            continue
        for pointer, value in _templated_values(entry):
            yield from _value_problems(entry, pointer, value)


def _templated_values(entry: Entry) -> Iterator[tuple[Pointer, Any]]:
    if entry.key("username") is not None:
        yield entry.at("username"), entry.username
    groups = entry.get("groups")
    if isinstance(groups, list):
        for index, group in enumerate(groups):
            yield entry.at("groups").child(index), group
    elif groups is not None:
        yield entry.at("groups"), groups


def _value_problems(entry: Entry, pointer: Pointer, value: Any) -> Iterator[Finding]:
    flow = template_of_flow_value(value)
    if flow is not None:
        yield _report(
            entry,
            pointer,
            f"`{flow}` is unquoted, so YAML reads it as a mapping: the authenticator cannot "
            f"decode `{entry.section}` at all and none of its entries apply; write "
            f"`\"{flow}\"`",
            fix(f'quote it: `"{flow}"`', replace_raw(pointer, flow, f'"{flow}"')),
        )
        return
    if not isinstance(value, str):
        return
    for template in templates(value):
        meant = unknown_template(template)
        if meant is not None:
            yield _report(entry, pointer, _unknown_message(template, meant))
        elif template == NODE_ONLY and not is_node_mapping(entry):
            yield _report(entry, pointer, _node_only_message(entry))


def _unknown_message(template: str, meant: str) -> str:
    if meant:
        return (
            f"`{template}` is not replaced (variables are case-sensitive, no spaces) and "
            f"stays literal: write `{{{{{meant}}}}}`"
        )
    known = ", ".join(f"`{{{{{v}}}}}`" for v in TEMPLATE_VARIABLES)
    return f"`{template}` is not a variable the authenticator replaces (known: {known})"


def _node_only_message(entry: Entry) -> str:
    who = "IAM users have no instance session" if entry.section == "mapUsers" else (
        "this is not a node mapping, and its sessions are not EC2 instance IDs"
    )
    return (
        f"`{NODE_ONLY}` works only for EC2 node sessions: {who}, so authentication fails; "
        "use `{{SessionName}}` (or a fixed username)"
    )


def _report(entry: Entry, pointer: Pointer, message: str, fixes: Iterable[Fix] = ()) -> Finding:
    return finding(RULE, pointer, message, resource=resource(entry.aws_auth), fixes=fixes)
