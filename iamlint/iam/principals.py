"""Known AWS service principals ("ecs-tasks.amazonaws.com"), for T016 and its suggestions.

Backed by `iamlint/data/service_principals.json`: principals in their global form, gathered from
the catalogue's service prefixes, AWS managed policies and a curated list. Other partitions'
forms (`ec2.amazonaws.com.cn`, `ec2.c2s.ic.gov`) and regional forms
(`logs.us-east-1.amazonaws.com`) are recognised by normalising them to the global form.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from iamlint.record import record

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "service_principals.json"
GLOBAL_SUFFIX = "amazonaws.com"

_REGION_RE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")
# CloudFormation pseudo parameters and doc placeholders standing for a region or DNS suffix
_REGION_PLACEHOLDERS = frozenset(
    {"${aws::region}", "${region}", "{region}", "<region>", "region-code", "${awsregion}"}
)
_SUFFIX_PLACEHOLDERS = ("${aws::urlsuffix}",)


def is_known_service_principal(principal: str) -> bool:
    """True if `principal` (any case, any partition or region form) is a known AWS service
    principal."""
    known = _known()
    split = known.split(principal)
    return split is not None and split[0] in known.part_set


def closest_service_principal(principal: str) -> str | None:
    """The known service principal nearest to `principal` by edit distance ("did you mean
    ecs-tasks.amazonaws.com?"), written in the same partition form; None when nothing is
    close. A known principal is its own closest."""
    known = _known()
    split = known.split(principal)
    if split is None:  # the DNS suffix itself is off ("ec2.amazonaws.con"): compare whole names
        return _nearest(principal.strip().lower(), known.full_names)
    part, suffix = split
    if part in known.part_set:
        return _join(part, suffix)
    best = _nearest(part, known.parts)
    return _join(best, suffix) if best else None


def known_service_principals() -> frozenset[str]:
    """Every known principal in its global form."""
    return frozenset(_known().full_names)


def _join(part: str, suffix: str) -> str:
    return f"{part}.{suffix}" if suffix else part


def _nearest(word: str, candidates: tuple[str, ...]) -> str | None:
    limit = 1 if len(word) <= 4 else 2
    best: tuple[int, str] | None = None
    for candidate in candidates:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = _edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, candidate) < best):
            best = (distance, candidate)
    return best[1] if best else None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@record(frozen=True)
class _Known:
    parts: tuple[str, ...]  # "ecs-tasks", "pods.eks", "alexa-appkit.amazon.com"
    part_set: frozenset[str]
    outside_names: frozenset[str]  # principals not under amazonaws.com: "alexa-appkit.amazon.com"
    full_names: tuple[str, ...]
    suffixes: tuple[str, ...]  # longest first

    def split(self, principal: str) -> tuple[str, str] | None:
        """(service part, partition suffix) of a principal, regions dropped; None when it ends
        in no known suffix. Principals outside amazonaws.com come back whole with suffix ""."""
        name = principal.strip().lower()
        for placeholder in _SUFFIX_PLACEHOLDERS:
            name = name.replace(placeholder, GLOBAL_SUFFIX)
        if name in self.outside_names:
            return name, ""
        for suffix in self.suffixes:
            if name.endswith("." + suffix):
                labels = name[: -len(suffix) - 1].split(".")
                kept = [x for x in labels if not _is_region(x)]
                return ".".join(kept), suffix
        return None


def _is_region(label: str) -> bool:
    return label in _REGION_PLACEHOLDERS or bool(_REGION_RE.match(label))


@lru_cache(maxsize=1)
def _known() -> _Known:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    full_names = tuple(data["principals"])
    suffix = "." + GLOBAL_SUFFIX
    parts = tuple(p.removesuffix(suffix) for p in full_names)
    outside = frozenset(p for p in full_names if not p.endswith(suffix))
    suffixes = tuple(sorted(data["partition_suffixes"], key=len, reverse=True))
    return _Known(parts, frozenset(parts), outside, full_names, suffixes)
