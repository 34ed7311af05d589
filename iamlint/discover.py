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
    """Candidates found under `root`, each with its real path (to drop duplicates).

    Top-down and depth-first in name order, like `os.walk`: a directory's files, then its
    subdirectories. `os.scandir` gives each entry's type without a `stat` per file.
    Symbolic links to directories are not followed; unreadable directories are skipped.
    """
    results: list[tuple[Candidate, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    # a walked directory is never a symbolic link: its real path is its parent's plus its
    # name, so only the root needs `realpath` (which looks at every directory above)
    pending = [(str(root), "", _with_separator(_identity(str(root))))]
    while pending:
        dirpath, rel_dir, real_prefix = pending.pop()
        listed = _list_directory(dirpath, seen_dirs)
        if listed is None:
            continue
        files, subdirs = listed
        _add_files(results, rel_dir, real_prefix, files, matcher)
        subdirs = [
            d
            for d in subdirs
            if d not in SKIP_DIRS
            and not d.startswith(".")
            and not matcher.excluded(_join(rel_dir, d) + "/")
        ]
        pending.extend(
            (os.path.join(dirpath, d), _join(rel_dir, d), f"{real_prefix}{d}{os.sep}")
            for d in reversed(subdirs)
        )
    return results


def _with_separator(directory: str) -> str:
    return directory if directory.endswith(os.sep) else directory + os.sep


def _list_directory(
    dirpath: str, seen_dirs: set[tuple[int, int]]
) -> tuple[list[os.DirEntry[str]], list[str]] | None:
    """A directory's file entries and the subdirectories to walk, both sorted by name;
    None when it cannot be read or was already walked (a bind mount loop)."""
    try:
        status = os.stat(dirpath)
        key = (status.st_dev, status.st_ino)
        if key in seen_dirs:
            return None
        seen_dirs.add(key)
        with os.scandir(dirpath) as entries:
            listed = sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return None
    files, subdirs = [], []
    for entry in listed:
        if _is_directory(entry):
            if not entry.is_symlink():
                subdirs.append(entry.name)
        elif entry.name.endswith(EXTENSIONS) and not entry.name.startswith("."):
            files.append(entry)
    return files, subdirs


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _add_files(
    results: list[tuple[Candidate, str]],
    rel_dir: str,
    real_prefix: str,
    files: list[os.DirEntry[str]],
    matcher: ExcludeMatcher,
) -> None:
    for entry in files:
        name = entry.name
        full = entry.path
        display = _display(full)
        if matcher.patterns and (
            matcher.excluded(_join(rel_dir, name)) or matcher.excluded(display)
        ):
            continue
        identity = _entry_identity(entry, real_prefix)
        if identity is not None:
            results.append((Candidate(display, full, False), identity))


def _entry_identity(entry: os.DirEntry[str], real_prefix: str) -> str | None:
    """The real path of a walked file, or None for a FIFO, socket or device (see
    `_is_special_file`). The directory entry knows its type: no `realpath` per file."""
    try:
        if entry.is_file(follow_symlinks=False):
            return real_prefix + entry.name
        if entry.is_symlink():
            return None if _is_special_file(entry.path) else _identity(entry.path)
    except OSError:
        return real_prefix + entry.name
    return None


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
