"""Which files to read: walk the paths, skip what users never want linted."""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path

from iamlint.record import record

SKIP_DIRS = frozenset({".git", "node_modules", ".terraform", "__pycache__", ".venv", "venv"})
EXTENSIONS = (".json", ".yaml", ".yml", ".template")


@record(frozen=True)
class Candidate:
    display: str  # path as shown to users: relative, '/'-separated
    path: str  # path to open
    explicit: bool  # named on the command line (not found by walking)


def discover(paths: list[str], exclude: list[str]) -> tuple[list[Candidate], list[str]]:
    """Files to lint, and one-line problems (missing paths) to report."""
    found: dict[str, Candidate] = {}
    problems: list[str] = []
    matcher = ExcludeMatcher(exclude)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate, identity in _walk(path, matcher):
                found.setdefault(identity, candidate)
        elif path.exists() or path.is_symlink():
            display = _display(raw)
            if not matcher.excluded(display):
                found.setdefault(_identity(raw), Candidate(display, raw, True))
        else:
            problems.append(f"{raw}: no such file or directory")
    return sorted(found.values(), key=lambda c: c.display), problems


def _identity(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path


def _display(path: str) -> str:
    text = path.replace(os.sep, "/")
    while text.startswith("./"):
        text = text[2:]
    return text or "."


def _walk(root: Path, matcher: ExcludeMatcher) -> list[tuple[Candidate, str]]:
    """Candidates found under `root`, each with its real path (to drop duplicates)."""
    results = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        try:
            stat = os.stat(dirpath)
            key = (stat.st_dev, stat.st_ino)
        except OSError:
            dirnames[:] = []
            continue
        if key in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        real_dir = _identity(dirpath)
        rel_dir = _display(os.path.relpath(dirpath, root)) if dirpath != str(root) else ""
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not d.startswith(".")
            and not matcher.excluded(_join(rel_dir, d) + "/")
        )
        for name in sorted(filenames):
            if not name.endswith(EXTENSIONS) or name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            display = _display(full)
            if matcher.excluded(_join(rel_dir, name)) or matcher.excluded(display):
                continue
            identity = _file_identity(full, real_dir, name)
            if identity is not None:
                results.append((Candidate(display, full, False), identity))
    return results


def _file_identity(path: str, real_dir: str, name: str) -> str | None:
    """The real path of a walked file, or None for a FIFO, socket or device (see
    `_is_special_file`). One `lstat` for a plain file: a `realpath` per file would look at
    every directory above it again."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return os.path.join(real_dir, name)
    if stat.S_ISLNK(mode):
        return None if _is_special_file(path) else _identity(path)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return None
    return os.path.join(real_dir, name)


def _is_special_file(path: str) -> bool:
    """A FIFO, socket or device found by walking: reading it may block forever.

    (Named on the command line it is read: `iamlint check <(kubectl get ...)` is a pipe.)
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # broken or looping links are reported as unreadable (X001)
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory and directory != "." else name


class ExcludeMatcher:
    """gitignore-style patterns: `name`, `dir/`, `path/*.json`, `**/generated/**`."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = [p.strip() for p in patterns if p.strip() and not p.startswith("#")]

    def excluded(self, path: str) -> bool:
        return any(self._match(p, path) for p in self.patterns)

    @staticmethod
    def _match(pattern: str, path: str) -> bool:
        is_dir_pattern = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        target = path.rstrip("/")
        if not anchored:
            parts = target.split("/")
            if is_dir_pattern and not path.endswith("/"):
                parts = parts[:-1]  # `dir/` matches directories only, not a file's own name
            return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
        if fnmatch.fnmatchcase(target, pattern) or fnmatch.fnmatchcase(target, pattern + "/*"):
            return True
        if pattern.startswith("**/"):
            return ExcludeMatcher._match(pattern[3:], target)
        prefix = target
        while "/" in prefix:
            prefix = prefix.rsplit("/", 1)[0]
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
        return False
