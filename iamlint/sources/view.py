"""Views: a document's data in another shape, with positions mapped back to the original.

IaC sources describe the same objects as Kubernetes manifests and AWS CLI output, but in
their own shapes (`metadata[0].annotations` in a Terraform plan, `TaskRoleArn` in a
CloudFormation template, `!If` branches around a policy statement). A view is a Document
whose data is the shape the rest of iamlint reads, while every path into it still
resolves to the exact line and column of the original file: `aliases` maps a path in the
view to a path in the original, and the longest matching prefix wins.

A view path with no alias maps through the alias of its closest aliased ancestor, so
`("metadata", "annotations", "x")` follows `("metadata",) -> (..., "metadata", 0)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamlint.load.document import Document, Path, Pointer, Span


def view(base: Pointer, data: Any, aliases: Mapping[Path, Path] | None = None) -> Pointer:
    """The root of a view of `data` whose positions come from `base`'s document.

    `aliases` maps view paths to absolute paths in `base.doc`; the view root maps to
    `base.path` unless an alias for `()` says otherwise.
    """
    table: dict[Path, Path] = {(): base.path}
    table.update(aliases or {})
    source = base.doc
    resolver = _AliasResolver(source, table)
    document = Document(
        source.source,
        data,
        source.format,
        resolver.span,
        index=source.index,
        helm_source=source.helm_source,
        embedding=source.embedding,
    )
    return document.root()


class _AliasResolver:
    def __init__(self, source: Document, aliases: dict[Path, Path]) -> None:
        self._source = source
        self._aliases = aliases

    def span(self, path: Path, key: bool) -> Span | None:
        return self._source.span(self.original(path), key)

    def original(self, path: Path) -> Path:
        for cut in range(len(path), -1, -1):
            target = self._aliases.get(path[:cut])
            if target is not None:
                return target + path[cut:]
        return path
