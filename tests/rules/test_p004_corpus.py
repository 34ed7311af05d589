"""P004 and P005 raise nothing on AWS's own managed policies (../shared corpus).

The corpus holds bare copies of every AWS managed policy; they are checked like any user
file (only policies known to be AWS managed by ARN are skipped by P004), so this pins the
catalogue's coverage of real action names and the ARN checks' tolerance of real ARNs.
"""

from __future__ import annotations

from pathlib import Path

from iamlint.api import analyse
from iamlint.config import Config


def test_managed_policies_have_no_unknown_actions_or_malformed_arns(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "managed-policies"
    config = Config(select=["P004", "P005"])
    analysis = analyse([str(folder)], config)
    assert analysis.files > 1000
    policies = [p for p in analysis.model.policies if not p.aws_managed]
    assert len(policies) >= analysis.files  # every file became a policy that was checked
    shown = [f"{f.location.file}:{f.location.line}: {f.message}" for f in analysis.findings]
    assert shown == []
