"""Property-based: generated IAM policies, trust policies, aws-auth ConfigMaps,
ServiceAccounts and Deployments, valid and mutated, never crash the pipeline, give the
same bytes twice, stay inside their files, and baseline one finding at a time."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from iamlint.api import Analysis, LintOptions, analyse, lint
from iamlint.baseline import load_baseline, write_baseline
from iamlint.config import Config
from iamlint.finding import Finding
from iamlint.report import render
from iamlint.rules import known_rule_ids
from iamlint.suppress import apply_suppressions

# CI runs a modest number of examples (about 10 s); a longer hunt on demand:
#   IAMLINT_EXAMPLES=5000 pytest tests/reliability/test_properties.py
EXAMPLES = int(os.environ.get("IAMLINT_EXAMPLES", "120"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout; failures print their example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ACCOUNT = "111122223333"
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
# random text: any code point a file can hold (no surrogates)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
NAMES = st.sampled_from(["app", "web", "Worker-1", "ns", "kube-system", "default"]) | st.from_regex(
    r"[a-z][a-z0-9-]{0,10}", fullmatch=True
)
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=6,
)


def maybe_junk(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid value, sometimes anything (a mutated field)."""
    return st.one_of(valid, valid, valid, JUNK)


def record(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A mapping whose fields may be mutated, and whose required keys may go missing."""
    fields = {key: maybe_junk(value) for key, value in required.items()}
    optional_fields = {key: maybe_junk(value) for key, value in optional.items()}
    complete = st.fixed_dictionaries(fields, optional=optional_fields)
    return st.one_of(
        complete, complete, st.fixed_dictionaries({}, optional={**fields, **optional_fields})
    )


ACTIONS = st.sampled_from(
    ["s3:GetObject", "s3:*", "*", "iam:PassRole", "sts:AssumeRoleWithWebIdentity",
     "ecr:GetAuthorizationToken", "S3:getobject", "ec2:Describe*", "sts:TagSession"]
) | TEXT
ROLE_ARN = NAMES.map(lambda name: f"arn:aws:iam::{ACCOUNT}:role/{name}")
RESOURCES = st.sampled_from(["*", "arn:aws:s3:::bucket/*", f"arn:aws:iam::{ACCOUNT}:role/app"])
EFFECTS = st.sampled_from(["Allow", "Deny", "allow"])

STATEMENT = record(
    {"Effect": EFFECTS, "Action": ACTIONS | st.lists(ACTIONS, max_size=3)},
    {"Sid": TEXT, "Resource": RESOURCES | st.lists(RESOURCES, max_size=2), "NotAction": ACTIONS},
)
POLICY = record(
    {"Version": st.sampled_from(["2012-10-17", "2008-10-17"]),
     "Statement": st.lists(STATEMENT, min_size=1, max_size=3) | STATEMENT},
    {"Id": TEXT},
)
TRUST_CONDITION = st.builds(
    lambda ns, sa, op: {op: {f"{ISSUER}:sub": f"system:serviceaccount:{ns}:{sa}",
                             f"{ISSUER}:aud": "sts.amazonaws.com"}},
    NAMES, NAMES, st.sampled_from(["StringEquals", "StringLike", "StringEqualsIgnoreCase"]),
)
TRUST_STATEMENT = record(
    {"Effect": EFFECTS,
     "Principal": st.just({"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"})
     | st.just({"AWS": "*"}) | st.just("*"),
     "Action": st.sampled_from(["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"])},
    {"Condition": TRUST_CONDITION},
)
TRUST_POLICY = record(
    {"Version": st.just("2012-10-17"),
     "Statement": st.lists(TRUST_STATEMENT, min_size=1, max_size=2)},
    {},
)
GET_ROLE = st.builds(
    lambda name, trust: {"Role": {"RoleName": name, "Path": "/",
                                  "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                  "AssumeRolePolicyDocument": trust}},
    NAMES, TRUST_POLICY,
)
METADATA = record({"name": NAMES, "namespace": NAMES}, {"annotations": st.fixed_dictionaries(
    {}, optional={"eks.amazonaws.com/role-arn": ROLE_ARN | TEXT,
                  "eks.amazonaws.com/token-expiration": st.sampled_from(["86400", "60", "x"])})})
SERVICE_ACCOUNT = record(
    {"apiVersion": st.just("v1"), "kind": st.just("ServiceAccount"), "metadata": METADATA}, {}
)
ENV = st.lists(record({"name": st.sampled_from(["AWS_REGION", "AWS_ROLE_ARN", "HOME"]) | TEXT},
                      {"value": TEXT | ROLE_ARN}), max_size=3)
CONTAINER = record({"name": NAMES, "image": st.sampled_from(
    ["nginx", f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1"])}, {"env": ENV})
DEPLOYMENT = record(
    {"apiVersion": st.just("apps/v1"), "kind": st.sampled_from(["Deployment", "StatefulSet"]),
     "metadata": METADATA,
     "spec": record({"template": record({"spec": record(
         {"containers": st.lists(CONTAINER, min_size=1, max_size=2)},
         {"serviceAccountName": NAMES, "automountServiceAccountToken": st.booleans()})}, {})},
         {})},
    {},
)
NODE_USERNAME = st.just("system:node:{{EC2PrivateDNSName}}")
MAP_ROLE = record({"rolearn": ROLE_ARN, "username": NAMES | NODE_USERNAME,
                   "groups": st.lists(st.sampled_from(["system:masters", "system:bootstrappers",
                                                       "system:nodes"]) | TEXT, max_size=2)}, {})
MAP_ROLES_TEXT = st.lists(MAP_ROLE, max_size=3).map(
    lambda roles: yaml.safe_dump(roles, allow_unicode=True)) | TEXT
AWS_AUTH = record(
    {"apiVersion": st.just("v1"), "kind": st.just("ConfigMap"),
     "metadata": st.just({"name": "aws-auth", "namespace": "kube-system"}),
     "data": record({"mapRoles": MAP_ROLES_TEXT}, {"mapUsers": TEXT})},
    {},
)
IAM_DOCUMENTS = POLICY | TRUST_POLICY | GET_ROLE
K8S_DOCUMENTS = SERVICE_ACCOUNT | DEPLOYMENT | AWS_AUTH


@st.composite
def input_files(draw: st.DrawFn) -> dict[str, str]:
    """1-4 files: IAM documents as JSON or YAML, manifests as multi-document YAML; a key
    line is sometimes written twice (a duplicate key, or broken text)."""
    files: dict[str, str] = {}
    for number in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            document = draw(IAM_DOCUMENTS)
            if draw(st.booleans()):
                name = f"iam{number}.json"
                files[name] = json.dumps(document, indent=2, ensure_ascii=False)
            else:
                name = f"iam{number}.yaml"
                files[name] = yaml.safe_dump(document, allow_unicode=True)
        else:
            documents = draw(st.lists(K8S_DOCUMENTS, min_size=1, max_size=3))
            name = f"k8s{number}.yaml"
            files[name] = yaml.safe_dump_all(documents, allow_unicode=True)
        if draw(st.integers(0, 3)) == 0:
            lines = files[name].split("\n")
            files[name] = repeat_line(lines, draw(st.integers(0, len(lines) - 1)))
    return files


def repeat_line(lines: list[str], index: int) -> str:
    """The text with line `index` written twice; a JSON member gets the comma it needs."""
    line = lines[index]
    copy = line if line.endswith(",") or not line.lstrip().startswith('"') else line + ","
    return "\n".join([*lines[:index], copy, *lines[index:]])


@contextmanager
def checkout(files: dict[str, str]) -> Iterator[Path]:
    """The files in a fresh directory, made the working directory (relative paths)."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", newline="")
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(previous)


CONFIG = Config(clusters=[], current_clusters=[])


@SETTINGS
@given(input_files())
# found by this test: an env entry whose name is a list crashed K004 (unhashable)
@example({"k8s0.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, "
          "namespace: app}\nspec:\n  template:\n    spec:\n      containers:\n      - env:\n"
          "        - name: []\n        image: nginx\n        name: app\n"})
def test_analysis_never_crashes_is_deterministic_and_stays_in_files(files: dict[str, str]) -> None:
    with checkout(files):
        analysis = analyse(["."], CONFIG, LintOptions(all_rules=True))
        assert not [f.message for f in analysis.findings if f.rule == "X004"]
        for finding in analysis.findings:
            assert_inside_its_file(finding, files)
        first, second = lint(["."], CONFIG), lint(["."], CONFIG)
        for fmt in ("json", "sarif"):
            assert render(first, fmt) == render(second, fmt)


# YAML counts these as line breaks too; JSON only `\n` (a superset is a safe bound)
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def assert_inside_its_file(finding: Finding, files: dict[str, str]) -> None:
    location = finding.location
    if location.line is None or location.file not in files:
        return
    text = files[location.file]
    line_count = max(len(LINE_BREAKS.split(text)), 1)
    assert 1 <= location.line <= line_count, (finding.rule, location, line_count)
    longest = max(len(line) for line in text.split("\n"))
    assert location.column is None or 1 <= location.column <= longest + 1, (finding.rule, location)


@settings(SETTINGS, max_examples=max(EXAMPLES * 2 // 3, 1))
@given(input_files(), st.data())
def test_baselining_one_fingerprint_removes_exactly_that_finding(
    files: dict[str, str], data: st.DataObject
) -> None:
    with checkout(files) as root:
        analysis = analyse(["."], CONFIG)
        before = suppressed_with(analysis, None)
        candidates = [f for f in before if f.rule != "X007"]
        if not candidates:
            return
        chosen = data.draw(st.sampled_from(candidates))
        write_baseline(root / "baseline.json", [chosen])
        after = suppressed_with(analysis, str(root / "baseline.json"))
    expected = Counter(map(identity, before))
    expected[identity(chosen)] -= 1
    assert Counter(map(identity, after)) == +expected


def suppressed_with(analysis: Analysis, baseline_path: str | None) -> list[Finding]:
    baseline = load_baseline(baseline_path) if baseline_path else None
    outcome = apply_suppressions(
        analysis.findings, analysis.sources, CONFIG, baseline, known_rule_ids()
    )
    return outcome.kept + outcome.unused


def identity(finding: Finding) -> tuple[Any, ...]:
    location = finding.location
    return (finding.rule, location.file, location.line, location.column, finding.message)


SCALAR_MEMBER = re.compile(r'^\s*"[^"]*": (?:"[^"]*"|true|false|null|-?\d+),?$')


@SETTINGS
@given(POLICY | TRUST_POLICY, st.data())
def test_a_repeated_json_member_is_reported_where_it_is_repeated(
    document: Any, data: st.DataObject
) -> None:
    """Writing one scalar member twice gives exactly one X009, at the second copy."""
    lines = json.dumps(document, indent=2, ensure_ascii=True).split("\n")
    members = [i for i, line in enumerate(lines) if SCALAR_MEMBER.match(line)]
    if not members:
        return
    index = data.draw(st.sampled_from(members))
    with checkout({"policy.json": repeat_line(lines, index)}):
        analysis = analyse(["."], CONFIG)
    (x009,) = [f for f in analysis.findings if f.rule == "X009"]
    indent = len(lines[index]) - len(lines[index].lstrip())
    assert (x009.location.line, x009.location.column) == (index + 2, indent + 1)
    assert f"first at {index + 1}:{indent + 1}" in x009.message
