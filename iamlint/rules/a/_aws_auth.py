"""What the A rules share: how aws-iam-authenticator reads an aws-auth ConfigMap.

Not a rule module: registers nothing and imports only the model.

Facts taken from the authenticator's source (kubernetes-sigs/aws-iam-authenticator,
`pkg/mapper/configmap/configmap.go`, `pkg/config/mapper.go`, `pkg/server/server.go`):
- data keys are read with `m["mapRoles"]`, `m["mapUsers"]`, `m["mapAccounts"]`: exact case;
- each section is YAML converted to JSON and decoded with Go's `encoding/json` into
  `[]RoleMapping` / `[]UserMapping`: entry keys match case-insensitively, unknown keys are
  ignored, a value of the wrong type is skipped (the rest of the entry still loads);
- an entry without `rolearn` (and without `sso`) or without `userarn` fails `Validate()` and
  is dropped, the other entries load;
- role mappings are stored by lower-cased ARN (the last duplicate wins) and matched
  case-insensitively against the caller's canonical ARN (`arn:aws:iam::<acct>:role/<name>`,
  no path: an STS assumed-role ARN loses its path when canonicalised);
- `{{EC2PrivateDNSName}}`, `{{AccountID}}`, `{{SessionName}}`, `{{SessionNameRaw}}` and
  `{{AccessKeyID}}` are replaced verbatim (case-sensitive, no spaces) in username and groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from iamlint.load.document import Pointer
from iamlint.model import AwsAuth, AwsAuthMapping, Model
from iamlint.record import record

SECTIONS = ("mapRoles", "mapUsers", "mapAccounts")
ARN_KEYS = {"mapRoles": "rolearn", "mapUsers": "userarn"}
KNOWN_KEYS = {
    "mapRoles": ("rolearn", "username", "groups", "userid", "sso"),
    "mapUsers": ("userarn", "username", "groups", "userid"),
}
TEMPLATE_VARIABLES = (
    "EC2PrivateDNSName",
    "AccountID",
    "SessionName",
    "SessionNameRaw",
    "AccessKeyID",
)
NODE_GROUPS = ("system:nodes", "system:bootstrappers")
NODE_USERNAMES = ("system:node:{{EC2PrivateDNSName}}", "system:node:{{SessionName}}")

_TEMPLATE = re.compile(r"\{\{(.*?)\}\}")
# `- system:bootstrappers - system:nodes`: a list item YAML folded into the previous scalar
_FOLDED = re.compile(r"(^|\s)-\s+\S")


@record
class Entry:
    """One list item of a section, with its keys looked up as the authenticator does."""

    aws_auth: AwsAuth
    mapping: AwsAuthMapping

    @property
    def section(self) -> str:
        return self.mapping.section

    @property
    def pointer(self) -> Pointer:
        return self.mapping.pointer

    @property
    def value(self) -> Any:
        return self.mapping.pointer.value

    def key(self, name: str) -> Any:
        """The key as written that Go's case-insensitive JSON decoding maps to `name`."""
        data = self.value
        if not isinstance(data, dict):
            return None
        found = None
        for key in data:
            if isinstance(key, str) and key.lower() == name:
                found = key
                if key == name:
                    return key  # encoding/json prefers the exact match
        return found

    def get(self, name: str) -> Any:
        key = self.key(name)
        return None if key is None else self.value[key]

    def at(self, name: str) -> Pointer:
        key = self.key(name)
        return self.pointer if key is None else self.pointer.child(key)

    @property
    def groups(self) -> list[Any]:
        groups = self.get("groups")
        return groups if isinstance(groups, list) else []

    @property
    def username(self) -> Any:
        return self.get("username")


def entries(model: Model, *sections: str) -> Iterator[Entry]:
    """Every mapping of `sections` (default mapRoles and mapUsers) in every aws-auth."""
    wanted = sections or ("mapRoles", "mapUsers")
    for aws_auth in model.aws_auth:
        for mapping in aws_auth.mappings:
            if mapping.section in wanted:
                yield Entry(aws_auth, mapping)


def resource(aws_auth: AwsAuth) -> str:
    namespace = aws_auth.namespace or "kube-system"
    return f"ConfigMap {namespace}/{aws_auth.name}"


def template_of_flow_value(value: Any) -> str | None:
    """`{{SessionName}}` when `value` is what YAML makes of it unquoted, else None.

    YAML reads an unquoted `{{X}}` as a flow mapping whose only key is the mapping `{X}`;
    the loader keeps such keys as `FlowKey` text `{X}`.
    """
    from iamlint.load.yaml_loader import FlowKey

    if not isinstance(value, dict) or len(value) != 1:
        return None
    (key, inner), = value.items()
    if isinstance(key, FlowKey) and key.startswith("{") and inner is None:
        return "{" + key + "}"
    return None


def is_folded_group(group: Any) -> bool:
    return isinstance(group, str) and bool(_FOLDED.search(group))


def templates(text: str) -> list[str]:
    """The `{{...}}` occurrences in `text`, as written."""
    return [m.group(0) for m in _TEMPLATE.finditer(text)]


def unknown_template(template: str) -> str | None:
    """None if the authenticator replaces `template`, else the variable the author meant."""
    name = template[2:-2]
    if name in TEMPLATE_VARIABLES:
        return None
    stripped = name.strip().lower()
    for known in TEMPLATE_VARIABLES:
        if known.lower() == stripped:
            return known
    import difflib

    lowered = {known.lower(): known for known in TEMPLATE_VARIABLES}
    close = difflib.get_close_matches(stripped, list(lowered), n=1, cutoff=0.7)
    return lowered[close[0]] if close else ""


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if "/" in arn else ""


def group_texts(entry: Entry) -> list[str]:
    return [g for g in entry.groups if isinstance(g, str)]


def is_node_mapping(entry: Entry) -> bool:
    """A mapping meant for nodes: node groups, a `system:node:` username or a node role name.

    Folded group strings count (`system:bootstrappers - system:nodes`).
    """
    if entry.section != "mapRoles":
        return False
    groups = entry.get("groups")
    texts = [groups] if isinstance(groups, str) else group_texts(entry)
    if any(node in text for text in texts for node in NODE_GROUPS):
        return True
    username = entry.username
    if isinstance(username, str) and username.startswith("system:node:"):
        return True
    return "nodeinstancerole" in role_name(entry.mapping.arn).lower()


def is_fargate_mapping(entry: Entry) -> bool:
    name = role_name(entry.mapping.arn).lower()
    return "system:node-proxier" in group_texts(entry) or "podexecutionrole" in name


def arn_key_misspelling(entry: Entry) -> str | None:
    """The key written for `rolearn`/`userarn` when that key itself is missing."""
    wanted = ARN_KEYS.get(entry.section)
    data = entry.value
    if wanted is None or not isinstance(data, dict) or entry.key(wanted) is not None:
        return None
    import difflib

    known = KNOWN_KEYS[entry.section]
    candidates = [k for k in data if isinstance(k, str) and k.lower() not in known]
    for key in candidates:
        if difflib.get_close_matches(key.lower(), [wanted], n=1, cutoff=0.7):
            return key
    other = "userarn" if wanted == "rolearn" else "rolearn"
    for key in candidates:
        if key.lower() == other:
            return key
    return None
