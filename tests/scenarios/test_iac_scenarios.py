"""The seed scenarios expressed as infrastructure code: each `<scenario>_terraform/` folder
holds the same setup as the plain-file `<scenario>/` folder as a `terraform show -json`
plan (a module, `for_each`, `jsonencode()` output as strings), each
`<scenario>_cloudformation/` as a template with short-form intrinsics. Kubernetes
manifests stay YAML. Each copy must report exactly the error and warning rules the plain
files report; those are computed by running the original, so this stays true as rules
evolve.

Facts a copy cannot express come from the folder's `config.yaml` (`clusters:`), applied
as `tests/rules/test_fixtures.py:fixture_config` applies one:
- `irsa_namespace_typo_cloudformation`: the template creates only the IRSA role of an
  existing cluster; where the plain files have `aws eks describe-cluster` output, the
  config declares the cluster and its OIDC issuer. (`irsa_correct_setup_cloudformation`,
  older, does the same with `.iamlint.yaml`.)
- The Terraform IRSA plans read the existing cluster and OIDC provider with data sources
  (`prior_state`), so they need no config.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.api import Analysis, analyse
from iamlint.config import Config, load_config
from iamlint.finding import Severity
from iamlint.load import SourceFile, load_text

HERE = Path(__file__).parent
IAC = {"terraform": "terraform", "cloudformation": "cloudformation"}  # suffix -> origin
ORIGINALS = (
    "irsa_namespace_typo",
    "irsa_correct_setup",
    "nodes_aws_auth_lost_node_mapping",
    "ecr_node_role_no_basic_auth",
    "ecr_fargate_coredns_401",
    "ecs_exec_task_role_without_ssmmessages",
    "ecs_clean_setup",
)
CLEAN = {"irsa_correct_setup", "ecs_clean_setup"}
VARIANTS = {f"{original}_{suffix}": original for original in ORIGINALS for suffix in IAC}


def folder_config(directory: Path) -> Config:
    """`config.yaml` applied as the rule fixtures apply it (and kept out of the inputs);
    a folder's `.iamlint.yaml` as `iamlint check` finds it."""
    path = directory / "config.yaml"
    if not path.is_file():
        found = directory / ".iamlint.yaml"
        return load_config(directory, found) if found.is_file() else Config()
    from iamlint.config import apply_mapping

    config = Config()
    data = load_text(SourceFile(str(path), path.read_text()))[0].data
    apply_mapping(config, data, str(path))
    config.exclude.append("config.yaml")
    return config


def run(folder: str, monkeypatch: pytest.MonkeyPatch) -> Analysis:
    directory = HERE / folder
    monkeypatch.chdir(directory)
    return analyse(["."], folder_config(directory))


def failing(analysis: Analysis) -> set[str]:
    return {f.rule for f in analysis.findings if f.severity >= Severity.WARNING}


def details(analysis: Analysis) -> str:
    return "\n".join(
        f"{f.location.file}:{f.location.line}: {f.rule} {f.message}" for f in analysis.findings
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_iac_copy_reports_what_the_plain_files_report(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = failing(run(VARIANTS[variant], monkeypatch))
    analysis = run(variant, monkeypatch)
    assert failing(analysis) == expected, details(analysis)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_iac_copy_takes_its_roles_from_the_iac(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = IAC[variant.rsplit("_", 1)[1]]
    roles = run(variant, monkeypatch).model.roles
    assert roles and {r.origin for r in roles} == {origin}


@pytest.mark.parametrize("original", ORIGINALS)
def test_original_is_broken_or_clean_as_named(
    original: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported = failing(run(original, monkeypatch))
    assert (reported == set()) if original in CLEAN else reported, reported


def test_every_iac_folder_is_checked() -> None:
    folders = {p.name for s in IAC for p in HERE.glob(f"*_{s}") if p.is_dir()}
    assert folders == set(VARIANTS)


@pytest.mark.parametrize(
    "variant", ["irsa_namespace_typo_terraform", "irsa_correct_setup_terraform"]
)
def test_terraform_irsa_plans_read_the_existing_cluster(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = run(variant, monkeypatch)
    issuer = "oidc.eks.eu-west-1.amazonaws.com/id/5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C"
    assert [(c.name, c.issuer) for c in analysis.model.clusters] == [("serverless-prod", issuer)]
    assert [p.url for p in analysis.model.oidc_providers] == [issuer]
    assert not [f for f in analysis.findings if f.rule == "X006"], details(analysis)
