"""`iamlint scan/snapshot --kube-context` against a fake Kubernetes API server on loopback."""

from __future__ import annotations

import base64
import json
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kube_api import FakeKubeApi, closed_port, self_signed_certificate
from typer.testing import CliRunner

from iamlint.api import lint
from iamlint.cli import app
from iamlint.config import Config
from iamlint.sources.k8s_live import read_kube

ACCOUNT = "123456789012"
STAGING_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-staging"
OTHER_NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/other-nodes"
TOKEN = "k8s-aws-v1.right-token"
CONTEXT = "arn:aws:eks:eu-west-1:123456789012:cluster/prod"


def _sa(namespace: str, name: str, role: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "managedFields": [{"x": 1}]}
    if role:
        meta["annotations"] = {"eks.amazonaws.com/role-arn": role}
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


def _pod_template(service_account: str) -> dict[str, Any]:
    return {
        "spec": {
            "serviceAccountName": service_account,
            "containers": [{"name": "main", "image": "nginx:1.27"}],
        }
    }


def _workload(kind: str, name: str, sa: str, owner: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "prod"}
    if owner:
        meta["ownerReferences"] = [{"kind": owner, "name": "x", "apiVersion": "apps/v1"}]
    spec: dict[str, Any] = {"template": _pod_template(sa)}
    if kind == "CronJob":
        spec = {"schedule": "@daily", "jobTemplate": {"spec": {"template": _pod_template(sa)}}}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": spec}


MAP_ROLES = f"- rolearn: {OTHER_NODE_ROLE}\n  username: system:node:{{{{EC2PrivateDNSName}}}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n"


def _cluster() -> FakeKubeApi:
    """prod/app points at a role trusting staging:app; Deployment prod/web names a missing
    ServiceAccount; aws-auth maps another node role only; 5 ServiceAccounts over 3 pages."""
    return FakeKubeApi(
        lists={
            "/api/v1/serviceaccounts": [
                _sa("default", "default"),
                _sa("kube-system", "default"),
                _sa("prod", "default"),
                _sa("prod", "app", STAGING_ROLE),
                _sa("staging", "default"),
            ],
            "/apis/apps/v1/deployments": [
                _workload("Deployment", "web", "web"),
                _workload("Deployment", "api", "app"),
            ],
            "/apis/apps/v1/statefulsets": [],
            "/apis/apps/v1/daemonsets": [],
            "/apis/apps/v1/replicasets": [
                _workload("ReplicaSet", "web-5d8f", "web", owner="Deployment"),
                _workload("ReplicaSet", "bare", "app"),
            ],
            "/apis/batch/v1/jobs": [_workload("Job", "nightly-28911", "app", owner="CronJob")],
            "/apis/batch/v1/cronjobs": [_workload("CronJob", "nightly", "app")],
        },
        objects={
            "/api/v1/namespaces/kube-system/configmaps/aws-auth": {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "aws-auth", "namespace": "kube-system"},
                "data": {"mapRoles": MAP_ROLES},
            }
        },
        token=TOKEN,
    )


@pytest.fixture
def kube(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKubeApi]:
    """The fake cluster over HTTP; `kube.url` is its address."""
    api = _cluster()
    _, server = api.serve()
    monkeypatch.delenv("KUBECONFIG", raising=False)
    yield api
    server.shutdown()
    server.server_close()


def _kubeconfig(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server: str,
    user: dict[str, Any],
    cluster: dict[str, Any] | None = None,
    context: str = CONTEXT,
) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": server, **(cluster or {})}}],
        "users": [{"name": "reader", "user": user}],
        "contexts": [
            {"name": context, "context": {"cluster": context, "user": "reader", "namespace": "x"}}
        ],
        "current-context": context,
    }
    path = tmp_path / "kube" / "config"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


def _scan(*args: str) -> tuple[int, list[dict[str, Any]]]:
    outcome = CliRunner().invoke(app, ["scan", *args, "--format", "json"])
    assert outcome.exit_code in (0, 1), outcome.output
    return outcome.exit_code, json.loads(outcome.stdout)["findings"]


def _by_rule(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == rule]


def test_scan_kube_context_alone_reads_every_page_and_reports_on_live_objects(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kubeconfig(tmp_path, monkeypatch, kube.url, {"token": TOKEN})
    code, findings = _scan("--kube-context", CONTEXT)
    assert code == 1
    (missing,) = _by_rule(findings, "K003")
    assert missing["file"] == f"k8s://{CONTEXT}/prod/Deployment/web"
    assert missing["line"] is None
    assert missing["resource"] == "Deployment prod/web"
    (unresolved,) = _by_rule(findings, "X006")  # the role lives in AWS: not read here
    assert unresolved["file"] == f"k8s://{CONTEXT}/prod/ServiceAccount/app"
    assert not _by_rule(findings, "X005")
    pages = [r.path for r in kube.requests if r.path.startswith("/api/v1/serviceaccounts")]
    assert pages == [
        "/api/v1/serviceaccounts?limit=500",
        "/api/v1/serviceaccounts?limit=500&continue=2",
        "/api/v1/serviceaccounts?limit=500&continue=4",
    ]
    assert {r.method for r in kube.requests} == {"GET"}


def test_read_kube_documents_are_kubectl_shaped_and_skip_owned_objects(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kubeconfig(tmp_path, monkeypatch, kube.url, {"token": TOKEN})
    read = read_kube("")
    assert read.context == CONTEXT and read.eks_cluster == "prod"  # from the context's ARN
    sources = [d.source.removeprefix(f"k8s://{CONTEXT}/") for d in read.documents]
    assert sum(s.split("/")[1] == "ServiceAccount" for s in sources) == 5
    assert "prod/ReplicaSet/bare" in sources and "prod/CronJob/nightly" in sources
    assert "prod/ReplicaSet/web-5d8f" not in sources  # its Deployment is read
    assert "prod/Job/nightly-28911" not in sources  # its CronJob is read
    assert "kube-system/ConfigMap/aws-auth" in sources
    account = next(d.data for d in read.documents if d.source.endswith("prod/ServiceAccount/app"))
    assert (account["apiVersion"], account["kind"]) == ("v1", "ServiceAccount")
    assert "managedFields" not in account["metadata"]


def test_wrong_token_is_one_x005_and_nothing_else(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kubeconfig(tmp_path, monkeypatch, kube.url, {"token": "stale"})
    code, findings = _scan("--kube-context", CONTEXT)
    assert code == 1
    (rejected,) = findings
    assert rejected["rule"] == "X005" and "401 Unauthorized" in rejected["message"]
    assert len(kube.requests) == 1  # no point asking again with credentials refused


def test_token_file_relative_to_the_kubeconfig(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _kubeconfig(tmp_path, monkeypatch, kube.url, {"tokenFile": "token"})
    (path.parent / "token").write_text(TOKEN + "\n")
    _, findings = _scan("--kube-context", CONTEXT)
    assert [f["rule"] for f in findings] == ["K003", "X006"]
    assert {r.authorization for r in kube.requests} == {f"Bearer {TOKEN}"}


def test_forbidden_list_is_x005_naming_the_rbac_permission_and_the_rest_is_read(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kube.forbidden.add("/apis/apps/v1/statefulsets")
    _kubeconfig(tmp_path, monkeypatch, kube.url, {"token": TOKEN})
    _, findings = _scan("--kube-context", CONTEXT)
    (denied,) = _by_rule(findings, "X005")
    assert denied["file"] == f"k8s://{CONTEXT}/statefulsets" and denied["line"] is None
    assert "`list statefulsets (cluster-wide)`" in denied["message"]
    assert "403 Forbidden" in denied["message"]
    assert "grant RBAC get/list on statefulsets cluster-wide" in denied["message"]
    assert _by_rule(findings, "K003")  # deployments and ServiceAccounts still read
    assert any(r.path.startswith("/apis/batch/v1/cronjobs") for r in kube.requests)


EXEC_PLUGIN = """\
import json, os, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
assert sys.argv[1:] == ["eks", "get-token", "--cluster-name", "prod"], sys.argv
print(json.dumps({
    "apiVersion": info["apiVersion"],
    "kind": "ExecCredential",
    "status": {"token": os.environ["PLUGIN_TOKEN"], "expirationTimestamp": "2030-01-01T00:00:00Z"},
}))
"""


def _exec_user(tmp_path: Path, token: str = TOKEN) -> dict[str, Any]:
    script = tmp_path / "plugin.py"
    script.write_text(EXEC_PLUGIN)
    return {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": [str(script), "eks", "get-token", "--cluster-name", "prod"],
            "env": [{"name": "PLUGIN_TOKEN", "value": token}],
        }
    }


def test_exec_plugin_token_is_used(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kubeconfig(tmp_path, monkeypatch, kube.url, _exec_user(tmp_path), context="eks-prod")
    read = read_kube("eks-prod")
    assert read.eks_cluster == "prod"  # from `--cluster-name`
    assert not read.findings and len(read.documents) == 10
    assert {r.authorization for r in kube.requests} == {f"Bearer {TOKEN}"}


def test_failing_exec_plugin_is_a_one_line_usage_error(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = {"exec": {"command": sys.executable, "args": ["-c", "import sys; sys.exit('expired SSO session')"]}}
    _kubeconfig(tmp_path, monkeypatch, kube.url, user)
    outcome = CliRunner().invoke(app, ["scan", "--kube-context", CONTEXT])
    assert outcome.exit_code == 2
    assert outcome.output.strip() == (
        f"iamlint: error: kubeconfig: exec plugin {sys.executable!r} exited 1: expired SSO session"
    )
    assert not kube.requests


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("unknown-context", "kubeconfig: context 'nope' not found (known: " + CONTEXT + ")"),
        ("no-file", "kubeconfig: no file found at"),
        ("not-yaml", "unreadable"),
        ("auth-provider", "auth-provider 'gcp' is not supported"),
    ],
)
def test_unusable_kubeconfig_is_a_one_line_usage_error(
    setup: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user: dict[str, Any] = {"token": TOKEN}
    if setup == "auth-provider":
        user = {"auth-provider": {"name": "gcp"}}
    path = _kubeconfig(tmp_path, monkeypatch, "https://127.0.0.1:9", user)
    if setup == "no-file":
        path.unlink()
    if setup == "not-yaml":
        path.write_text("clusters: [\n")
    context = "nope" if setup == "unknown-context" else CONTEXT
    outcome = CliRunner().invoke(app, ["scan", "--kube-context", context])
    assert outcome.exit_code == 2
    assert expected in outcome.output
    assert outcome.output.strip().count("\n") == 0


def test_unreachable_server_is_one_x005(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    _kubeconfig(tmp_path, monkeypatch, server, {"token": TOKEN})
    code, findings = _scan("--kube-context", CONTEXT)
    assert code == 1
    (failed,) = findings
    assert failed["rule"] == "X005" and "unreachable" in failed["message"]


def test_kubeconfig_files_merge_first_definition_wins(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _kubeconfig(tmp_path / "a", monkeypatch, kube.url, {"token": TOKEN})
    second = _kubeconfig(tmp_path / "b", monkeypatch, "http://127.0.0.1:9", {"token": "x"})
    extra = yaml.safe_load(second.read_text())
    extra["contexts"].append({"name": "other", "context": {"cluster": CONTEXT, "user": "reader"}})
    extra["current-context"] = "other"
    second.write_text(yaml.safe_dump(extra))
    monkeypatch.setenv("KUBECONFIG", f"{first}:{tmp_path / 'missing'}:{second}")
    read = read_kube("other")  # context from the second file, cluster and user from the first
    assert read.context == "other" and not read.findings and read.documents
    assert read_kube(None).context == CONTEXT  # current-context of the first file


# --- TLS ----------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    found = self_signed_certificate(tmp_path)
    if found is None:
        pytest.skip("neither the cryptography package nor the openssl CLI is available")
    return found


def _serve_tls(api: FakeKubeApi, cert: Path, key: Path, client_ca: Path | None = None) -> Any:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(str(client_ca))
    return api.serve(context)


def test_tls_with_authority_data_client_certificate_and_insecure_skip(
    certificate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    api = _cluster()
    api.token = None  # the client certificate authenticates
    url, server = _serve_tls(api, cert, key, client_ca=cert)
    try:
        authority = base64.b64encode(cert.read_bytes()).decode()
        user = {
            "client-certificate-data": base64.b64encode(cert.read_bytes()).decode(),
            "client-key": str(key),
        }
        _kubeconfig(tmp_path, monkeypatch, url, user, {"certificate-authority-data": authority})
        _, findings = _scan("--kube-context", CONTEXT)
        assert url.startswith("https://") and [f["rule"] for f in findings] == ["K003", "X006"]
        _kubeconfig(tmp_path, monkeypatch, url, user, {"insecure-skip-tls-verify": True})
        assert [f["rule"] for f in _scan("--kube-context", CONTEXT)[1]] == ["K003", "X006"]
        _kubeconfig(tmp_path, monkeypatch, url, user)  # the system CAs do not know it
        (failed,) = _scan("--kube-context", CONTEXT)[1]
        assert failed["rule"] == "X005" and "CERTIFICATE_VERIFY_FAILED" in failed["message"]
    finally:
        server.shutdown()
        server.server_close()


# --- with the AWS account (moto) ----------------------------------------------------------


def _staging_role() -> None:
    """A role trusting system:serviceaccount:staging:app of cluster prod (annotated on
    prod/app), with the cluster's OIDC provider registered."""
    import boto3

    cluster = boto3.client("eks").describe_cluster(name="prod")["cluster"]
    issuer = cluster["identity"]["oidc"]["issuer"].removeprefix("https://")
    boto3.client("iam").create_open_id_connect_provider(
        Url=f"https://{issuer}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["b" * 40]
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": "system:serviceaccount:staging:app",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }
    boto3.client("iam").create_role(
        RoleName="app-staging", AssumeRolePolicyDocument=json.dumps(trust)
    )


def test_scan_aws_and_kube_context_cross_reference_live_roles(
    account: str, kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _staging_role()
    _kubeconfig(tmp_path, monkeypatch, kube.url, _exec_user(tmp_path), context="eks-prod")
    _, findings = _scan("--aws", "--kube-context", "eks-prod")
    (untrusted,) = _by_rule(findings, "I001")
    assert untrusted["file"] == "k8s://eks-prod/prod/ServiceAccount/app"
    assert untrusted["line"] is None
    assert "system:serviceaccount:staging:app" in untrusted["message"]
    (unmapped,) = _by_rule(findings, "A005")
    assert unmapped["file"] == "k8s://eks-prod/kube-system/ConfigMap/aws-auth"
    assert "nodes-without-pull" in unmapped["message"]
    assert {"E001", "E004", "T003", "K003"} <= {f["rule"] for f in findings}


def test_snapshot_then_check_gives_the_scan_findings(
    account: str, kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _staging_role()
    _kubeconfig(tmp_path, monkeypatch, kube.url, _exec_user(tmp_path), context="eks-prod")
    _, scanned = _scan("--aws", "--kube-context", "eks-prod")
    snap = tmp_path / "snap"
    outcome = CliRunner().invoke(
        app, ["snapshot", "--aws", "--kube-context", "eks-prod", "-o", str(snap)]
    )
    assert outcome.exit_code == 0, outcome.output
    listing = yaml.safe_load((snap / "k8s_eks-prod_serviceaccounts.yaml").read_text())
    assert listing["kind"] == "List" and len(listing["items"]) == 5
    assert "mapRoles: |" in (snap / "k8s_eks-prod_configmaps.yaml").read_text()
    checked = lint([str(snap)], Config()).findings

    def key(rule: str, resource: str, message: str) -> tuple[str, str, str]:
        return (rule, resource, message)

    from_scan = {key(f["rule"], f["resource"], f["message"]) for f in scanned}
    from_check = {key(f.rule, f.resource, f.message) for f in checked}
    assert from_check == from_scan
    assert {"I001", "A005", "K003", "E004"} <= {rule for rule, _, _ in from_scan}


def test_snapshot_keeps_a_forbidden_kubernetes_read_as_x005(
    kube: FakeKubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kube.forbidden.add("/apis/apps/v1/statefulsets")
    _kubeconfig(tmp_path, monkeypatch, kube.url, {"token": TOKEN})
    snap = tmp_path / "snap"
    outcome = CliRunner().invoke(app, ["snapshot", "--kube-context", CONTEXT, "-o", str(snap)])
    assert outcome.exit_code == 0, outcome.output
    assert "snapshot is incomplete: 1 live reads failed" in outcome.output
    result = lint([str(snap)], Config())
    (denied,) = [f for f in result.findings if f.rule == "X005"]
    assert "`list statefulsets (cluster-wide)`" in denied.message
    assert "403 Forbidden" in denied.message
    assert denied.location.file.endswith("iamlint-live-read.json")
    assert result.incomplete
