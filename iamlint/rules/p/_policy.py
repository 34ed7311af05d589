"""What the P rules share: registers no rule, imports only the model and the loader.

- `statements(policy) -> tuple[Statement, ...]`: the statement mappings of a policy with their
  Pointers (`Statement` as one mapping or a list; anything else is skipped: P001 reports it).
- `Statement.items(key) -> list[(value, pointer)]`: the values of a string-or-list element
  (`Action`, `Resource`, a principal type...), one entry per value.
- `strings_of(value) -> list[str]`: the same without pointers, strings only.
- `did_you_mean(word, candidates)`: the closest candidate, case-insensitively.
- `is_aws_managed(policy)`: an AWS managed policy, by ARN or as a verbatim copy of one in a
  document of unknown origin (AWS managed policies break rules AWS sets for customers by
  design).
- `compact_size(document)`: characters as IAM counts them (no whitespace outside strings).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from iamlint.iam.statements import PRINCIPAL_TYPES as PRINCIPAL_TYPES  # re-exported
from iamlint.iam.statements import STATEMENT_KEYS as STATEMENT_KEYS  # re-exported
from iamlint.iam.statements import statement_items
from iamlint.load.document import Pointer
from iamlint.model import Policy
from iamlint.placeholders import is_cfn_intrinsic
from iamlint.record import record

VERSIONS = ("2012-10-17", "2008-10-17")
TOP_LEVEL_KEYS = ("Version", "Id", "Statement")

Problem = tuple[Pointer, str]  # where, message


@record(frozen=True)
class Statement:
    policy: Policy
    pointer: Pointer
    data: dict[str, Any]
    index: int  # position in the Statement list (0 for a single mapping)

    @property
    def allow(self) -> bool:
        return self.data.get("Effect") == "Allow"

    @property
    def number(self) -> int:
        """1-based, for messages."""
        return self.index + 1

    def has(self, key: str) -> bool:
        return key in self.data

    def items(self, *keys: Any) -> list[tuple[Any, Pointer]]:
        """Values of the element at `keys` (e.g. "Principal", "AWS"): a list gives one entry
        per item, a scalar one entry, an absent element none."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return []
            node = node[key]
        return items(node, self.pointer.child(*keys))

    def strings(self, *keys: Any) -> list[tuple[str, Pointer]]:
        return [(v, p) for v, p in self.items(*keys) if isinstance(v, str)]

    def string_paths(self, *keys: Any) -> list[tuple[str, tuple[Any, ...]]]:
        """As `strings`, with each value's path inside the statement instead of a Pointer:
        rules that look at every value build the Pointer (`pointer_at`) only for a finding."""
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return []
            node = node[key]
        if isinstance(node, list):
            return [(v, (*keys, i)) for i, v in enumerate(node) if isinstance(v, str)]
        return [(node, keys)] if isinstance(node, str) else []

    def pointer_at(self, path: tuple[Any, ...]) -> Pointer:
        return self.pointer.child(*path)


def statements(policy: Policy) -> tuple[Statement, ...]:
    """The policy's statements; read once per policy (every P rule walks every policy)."""
    cached = policy.__dict__.get(_STATEMENTS_CACHE)
    if cached is None:
        cached = policy.__dict__[_STATEMENTS_CACHE] = tuple(_read_statements(policy))
    return cached  # type: ignore[no-any-return]


# not a record field: equality and repr of the Policy ignore it
_STATEMENTS_CACHE = "_policy_statements"


def _read_statements(policy: Policy) -> list[Statement]:
    return [
        Statement(policy, policy.pointer.child(*path), data, index)
        for index, path, data in statement_items(policy.document)
        if not is_cfn_intrinsic(data)
    ]


def items(value: Any, pointer: Pointer) -> list[tuple[Any, Pointer]]:
    if isinstance(value, list):
        return [(item, pointer.child(index)) for index, item in enumerate(value)]
    return [(value, pointer)]


def strings_of(value: Any) -> list[str]:
    """The strings of a string-or-list element, without pointers."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to `word` (case-insensitive), or None when nothing is close."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    low = word.strip().lower()
    if low in by_lower:
        return by_lower[low]
    close = difflib.get_close_matches(low, list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else None


def code(value: Any) -> str:
    """`value` for a message: strings as written, anything else as compact JSON."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"`{text}`"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def compact_size(document: Any) -> int:
    """Length of the document as minified JSON: IAM does not count whitespace."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)
    return len(text)


def is_aws_managed(policy: Policy) -> bool:
    """An AWS managed policy: by its ARN, or a document of unknown origin (a bare file, `aws
    iam get-policy-version` output: no ARN, no owner) that is a verbatim copy of the default
    version of an AWS managed policy. Call it only for policies a rule would report: the
    first content lookup loads every shipped managed policy (about 0.1 s)."""
    if policy.aws_managed:
        return True
    if policy.arn or policy.owner or not isinstance(policy.document, dict):
        return False
    from iamlint.iam.managed import managed_policy_info

    stem = policy.pointer.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    info = managed_policy_info(stem) if stem else None
    if info is not None and info.document == policy.document:
        return True  # the usual way copies are kept: AdministratorAccess.json
    return _fingerprint(policy.document) in _managed_fingerprints()


def _fingerprint(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)


@lru_cache(maxsize=1)
def _managed_fingerprints() -> frozenset[str]:
    from iamlint.iam.managed import managed_policy_info, managed_policy_names

    infos = (managed_policy_info(name) for name in managed_policy_names())
    return frozenset(_fingerprint(info.document) for info in infos if info is not None)
