"""Policy packs: declarative rules, a jmespath expression over a JSON view of the model.

A pack is a YAML file listed under `policy-packs:` in the config:

    pack: acme
    rules:
      - id: ORG001
        name: irsa-sub-stringlike
        severity: error            # error | warning | info
        message: "role {role} matches {key} with StringLike"
        select: "trust_conditions[?contains(role_usages, 'irsa') && operator == 'StringLike']"
        summary: optional one-line summary (defaults to the message)

User rule IDs use the reserved family `ORG` (`ORG` + 3-4 digits), which no built-in family
uses; a bad ID, a duplicate ID, a bad expression or an unreadable pack is a one-line
`ConfigError` (exit 2). Pack rules are registered in the rule registry like Python rules, so
their findings have a severity, can be selected, ignored and suppressed, and appear in every
output format.

The view (`model_view`) is a dict of lists of plain JSON items. Every item carries `_at`, the
index of its Pointer, so a finding points at the exact place the selected item is written;
`{field}` placeholders of the message are filled from the selected item (dotted paths work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iamlint.config import ConfigError
from iamlint.finding import Finding, Location, Severity
from iamlint.rules.registry import REGISTRY, Rule

if TYPE_CHECKING:
    from iamlint.config import Config
    from iamlint.load.document import Pointer
    from iamlint.model import Model

PACK_FAMILY = "ORG"
RULE_ID = r"^ORG[0-9]{3,4}$"
RULE_NAME = r"^[a-z0-9][a-z0-9-]*$"
MODULE_PREFIX = "iamlint.packs:"
POINTER_KEY = "_at"
_PLACEHOLDER = r"\{([A-Za-z_][A-Za-z0-9_.]*)\}"
_RULE_KEYS = {
    "id", "name", "severity", "message", "select", "summary", "description", "help_uri", "url"
}
_HELP_KEYS = ("help_uri", "url")  # a rule's documentation page; the pack's applies to all


@dataclass(frozen=True)
class PackRule:
    """One declarative rule as written in a pack file."""

    id: str
    name: str
    severity: Severity
    message: str
    select: str
    summary: str
    description: str
    pack: str
    source: str  # the pack file
    line: int  # where the rule is written in it
    help_uri: str = ""


# --- loading ------------------------------------------------------------------------------


def load_pack_rules(paths: list[str]) -> list[PackRule]:
    """Read and validate every pack; raises ConfigError with a one-line message."""
    from iamlint.rules import known_rule_ids

    builtin = {rule_id for rule_id in known_rule_ids() if not _is_pack_rule(REGISTRY.get(rule_id))}
    found: dict[str, PackRule] = {}
    for path in paths:
        for pack_rule in _read_pack(path):
            where = f"{pack_rule.source}:{pack_rule.line}"
            if pack_rule.id in builtin:
                raise ConfigError(f"{where}: rule ID {pack_rule.id} is a built-in rule")
            if pack_rule.id in found:
                first = found[pack_rule.id]
                raise ConfigError(
                    f"{where}: duplicate rule ID {pack_rule.id} "
                    f"(also at {first.source}:{first.line})"
                )
            found[pack_rule.id] = pack_rule
    return list(found.values())


def _read_pack(path: str) -> list[PackRule]:
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"policy pack {path}: cannot read: {error.strerror or error}") from None
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}{line}: policy pack is not valid YAML: {problem}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError(f"{path}:1: a policy pack is a mapping with `pack` and a `rules` list")
    pack = str(data.get("pack") or Path(path).stem)
    lines = _rule_lines(root)
    shown = _display(path)
    pack_help = _help_uri(data, f"{shown}:1", "the pack")
    return [
        _pack_rule(item, pack, shown, lines[i] if i < len(lines) else 1, pack_help)
        for i, item in enumerate(data["rules"])
    ]


def _help_uri(item: dict[str, Any], where: str, owner: str) -> str:
    """`help_uri` (or `url`): an http(s) address of the documentation, else ''."""
    for key in _HELP_KEYS:
        value = item.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not re.match(r"^https?://\S+$", value.strip()):
            raise ConfigError(f"{where}: {owner}: `{key}` must be an http(s) URL")
        return value.strip()
    return ""


def _display(path: str) -> str:
    """Relative to the working directory when under it, as findings' paths are."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _jmespath_reason(error: Exception) -> str:
    message = str(getattr(error, "msg", "") or error).splitlines()[0]
    position = getattr(error, "lex_position", None)
    return f"{message} (at character {position})" if isinstance(position, int) else message


def _rule_lines(root: Any) -> list[int]:
    """1-based line of each entry of the top-level `rules` sequence."""
    for key, value in getattr(root, "value", []) or []:
        if getattr(key, "value", None) == "rules" and isinstance(value.value, list):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _pack_rule(item: Any, pack: str, source: str, line: int, pack_help: str = "") -> PackRule:
    import jmespath
    from jmespath.exceptions import JMESPathError

    where = f"{source}:{line}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: a pack rule is a mapping with id, name, severity, message")
    unknown = sorted(set(map(str, item)) - _RULE_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}' (use {', '.join(sorted(_RULE_KEYS))})"
        )
    rule_id = str(item.get("id", "")).strip().upper()
    if not re.match(RULE_ID, rule_id):
        raise ConfigError(
            f"{where}: rule ID '{item.get('id', '')}' must be {PACK_FAMILY} and 3-4 digits "
            f"(e.g. {PACK_FAMILY}001): the {PACK_FAMILY} family is reserved for policy packs"
        )
    for key in ("name", "message", "select"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ConfigError(f"{where}: rule {rule_id}: `{key}` must be a non-empty string")
    if not re.match(RULE_NAME, item["name"]):
        raise ConfigError(f"{where}: rule {rule_id}: `name` must be kebab-case, e.g. no-star-sub")
    try:
        jmespath.compile(item["select"])
    except JMESPathError as error:
        raise ConfigError(
            f"{where}: rule {rule_id}: bad `select` expression: {_jmespath_reason(error)}"
        ) from None
    try:
        severity = Severity.parse(str(item.get("severity", "warning")))
    except ValueError as error:
        raise ConfigError(f"{where}: rule {rule_id}: {error}") from None
    return PackRule(
        id=rule_id,
        name=item["name"],
        severity=severity,
        message=item["message"].strip(),
        select=item["select"],
        summary=str(item.get("summary") or item["message"]).strip(),
        description=str(item.get("description") or "").strip(),
        pack=pack,
        source=source,
        line=line,
        help_uri=_help_uri(item, where, f"rule {rule_id}") or pack_help,
    )


# --- the registry -------------------------------------------------------------------------


def with_packs(rules: list[Rule], config: Config) -> list[Rule]:
    """`rules` without pack rules of other runs, plus the rules of `config`'s packs."""
    kept = [r for r in rules if not _is_pack_rule(r)]
    if not config.policy_packs:
        return kept
    return kept + register(load_pack_rules(config.policy_packs))


def register(pack_rules: list[PackRule]) -> list[Rule]:
    """Register pack rules (replacing earlier registrations of the same ID by a pack)."""
    registered = []
    for pack_rule in pack_rules:
        if _is_pack_rule(REGISTRY.get(pack_rule.id)):
            del REGISTRY.rules[pack_rule.id]
        rule = Rule(
            id=pack_rule.id,
            name=pack_rule.name,
            severity=pack_rule.severity,
            summary=pack_rule.summary,
            tags=frozenset({"policy-pack", f"pack:{pack_rule.pack}"}),
            check=_checker(pack_rule),
            doc=_doc(pack_rule),
            module=f"{MODULE_PREFIX}{pack_rule.source}",
            help_uri=pack_rule.help_uri,
        )
        REGISTRY.add(rule)
        registered.append(rule)
    return registered


def _is_pack_rule(rule: Rule | None) -> bool:
    return rule is not None and rule.module.startswith(MODULE_PREFIX)


def _doc(pack_rule: PackRule) -> str:
    parts = [
        f"Declarative rule of policy pack `{pack_rule.pack}` "
        f"({pack_rule.source}:{pack_rule.line}).",
        pack_rule.description,
        f"Selects: `{pack_rule.select}`",
        f"More: {pack_rule.help_uri}" if pack_rule.help_uri else "",
    ]
    return "\n\n".join(p for p in parts if p)


def _checker(pack_rule: PackRule) -> Any:
    def check(model: Model, context: Any) -> list[Finding]:
        return evaluate(pack_rule, model)

    return check


# --- evaluation ---------------------------------------------------------------------------


def evaluate(pack_rule: PackRule, model: Model) -> list[Finding]:
    """One finding per item the rule's expression selects."""
    import jmespath

    view, pointers = model.memo("policy-pack-view", lambda: model_view(model))
    selected = jmespath.compile(pack_rule.select).search(view)
    findings = []
    for item in _flatten(selected):
        at = item.get(POINTER_KEY) if isinstance(item, dict) else None
        if isinstance(at, int) and 0 <= at < len(pointers):
            findings.append(_item_finding(pack_rule, item, pointers[at]))
        else:
            findings.append(_value_finding(pack_rule, item))
    return findings


def _flatten(selected: Any) -> list[Any]:
    if selected is None or selected is False or selected == []:
        return []
    if not isinstance(selected, list):
        return [selected]
    flat: list[Any] = []
    for item in selected:
        flat.extend(_flatten(item))
    return flat


def _item_finding(pack_rule: PackRule, item: dict[str, Any], pointer: Pointer) -> Finding:
    from iamlint.rules.base import finding

    return finding(
        pack_rule.id,
        pointer,
        render_message(pack_rule.message, item),
        resource=str(item.get("_resource", "")),
        severity=pack_rule.severity,
    )


def _value_finding(pack_rule: PackRule, value: Any) -> Finding:
    """A selected value that is not a view item: reported where the rule is written."""
    shown = value if isinstance(value, str) else repr(value)
    return Finding(
        pack_rule.id,
        pack_rule.severity,
        f"{render_message(pack_rule.message, {})} (selected {shown}; select view items, "
        "not values, to point at the input)",
        Location(pack_rule.source, pack_rule.line, 1, pack_rule.line, 1),
        resource=pack_rule.id,
        discriminator=shown,
    )


def render_message(template: str, item: dict[str, Any]) -> str:
    """Fill `{field}` / `{a.b}` from the item; unknown fields stay as written."""

    def fill(match: re.Match[str]) -> str:
        value: Any = item
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                return match.group(0)
            value = value[part]
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return re.sub(_PLACEHOLDER, fill, template)


# --- the view -----------------------------------------------------------------------------


class _ViewBuilder:
    def __init__(self) -> None:
        self.pointers: list[Pointer] = []

    def item(self, pointer: Pointer, resource: str, **fields: Any) -> dict[str, Any]:
        self.pointers.append(pointer)
        return {**fields, "_resource": resource, POINTER_KEY: len(self.pointers) - 1}


def model_view(model: Model) -> tuple[dict[str, list[dict[str, Any]]], list[Pointer]]:
    """A JSON view of the model for jmespath, and the Pointer of each item (`_at`)."""
    build = _ViewBuilder()
    view = {
        "roles": [_role(build, model, role) for role in model.roles],
        "trust_conditions": _trust_conditions(build, model),
        "service_accounts": [
            build.item(
                sa.pointer,
                sa.label,
                name=sa.name,
                namespace=sa.namespace,
                role_arn=sa.role_arn,
                audience=sa.audience,
                cluster=sa.cluster,
                annotations={str(k): _plain(v) for k, v in sa.annotations.items()},
            )
            for sa in model.service_accounts
        ],
        "aws_auth_mappings": _aws_auth_mappings(build, model),
        "access_entries": [
            build.item(
                entry.pointer,
                entry.principal_arn,
                cluster=entry.cluster,
                principal_arn=entry.principal_arn,
                type=entry.type,
                username=entry.username,
                groups=list(entry.groups),
            )
            for entry in model.access_entries
        ],
        "node_groups": [
            build.item(
                group.role_pointer or group.pointer,
                f"NodeGroup {group.cluster}/{group.name}",
                cluster=group.cluster,
                name=group.name,
                node_role_arn=group.node_role_arn,
            )
            for group in model.node_groups
        ],
        "clusters": [
            build.item(
                c.pointer,
                c.name,
                name=c.name,
                arn=c.arn,
                account=c.account,
                region=c.region,
                issuer=c.issuer,
                authentication_mode=c.authentication_mode,
            )
            for c in model.clusters
        ],
        "oidc_providers": [
            build.item(p.pointer, p.arn, arn=p.arn, url=p.url, client_ids=list(p.client_ids))
            for p in model.oidc_providers
        ],
        "repositories": [
            build.item(
                r.pointer,
                r.name,
                name=r.name,
                arn=r.arn,
                account=r.account,
                has_policy=r.policy is not None,
            )
            for r in model.repositories
        ],
        "task_definitions": [
            build.item(
                t.pointer,
                f"TaskDefinition {t.family}",
                family=t.family,
                task_role_arn=t.task_role_arn,
                execution_role_arn=t.execution_role_arn,
                images=[c.image for c in t.containers],
                enable_execute_command=t.enable_execute_command,
            )
            for t in model.task_definitions
        ],
        "workloads": [
            build.item(
                w.pointer,
                w.label,
                kind=w.kind,
                name=w.name,
                namespace=w.namespace,
                service_account=w.service_account_name,
                images=[c.image for c in w.containers],
            )
            for w in model.workloads
        ],
    }
    return view, build.pointers


def _role(build: _ViewBuilder, model: Model, role: Any) -> dict[str, Any]:
    from iamlint.rules.t._trust import trust_statements

    statements = []
    if role.trust is not None:
        for statement in trust_statements(role.trust):
            statements.append(
                build.item(
                    statement.pointer,
                    role.label,
                    effect=_plain(statement.effect),
                    principal_star=statement.principal_star,
                    federated=[p.text for p in statement.federated],
                    services=[p.text for p in statement.services],
                    aws=[p.text for p in statement.aws],
                    actions=[_plain(a.value) for a in statement.actions],
                    conditions=[_condition(c) for c in statement.conditions],
                )
            )
    return build.item(
        role.pointer,
        role.label,
        name=role.name,
        label=_role_label(role),
        arn=role.arn,
        account=role.account,
        path=role.path,
        usages=sorted(role.usages),
        attached_policies=[a.arn for a in role.attachments],
        attached_policy_names=[a.arn.rsplit("/", 1)[-1] for a in role.attachments],
        inline_policies=[p.name for p in role.inline_policies],
        permissions_boundary=role.permissions_boundary,
        trust_statements=statements,
    )


def _role_label(role: Any) -> str:
    from iamlint.rules.e._pull import role_label

    return role_label(role)


def _condition(entry: Any) -> dict[str, Any]:
    return {
        "operator": entry.operator,
        "key": entry.key,
        "claim": entry.key.rsplit(":", 1)[-1] if ":" in entry.key else entry.key,
        "values": [_plain(v.value) for v in entry.values],
    }


def _trust_conditions(build: _ViewBuilder, model: Model) -> list[dict[str, Any]]:
    """Every condition entry of every role trust, flat, with its role: easy to filter."""
    from iamlint.rules.t._trust import trust_statements

    found = []
    for role in model.roles:
        if role.trust is None:
            continue
        for index, statement in enumerate(trust_statements(role.trust)):
            for entry in statement.conditions:
                found.append(
                    build.item(
                        entry.pointer,
                        role.label,
                        role=_role_label(role),
                        role_arn=role.arn,
                        role_usages=sorted(role.usages),
                        statement=index,
                        federated=[p.text for p in statement.federated],
                        **_condition(entry),
                    )
                )
    return found


def _aws_auth_mappings(build: _ViewBuilder, model: Model) -> list[dict[str, Any]]:
    found = []
    for aws_auth in model.aws_auth:
        for mapping in aws_auth.mappings:
            found.append(
                build.item(
                    mapping.pointer,
                    mapping.arn or aws_auth.name,
                    section=mapping.section,
                    arn=mapping.arn,
                    name=mapping.arn.rsplit("/", 1)[-1] if mapping.arn else "",
                    username=mapping.username or "",
                    groups=[str(g) for g in mapping.groups],
                    configmap=aws_auth.name,
                    namespace=aws_auth.namespace or "",
                    cluster=aws_auth.cluster,
                )
            )
    return found


def _plain(value: Any) -> Any:
    """JSON-able copy (parsed documents may hold non-plain scalars)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
