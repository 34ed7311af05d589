"""The atheris harness's one-input function over its seed corpus (and a few real-world
files), so that the harness keeps working without atheris installed; and, where atheris
is installed (the dev extra, Linux x86-64), a short coverage-guided run."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
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


FUZZ_SECONDS = 10


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
def test_a_short_fuzzing_run_finds_no_failure(tmp_path: Path) -> None:
    """CI runs the fuzzer briefly; longer runs on demand (docs/reliability.md)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)  # atheris adds the inputs it finds interesting
    run = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("fuzz_loaders.py")), str(corpus),
         f"-max_total_time={FUZZ_SECONDS}", "-timeout=5", "-rss_limit_mb=2048",
         f"-artifact_prefix={tmp_path}/"],
        capture_output=True, text=True, timeout=FUZZ_SECONDS * 6, cwd=tmp_path,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-3000:]
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*"))
    done = re.search(r"Done (\d+) runs", report)
    assert done and int(done.group(1)) > 1000, report[-3000:]
