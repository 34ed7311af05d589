"""YAML loading: compose with the C loader (keeps marks), construct plain data ourselves.

Only the safe subset is ever constructed: no Python object tags, no custom classes.
Custom tags are kept as data: CloudFormation short forms become their long form
(`!Ref X` -> `{"Ref": "X"}`), anything else becomes the untagged value.
Aliases are shared, and their expanded size is bounded (billion-laughs -> ParseError).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

from iamlint.load.document import Document, DuplicateKey, Path, SourceFile, Span
from iamlint.load.errors import ParseError

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED_MAX = 1 << 16  # entries; values longer than _RESOLVED_VALUE_MAX are not kept
_RESOLVED_VALUE_MAX = 64


class Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader (C parser and composer when available), whose tag resolution is
    remembered: the composer asks Python for the tag of every scalar, and the same keys
    and short values recur in every manifest (a seventh of composing time at 10k files).
    The tag depends only on the node kind, the text and how it was written, as long as no
    path resolver is registered (none is, for the safe loader)."""

    _resolved: ClassVar[dict[tuple[Any, Any, Any], str]] = {}  # shared by all loaders

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if (
                len(self._resolved) < _RESOLVED_MAX
                and (value is None or len(value) <= _RESOLVED_VALUE_MAX)
                and not self.yaml_path_resolvers
            ):
                self._resolved[key] = tag
        return tag  # type: ignore[no-any-return]
_constructor = yaml.constructor.SafeConstructor()

_STR = "tag:yaml.org,2002:str"
_ScalarNode = yaml.ScalarNode
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
}
# CloudFormation short-form intrinsics -> long form key
CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in [
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "And",
            "Equals",
            "If",
            "Not",
            "Or",
            "ToJsonString",
            "Length",
            "ForEach",
        ]
    },
}
_HELM_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)
# A flow collection this deep would overflow the C composer's stack; check before composing.
MAX_DEPTH = 200
# a line's indentation followed by block indicators (`- `, `? `, `: `)
_BLOCK_PREFIX = re.compile(r"^[ \t]*(?:[-?:](?:[ \t]+|$))*", re.MULTILINE)


class FlowKey(str):
    """A mapping key that YAML parsed as a collection (e.g. unquoted `{{x}}`)."""


def load_yaml(source: SourceFile, max_nodes: int | None = None) -> list[Document]:
    text = source.text
    _guard_depth(text)
    budget = max_nodes if max_nodes is not None else 20 * len(text) + 10_000
    try:
        nodes = list(yaml.compose_all(text, Loader=Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ParseError(f"invalid YAML: {exc.problem or exc.context}", line, col) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ParseError(f"YAML nested deeper than {MAX_DEPTH} levels") from None
    helm_sources = (
        [(m.start(), m.group(1)) for m in _HELM_SOURCE.finditer(text)]
        if "# Source: " in text
        else []
    )
    documents = []
    for index, node in enumerate(nodes):
        if node is None:
            continue
        # without an anchor there is no alias: nothing to expand, nothing to bound
        builder = _Builder(budget if "&" in text else None)
        data = builder.build(node, 0)
        if data is None:
            continue  # an empty document (`---` alone)
        document = Document(
            source,
            data,
            "yaml",
            _NodeResolver(node, text, index).span,
            index=index,
            helm_source=_helm_source_for(node, helm_sources),
        )
        if builder.repeated:
            document.duplicates = _duplicate_keys(document, node, builder)
        documents.append(document)
    return documents


def _duplicate_keys(document: Document, root: yaml.Node, builder: _Builder) -> list[DuplicateKey]:
    """Every key written more than once in one of the `builder.repeated` mappings."""
    paths = _paths_to(root, {id(node) for node in builder.repeated})
    duplicates = []
    for node in builder.repeated:
        occurrences: dict[Any, list[yaml.Node]] = {}
        for key_node, _ in node.value:
            if key_node.tag != _MERGE:
                occurrences.setdefault(mapping_key(key_node), []).append(key_node)
        prefix = paths.get(id(node), ())
        for key, key_nodes in occurrences.items():
            if len(key_nodes) > 1:
                spans = tuple(_span_of(key_node) for key_node in key_nodes)
                duplicates.append(DuplicateKey(document, (*prefix, key), spans))
    return duplicates


def _paths_to(root: yaml.Node, targets: set[int]) -> dict[int, Path]:
    """The data path of each target mapping node: one walk for all of them (a hostile
    file may hold thousands), the first path in document order when an alias shares one."""
    paths: dict[int, Path] = {}
    visited: set[int] = set()
    stack: list[tuple[yaml.Node, Path]] = [(root, ())]
    while stack and len(paths) < len(targets):
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if id(node) in targets:
            paths[id(node)] = path
        if isinstance(node, yaml.SequenceNode):
            children = [(child, (*path, i)) for i, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [
                (value, (*path, mapping_key(key))) for key, value in node.value if key.tag != _MERGE
            ]
        else:
            continue
        stack.extend(reversed(children))
    return paths


def _span_of(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _guard_depth(text: str) -> None:
    """Refuse nesting the C composer cannot survive (it recurses on the C stack)."""
    if len(text) < 64 * 1024 and _depth_bound(text) <= MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise ParseError(
                        f"YAML nested deeper than {MAX_DEPTH} levels",
                        mark.line + 1,
                        mark.column + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # compose reports the syntax error with its position


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> ParseError:
    """A character YAML forbids (control characters): one line, with its position."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return ParseError(f"invalid YAML: {exc.reason} (character #x{character:04x})", line, column)


def _depth_bound(text: str) -> int:
    """A cheap upper bound of collection nesting: every flow collection opens with `[`/`{`;
    a block collection nests by indentation or by compact indicators at the start of a
    line (`- - ? x`), so a line's indentation-and-indicators prefix bounds the block
    levels open on it (plus one for a key on that line). A sequence may share its parent
    mapping's indentation, hence the factor 2. One regex pass, no Python loop per line."""
    flow = text.count("[") + text.count("{")
    prefix = max(map(len, _BLOCK_PREFIX.findall(text)), default=0)
    return flow + 2 * (prefix + 1) + 2


def _helm_source_for(node: yaml.Node, sources: list[tuple[int, str]]) -> str | None:
    if not sources:
        return None
    start = node.start_mark.index
    chosen = None
    for offset, path in sources:
        if offset <= start:
            chosen = path
        else:
            break
    return chosen


class _Builder:
    """Node tree -> plain data, sharing aliased nodes and bounding their expansion."""

    def __init__(self, budget: int | None) -> None:
        self.budget = budget  # None: the text has no anchors, so no aliases to bound
        self.memo: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.repeated: list[yaml.MappingNode] = []  # mappings with a key written twice

    def build(self, node: yaml.Node, depth: int) -> Any:
        if self.budget is None:
            return self._construct(node, depth)
        if self._size(node, depth) > self.budget:
            mark = node.start_mark
            raise ParseError(
                f"YAML aliases expand to more than {self.budget} nodes (alias bomb?)",
                mark.line + 1,
                mark.column + 1,
            )
        return self._construct(node, depth)

    def _size(self, node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise ParseError(
                f"YAML nested deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
            )
        key = id(node)
        cached = self.sizes.get(key)
        if cached is not None:
            return cached
        if isinstance(node, yaml.ScalarNode):
            size = 1
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self._size(child, depth + 1) for child in node.value)
        else:
            size = 1 + sum(
                self._size(k, depth + 1) + self._size(v, depth + 1) for k, v in node.value
            )
        self.sizes[key] = size
        if size > self.budget:
            mark = node.start_mark
            raise ParseError(
                f"YAML aliases expand to more than {self.budget} nodes (alias bomb?)",
                mark.line + 1,
                mark.column + 1,
            )
        return size

    def _construct(self, node: yaml.Node, depth: int) -> Any:
        if self.budget is None:  # no aliases: every node is built once, nothing to share
            return self._construct_new(node, depth)
        if node.__class__ is _ScalarNode and node.tag == _STR:
            return node.value  # a string is immutable: sharing it needs no memo
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        value = self._construct_new(node, depth)
        self.memo[key] = value
        return value

    def _construct_new(self, node: yaml.Node, depth: int) -> Any:
        cfn = CFN_TAGS.get(node.tag)
        if cfn is not None:
            inner = self._untagged(node, depth)
            if cfn == "Fn::GetAtt" and isinstance(inner, str):
                inner = inner.split(".", 1)
            return {cfn: inner}
        return self._untagged(node, depth)

    def _untagged(self, node: yaml.Node, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return scalar_value(node)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, depth)
        return self._mapping(node, depth)

    # Plain string scalars are most nodes: they are taken inline, without a call each.

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> list[Any]:
        construct = self._construct
        return [
            child.value
            if child.__class__ is _ScalarNode and child.tag == _STR
            else construct(child, depth + 1)
            for child in node.value
        ]

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        merges = 0
        construct = self._construct
        for key_node, value_node in node.value:
            if key_node.tag == _STR and key_node.__class__ is _ScalarNode:
                key = key_node.value
            elif key_node.tag == _MERGE:
                merged.update(self._merge_sources(value_node, depth))
                merges += 1
                continue
            else:
                key = mapping_key(key_node)
            if value_node.tag == _STR and value_node.__class__ is _ScalarNode:
                result[key] = value_node.value
            else:
                result[key] = construct(value_node, depth + 1)
        if len(result) + merges != len(node.value):
            self.repeated.append(node)  # a key written twice: the last one's value is kept
        if merged:
            return {**merged, **result}
        return result

    def _merge_sources(self, node: yaml.Node, depth: int) -> dict[Any, Any]:
        value = self._construct(node, depth + 1)
        if isinstance(value, dict):
            return value
        combined: dict[Any, Any] = {}
        if isinstance(value, list):
            for item in reversed(value):
                if isinstance(item, dict):
                    combined.update(item)
        return combined


def mapping_key(node: yaml.Node) -> Any:
    """A mapping key as the data holds it."""
    if isinstance(node, yaml.ScalarNode):
        value = scalar_value(node)
        return value if _hashable(value) else FlowKey(str(value))
    return FlowKey(_flow_text(node))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _flow_text(node: yaml.Node) -> str:
    """A readable text for a collection used as a key, e.g. `{EC2PrivateDNSName}`."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(_flow_text(c) for c in node.value) + "]"
    return "{" + ", ".join(_flow_text(k) for k, _ in node.value) + "}"


def scalar_value(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    construct = _SCALAR_CONSTRUCTORS.get(tag)
    if construct is not None:
        try:
            return construct(node)
        except (ValueError, yaml.YAMLError):
            return node.value
    return node.value  # timestamps, binary, unknown tags: keep the text


class _NodeResolver:
    def __init__(self, root: yaml.Node, text: str, index: int) -> None:
        self.root = root
        self.text = text  # and `index`: enough to compose the node tree again
        self.index = index

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent to another process (`iamlint.parallel`), the node tree stays behind: the
        receiver composes the text again, only if a finding asks for a position."""
        return (_RecomposingResolver, (self.text, self.index))

    def span(self, path: Path, key: bool) -> Span | None:
        node: yaml.Node = self.root
        key_node: yaml.Node | None = None
        for part in path:
            found = _child(node, part)
            if found is None:
                return None
            key_node, node = found
        target = key_node if key and key_node is not None else node
        start, end = target.start_mark, target.end_mark
        return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _child(node: yaml.Node, part: Any) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.SequenceNode):
        if isinstance(part, int) and 0 <= part < len(node.value):
            return None, node.value[part]
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    found = None
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            continue
        if isinstance(key_node, yaml.ScalarNode):
            if scalar_value(key_node) == part:
                found = (key_node, value_node)  # the last duplicate wins, as in the data
        elif _flow_text(key_node) == part:
            found = (key_node, value_node)
    if found is None:
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged = _child(value_node, part)
                if merged is not None:
                    return merged
    return found


class _RecomposingResolver:
    """A `_NodeResolver` that composes its document's text on first use."""

    def __init__(self, text: str, index: int) -> None:
        self.text = text
        self.index = index
        self._resolver: _NodeResolver | None = None

    def span(self, path: Path, key: bool) -> Span | None:
        if self._resolver is None:
            nodes = list(yaml.compose_all(self.text, Loader=Loader))
            self._resolver = _NodeResolver(nodes[self.index], self.text, self.index)
        return self._resolver.span(path, key)
