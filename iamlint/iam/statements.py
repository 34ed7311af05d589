"""A policy document (parsed JSON/YAML, possibly messy) as a list of statements that remember
where each value came from.

Paths are tuples of keys and indexes into the document: `("Statement", 0, "Action", 2)`,
or `("Statement", "Action")` when `Statement` is a single object and `Action` a string.
Nothing here raises on wrong types: values that cannot be read (a number where a list of
strings belongs, a statement that is a string) are skipped and, for the elements that
matter to evaluation, noted in `Stmt.unreadable`. Rule P001 reports structure problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
Item = tuple[str, Path]  # (value, path of the value)

STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
ALLOW, DENY = "Allow", "Deny"
CURRENT_VERSION = "2012-10-17"


@dataclass(slots=True)
class Principals:
    """A `Principal` / `NotPrincipal` element. `anyone` is the bare `"*"` form; `by_type` maps
    each principal type as written (`AWS`, `Service`, ...) to its values with paths."""

    path: Path
    anyone: bool = False
    by_type: dict[str, list[Item]] = field(default_factory=dict)
    unreadable: bool = False  # some value could not be read (e.g. an unresolved intrinsic)

    def items(self, principal_type: str) -> list[Item]:
        return self.by_type.get(principal_type, [])

    def values(self, principal_type: str) -> list[str]:
        return [value for value, _ in self.by_type.get(principal_type, [])]

    @property
    def is_anyone(self) -> bool:
        """`"*"` or `{"AWS": "*"}`: every principal."""
        return self.anyone or "*" in self.values("AWS")

    def as_dict(self) -> dict[str, Any]:
        """{"AWS": [...], "Service": [...], ..., "*": True} (only the types present)."""
        result: dict[str, Any] = {kind: self.values(kind) for kind in self.by_type}
        if self.anyone:
            result["*"] = True
        return result


@dataclass(slots=True)
class Stmt:
    index: int
    path: Path
    raw: Mapping[str, Any]
    sid: str | None = None
    effect: str | None = None  # as written, when a string
    actions: list[Item] | None = None  # None: element absent
    not_actions: list[Item] | None = None
    resources: list[Item] | None = None
    not_resources: list[Item] | None = None
    principal: Principals | None = None
    not_principal: Principals | None = None
    condition: Any = None  # the raw Condition element (normally a mapping), None if absent
    condition_path: Path | None = None
    unreadable: tuple[str, ...] = ()  # elements with values that could not be read

    @property
    def is_allow(self) -> bool:
        return self.effect == ALLOW

    @property
    def is_deny(self) -> bool:
        return self.effect == DENY

    def key_path(self, key: str) -> Path:
        return (*self.path, key)

    def action_values(self) -> list[str]:
        return [value for value, _ in self.actions or ()]

    def resource_values(self) -> list[str]:
        return [value for value, _ in self.resources or ()]


def policy_version(doc: Any) -> str | None:
    """The `Version` element when it is a string."""
    if isinstance(doc, Mapping):
        version = doc.get("Version")
        if isinstance(version, str):
            return version
    return None


def supports_variables(doc: Any) -> bool:
    """Policy variables are resolved only under `Version: 2012-10-17`; otherwise `${...}` is
    literal text."""
    return policy_version(doc) == CURRENT_VERSION


def iter_statements(doc: Any) -> list[Stmt]:
    """The readable statements of a policy document, in order."""
    return list(_statements(doc))


def statement_items(doc: Any) -> Iterator[tuple[int, Path, Mapping[str, Any]]]:
    """(index, path, statement mapping) of each statement of a policy document: the one
    walk every reader of statements shares. `Statement` may be a single mapping (index 0,
    path `("Statement",)`) or a list; anything that is not a mapping is skipped."""
    if not isinstance(doc, Mapping):
        return
    body = doc.get("Statement")
    if isinstance(body, Mapping):
        yield 0, ("Statement",), body
    elif isinstance(body, list):
        for index, raw in enumerate(body):
            if isinstance(raw, Mapping):
                yield index, ("Statement", index), raw


def _statements(doc: Any) -> Iterator[Stmt]:
    for index, path, raw in statement_items(doc):
        yield _statement(index, path, raw)


def _statement(index: int, path: Path, raw: Mapping[str, Any]) -> Stmt:
    stmt = Stmt(index=index, path=path, raw=raw)
    unreadable: list[str] = []
    sid = raw.get("Sid")
    stmt.sid = sid if isinstance(sid, str) else None
    effect = raw.get("Effect")
    stmt.effect = effect if isinstance(effect, str) else None
    for key, attr in (
        ("Action", "actions"),
        ("NotAction", "not_actions"),
        ("Resource", "resources"),
        ("NotResource", "not_resources"),
    ):
        if key in raw:
            items, complete = string_items(raw[key], (*path, key))
            setattr(stmt, attr, items)
            if not complete:
                unreadable.append(key)
    for key, attr in (("Principal", "principal"), ("NotPrincipal", "not_principal")):
        if key in raw:
            principals = parse_principals(raw[key], (*path, key))
            setattr(stmt, attr, principals)
            if principals.unreadable:
                unreadable.append(key)
    if "Condition" in raw:
        stmt.condition = raw["Condition"]
        stmt.condition_path = (*path, "Condition")
    stmt.unreadable = tuple(unreadable)
    return stmt


def string_items(value: Any, path: Path) -> tuple[list[Item], bool]:
    """A string or a list of strings as (value, path) pairs; the flag is False when
    something was skipped (a number, a mapping, a nested list)."""
    if isinstance(value, str):
        return [(value, path)], True
    if not isinstance(value, list):
        return [], False
    items = [(item, (*path, i)) for i, item in enumerate(value) if isinstance(item, str)]
    return items, len(items) == len(value)


def parse_principals(value: Any, path: Path) -> Principals:
    """`"*"`, `{"AWS": "arn..." | [...]}`, `{"Service": [...]}`, ... Account IDs that YAML
    read as numbers become text again."""
    principals = Principals(path=path)
    if isinstance(value, str):
        principals.anyone = value == "*"
        principals.unreadable = value != "*"
        return principals
    if not isinstance(value, Mapping):
        principals.unreadable = True
        return principals
    for kind, raw in value.items():
        if not isinstance(kind, str):
            principals.unreadable = True
            continue
        items, complete = _principal_items(raw, (*path, kind))
        principals.by_type.setdefault(kind, []).extend(items)
        principals.unreadable |= not complete
    return principals


def _principal_items(value: Any, path: Path) -> tuple[list[Item], bool]:
    if isinstance(value, list):
        items = [(text, (*path, i)) for i, v in enumerate(value) if (text := _text(v)) is not None]
        return items, len(items) == len(value)
    text = _text(value)
    return ([(text, path)], True) if text is not None else ([], False)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
