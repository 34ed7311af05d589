"""End-to-end IRSA scenarios: the failures behind "AccessDenied when calling the
AssumeRoleWithWebIdentity operation" (troubleshooting seeds 000/001), each a folder of the
files a user has: the ServiceAccount and Deployment manifests, `aws iam get-role` output
(or a CloudFormation template), `aws eks describe-cluster` output, the OIDC provider.

Each scenario asserts the exact set of error and warning rules the whole run reports
(info notes such as X006 are not part of the contract here), so that a cause is reported
once, by the rule that names it, and a correct setup reports nothing at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iamlint.api import analyse
from iamlint.config import Config, load_config
from iamlint.finding import Severity

HERE = Path(__file__).parent

EXPECTED: dict[str, set[str]] = {
    # correct setups: nothing at all at warning or above
    "irsa_correct_setup": set(),
    "irsa_correct_setup_cloudformation": set(),
    "irsa_helm_output_default_namespace_set": set(),
    # the trust's subject does not name the ServiceAccount
    "irsa_namespace_typo": {"I001"},
    "irsa_service_account_name_typo": {"I001"},
    "irsa_plural_prefix": {"T007", "I001"},
    "irsa_stringequals_wildcard": {"T007", "T008", "I001"},
    "irsa_helm_output_namespace_assumed": {"I001"},
    "irsa_shared_role_second_sa_missing": {"I007"},
    # the subject matches, something else is refused
    "irsa_audience_mismatch": {"I003"},
    "irsa_wrong_cluster_provider": {"I002"},
    "irsa_https_in_condition_key": {"T006"},
    # the annotation itself is wrong (seed 000's 11-digit account)
    "irsa_seed000_eleven_digit_account": {"K001"},
    # the pods do not use the annotated ServiceAccount
    "irsa_deployment_uses_other_service_account": {"K003"},
    # EKS Pod Identity beside IRSA
    "irsa_pod_identity_migration_annotation_left": {"K010"},
    "irsa_pod_identity_migrated_trust_left": {"T018"},
}


def scenario_config(directory: Path) -> Config:
    config_file = directory / ".iamlint.yaml"
    return load_config(directory, config_file) if config_file.is_file() else Config()


def test_every_scenario_folder_has_expectations() -> None:
    folders = {p.name for p in HERE.glob("irsa_*") if p.is_dir()}
    # `<scenario>_terraform` / `_cloudformation` copies of these are test_iac_scenarios.py's
    copies = {f"{name}_{iac}" for name in EXPECTED for iac in ("terraform", "cloudformation")}
    assert folders - (copies - set(EXPECTED)) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_irsa_scenario(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = HERE / name
    monkeypatch.chdir(directory)
    config = scenario_config(directory)
    findings = analyse(["."], config).findings
    reported = {f.rule for f in findings if f.severity >= Severity.WARNING}
    details = "\n".join(
        f"{f.location.file}:{f.location.line}: {f.rule} {f.message}" for f in findings
    )
    assert reported == EXPECTED[name], details
