"""The atheris harness's one-input function over its seed corpus (and a few real-world
files), so that the harness keeps working without atheris installed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_loaders import fuzz_one

SEEDS = Path(__file__).parent / "fuzz_seeds"
SHARED_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def seed_files() -> list[Path]:
    return sorted(SEEDS.iterdir())


@pytest.mark.parametrize("seed", seed_files(), ids=lambda path: path.name)
def test_harness_accepts_seed(seed: Path) -> None:
    data = seed.read_bytes()
    for variant in (data, data + b"\n", data[: len(data) // 2], data + b"\n\n"):
        fuzz_one(variant)  # the three lengths pick the .json, .yaml and sniffed paths


def test_harness_over_real_world_samples() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    samples = sorted(
        path
        for pattern in ("*.json", "*.yaml", "*.yml")
        for path in SHARED_CORPUS.rglob(pattern)
        if path.stat().st_size < 200_000
    )[::7][:60]
    assert samples
    for sample in samples:
        fuzz_one(sample.read_bytes())


def test_harness_rejects_what_it_should_not_swallow(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loader bug (any exception but ParseError) must surface, or fuzzing finds nothing."""
    import fuzz_loaders

    def broken_loader(source):  # type: ignore[no-untyped-def]
        raise KeyError("loader bug")

    monkeypatch.setattr(fuzz_loaders, "load_text", broken_loader)
    with pytest.raises(KeyError):
        fuzz_one(b'{"a": 1}')
