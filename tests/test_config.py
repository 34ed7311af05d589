"""Config discovery, parsing and validation: every problem is one line with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.config import ClusterFact, Config, ConfigError, apply_mapping, load_config
from iamlint.finding import Severity

PYPROJECT = """\
[project]
name = "demo"
version = "1.0"

[tool.ruff]
line-length = 100

[tool.iamlint]
select = ["I", "E001"]
ignore = "X006, t004"
fail-on = "error"
default-namespace = "apps"
trust-policy-max-chars = 4096
max-file-bytes = 1_000_000
exclude = ["generated/", "**/*.tmpl.yaml"]
policy-packs = ["policies/base.yaml"]
accounts = { "111122223333" = "prod", "444455556666" = "staging" }

[tool.iamlint.per-file-ignores]
"charts/**" = ["K003"]
"legacy/*.json" = ["P"]

[[tool.iamlint.clusters]]
name = "prod"
account_id = "111122223333"
region = "eu-west-1"
oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE/"

[[tool.iamlint.clusters]]
name = "dev"
oidc-issuer = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(cwd: Path, explicit: Path | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(cwd, explicit)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path)
    assert config == Config()
    assert config.fail_on == Severity.WARNING and config.source is None


def test_pyproject_table_with_every_key(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    config = load_config(tmp_path)
    assert config.source == str(tmp_path / "pyproject.toml")
    assert config.select == ["I", "E001"]
    assert config.ignore == ["X006", "T004"]
    assert config.fail_on == Severity.ERROR
    assert config.default_namespace == "apps"
    assert config.trust_policy_max_chars == 4096
    assert config.max_file_bytes == 1_000_000
    assert config.exclude == ["generated/", "**/*.tmpl.yaml"]
    assert config.policy_packs == [str(tmp_path / "policies/base.yaml")]
    assert config.accounts == {"111122223333": "prod", "444455556666": "staging"}
    assert config.per_file_ignores == {"charts/**": ["K003"], "legacy/*.json": ["P"]}
    assert config.clusters == [
        ClusterFact(
            "prod",
            "111122223333",
            "eu-west-1",
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        ),
        ClusterFact("dev", oidc_issuer="oidc.eks.us-east-1.amazonaws.com/id/ABC"),
    ]


def test_yaml_config_is_preferred_and_accepts_yaml_types(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    write(
        tmp_path / ".iamlint.yaml",
        "select: [I]\nclusters:\n  - name: prod\n    account_id: 111122223333\n"
        "accounts: [444455556666]\n",
    )
    config = load_config(tmp_path)
    assert config.source == str(tmp_path / ".iamlint.yaml")
    assert config.select == ["I"]
    assert config.clusters == [ClusterFact("prod", account_id="111122223333")]
    assert config.accounts == {"444455556666": ""}
    assert config.fail_on == Severity.WARNING  # nothing from pyproject.toml is merged in


def test_discovery_walks_up_to_the_git_root_and_no_further(tmp_path: Path) -> None:
    write(tmp_path / ".iamlint.yaml", "fail-on: info\n")  # outside the repository
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "charts" / "app"
    deep.mkdir(parents=True)
    assert load_config(deep).source is None
    write(repo / "pyproject.toml", '[project]\nname = "x"\n')  # no [tool.iamlint]: skipped
    assert load_config(deep).source is None
    write(repo / "pyproject.toml", '[project]\nname = "x"\n[tool.iamlint]\nfail-on = "info"\n')
    assert load_config(deep).source == str(repo / "pyproject.toml")
    write(repo / "charts" / ".iamlint.yml", "fail-on: error\n")
    nearest = load_config(deep)
    assert nearest.source == str(repo / "charts" / ".iamlint.yml")
    assert nearest.fail_on == Severity.ERROR


def test_unknown_key_names_the_line_and_a_suggestion(tmp_path: Path) -> None:
    text = PYPROJECT.replace('select = ["I", "E001"]\n', "").replace(
        "exclude =", 'selekt = ["I"]\nexclude ='
    )
    assert text.splitlines()[13] == 'selekt = ["I"]'
    write(tmp_path / "pyproject.toml", text)
    assert error_of(tmp_path) == (
        "pyproject.toml:14: unknown key 'selekt' in [tool.iamlint] (did you mean 'select'?)"
    )


def test_unknown_key_in_yaml_and_in_a_cluster(tmp_path: Path) -> None:
    write(tmp_path / ".iamlint.yaml", "select: [I]\nfail_on: error\n")
    assert error_of(tmp_path) == (
        ".iamlint.yaml:2: unknown key 'fail_on' in the config (did you mean 'fail-on'?)"
    )
    write(tmp_path / ".iamlint.yaml", "clusters:\n  - name: a\n  - name: b\n    acount_id: '1'\n")
    assert error_of(tmp_path) == (
        ".iamlint.yaml:4: unknown key 'acount_id' in clusters[1] (did you mean 'account_id'?)"
    )


def test_toml_positions_in_sub_tables_and_arrays_of_tables(tmp_path: Path) -> None:
    bad_id = PYPROJECT.replace('"legacy/*.json" = ["P"]', '"legacy/*.json" = ["P-3"]')
    write(tmp_path / "pyproject.toml", bad_id)
    assert error_of(tmp_path).startswith("pyproject.toml:21: per-file-ignores.legacy/*.json: 'P-3'")
    write(tmp_path / "pyproject.toml", PYPROJECT.replace("oidc-issuer", "oidc-isuer"))
    assert error_of(tmp_path).startswith(
        "pyproject.toml:31: unknown key 'oidc-isuer' in clusters[1]"
    )
    inline = '[tool.iamlint]\nclusters = [\n  {name = "a"},\n  {name = "b", regoin = "x"},\n]\n'
    write(tmp_path / "pyproject.toml", inline)
    assert error_of(tmp_path).startswith("pyproject.toml:4: unknown key 'regoin'")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("select: 5", ":1: select must be a list of strings, not an integer"),
        ("select: [I, 'no such']", ":1: select: 'NO SUCH' is not a rule ID or family"),
        ("fail-on: critical", ":1: fail-on: unknown severity 'critical' (use error, warning or"),
        ("fail-on: [error]", ":1: fail-on must be a non-empty string, not a list"),
        ("default-namespace: Prod_NS", ":1: default-namespace: 'Prod_NS' is not a valid"),
        ("trust-policy-max-chars: 9000", ":1: trust-policy-max-chars must be at least 1 and at"),
        ("trust-policy-max-chars: true", ":1: trust-policy-max-chars must be an integer, not a"),
        ("max-file-bytes: 0", ":1: max-file-bytes must be at least 1, not 0"),
        ("clusters: {name: a}", ":1: clusters must be a list"),
        ("clusters: [{region: eu-west-1}]", ":1: clusters[0] needs a 'name'"),
        ("clusters: [{name: a, region: europe}]", ":1: clusters[0].region: 'europe' is not an"),
        ("clusters: [{name: a}, {name: a}]", ":1: clusters: 'a' is declared twice"),
        ("clusters: [{name: a, account_id: '1'}]", ":1: clusters[0].account_id: '1' is not a"),
        ("accounts: {'1234': prod}", ":1: accounts.1234: '1234' is not a 12-digit AWS account ID"),
        ("per-file-ignores: [a]", ":1: per-file-ignores must be a mapping of glob to rule IDs"),
        ("- select", ":1: the config must be a mapping"),
        ("select: [I", ": invalid YAML"),
    ],
)
def test_bad_values(tmp_path: Path, line: str, expected: str) -> None:
    write(tmp_path / ".iamlint.yaml", line + "\n")
    message = error_of(tmp_path)
    assert message.startswith(".iamlint.yaml"), message
    assert expected in message, message


def test_explicit_config_file(tmp_path: Path) -> None:
    custom = write(tmp_path / "ci" / "iamlint.yaml", "fail-on: info\n")
    assert load_config(tmp_path, custom).fail_on == Severity.INFO
    assert load_config(tmp_path, Path("ci/iamlint.yaml")).source == str(custom)
    assert error_of(tmp_path, Path("nope.yaml")) == "nope.yaml: config file not found"
    write(tmp_path / "other.toml", '[tool.black]\nline-length = 1\n')
    assert error_of(tmp_path, Path("other.toml")) == "other.toml: no [tool.iamlint] table"
    write(tmp_path / "broken.toml", "[tool.iamlint\n")
    assert error_of(tmp_path, Path("broken.toml")).startswith("broken.toml: invalid TOML:")
    write(tmp_path / "empty.yaml", "")
    assert load_config(tmp_path, Path("empty.yaml")).select == []


def test_config_above_the_working_directory_is_shown_relative(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".iamlint.yaml", "selct: [I]\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert error_of(sub).startswith("../.iamlint.yaml:1: unknown key 'selct'")


def test_apply_mapping_on_plain_data() -> None:
    config = Config()
    apply_mapping(config, {"default-namespace": "team-a", "clusters": [{"name": "c"}]}, "f.yaml")
    assert config.default_namespace == "team-a" and config.clusters == [ClusterFact("c")]
    with pytest.raises(ConfigError, match=r"^f\.yaml: unknown key 'nope'"):
        apply_mapping(config, {"nope": 1}, "f.yaml")


def test_jobs_reads_zero_for_automatic_and_a_count(tmp_path: Path) -> None:
    assert load_config(tmp_path).jobs == 0
    write(tmp_path / ".iamlint.yaml", "jobs: 2\n")
    assert load_config(tmp_path).jobs == 2


@pytest.mark.parametrize("value", ["-1", "65", "true", '"2"'])
def test_jobs_is_an_integer_from_zero_to_the_maximum(tmp_path: Path, value: str) -> None:
    write(tmp_path / ".iamlint.yaml", f"jobs: {value}\n")
    message = error_of(tmp_path)
    assert "jobs must be an integer from 0 (automatic) to 64" in message
    assert ".iamlint.yaml" in message
