"""A001 aws-auth-malformed: the authenticator cannot read (part of) an aws-auth section.

## What it does
Reads `mapRoles`, `mapUsers` and `mapAccounts` of every aws-auth ConfigMap (and
documentation snippets of one) the way aws-iam-authenticator does, and reports:
- a data key in the wrong case or misspelt (`MapRoles`, `maproles`, `mapRole`): the
  authenticator reads only the exact keys `mapRoles`, `mapUsers`, `mapAccounts`;
- a section that is not a string (the `|` after `mapRoles:` is missing, so the list is
  YAML of the ConfigMap itself: the API server rejects the ConfigMap);
- a section whose text is not valid YAML, at the parser's position in your file;
- a section that is not a YAML list of mappings;
- an entry the authenticator drops while loading the others: not a mapping, no
  `rolearn`/`userarn` (or a misspelt one), an ARN that is not a non-empty string, both
  `rolearn` and `sso`;
- a field it skips because of its type: `groups` written as a string instead of a list,
  a `username` or group that is not a string;
- a list item YAML folded into the previous group because it is indented one space too
  far (`system:bootstrappers - system:nodes` becomes one group).

## Why it matters
The authenticator logs the error and carries on with what it could read. The entries it
lost authenticate as nobody: nodes cannot join (`Unauthorized` in the kubelet log), users
and CI roles get `You must be logged in to the server (Unauthorized)`. Nothing warns at
`kubectl apply` time.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-node
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
         - system:nodes
```

## Fix
Keep each section a `|` block holding a YAML list; give every entry `rolearn` (or
`userarn`), `username` and a `groups` list, with list items aligned under each other.
`eksctl create iamidentitymapping` or EKS access entries avoid hand-editing.

## References
- https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html
- https://github.com/kubernetes-sigs/aws-iam-authenticator#full-configuration-format
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.finding import Finding
from iamlint.model import AwsAuth, Model
from iamlint.rules.a._aws_auth import (
    ARN_KEYS,
    SECTIONS,
    Entry,
    arn_key_misspelling,
    entries,
    is_folded_group,
    resource,
    template_of_flow_value,
)
from iamlint.rules.base import RuleContext, finding
from iamlint.rules.registry import rule

RULE = "A001"


@rule(
    RULE,
    "aws-auth-malformed",
    "error",
    "aws-auth section or entry the authenticator cannot read, drops or reads differently.",
    reads=("aws_auth",),
)
def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for aws_auth in model.aws_auth:
        yield from _data_keys(aws_auth)
        yield from _sections(aws_auth)
    for entry in entries(model, *SECTIONS):
        yield from _entry(entry)


def _data_keys(aws_auth: AwsAuth) -> Iterator[Finding]:
    body = aws_auth.pointer.value.get("data")
    if not isinstance(body, dict):
        return
    for key in body:
        if not isinstance(key, str) or key in SECTIONS:
            continue
        meant = _meant_section(key)
        if meant is None:
            continue
        yield finding(
            RULE,
            aws_auth.pointer.child("data", key).at_key(),
            f"data key `{key}` is ignored: the authenticator reads only `{meant}` "
            "(exact case), so none of these mappings apply",
            resource=resource(aws_auth),
        )


def _meant_section(key: str) -> str | None:
    lowered = {s.lower(): s for s in SECTIONS}
    normal = key.strip().lower().replace("_", "").replace("-", "")
    if normal in lowered:
        return lowered[normal]
    close = _close(normal, list(lowered), n=1, cutoff=0.8)
    return lowered[close[0]] if close else None


def _sections(aws_auth: AwsAuth) -> Iterator[Finding]:
    for key in SECTIONS:
        section = aws_auth.sections.get(key)
        if section is None:
            continue
        value = section.value
        error = aws_auth.parse_errors.get(key)
        if error is not None:
            where = aws_auth.parse_error_pointers.get(key, section)
            yield finding(
                RULE,
                where,
                f"`{key}` is not valid YAML ({error.message}): the authenticator loads "
                f"none of its entries{_parse_hint(value, error.line)}",
                resource=resource(aws_auth),
                discriminator=f"{key}/parse",
            )
        elif value is not None and not isinstance(value, str):
            yield finding(
                RULE,
                section.at_key(),
                f"`{key}` must be a string holding YAML: write `{key}: |` and indent the "
                "list under it (ConfigMap data values are strings; the API server rejects "
                "this ConfigMap)",
                resource=resource(aws_auth),
            )
        else:
            yield from _section_shape(aws_auth, key)


def _parse_hint(text: Any, line: int | None) -> str:
    if not isinstance(text, str):
        return ""
    lines = text.splitlines()
    where = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    if re.search(r":\s+-\s", where):
        return "; a `- item` cannot follow `key:` on the same line: put each item on its own line"
    if any(item.split(":", 1)[-1].strip().startswith("{{") for item in lines):
        return "; quote values that start with `{{`"
    return ""


def _section_shape(aws_auth: AwsAuth, key: str) -> Iterator[Finding]:
    doc = aws_auth.embedded.get(key)
    if doc is None or isinstance(doc.data, list):
        return
    example = "- 111122223333" if key == "mapAccounts" else f"- {ARN_KEYS[key]}: ..."
    yield finding(
        RULE,
        doc.root(),
        f"`{key}` must be a YAML list (`{example}`), not {_kind(doc.data)}: the "
        "authenticator loads none of it",
        resource=resource(aws_auth),
    )


def _kind(value: Any) -> str:
    """`a mapping`, `a number`...: what YAML made of a value, for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string" if isinstance(value, str) else "null"


def _entry(entry: Entry) -> Iterator[Finding]:
    if entry.section == "mapAccounts":
        if isinstance(entry.value, (dict, list)):
            yield _report(entry, entry.pointer, "`mapAccounts` entries must be account IDs "
                          "(`- \"111122223333\"`); this one is dropped")
        return
    if not isinstance(entry.value, dict):
        yield _report(
            entry,
            entry.pointer,
            f"`{entry.section}` entry is {_kind(entry.value)}, not a mapping: the "
            f"authenticator drops it (write `- {ARN_KEYS[entry.section]}: ...`)",
        )
        return
    dropped = _dropped(entry)
    if dropped is not None:
        yield dropped
        return
    yield from _field_types(entry)


def _dropped(entry: Entry) -> Finding | None:
    arn_key = ARN_KEYS[entry.section]
    written = entry.key(arn_key)
    has_sso = entry.section == "mapRoles" and entry.key("sso") is not None
    if written is None:
        if has_sso:
            return None
        misspelt = arn_key_misspelling(entry)
        if misspelt is not None:
            return _report(
                entry,
                entry.pointer.child(misspelt).at_key(),
                f"`{misspelt}` is not `{arn_key}`: the entry has no `{arn_key}` and the "
                f"authenticator drops it; write `{arn_key}`",
            )
        return _report(
            entry,
            entry.pointer,
            f"entry has no `{arn_key}`: the authenticator drops it",
        )
    value = entry.get(arn_key)
    if not isinstance(value, str) or not value:
        shown = "empty" if value in (None, "") else _kind(value)
        where = entry.at(arn_key)
        return _report(
            entry,
            where.at_key() if value is None else where,
            f"`{written}` is {shown}: the authenticator drops this entry; "
            + ("write the ARN" if value in (None, "") else "write the ARN as a string"),
        )
    if has_sso:
        return _report(
            entry,
            entry.at("sso").at_key(),
            "entry has both `rolearn` and `sso`: the authenticator drops it; keep one",
        )
    return None


def _field_types(entry: Entry) -> Iterator[Finding]:
    username = entry.username
    if (
        username is not None
        and not isinstance(username, str)
        and template_of_flow_value(username) is None
    ):
        yield _report(
            entry,
            entry.at("username"),
            f"`username` is {_kind(username)}, not a string: the authenticator "
            "ignores it and maps this ARN to an empty username; quote it",
        )
    groups = entry.get("groups")
    if groups is None:
        return
    if not isinstance(groups, list):
        yield _report(entry, entry.at("groups"), _groups_not_list(groups))
        return
    for index, group in enumerate(groups):
        pointer = entry.at("groups").child(index)
        if is_folded_group(group):
            yield _report(
                entry,
                pointer,
                f"group `{group}` is several list items folded into one string (an item "
                "indented one space too far continues the previous one): the authenticator "
                "grants a group of that literal name; align the `-` items",
            )
        elif not isinstance(group, str) and template_of_flow_value(group) is None:
            yield _report(
                entry,
                pointer,
                f"group is {_kind(group)}, not a string: the authenticator reads it as an "
                "empty group name; quote it",
            )


def _groups_not_list(groups: Any) -> str:
    if isinstance(groups, str):
        items = [g.strip().lstrip("- ") for g in groups.split(" - ") if g.strip()]
        flow = ", ".join(items)
        return (
            f"`groups` is the string `{groups}`, not a list: the authenticator ignores it and "
            f"the ARN gets no groups; write a list (`groups: [{flow}]` or one `- ` item per line)"
        )
    return (
        f"`groups` is {_kind(groups)}, not a list of strings: the authenticator ignores it "
        "and the ARN gets no groups"
    )


def _report(entry: Entry, pointer: Any, message: str) -> Finding:
    return finding(RULE, pointer, message, resource=resource(entry.aws_auth))


def _close(word: str, choices: list[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only when a key is unknown: keep start-up cheap

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
