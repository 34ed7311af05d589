"""Rule modules live in one sub-package per family: `iamlint/rules/<family>/<ID>_<slug>.py`.

`_index.py` (generated) maps every rule ID to its module and the model collections it
reads, so a run imports only the rules that have something to read: start-up stays fast
for the one-file runs pre-commit makes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from iamlint.rules.registry import REGISTRY, Registry, Rule

_all_loaded = False


def load_all_rules() -> Registry:
    """Import every rule module found on disk once; each registers itself."""
    global _all_loaded
    if not _all_loaded:
        root = Path(__file__).parent
        for family in sorted(p.name for p in root.iterdir() if p.is_dir() and len(p.name) == 1):
            package = f"iamlint.rules.{family}"
            for info in sorted(pkgutil.iter_modules([str(root / family)]), key=lambda m: m.name):
                importlib.import_module(f"{package}.{info.name}")
        _all_loaded = True
    return REGISTRY


def load_rules() -> Registry:
    """Every rule (for `iamlint rules`, `explain`, documentation)."""
    return load_all_rules()


def known_rule_ids() -> set[str]:
    """Every rule ID, without importing the rule modules."""
    from iamlint.rules._index import RULES

    return set(RULES) | set(REGISTRY.rules)


def rules_for(model: Any) -> list[Rule]:
    """The rules with something to read in `model`, importing only their modules.

    A rule reads the model collections listed in its `reads=`; when all of them are
    empty it cannot report anything, so it is neither imported nor run. Rules without
    `reads` (those the pipeline reports itself) and rules registered outside the index
    (policy packs, tests) always take part.
    """
    from iamlint.rules._index import RULES

    wanted = {rule_id for rule_id, (_, reads) in RULES.items() if _has_input(model, reads)}
    for rule_id in sorted(wanted):
        importlib.import_module(RULES[rule_id][0])
    return [r for r in REGISTRY.sorted() if r.id in wanted or r.id not in RULES]


def _has_input(model: Any, reads: Iterable[str]) -> bool:
    reads = tuple(reads)
    return not reads or any(getattr(model, name, None) for name in reads)
