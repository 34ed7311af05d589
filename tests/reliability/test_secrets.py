"""Credentials in inputs never reach any output: K004 says where, not what, and no other
rule or parse error quotes them."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from iamlint.api import lint
from iamlint.config import Config
from iamlint.report import FORMATS, render
from iamlint.result import Result

# Not the documentation's EXAMPLE keys: those appear in rule help (SARIF) on purpose.
ACCESS_KEY_ID = "AKIAQ7ZR3MXW5TPL2HVN"
TEMPORARY_KEY_ID = "ASIAZ4K7WQ2M9RTX3BLE"
SECRET_KEY = "h3Jk9/Qw2Er5Ty7Ui8Op0As1Df4Gh6Jk+Zx3Cv5B"
SESSION_TOKEN = "FwoGZXIvYXdzEJr" + "Zm9yZXZlcnRva2Vu" * 8 + "Tm90QVJlYWxUb2tlbg=="
# kubeconfig user tokens: a service account JWT and an EKS token (a presigned STS URL)
BEARER_TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6IlNlY3JldEtpZCJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln"
EKS_TOKEN = "k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXQ"
SECRETS = (ACCESS_KEY_ID, TEMPORARY_KEY_ID, SECRET_KEY, SESSION_TOKEN, BEARER_TOKEN, EKS_TOKEN)
# distinctive slices: a message quoting part of a value leaks it too
FRAGMENTS = (
    ACCESS_KEY_ID[4:], SECRET_KEY[:20], SECRET_KEY[20:], SESSION_TOKEN[15:45],
    BEARER_TOKEN[40:70], EKS_TOKEN[11:41],
)

ENV = f"""
            - name: AWS_ACCESS_KEY_ID
              value: {ACCESS_KEY_ID}
            - name: AWS_SECRET_ACCESS_KEY
              value: {SECRET_KEY}
            - name: AWS_SESSION_TOKEN
              value: "{SESSION_TOKEN}"
            - name: LEGACY_KEY
              value: "id={TEMPORARY_KEY_ID} secret={SECRET_KEY}"
"""

DEPLOYMENT = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploader
  namespace: media
  annotations:
    backup-key: {TEMPORARY_KEY_ID}
spec:
  selector: {{matchLabels: {{app: uploader}}}}
  template:
    metadata:
      labels: {{app: uploader}}
    spec:
      serviceAccountName: uploader
      initContainers:
        - name: init
          image: amazon/aws-cli
          args: ["s3", "cp", "--key", "{SECRET_KEY}"]
          env:{ENV}
      containers:
        - name: app
          image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/uploader:1
          env:{ENV}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: uploader
  namespace: media
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/uploader
    static-key: "{ACCESS_KEY_ID}:{SECRET_KEY}"
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: nightly, namespace: media}}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: amazon/aws-cli
              env:
                - {{name: AWS_ACCESS_KEY_ID, value: {ACCESS_KEY_ID}}}
                - {{name: AWS_SECRET_ACCESS_KEY, value: "{SECRET_KEY}"}}
"""

TASK_DEFINITION = {
    "family": "uploader",
    "taskRoleArn": "arn:aws:iam::111122223333:role/uploader-task",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/uploader:1",
            "environment": [
                {"name": "AWS_ACCESS_KEY_ID", "value": ACCESS_KEY_ID},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET_KEY},
                {"name": "AWS_SESSION_TOKEN", "value": SESSION_TOKEN},
            ],
        }
    ],
}

KUBECONFIG = f"""apiVersion: v1
kind: Config
current-context: prod
clusters: [{{name: prod, cluster: {{server: "https://example.eks.amazonaws.com"}}}}]
contexts: [{{name: prod, context: {{cluster: prod, user: prod}}}}]
users:
  - name: prod
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1alpha1
        command: aws
        args: [eks, get-token]
        env:
          - {{name: AWS_ACCESS_KEY_ID, value: {ACCESS_KEY_ID}}}
          - {{name: AWS_SECRET_ACCESS_KEY, value: "{SECRET_KEY}"}}
  - name: robot
    user: {{token: "{BEARER_TOKEN}"}}
  - name: pasted
    user: {{token: "{EKS_TOKEN}", exec: {{command: aws, env: [{{name: X, value: {EKS_TOKEN}}}]}}}}
"""

AWS_AUTH = f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: aws-auth, namespace: kube-system}}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/{ACCESS_KEY_ID}
      username: "{SECRET_KEY}"
      groups: [system:masters, {{broken
"""

BROKEN_YAML = f"""apiVersion: v1
kind: Pod
spec:
  containers:
    - env: [{{name: AWS_SECRET_ACCESS_KEY, value: "{SECRET_KEY}"}}
      bad: : {SESSION_TOKEN}
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    root = tmp_path_factory.mktemp("secrets")
    (root / "deployment.yaml").write_text(DEPLOYMENT)
    (root / "taskdef.json").write_text(json.dumps(TASK_DEFINITION, indent=2))
    (root / "described-taskdef.json").write_text(json.dumps({"taskDefinition": TASK_DEFINITION}))
    (root / "kubeconfig.yaml").write_text(KUBECONFIG)
    (root / "aws-auth.yaml").write_text(AWS_AUTH)
    (root / "broken.yaml").write_text(BROKEN_YAML)
    # a repeated key is quoted by X009: one shaped like a credential must not be
    repeated = f'{{"{ACCESS_KEY_ID}": 1, "{ACCESS_KEY_ID}": 2, "{SESSION_TOKEN}": 3, "{SESSION_TOKEN}": 4}}'
    (root / "repeated-keys.json").write_text(repeated)
    return lint([str(root)], Config())


def test_inputs_are_read_and_k004_reports_each_place(result: Result) -> None:
    k004 = [f for f in result.findings if f.rule == "K004"]
    per_file = Counter(f.location.file.rsplit("/", 1)[-1] for f in k004)
    # 2 containers x 4 env entries + 2 annotations + 2 CronJob env entries; ECS environment
    # in both task definition shapes; the kubeconfig's exec env (tokens are not AWS keys)
    assert per_file == {
        "deployment.yaml": 12, "taskdef.json": 3, "described-taskdef.json": 3,
        "kubeconfig.yaml": 2,
    }, [f.message for f in k004]
    assert all("value not shown" in f.message for f in k004)
    annotations = {(f.location.line, f.location.column) for f in k004 if "annotation" in f.message}
    assert annotations == {(7, 17), (50, 17)}  # located at the value, which is not shown
    parse_errors = [f for f in result.findings if f.rule == "X001"]
    assert [f.location.file.rsplit("/", 1)[-1] for f in parse_errors] == ["broken.yaml"]
    assert len([f for f in result.findings if f.rule == "X009"]) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_contains_a_secret(result: Result, fmt: str) -> None:
    output = render(result, fmt)
    assert output.strip()
    for secret in SECRETS + FRAGMENTS:
        assert secret not in output, f"{fmt} output leaks {secret[:8]}..."
    # escapes in JSON outputs (`/` may be written `\/`) must not hide a leak either
    if fmt in ("json", "sarif", "gitlab"):
        decoded = json.dumps(json.loads(output), ensure_ascii=False)
        assert not any(secret in decoded for secret in SECRETS + FRAGMENTS)
