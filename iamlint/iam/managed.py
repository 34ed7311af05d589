"""AWS managed policies: default-version documents by ARN or name.

Backed by `iamlint/data/managed_policies.json.gz` (every AWS managed policy of the dated source
named in `catalogue.data_info()`, including deleted ones AWS still attaches to old roles).
Loaded on first lookup; each document is parsed only when asked for.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from iamlint.record import record

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "managed_policies.json.gz"

# arn:<partition>:iam::aws:policy/<path/><name>; partitions: aws, aws-cn, aws-us-gov, aws-iso...
_AWS_MANAGED_ARN_RE = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::aws:policy/(?:[^/]+/)*([^/]+)$")


@record(frozen=True)
class ManagedPolicy:
    name: str
    path: str | None  # "/", "/service-role/", ...; None when the source lost it (deleted policy)
    version: str  # default version id, "v3"
    updated: str  # YYYY-MM-DD of the default version, "" if unknown
    deprecated: bool  # AWS deleted or replaced it; still attached to roles created before
    document: dict[str, Any]  # shared: do not modify

    def arn(self, partition: str = "aws") -> str | None:
        if self.path is None:
            return None
        return f"arn:{partition}:iam::aws:policy{self.path}{self.name}"


def is_aws_managed_arn(arn: str) -> bool:
    """True for `arn:<partition>:iam::aws:policy/[path/]Name` (shape only, not existence)."""
    return bool(_AWS_MANAGED_ARN_RE.match(arn))


def managed_policy(arn_or_name: str) -> dict[str, Any] | None:
    """The default version document of an AWS managed policy, or None if unknown.

    Accepts a name ("AmazonEKSWorkerNodePolicy") or an ARN in any partition, with or without
    its path (`ManagedPolicy.path` says the right one). The returned dict is shared."""
    info = managed_policy_info(arn_or_name)
    return info.document if info else None


def managed_policy_info(arn_or_name: str) -> ManagedPolicy | None:
    name = _policy_name(arn_or_name)
    if name is None:
        return None
    return _store().get(name)


def managed_policy_names() -> list[str]:
    return _store().names()


def _policy_name(arn_or_name: str) -> str | None:
    if not arn_or_name.startswith("arn:"):
        return arn_or_name or None
    match = _AWS_MANAGED_ARN_RE.match(arn_or_name)
    return match.group(1) if match else None


class _Store:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = {row["name"]: row for row in rows}
        self._by_lower = {row["name"].lower(): row["name"] for row in rows}
        self._infos: dict[str, ManagedPolicy] = {}

    def names(self) -> list[str]:
        return list(self._rows)

    def get(self, name: str) -> ManagedPolicy | None:
        canonical = name if name in self._rows else self._by_lower.get(name.lower())
        if canonical is None:
            return None
        info = self._infos.get(canonical)
        if info is None:
            row = self._rows[canonical]
            info = ManagedPolicy(
                name=canonical,
                path=row["path"],
                version=row["version"],
                updated=row["updated"],
                deprecated=bool(row.get("deprecated")),
                document=json.loads(row["document"]),
            )
            self._infos[canonical] = info
        return info


@lru_cache(maxsize=1)
def _store() -> _Store:
    import gzip  # only needed once a managed policy is looked up

    with gzip.open(DATA_FILE, "rb") as fh:
        return _Store(json.loads(fh.read())["policies"])
