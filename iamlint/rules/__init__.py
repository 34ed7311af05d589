"""Rule modules live in one sub-package per family: `iamlint/rules/<family>/<ID>_<slug>.py`."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from iamlint.rules.registry import REGISTRY, Registry

_loaded = False


def load_rules() -> Registry:
    """Import every rule module once; each registers itself."""
    global _loaded
    if not _loaded:
        root = Path(__file__).parent
        for family in sorted(p.name for p in root.iterdir() if p.is_dir() and len(p.name) == 1):
            package = f"iamlint.rules.{family}"
            for info in sorted(pkgutil.iter_modules([str(root / family)]), key=lambda m: m.name):
                importlib.import_module(f"{package}.{info.name}")
        _loaded = True
    return REGISTRY
