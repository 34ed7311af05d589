"""Mechanical fixes: shown under findings, in JSON and SARIF; `check --diff` prints them as
a unified diff and writes nothing; `check --fix` applies them and reports what remains."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = HERE / "fixtures" / "fixes"
SNAPSHOTS = HERE / "snapshots"
SARIF_SCHEMA = HERE.parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def iamlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "iamlint", *args],
        cwd=cwd,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(cwd)},
        timeout=120,
    )
    # decoded by hand: text mode would turn the `\r\n` of a CRLF file's diff into `\n`
    return subprocess.CompletedProcess(
        run.args, run.returncode, run.stdout.decode("utf-8"), run.stderr.decode("utf-8")
    )


def copy_case(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(CASES / name, target)
    (target / ".git").mkdir()  # the config search stops here
    return target


def file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def findings(root: Path) -> list[dict]:  # type: ignore[type-arg]
    run = iamlint("check", ".", "--format", "json", "--fail-on", "error", cwd=root)
    return json.loads(run.stdout)["findings"]


CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASE_NAMES)
def test_diff_prints_the_fixes_and_writes_nothing(
    case: str, tmp_path: Path, update_snapshots: bool
) -> None:
    root = copy_case(case, tmp_path)
    before = file_bytes(root)
    run = iamlint("check", ".", "--diff", cwd=root)
    assert run.returncode == 1, run.stderr
    assert "fixable" in run.stderr and "(--fix applies them)" in run.stderr
    snapshot = SNAPSHOTS / f"fix_{case}.diff"
    if update_snapshots:
        snapshot.write_bytes(run.stdout.encode("utf-8"))
    assert run.stdout == snapshot.read_bytes().decode("utf-8")
    assert file_bytes(root) == before


@pytest.mark.parametrize("case", CASE_NAMES)
def test_fix_applies_the_diff_and_the_findings_go(case: str, tmp_path: Path) -> None:
    root = copy_case(case, tmp_path)
    fixable = [f for f in findings(root) if "fix" in f]
    assert fixable
    run = iamlint("check", ".", "--fix", "--format", "json", cwd=root)
    assert "iamlint: fixed" in run.stderr
    remaining = json.loads(run.stdout)["findings"]
    assert not [f for f in remaining if "fix" in f]
    fixed_keys = {(f["rule"], f["file"], f["line"]) for f in fixable}
    assert not fixed_keys & {(f["rule"], f["file"], f["line"]) for f in remaining}
    assert remaining == findings(root)  # what --fix reports is what a new run finds
    # `--fix` wrote exactly what `--diff` shows
    expected = tmp_path / "by-patch"
    shutil.copytree(CASES / case, expected)
    patch = (SNAPSHOTS / f"fix_{case}.diff").read_bytes()
    _git_apply(patch, expected)
    assert file_bytes(expected) == {k: v for k, v in file_bytes(root).items() if k != ".git"}


def _git_apply(patch: bytes, directory: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed: cannot check the diff applies")
    subprocess.run(
        [git, "apply", "--whitespace=nowarn", "-"],
        input=patch,
        cwd=directory,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": str(directory.parent)},
    )


def test_no_fix_no_diff_exit_0(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}\n'
    (tmp_path / "policy.json").write_text(policy)
    run = iamlint("check", ".", "--diff", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == ""
    assert (tmp_path / "policy.json").read_text() == policy


def test_fix_keeps_crlf_and_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    lines = [
        "Statement:",
        "  - Effect: allow",
        "    Action: s3:GetObject",
        "    Resource: arn:aws:s3:::team/${aws:username}/*",
        "",
    ]
    path = tmp_path / "policy.yaml"
    path.write_bytes(codecs.BOM_UTF8 + "\r\n".join(lines).encode())
    run = iamlint("check", ".", "--fix", cwd=tmp_path)
    assert "P003" not in run.stdout and "P002" not in run.stdout, run.stdout
    fixed = path.read_bytes()
    assert fixed.startswith(codecs.BOM_UTF8)
    body = fixed[len(codecs.BOM_UTF8) :]
    assert b"\n" not in body.replace(b"\r\n", b"")  # every line still ends in CRLF
    assert body.split(b"\r\n") == [
        b'Version: "2012-10-17"',
        b"Statement:",
        b"  - Effect: Allow",
        b"    Action: s3:GetObject",
        b"    Resource: arn:aws:s3:::team/${aws:username}/*",
        b"",
    ]


def test_diff_of_a_crlf_file_keeps_its_line_endings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "policy.json"
    path.write_bytes(b'{\r\n  "Version": "2012-10-17",\r\n  "Statement": [{"Effect": "deny", '
                     b'"Action": "s3:*", "Resource": "*"}]\r\n}\r\n')
    before = path.read_bytes()
    run = iamlint("check", ".", "--diff", cwd=tmp_path)
    assert run.returncode == 1
    assert '-  "Statement": [{"Effect": "deny", "Action": "s3:*", "Resource": "*"}]\r\n' in run.stdout
    assert '+  "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]\r\n' in run.stdout
    assert path.read_bytes() == before


def test_no_fix_in_files_that_record_aws_or_are_generated(tmp_path: Path) -> None:
    """A Terraform plan, `aws iam get-role` output and rendered Helm output are not edited:
    the fix belongs in their source (or the account)."""
    (tmp_path / ".git").mkdir()
    get_role = {
        "Role": {
            "RoleName": "app",
            "Path": "/",
            "Arn": "arn:aws:iam::111122223333:role/app",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                     "Action": "sts:AssumeRole"}
                ]
            },
        }
    }
    (tmp_path / "get-role.json").write_text(json.dumps(get_role, indent=2))
    (tmp_path / "rendered.yaml").write_text(
        "---\n# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n"
        "metadata:\n  name: app\n  namespace: shop\n  annotations:\n"
        '    eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/app "\n'
    )
    run = iamlint("check", ".", "--format", "json", cwd=tmp_path)
    reported = json.loads(run.stdout)["findings"]
    assert {f["rule"] for f in reported} >= {"P002", "K001"}
    assert not [f for f in reported if "fix" in f]
    assert iamlint("check", ".", "--diff", cwd=tmp_path).returncode == 0


def test_text_shows_a_fix_line_unless_quiet(tmp_path: Path) -> None:
    root = copy_case("policies", tmp_path)
    text = iamlint("check", "trust.json", cwd=root).stdout.splitlines()
    effect = text.index(next(line for line in text if " P003 " in line))
    assert text[effect + 1] == "  fix: write `Allow`"
    quiet = iamlint("check", "trust.json", "-q", cwd=root).stdout
    assert " P003 " in quiet and "fix:" not in quiet


def test_json_fix_keeps_the_documented_keys(tmp_path: Path) -> None:
    root = copy_case("policies", tmp_path)
    reported = findings(root)
    effect = next(f for f in reported if f["rule"] == "P003")
    documented = {
        "rule", "severity", "message", "file", "line", "column", "end_line", "end_column",
        "resource", "related", "fingerprint",
    }
    assert set(effect) == documented | {"fix"}
    assert effect["fix"] == {
        "description": "write `Allow`",
        "edits": [
            {"file": "trust.json", "line": 4, "column": 17, "end_line": 4, "end_column": 24,
             "replacement": '"Allow"'}
        ],
    }
    assert all(set(f) == documented for f in reported if "fix" not in f)


def test_sarif_fixes_are_valid_artifact_changes(tmp_path: Path) -> None:
    root = copy_case("policies", tmp_path)
    run = iamlint("check", ".", "--format", "sarif", cwd=root)
    document = json.loads(run.stdout)
    results = document["runs"][0]["results"]
    effect = next(r for r in results if r["ruleId"] == "P003")
    (change,) = effect["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "trust.json", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 17, "endLine": 4, "endColumn": 24},
            "insertedContent": {"text": '"Allow"'},
        }
    ]
    assert effect["fixes"][0]["description"] == {"text": "write `Allow`"}
    if not SARIF_SCHEMA.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not beside the repository")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(document)
