"""Run configuration: defaults, `[tool.iamlint]` in pyproject.toml or `.iamlint.yaml`.

`load_config(cwd)` looks for `.iamlint.yaml`, `.iamlint.yml`, then a `pyproject.toml` with a
`[tool.iamlint]` table, in `cwd` and each parent up to the repository root (the first
directory holding `.git`). Keys are kebab-case (`per-file-ignores`, `fail-on`); cluster
facts use the field names of `aws eks describe-cluster` style snake case (`account_id`,
`oidc_issuer`; kebab-case is accepted too). Every problem is a `ConfigError` with a
one-line message naming the file and, where known, the line: exit 2.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from iamlint.finding import Severity
from iamlint.record import field, record


class ConfigError(Exception):
    """Bad configuration or usage: exit 2 with this one-line message."""


@record
class ClusterFact:
    name: str
    account_id: str | None = None
    region: str | None = None
    oidc_issuer: str | None = None  # host/path without https://


@record
class Config:
    select: list[str] = field(default_factory=list)  # empty = all rules
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> IDs
    exclude: list[str] = field(default_factory=list)  # gitignore-style patterns
    fail_on: Severity = Severity.WARNING
    default_namespace: str = "default"
    trust_policy_max_chars: int = 2048
    max_file_bytes: int = 20 * 1024 * 1024
    jobs: int = 0  # processes for large runs: 0 = as many as there are cores (at most 4)
    clusters: list[ClusterFact] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # account id -> alias
    policy_packs: list[str] = field(default_factory=list)
    source: str | None = None  # file the config came from
    # `--cluster NAME`: the cluster(s) the scanned manifests run in
    current_clusters: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path | None:
        """The directory of the config file: relative patterns and paths start there."""
        return Path(self.source).parent if self.source else None


MAX_JOBS = 64
CONFIG_NAMES = (".iamlint.yaml", ".iamlint.yml")
TOML_TABLE = "[tool.iamlint]"
TRUST_POLICY_MAX_QUOTA = 8192  # AWS's highest "role trust policy length" quota
# validation patterns (re caches them once used; nothing is compiled at import)
RULE_SELECTOR = r"^[A-Z]{1,4}[0-9]{0,4}$"
ACCOUNT_ID = r"^[0-9]{12}$"
REGION = r"^[a-z]{2}(-[a-z0-9]+)+-[0-9]{1,2}$"
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"

Key = str | int
KeyPath = tuple[Key, ...]
LineOf = Callable[[KeyPath], "int | None"]


def load_config(cwd: Path, explicit: Path | None = None) -> Config:
    """The configuration for a run from `cwd`: the explicit file, the nearest one, or defaults."""
    base = Path(os.path.abspath(cwd))
    if explicit is not None:
        path = explicit if explicit.is_absolute() else base / explicit
        return _load_file(path, base, required=True) or Config(source=str(path))
    for directory in (base, *base.parents):
        for candidate in _candidates(directory):
            config = _load_file(candidate, base, required=False)
            if config is not None:
                return config
        if (directory / ".git").exists():
            break
    return Config()


def _candidates(directory: Path) -> list[Path]:
    return [directory / name for name in (*CONFIG_NAMES, "pyproject.toml")]


def _load_file(path: Path, cwd: Path, *, required: bool) -> Config | None:
    """Config from `path`; None when it is absent, or a pyproject.toml without our table."""
    shown = _display(path, cwd)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{shown}: config file not found") from None
        return None
    except IsADirectoryError:
        if required:
            raise ConfigError(f"{shown}: is a directory, not a config file") from None
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read config: {_reason(error)}") from None
    if path.suffix == ".toml":
        return _from_pyproject(text, path, shown, required=required)
    return _from_yaml(text, path, shown)


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def _display(path: Path, cwd: Path) -> str:
    try:
        shown = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        shown = str(path)
    return shown.replace(os.sep, "/")


# --- pyproject.toml -------------------------------------------------------------------


def _from_pyproject(text: str, path: Path, shown: str, *, required: bool) -> Config | None:
    if "iamlint" not in text and not required:
        return None  # the common case: a project's pyproject without our table, unparsed
    data = _parse_toml(text, shown)
    table = data.get("tool", {}).get("iamlint") if isinstance(data.get("tool"), dict) else None
    if table is None:
        if required:
            raise ConfigError(f"{shown}: no {TOML_TABLE} table")
        return None
    positions = _TomlPositions(text)
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}:{positions.line(()) or 1}: {TOML_TABLE} must be a table")
    config = Config(source=str(path))
    apply_mapping(config, table, shown, line_of=positions.line, table=TOML_TABLE)
    return config


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None


class _TomlPositions:
    """Line numbers of keys inside `[tool.iamlint]`, found by scanning the text.

    tomllib gives no positions; this covers the usual layouts: keys in `[tool.iamlint]`,
    sub-tables `[tool.iamlint.per-file-ignores]`, arrays of tables `[[tool.iamlint.clusters]]`,
    dotted keys, and inline tables (found by searching forward from the parent key).
    """

    # patterns, not compiled regexes: compiled on first use, so that importing is cheap
    HEADER = r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$"
    _PART = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
    KEY = rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*="

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (line number, table path, is array of tables, key path or None for the header)
        self.entries: list[tuple[int, tuple[str, ...], bool, tuple[str, ...] | None]] = []
        table: tuple[str, ...] = ()
        array = False
        for number, line in enumerate(self.lines, start=1):
            header = re.match(self.HEADER, line)
            if header:
                table, array = _dotted(header.group(2)), header.group(1) == "[["
                self.entries.append((number, table, array, None))
                continue
            key = re.match(self.KEY, line)
            if key:
                self.entries.append((number, table, array, _dotted(key.group(1))))

    def line(self, path: KeyPath) -> int | None:
        if not path:
            return self._first(lambda t, a, k: t == ("tool", "iamlint") and k is None)
        head, rest = str(path[0]), path[1:]
        found = self._top_key(head)
        if found is None:
            return None
        number, array_table = found
        if rest and isinstance(rest[0], int) and array_table:
            number = self._nth_array_header(head, rest[0]) or number
            rest = rest[1:]
        for part in rest:
            if isinstance(part, str):
                number = self._forward(number, part) or number
        return number

    def _first(self, test: Callable[[tuple[str, ...], bool, object], bool]) -> int | None:
        for number, table, array, key in self.entries:
            if test(table, array, key):
                return number
        return None

    def _top_key(self, name: str) -> tuple[int, bool] | None:
        for number, table, array, key in self.entries:
            full = table + (key or ())
            if full[:3] == ("tool", "iamlint", name):
                return number, key is None and array and table == ("tool", "iamlint", name)
        return None

    def _nth_array_header(self, name: str, index: int) -> int | None:
        headers = [
            number
            for number, table, array, key in self.entries
            if key is None and array and table == ("tool", "iamlint", name)
        ]
        return headers[index] if 0 <= index < len(headers) else None

    def _forward(self, start: int, token: str) -> int | None:
        pattern = re.compile(r"""(^|[\s{,.\[])["']?""" + re.escape(token) + r"""["']?\s*=""")
        for number in range(start, len(self.lines) + 1):
            if number > start and re.match(self.HEADER, self.lines[number - 1]):
                return None
            if pattern.search(self.lines[number - 1]):
                return number
        return None


def _dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([^.\s"']+)""", text)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)


# --- .iamlint.yaml --------------------------------------------------------------------


def _from_yaml(text: str, path: Path, shown: str) -> Config:
    from iamlint.load import ParseError, SourceFile, load_text

    try:
        documents = load_text(SourceFile(shown, text))
    except ParseError as error:
        where = f"{shown}:{error.line}" if error.line else shown
        raise ConfigError(f"{where}: {error.message}") from None
    config = Config(source=str(path))
    if not documents or documents[0].data is None:
        return config
    if len(documents) > 1:
        raise ConfigError(f"{shown}: expected one YAML document, found {len(documents)}")
    document = documents[0]
    if not isinstance(document.data, dict):
        raise ConfigError(f"{shown}:1: the config must be a mapping of keys to values")

    def line_of(key_path: KeyPath) -> int | None:
        return document.root().child(*key_path).at_key().location().line

    apply_mapping(config, document.data, shown, line_of=line_of)
    return config


# --- validation -----------------------------------------------------------------------


def apply_mapping(
    config: Config,
    data: Mapping[Any, Any],
    source: str,
    *,
    line_of: LineOf | None = None,
    table: str = "",
) -> None:
    """Validate `data` (kebab-case keys) and set the matching fields of `config`.

    `source` names the file in messages; `line_of(key_path)` gives a key's line, if known.
    """
    checker = _Checker(source, line_of or (lambda _path: None), table)
    for key, value in data.items():
        setter = _SETTERS.get(key) if isinstance(key, str) else None
        if setter is None:
            raise checker.unknown_key((key,), list(_SETTERS), table or "the config")
        setter(config, value, checker, (key,))


class _Checker:
    """Builds ConfigErrors that name the file and, when known, the line of a key."""

    def __init__(self, source: str, line_of: LineOf, table: str) -> None:
        self.source = source
        self.line_of = line_of
        self.table = table

    def error(self, path: KeyPath, message: str) -> ConfigError:
        line = self.line_of(path) if path else None
        where = f"{self.source}:{line}" if line else self.source
        return ConfigError(f"{where}: {message}")

    def unknown_key(self, path: KeyPath, known: list[str], scope: str) -> ConfigError:
        key = path[-1]
        import difflib

        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
        return self.error(path, f"unknown key '{key}' in {scope}{hint}")


def _label(path: KeyPath) -> str:
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "a mapping", type(None): "empty"})
    return names.get(type(value), type(value).__name__)


def _string(value: Any, checker: _Checker, path: KeyPath) -> str:
    if not isinstance(value, str) or not value.strip():
        raise checker.error(
            path, f"{_label(path)} must be a non-empty string, not {_type_name(value)}"
        )
    return value.strip()


def _strings(value: Any, checker: _Checker, path: KeyPath) -> list[str]:
    """A list of strings; a single comma-separated string is accepted too."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list):
        raise checker.error(
            path, f"{_label(path)} must be a list of strings, not {_type_name(value)}"
        )
    return [_string(item, checker, (*path, index)) for index, item in enumerate(value)]


def _selectors(value: Any, checker: _Checker, path: KeyPath) -> list[str]:
    selectors = [item.upper() for item in _strings(value, checker, path)]
    for item in selectors:
        if not re.match(RULE_SELECTOR, item):
            raise checker.error(
                path, f"{_label(path)}: '{item}' is not a rule ID or family (e.g. 'I001' or 'I')"
            )
    return selectors


def _positive_int(value: Any, checker: _Checker, path: KeyPath, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise checker.error(path, f"{_label(path)} must be an integer, not {_type_name(value)}")
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum is not None else ""
        raise checker.error(path, f"{_label(path)} must be at least 1{limit}, not {value}")
    return value


def _set_select(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    config.select = _selectors(value, checker, path)


def _set_ignore(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    config.ignore = _selectors(value, checker, path)


def _set_per_file_ignores(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    if not isinstance(value, dict):
        raise checker.error(
            path, f"per-file-ignores must be a mapping of glob to rule IDs, not {_type_name(value)}"
        )
    result: dict[str, list[str]] = {}
    for pattern, ids in value.items():
        if not isinstance(pattern, str) or not pattern.strip():
            raise checker.error(path, "per-file-ignores: every glob must be a non-empty string")
        result[pattern.strip()] = _selectors(ids, checker, (*path, pattern))
    config.per_file_ignores = result


def _set_exclude(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    config.exclude = _strings(value, checker, path)


def _set_fail_on(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    text = _string(value, checker, path)
    try:
        config.fail_on = Severity.parse(text)
    except ValueError:
        raise checker.error(
            path, f"fail-on: unknown severity '{text}' (use error, warning or info)"
        ) from None


def _set_default_namespace(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    namespace = _string(value, checker, path)
    if not re.match(DNS_LABEL, namespace):
        raise checker.error(
            path,
            f"default-namespace: '{namespace}' is not a valid Kubernetes namespace "
            "(lower-case letters, digits and '-', at most 63 characters)",
        )
    config.default_namespace = namespace


def _set_trust_policy_max_chars(
    config: Config, value: Any, checker: _Checker, path: KeyPath
) -> None:
    config.trust_policy_max_chars = _positive_int(value, checker, path, TRUST_POLICY_MAX_QUOTA)


def _set_max_file_bytes(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    config.max_file_bytes = _positive_int(value, checker, path)


def _set_jobs(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_JOBS:
        raise checker.error(
            path, f"{_label(path)} must be an integer from 0 (automatic) to {MAX_JOBS}"
        )
    config.jobs = value


def _set_policy_packs(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    root = config.root
    packs = _strings(value, checker, path)
    config.policy_packs = [
        str(root / pack) if root and not Path(pack).is_absolute() else pack for pack in packs
    ]


def _set_accounts(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    """`accounts: {"111122223333": prod}` or a list of IDs (then the alias is empty)."""
    if isinstance(value, list):
        items: list[tuple[Any, Any]] = [(item, "") for item in value]
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        raise checker.error(
            path, f"accounts must be a mapping of account ID to alias, not {_type_name(value)}"
        )
    accounts: dict[str, str] = {}
    for raw_id, alias in items:
        account_id = _account_id(raw_id, checker, (*path, str(raw_id)))
        if not isinstance(alias, str):
            raise checker.error(
                (*path, str(raw_id)), f"accounts: the alias of {account_id} must be a string"
            )
        accounts[account_id] = alias.strip()
    config.accounts = accounts


def _account_id(value: Any, checker: _Checker, path: KeyPath) -> str:
    # YAML reads an unquoted 111122223333 as an integer: accept it.
    text = str(value).zfill(12) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not re.match(ACCOUNT_ID, text.strip()):
        raise checker.error(path, f"{_label(path)}: '{value}' is not a 12-digit AWS account ID")
    return text.strip()


CLUSTER_KEYS = ("name", "account_id", "region", "oidc_issuer")


def _set_clusters(config: Config, value: Any, checker: _Checker, path: KeyPath) -> None:
    if not isinstance(value, list):
        raise checker.error(
            path,
            f"clusters must be a list of {{name, account_id, region, oidc_issuer}}, "
            f"not {_type_name(value)}",
        )
    clusters: list[ClusterFact] = []
    for index, entry in enumerate(value):
        cluster = _cluster(entry, checker, (*path, index))
        if any(c.name == cluster.name for c in clusters):
            raise checker.error((*path, index), f"clusters: '{cluster.name}' is declared twice")
        clusters.append(cluster)
    config.clusters = clusters


def _cluster(entry: Any, checker: _Checker, path: KeyPath) -> ClusterFact:
    if not isinstance(entry, dict):
        raise checker.error(path, f"{_label(path)} must be a mapping, not {_type_name(entry)}")
    fields: dict[str, Any] = {}
    for key, value in entry.items():
        name = key.replace("-", "_") if isinstance(key, str) else key
        if name not in CLUSTER_KEYS:
            raise checker.unknown_key((*path, key), list(CLUSTER_KEYS), _label(path))
        fields[name] = value
    if "name" not in fields:
        raise checker.error(path, f"{_label(path)} needs a 'name'")
    cluster = ClusterFact(name=_string(fields["name"], checker, (*path, "name")))
    if fields.get("account_id") is not None:
        cluster.account_id = _account_id(fields["account_id"], checker, (*path, "account_id"))
    if fields.get("region") is not None:
        region = _string(fields["region"], checker, (*path, "region"))
        if not re.match(REGION, region):
            raise checker.error(
                (*path, "region"), f"{_label(path)}.region: '{region}' is not an AWS region"
            )
        cluster.region = region
    if fields.get("oidc_issuer") is not None:
        issuer = _string(fields["oidc_issuer"], checker, (*path, "oidc_issuer"))
        cluster.oidc_issuer = normalise_issuer(issuer)
        if not cluster.oidc_issuer or any(c.isspace() for c in cluster.oidc_issuer):
            raise checker.error(
                (*path, "oidc_issuer"),
                f"{_label(path)}.oidc_issuer: '{issuer}' is not an issuer URL "
                "(e.g. oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE)",
            )
    return cluster


def normalise_issuer(issuer: str) -> str:
    """`https://oidc.eks.../id/X/` -> `oidc.eks.../id/X` (the form IAM condition keys use)."""
    text = issuer.strip()
    if text.lower().startswith("https://"):
        text = text[len("https://") :]
    return text.rstrip("/")


_SETTERS: dict[str, Callable[[Config, Any, _Checker, KeyPath], None]] = {
    "select": _set_select,
    "ignore": _set_ignore,
    "per-file-ignores": _set_per_file_ignores,
    "exclude": _set_exclude,
    "fail-on": _set_fail_on,
    "default-namespace": _set_default_namespace,
    "trust-policy-max-chars": _set_trust_policy_max_chars,
    "max-file-bytes": _set_max_file_bytes,
    "jobs": _set_jobs,
    "clusters": _set_clusters,
    "accounts": _set_accounts,
    "policy-packs": _set_policy_packs,
}
