"""CloudFormation intrinsic functions, resolved as far as a template alone allows.

What a template says before deployment: literals, `Parameters` defaults, `Mappings`,
`Conditions` over those, and the pseudo parameters `AWS::Partition` (taken as `aws`) and
`AWS::URLSuffix` (`amazonaws.com`). Everything else (resource attributes, account and
region, imports, parameters without a default) is unknown until deploy.

`Template.resolve(value)` evaluates a value completely: the result is plain data,
`NO_VALUE` (`AWS::NoValue`), an `Unknown`, or a `Symbolic` string: the text of an
`Fn::Sub`/`Fn::Join` whose unknown parts stay as `${Name}` (CloudFormation's own
notation, which iamlint treats as a placeholder elsewhere too).

`Template.resolve_tree(value, path)` rewrites a whole subtree for the model: intrinsics
that resolve are replaced by their value, `Fn::If` by its branch, `AWS::NoValue` entries
disappear, and what cannot be resolved stays as written (a one-key `{"Fn::...": ...}`
mapping: `is_intrinsic` recognises it). It returns the path aliases a view needs to map
positions back (`iamlint.sources.view`) and the unresolved places.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from iamlint.load.document import Document, Path
from iamlint.record import field, record

PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"
KNOWN_PSEUDO = {"AWS::Partition": PARTITION, "AWS::URLSuffix": URL_SUFFIX}
INTRINSICS = frozenset(
    {
        "Ref",
        "Fn::Base64",
        "Fn::Cidr",
        "Fn::FindInMap",
        "Fn::ForEach",
        "Fn::GetAtt",
        "Fn::GetAZs",
        "Fn::If",
        "Fn::ImportValue",
        "Fn::Join",
        "Fn::Length",
        "Fn::Select",
        "Fn::Split",
        "Fn::Sub",
        "Fn::ToJsonString",
        "Fn::Transform",
    }
)
CONDITION_FUNCTIONS = frozenset({"Fn::And", "Fn::Equals", "Fn::Not", "Fn::Or", "Condition"})
# What `Ref` returns for resources whose name property is set in the template
REF_NAME_PROPERTY = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::EKS::Cluster": "Name",
    "AWS::ECS::Cluster": "ClusterName",
}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_MAX_DEPTH = 50


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


@record(frozen=True)
class Unknown:
    """A value known only at deploy time."""

    why: str  # for messages: "`Fn::GetAtt NodeRole.Arn` is known only after deploy"
    symbol: str = ""  # how it reads inside a string, e.g. "${AWS::AccountId}"; "" if none


class Symbolic(str):
    """A string with `${...}` parts that stay unknown (a partly resolved `Fn::Sub`)."""

    unknowns: tuple[Unknown, ...]

    def __new__(cls, text: str, unknowns: tuple[Unknown, ...]) -> Symbolic:
        made = super().__new__(cls, text)
        made.unknowns = unknowns
        return made


@record
class Unresolved:
    """A place in a resolved tree that kept its intrinsic (or a `${...}` part)."""

    path: Path  # in the resolved tree
    why: str


@record
class ResolvedTree:
    value: Any
    aliases: dict[Path, Path] = field(default_factory=dict)  # resolved path -> source path
    unresolved: list[Unresolved] = field(default_factory=list)

    def forget(self, prefix: Path) -> None:
        """Drop what was recorded for a subtree that resolved to `AWS::NoValue`."""
        size = len(prefix)
        for path in [p for p in self.aliases if p[:size] == prefix]:
            del self.aliases[path]
        self.unresolved = [u for u in self.unresolved if u.path[:size] != prefix]


def is_intrinsic(value: Any) -> bool:
    """A one-key mapping naming an intrinsic function: `{"Ref": ...}`, `{"Fn::Sub": ...}`."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in INTRINSICS or key in CONDITION_FUNCTIONS)


def unknown_reasons(value: Any) -> list[str]:
    """The explanations an Unknown or Symbolic result carries, each once ([] if known)."""
    if isinstance(value, Unknown):
        return [value.why]
    if isinstance(value, Symbolic):
        return list(dict.fromkeys(u.why for u in value.unknowns))
    return []


def unknown_reason(value: Any) -> str:
    """The first explanation, with how many more there are ('' for known values)."""
    reasons = unknown_reasons(value)
    if not reasons:
        return ""
    more = f" (and {len(reasons) - 1} more unknown values)" if len(reasons) > 1 else ""
    return reasons[0] + more


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class Template:
    """One template's Parameters, Mappings, Conditions and Resources, for resolution."""

    def __init__(self, data: dict[str, Any], resources: dict[str, Any]) -> None:
        self.parameters = _mapping(data.get("Parameters"))
        self.mappings = _mapping(data.get("Mappings"))
        self.conditions = _mapping(data.get("Conditions"))
        self.resources = resources
        self._condition_cache: dict[str, bool | None] = {}

    def resource_type(self, logical_id: Any) -> str:
        resource = self.resources.get(logical_id) if isinstance(logical_id, str) else None
        kind = resource.get("Type") if isinstance(resource, dict) else None
        return kind if isinstance(kind, str) else ""

    def properties(self, logical_id: str) -> dict[str, Any]:
        resource = self.resources.get(logical_id)
        return _mapping(resource.get("Properties")) if isinstance(resource, dict) else {}

    # --- whole values ------------------------------------------------------------

    def resolve(self, value: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            return Unknown("intrinsic functions nested too deeply to resolve")
        if isinstance(value, list):
            items = [self.resolve(item, depth + 1) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if is_intrinsic(value):
            name, argument = next(iter(value.items()))
            handler = _FUNCTIONS.get(name)
            if handler is None:
                return Unknown(f"`{name}` is evaluated only at deploy time")
            return handler(self, argument, depth + 1)
        resolved = {key: self.resolve(item, depth + 1) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def resolve_text(self, value: Any) -> str | Unknown:
        """A string value (Symbolic when partly unknown), or an Unknown."""
        resolved = self.resolve(value)
        if isinstance(resolved, bool):
            return str(resolved).lower()
        if isinstance(resolved, (str, int, float)):
            return resolved if isinstance(resolved, str) else str(resolved)
        if isinstance(resolved, Unknown):
            return resolved
        return Unknown(f"`{_describe(value)}` does not resolve to a string")

    def condition(self, name: Any, depth: int = 0) -> bool | None:
        """A named condition's value with parameter defaults; None when unknown."""
        if not isinstance(name, str):
            return None
        if name in self._condition_cache:
            return self._condition_cache[name]
        self._condition_cache[name] = None  # a cycle evaluates as unknown
        outcome = self._evaluate(self.conditions.get(name), depth + 1)
        self._condition_cache[name] = outcome
        return outcome

    def _evaluate(self, value: Any, depth: int) -> bool | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, dict) or len(value) != 1:
            return None
        name, argument = next(iter(value.items()))
        if name == "Condition":
            return self.condition(argument, depth)
        if name == "Fn::Equals":
            return self._equals(argument, depth)
        arguments = argument if isinstance(argument, list) else [argument]
        outcomes = [self._evaluate(a, depth + 1) for a in arguments]
        if name == "Fn::Not":
            return None if len(outcomes) != 1 or outcomes[0] is None else not outcomes[0]
        if name == "Fn::And":
            return False if False in outcomes else (None if None in outcomes else True)
        if name == "Fn::Or":
            return True if True in outcomes else (None if None in outcomes else False)
        return None

    def _equals(self, argument: Any, depth: int) -> bool | None:
        if not isinstance(argument, list) or len(argument) != 2:
            return None
        left, right = (self.resolve(a, depth + 1) for a in argument)
        if _has_unknown(left) or _has_unknown(right):
            return None
        return _comparable(left) == _comparable(right)

    # --- subtrees for the model ----------------------------------------------------

    def resolve_tree(self, value: Any, path: Path, source: Document) -> ResolvedTree:
        """Rewrite `value` (found at `path` of `source`) as described in the module doc."""
        tree = ResolvedTree(None)
        result = self._tree(value, path, path, source, tree, 0)
        tree.value = None if result is NO_VALUE else result
        return tree

    def _tree(
        self, value: Any, src: Path, out: Path, source: Document, tree: ResolvedTree, depth: int
    ) -> Any:
        if depth > _MAX_DEPTH:
            return value
        if isinstance(value, list):
            return self._tree_list(value, src, out, source, tree, depth)
        if not isinstance(value, dict):
            return value
        if not is_intrinsic(value):
            result = {}
            for key, item in value.items():
                resolved = self._tree(item, (*src, key), (*out, key), source, tree, depth + 1)
                if resolved is not NO_VALUE:
                    result[key] = resolved
            return result
        name, argument = next(iter(value.items()))
        if name == "Fn::If":
            return self._tree_if(value, argument, src, out, source, tree, depth)
        resolved = self.resolve(value)
        if resolved is NO_VALUE:
            return NO_VALUE
        if _has_unknown(resolved):
            fallback = f"`{_describe(value)}` is known only after deploy"
            for why in unknown_reasons(resolved) or [fallback]:
                tree.unresolved.append(Unresolved(out, why))
            return resolved if isinstance(resolved, Symbolic) else value
        return resolved

    def _tree_list(
        self,
        value: list[Any],
        src: Path,
        out: Path,
        source: Document,
        tree: ResolvedTree,
        depth: int,
    ) -> list[Any]:
        result = []
        for index, item in enumerate(value):
            position = len(result)
            resolved = self._tree(item, (*src, index), (*out, position), source, tree, depth + 1)
            if resolved is NO_VALUE:
                tree.forget((*out, position))  # the next item takes this position
                continue
            if position != index:
                tree.aliases.setdefault((*out, position), (*src, index))
            result.append(resolved)
        return result

    def _tree_if(
        self,
        value: dict[str, Any],
        argument: Any,
        src: Path,
        out: Path,
        source: Document,
        tree: ResolvedTree,
        depth: int,
    ) -> Any:
        valid = isinstance(argument, list) and len(argument) == 3
        outcome = self.condition(argument[0]) if valid else None
        if outcome is None:
            tree.unresolved.append(
                Unresolved(out, f"`{_describe(value)}`: the condition is unknown until deploy")
            )
            return value
        index = 1 if outcome else 2
        branch_src = _argument_path(source, src, "Fn::If", index)
        tree.aliases[out] = branch_src
        return self._tree(argument[index], branch_src, out, source, tree, depth + 1)


def _argument_path(source: Document, path: Path, function: str, index: int) -> Path:
    """Where an intrinsic's argument sits: `{"Fn::If": [...]}` in JSON and long-form YAML,
    directly under the tagged node for short-form YAML (`!If [...]`)."""
    long_form = (*path, function, index)
    return long_form if source.span(long_form, False) is not None else (*path, index)


# --- the functions -------------------------------------------------------------------


def _ref(template: Template, name: Any, depth: int) -> Any:
    if not isinstance(name, str):
        return Unknown(f"`Ref {_describe(name)}` does not name anything")
    if name == "AWS::NoValue":
        return NO_VALUE
    if name in KNOWN_PSEUDO:
        return KNOWN_PSEUDO[name]
    if name.startswith("AWS::"):
        return Unknown(f"`{name}` is known only at deploy time", "${" + name + "}")
    parameter = template.parameters.get(name)
    if isinstance(parameter, dict):
        return _parameter_value(name, parameter)
    kind = template.resource_type(name)
    name_property = REF_NAME_PROPERTY.get(kind)
    if name_property:
        given = template.resolve(template.properties(name).get(name_property), depth + 1)
        if isinstance(given, str) and not isinstance(given, Symbolic) and given:
            return given
    what = f"resource `{name}`" if kind else f"`{name}`"
    return Unknown(f"`Ref {name}` ({what}) is known only after deploy", "${" + name + "}")


def _parameter_value(name: str, parameter: dict[str, Any]) -> Any:
    if "Default" not in parameter:
        return Unknown(f"parameter `{name}` has no Default", "${" + name + "}")
    default = parameter["Default"]
    kind = parameter.get("Type")
    if isinstance(kind, str) and (kind == "CommaDelimitedList" or kind.startswith("List<")):
        text = default if isinstance(default, str) else ""
        return [part.strip() for part in text.split(",")] if text else []
    if isinstance(default, bool):
        return str(default).lower()
    return default if isinstance(default, str) else str(default)


def _get_att(template: Template, argument: Any, depth: int) -> Any:
    parts = argument.split(".", 1) if isinstance(argument, str) else argument
    if not isinstance(parts, list) or len(parts) != 2:
        return Unknown(f"`Fn::GetAtt {_describe(argument)}` is malformed")
    resource, attribute = parts[0], template.resolve(parts[1], depth + 1)
    label = f"{resource}.{attribute}" if isinstance(attribute, str) else f"{resource}.?"
    return Unknown(f"`Fn::GetAtt {label}` is known only after deploy", "${" + label + "}")


def _sub(template: Template, argument: Any, depth: int) -> Any:
    text, variables = argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
        text, variables = argument
    if not isinstance(text, str):
        return Unknown(f"`Fn::Sub` of {_describe(text)} is malformed")
    unknowns: list[Unknown] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # `${!Literal}` is the escape for a literal `${`
        if name in variables:
            value = template.resolve(variables[name], depth + 1)
        elif "." in name and not name.startswith("AWS::"):
            value = _get_att(template, name, depth + 1)
        else:
            value = _ref(template, name, depth + 1)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if isinstance(value, Symbolic):
                unknowns.extend(value.unknowns)
            return str(value)
        unknowns.append(
            value if isinstance(value, Unknown) else Unknown(f"`${{{name}}}` is not a string")
        )
        return match.group(0)

    result = _SUB_VARIABLE.sub(substitute, text)
    return Symbolic(result, tuple(unknowns)) if unknowns else result


def _join(template: Template, argument: Any, depth: int) -> Any:
    if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
        return Unknown(f"`Fn::Join` of {_describe(argument)} is malformed")
    delimiter, items = argument[0], template.resolve(argument[1], depth + 1)
    if not isinstance(items, list):
        return items if isinstance(items, Unknown) else Unknown("`Fn::Join` of a non-list")
    texts, unknowns = [], []
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            texts.append(str(item))
            unknowns.extend(item.unknowns if isinstance(item, Symbolic) else ())
        elif isinstance(item, Unknown) and item.symbol:
            texts.append(item.symbol)
            unknowns.append(item)
        else:
            return item if isinstance(item, Unknown) else Unknown("`Fn::Join` of a non-string")
    joined = delimiter.join(texts)
    return Symbolic(joined, tuple(unknowns)) if unknowns else joined


def _select(template: Template, argument: Any, depth: int) -> Any:
    if not isinstance(argument, list) or len(argument) != 2:
        return Unknown(f"`Fn::Select` of {_describe(argument)} is malformed")
    index, items = (template.resolve(a, depth + 1) for a in argument)
    if isinstance(items, Unknown):
        return items
    try:
        position = int(index)
    except (TypeError, ValueError):
        return Unknown("`Fn::Select` index is unknown until deploy")
    if not isinstance(items, list) or not 0 <= position < len(items):
        return Unknown("`Fn::Select` index is out of range")
    return items[position]


def _split(template: Template, argument: Any, depth: int) -> Any:
    if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
        return Unknown(f"`Fn::Split` of {_describe(argument)} is malformed")
    text = template.resolve(argument[1], depth + 1)
    if isinstance(text, str) and not isinstance(text, Symbolic) and argument[0]:
        return text.split(argument[0])
    return (
        text
        if isinstance(text, Unknown)
        else Unknown("`Fn::Split` of a value known only after deploy")
    )


def _find_in_map(template: Template, argument: Any, depth: int) -> Any:
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        return Unknown(f"`Fn::FindInMap` of {_describe(argument)} is malformed")
    keys = [template.resolve(a, depth + 1) for a in argument[:3]]
    for key in keys:
        if not isinstance(key, str) or isinstance(key, Symbolic):
            return Unknown(f"`Fn::FindInMap` key {_describe(key)} is known only after deploy")
    found: Any = template.mappings
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    if found is not None:
        return template.resolve(found, depth + 1)
    if len(argument) == 4 and isinstance(argument[3], dict) and "DefaultValue" in argument[3]:
        return template.resolve(argument[3]["DefaultValue"], depth + 1)
    return Unknown(f"`Fn::FindInMap` finds nothing at {'/'.join(keys)}")


def _if(template: Template, argument: Any, depth: int) -> Any:
    if not isinstance(argument, list) or len(argument) != 3:
        return Unknown(f"`Fn::If` of {_describe(argument)} is malformed")
    outcome = template.condition(argument[0], depth)
    if outcome is None:
        return Unknown(f"`Fn::If {_describe(argument[0])}`: the condition is unknown until deploy")
    return template.resolve(argument[1] if outcome else argument[2], depth + 1)


def _to_json_string(template: Template, argument: Any, depth: int) -> Any:
    resolved = template.resolve(argument, depth + 1)
    if _has_unknown(resolved):
        return Unknown("`Fn::ToJsonString` of a value known only after deploy")
    return json.dumps(resolved, separators=(",", ":"))


def _import_value(template: Template, argument: Any, depth: int) -> Any:
    name = template.resolve(argument, depth + 1)
    label = name if isinstance(name, str) else _describe(argument)
    return Unknown(f"`Fn::ImportValue {label}` comes from another stack")


_FUNCTIONS: dict[str, Callable[[Template, Any, int], Any]] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
    "Fn::ToJsonString": _to_json_string,
    "Fn::ImportValue": _import_value,
}


# --- helpers ---------------------------------------------------------------------------


def _has_unknown(value: Any) -> bool:
    if isinstance(value, (Unknown, Symbolic)):
        return True
    if isinstance(value, list):
        return any(_has_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(_has_unknown(item) for item in value.values())
    return False


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _describe(value: Any) -> str:
    """A short, readable form of an intrinsic for messages: `Ref Foo`, `Fn::GetAtt A.B`."""
    if isinstance(value, dict) and len(value) == 1:
        name, argument = next(iter(value.items()))
        if name == "Fn::GetAtt" and isinstance(argument, list):
            argument = ".".join(str(a) for a in argument)
        if isinstance(argument, (str, int, float)):
            return f"{name} {argument}"
        return str(name)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    return type(value).__name__
