"""The zero-false-positive bar on real documents in ../shared/corpus.

* Every action and action wildcard in every AWS managed policy is known to the catalogue
  (rule P004 must never flag an AWS managed policy).
* Every condition key those policies compare with a typed operator has a known type (P007).
* The shipped managed policy documents are the corpus's documents.
* Every `Service` principal in the corpus's trust policies and templates is known (T016).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from iamlint.iam.catalogue import condition_key_type, is_known_action
from iamlint.iam.managed import managed_policy
from iamlint.iam.principals import is_known_service_principal

SHARED = Path(__file__).parents[2] / ".." / "shared"
CORPUS = SHARED / "corpus"
MANAGED_DIR = CORPUS / "managed-policies"


@pytest.fixture(scope="module")
def corpus_policies() -> dict[str, dict[str, Any]]:
    if not MANAGED_DIR.is_dir():
        pytest.skip("../shared/corpus/managed-policies is not beside the repository")
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in MANAGED_DIR.glob("*.json")}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    stmts = document.get("Statement", [])
    stmts = [stmts] if isinstance(stmts, dict) else stmts
    return [s for s in stmts if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_managed_policy_action_is_known(corpus_policies: dict[str, Any]) -> None:
    assert len(corpus_policies) > 1000
    unknown: dict[str, str] = {}
    checked = 0
    for name, document in corpus_policies.items():
        for stmt in statements(document):
            for key in ("Action", "NotAction"):
                for action in as_list(stmt.get(key, [])):
                    checked += 1
                    if not is_known_action(action):
                        unknown.setdefault(action, name)
    assert checked > 50_000
    assert unknown == {}, f"{len(unknown)} unknown actions (action: policy): {unknown}"


def test_typed_condition_keys_in_managed_policies_are_known(
    corpus_policies: dict[str, Any],
) -> None:
    unknown: dict[str, str] = {}
    for name, document in corpus_policies.items():
        for stmt in statements(document):
            condition = stmt.get("Condition", {})
            for operator, block in condition.items():
                if operator.startswith("Null") or not isinstance(block, dict):
                    continue  # Null only tests presence: any key is fine there
                for key in block:
                    if condition_key_type(key) is None:
                        unknown.setdefault(key, name)
    assert unknown == {}, f"condition keys without a type (key: policy): {unknown}"


def test_shipped_documents_match_the_corpus(corpus_policies: dict[str, Any]) -> None:
    differing = [name for name, doc in corpus_policies.items() if managed_policy(name) != doc]
    assert differing == []


# --- service principals in trust policies and templates -----------------------------------


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TemplateLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """YAML with CloudFormation short tags (!Sub, !Ref, ...) read as {"Fn::Sub": ...}."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _construct_tag)


def literal_values(value: Any) -> list[str]:
    """The strings a principal value can take: literals, !Sub text, !Join of literals and
    AWS::URLSuffix, both branches of !If. Anything else is unknown until deploy: skipped."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in literal_values(item)]
    if not isinstance(value, dict) or len(value) != 1:
        return []
    ((fn, arg),) = value.items()
    if fn == "Fn::Sub":
        return [arg if isinstance(arg, str) else arg[0]]
    if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
        return literal_values(arg[1]) + literal_values(arg[2])
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        parts = []
        for part in arg[1]:
            if part == {"Ref": "AWS::URLSuffix"}:
                part = "amazonaws.com"
            if not isinstance(part, str):
                return []
            parts.append(part)
        return [arg[0].join(parts)]
    return []


def string_leaves(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from string_leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from string_leaves(value)
    elif isinstance(node, str):
        yield node


def service_principals(node: Any) -> Iterator[str]:
    """`Principal.Service` values anywhere (also inside embedded JSON policy strings), and the
    values of CloudFormation mappings named like "ServicePrincipalPartitionMap"."""
    if isinstance(node, dict):
        mappings = node.get("Mappings")
        if isinstance(mappings, dict):
            for map_name, table in mappings.items():
                if "principal" in map_name.lower():
                    yield from string_leaves(table)
        principal = node.get("Principal")
        if isinstance(principal, dict):
            for key, value in principal.items():
                if key.lower() == "service":
                    yield from literal_values(value)
        for value in node.values():
            yield from service_principals(value)
    elif isinstance(node, list):
        for value in node:
            yield from service_principals(value)
    elif isinstance(node, str) and node.lstrip().startswith("{"):
        with contextlib.suppress(ValueError):
            yield from service_principals(json.loads(node))


def documents(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        if path.suffix == ".json":
            return [json.loads(text)]
        return list(yaml.load_all(text, Loader=_TemplateLoader))
    except (ValueError, yaml.YAMLError):
        return []  # the corpus holds deliberately broken files


def test_every_service_principal_in_the_corpus_is_known() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    found: dict[str, str] = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml") or MANAGED_DIR in path.parents:
            continue
        for document in documents(path):
            for principal in service_principals(document):
                found.setdefault(principal, str(path.relative_to(CORPUS)))
    assert {"ecs-tasks.amazonaws.com", "eks-fargate-pods.amazonaws.com"} <= set(found)
    unknown = {p: f for p, f in found.items() if not is_known_service_principal(p)}
    assert unknown == {}, f"unknown service principals (principal: file): {unknown}"
