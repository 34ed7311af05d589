"""Files -> parsed documents: read, decode and parse every candidate, in one process or
several.

`load_all(candidates, config, jobs)` yields one `LoadedFile` per candidate, in order: its
documents, or the finding that says why it could not be read (X001, or X002 for an
unrendered template).

With several processes (`iamlint.parallel`), forked workers parse the YAML files of the
tail of the list while this process reads the head, which the caller extracts into the
model meanwhile, and every JSON file. Workers send their files back pickled; a YAML
document that crossed processes leaves its node tree behind and composes its text again
only if a finding asks for a position.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Iterator

from iamlint.config import Config
from iamlint.discover import Candidate
from iamlint.finding import Finding, Location, Severity
from iamlint.load import Document, ParseError, SourceFile, decode, load_text
from iamlint.record import record


@record
class LoadedFile:
    """One candidate read and parsed: its documents, or the finding that says why not."""

    candidate: Candidate
    source: SourceFile
    documents: list[Document]
    finding: Finding | None = None


# Below this many YAML files one process reads them all: a fork costs more than it saves.
PARALLEL_MIN_YAML_FILES = 200


def load_all(candidates: list[Candidate], config: Config, jobs: int | None) -> Iterator[LoadedFile]:
    """Every candidate read and parsed, one at a time and in order.

    With several processes, workers parse the YAML files of contiguous blocks of the tail
    of the list while this process reads the head (which the caller extracts meanwhile)
    and then every JSON file of the tail. JSON stays here because `json` is C: unpacking
    a parsed JSON file here costs about as much as parsing it, while YAML construction is
    Python and worth sending."""
    from iamlint.parallel import Workers, choose_jobs

    count = choose_jobs(jobs, _yaml_count(candidates), PARALLEL_MIN_YAML_FILES)
    if count == 1:
        yield from (load_file(candidate, config) for candidate in candidates)
        return
    head, blocks = split_for_workers(candidates, count - 1)
    yaml_blocks = [[c for c in block if not _is_json(c)] for block in blocks]
    tasks = [functools.partial(_load_shard, block, config) for block in yaml_blocks]
    with Workers(tasks) as workers:
        yield from (load_file(candidate, config) for candidate in head)
        tail_json = [load_file(c, config) for block in blocks for c in block if _is_json(c)]
        json_files = iter(tail_json)
        for index, block in enumerate(blocks):
            yaml_files = iter(workers.result(index))
            for candidate in block:
                yield next(json_files) if _is_json(candidate) else next(yaml_files)


def _is_json(candidate: Candidate) -> bool:
    return candidate.display.endswith(".json")


def _yaml_count(candidates: list[Candidate]) -> int:
    return sum(1 for candidate in candidates if not _is_json(candidate))


# Costs relative to reading and parsing one JSON file (bench/, 10k files): reading and
# parsing a YAML file (its construction is Python), pickling it in a worker and
# unpickling it here, and extracting any file's documents into the model (done here).
YAML_COST = 5.5
YAML_PACK_COST = 0.5
YAML_UNPACK_COST = 0.4
EXTRACT_COST = 0.5


def split_for_workers(
    candidates: list[Candidate], workers: int
) -> tuple[list[Candidate], list[list[Candidate]]]:
    """The head for this process and at most `workers` contiguous blocks of the tail.

    Before it needs the workers' results, this process reads every JSON file and the
    head's YAML files, and extracts the head; meanwhile the workers parse and pack the
    tail's YAML files. Then it unpacks them and extracts the tail. The head is the prefix
    for which all of it takes least."""
    yaml = [not _is_json(c) for c in candidates]
    before = float(yaml.count(False))  # every JSON file is read here
    in_workers = yaml.count(True) * (YAML_COST + YAML_PACK_COST)
    after = len(candidates) * EXTRACT_COST + yaml.count(True) * YAML_UNPACK_COST
    best, split = max(before, in_workers / workers) + after, 0
    for index, is_yaml in enumerate(yaml, 1):
        before += EXTRACT_COST + (YAML_COST if is_yaml else 0.0)
        after -= EXTRACT_COST + (YAML_UNPACK_COST if is_yaml else 0.0)
        in_workers -= (YAML_COST + YAML_PACK_COST) if is_yaml else 0.0
        total = max(before, in_workers / workers) + after
        if total < best:
            best, split = total, index
    return candidates[:split], _blocks(candidates[split:], workers)


def _blocks(tail: list[Candidate], workers: int) -> list[list[Candidate]]:
    """`tail` cut into at most `workers` contiguous blocks with about as many YAML files."""
    share = _yaml_count(tail) / workers
    blocks: list[list[Candidate]] = [[]]
    held = 0
    for candidate in tail:
        if not _is_json(candidate) and held + 0.5 > share and len(blocks) < workers:
            blocks.append([])
            held = 0
        blocks[-1].append(candidate)
        held += 0 if _is_json(candidate) else 1
    return [block for block in blocks if block]


def _load_shard(candidates: list[Candidate], config: Config) -> list[LoadedFile]:
    """A worker's share; its result travels pickled (`iamlint.parallel`)."""
    return [load_file(candidate, config) for candidate in candidates]


# --- one file -----------------------------------------------------------------------


def load_file(candidate: Candidate, config: Config) -> LoadedFile:
    source = SourceFile(candidate.display)
    try:
        source.text = _read_text(candidate.path, config.max_file_bytes)
        documents = load_text(source)
    except ParseError as error:
        if _is_unrendered_template(source.text):
            return LoadedFile(candidate, source, [], _template_finding(candidate, error))
        return LoadedFile(candidate, source, [], parse_finding(candidate.display, error))
    return LoadedFile(candidate, source, documents)


def _is_unrendered_template(text: str) -> bool:
    """Helm/Go templates (`{{ ... }}`) or envsubst templates (`${VAR}`)."""
    return ("{{" in text and "}}" in text) or "${" in text


def _template_finding(candidate: Candidate, error: ParseError) -> Finding:
    """Helm/gomplate sources do not parse until rendered: lint the rendered output."""
    hint = (
        "looks like an unrendered template ({{ ... }} or ${...}); lint the rendered output instead"
    )
    if candidate.explicit:
        return parse_finding(
            candidate.display, ParseError(f"{error.message}; {hint}", error.line, error.column)
        )
    line = error.line or 1
    return Finding(
        "X002",
        Severity.INFO,
        f"skipped: {hint} (e.g. `helm template --output-dir`)",
        Location(candidate.display, line, error.column or 1, line, error.column or 1),
        resource=candidate.display,
    )


def _read_text(path: str, limit: int) -> str:
    """The file's text, read with plain system calls: a buffered file object costs more
    to set up than a small file takes to read."""
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except IsADirectoryError:
        raise ParseError("is a directory") from None
    except OSError as error:
        raise ParseError(f"cannot read: {error.strerror or error}") from None
    try:
        raw = _read_descriptor(descriptor, limit)
    except OSError as error:
        if error.errno == errno.EISDIR:
            raise ParseError("is a directory") from None
        raise ParseError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    return decode(raw)


PIPE_CHUNK = 1 << 16
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def _read_descriptor(descriptor: int, limit: int) -> bytes:
    status = os.fstat(descriptor)
    size = status.st_size
    if size > limit:
        raise ParseError(f"file is {size} bytes, over the limit of {limit} (max-file-bytes)")
    # os.read(n) allocates n bytes first: ask for the size known, not for the limit; a
    # pipe has no size, and a file may grow after the check: read on to the end or limit
    chunks = []
    total = 0
    wanted = size + 1 if size else PIPE_CHUNK
    regular = stat.S_ISREG(status.st_mode)
    while total <= limit:
        asked = min(wanted, limit + 1 - total)
        chunk = os.read(descriptor, asked)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if regular and len(chunk) < asked:
            break  # a regular file reads short only at its end: no call to be told so
        wanted = PIPE_CHUNK
    if total > limit:
        raise ParseError(f"file is over the limit of {limit} bytes (max-file-bytes)")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_finding(display: str, error: ParseError) -> Finding:
    line = error.line or 1
    column = error.column or 1
    return Finding(
        "X001",
        Severity.ERROR,
        error.message,
        Location(display, line, column, line, column),
        resource=display,
    )
