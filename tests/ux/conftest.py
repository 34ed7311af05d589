"""Fixtures of the user-experience tests: pack rules never leak into the global registry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from iamlint.rules import load_all_rules
from iamlint.rules.registry import REGISTRY

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rules registered by a test's packs disappear with the test (the meta-tests list all).

    Every rule module is imported first: a module imported while the copy is in place would
    register into the copy only, and later tests would miss that rule."""
    load_all_rules()
    monkeypatch.setattr(REGISTRY, "rules", dict(REGISTRY.rules))
    yield


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root so reported paths are relative to it."""
    monkeypatch.chdir(REPO)
    return REPO
