"""eksctl ClusterConfig -> model: what eksctl creates, positions in the eksctl file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamlint.api import Analysis, analyse
from iamlint.config import Config
from iamlint.finding import Severity
from iamlint.load.document import Pointer
from iamlint.model import FARGATE_ROLE, IDENTITY, IRSA_ROLE, NODE_ROLE, POD_IDENTITY_ROLE, Role

FIXTURES = Path(__file__).parent / "fixtures" / "eksctl"
CLUSTER = FIXTURES / "cluster.yaml"
CONFIG_MAP_MODE = FIXTURES / "config-map-mode.yaml"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "eksctl"


@pytest.fixture(scope="module")
def cluster() -> Analysis:
    return analyse([str(CLUSTER)], Config())


def position(path: Path, needle: str, inside: str = "") -> tuple[int, int]:
    """1-based (line, column) of `inside` within the first `needle` of the file."""
    text = path.read_text()
    offset = text.index(needle) + (needle.index(inside) if inside else 0)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(pointer: Pointer | None) -> tuple[int | None, int | None]:
    assert pointer is not None
    location = pointer.location()
    return location.line, location.column


def created(analysis: Analysis, where_: str) -> Role:
    return next(r for r in analysis.model.roles if r.arn.endswith(f"#{where_}"))


def lint(tmp_path: Path, files: dict[str, str]) -> Analysis:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return analyse([str(tmp_path / name) for name in files], Config())


def failing(analysis: Analysis) -> set[str]:
    return {f.rule for f in analysis.findings if f.severity >= Severity.WARNING}


HEADER = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n"


# --- recognition and the cluster --------------------------------------------------------


def test_only_eksctl_cluster_configs_are_claimed(tmp_path: Path) -> None:
    other = "apiVersion: example.com/v1\nkind: ClusterConfig\nmetadata:\n  name: demo\n"
    assert lint(tmp_path, {"other.yaml": other}).model.clusters == []
    assert [c.name for c in lint(tmp_path, {"c.yaml": HEADER}).model.clusters] == ["demo"]


def test_cluster_facts(cluster: Analysis) -> None:
    (found,) = cluster.model.clusters
    assert (found.name, found.region, found.origin) == ("payments", "eu-west-1", "eksctl")
    assert found.authentication_mode == "API_AND_CONFIG_MAP"
    assert found.role_arn == "arn:aws:iam::111122223333:role/payments-cluster"
    assert found.issuer == ""  # known only once the cluster exists


@pytest.mark.parametrize(
    ("extra", "mode"),
    [
        ("", "API_AND_CONFIG_MAP"),  # eksctl's default
        ("accessConfig:\n  authenticationMode: API\n", "API"),
        (
            "outpost:\n  controlPlaneOutpostARN: arn:aws:outposts:us-west-2:1:outpost/op-1\n",
            "CONFIG_MAP",
        ),
    ],
)
def test_authentication_mode_defaults_as_eksctl_does(tmp_path: Path, extra: str, mode: str) -> None:
    (found,) = lint(tmp_path, {"c.yaml": HEADER + extra}).model.clusters
    assert found.authentication_mode == mode


def test_with_oidc_is_an_x008_note_at_its_value(cluster: Analysis) -> None:
    notes = [f for f in cluster.findings if f.rule == "X008"]
    assert [(f.location.line, f.location.column) for f in notes] == [
        position(CLUSTER, "withOIDC: true", "true")
    ]
    assert "withOIDC" in notes[0].message


def test_config_declared_issuer_applies_to_the_cluster(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(HEADER)
    config = Config()
    from iamlint.config import apply_mapping

    issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
    apply_mapping(config, {"clusters": [{"name": "demo", "oidc_issuer": issuer}]}, "config")
    (found,) = analyse([str(tmp_path / "c.yaml")], config).model.clusters
    assert found.issuer.endswith("ABCDEF0123456789ABCDEF0123456789")


# --- iam.serviceAccounts ----------------------------------------------------------------


def test_service_account_and_the_role_eksctl_creates(cluster: Analysis) -> None:
    sa = next(s for s in cluster.model.service_accounts if s.name == "ledger")
    role = created(cluster, "iam.serviceAccounts/payments/ledger")
    assert (sa.namespace, sa.cluster, sa.origin) == ("payments", "payments", "eksctl")
    assert sa.role_arn == role.arn
    assert sa.annotations == {}  # eksctl writes the annotation: nothing to validate here
    assert role.name == "payments-ledger"
    assert role.trust is None  # eksctl writes a correct trust itself
    assert [a.arn for a in role.attachments] == [
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
    ]
    assert IRSA_ROLE in role.usages
    assert where(role.attachments[0].pointer) == position(
        CLUSTER, "- arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", "arn:"
    )
    assert where(sa.pointer) == position(CLUSTER, "- metadata:\n        name: ledger", "metadata")


def test_attach_policy_is_an_identity_policy_of_the_role(cluster: Analysis) -> None:
    role = created(cluster, "iam.serviceAccounts/payments/ledger")
    (policy,) = role.inline_policies
    assert policy.kind == IDENTITY and policy in cluster.model.policies
    assert where(policy.pointer.child("Statement")) == position(
        CLUSTER, "- Effect: Allow\n            Action:\n              - sqs"
    )


def test_inline_policy_mistakes_are_reported_where_written(tmp_path: Path) -> None:
    text = HEADER + (
        "iam:\n  withOIDC: true\n  serviceAccounts:\n"
        "    - metadata: {name: app, namespace: web}\n"
        "      attachPolicy:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: sqs:SendMesage\n"
        "            Resource: '*'\n"
    )
    analysis = lint(tmp_path, {"c.yaml": text})
    (p004,) = [f for f in analysis.findings if f.rule == "P004"]
    assert (p004.location.line, p004.location.column) == position(
        tmp_path / "c.yaml", "sqs:SendMesage"
    )


def test_namespace_defaults_to_default(cluster: Analysis) -> None:
    sa = next(s for s in cluster.model.service_accounts if s.name == "exporter")
    assert (sa.namespace, sa.namespace_explicit) == ("default", True)


def test_well_known_policies_leave_permissions_incomplete(cluster: Analysis) -> None:
    assert not created(cluster, "iam.serviceAccounts/default/exporter").permissions_complete
    assert created(cluster, "iam.serviceAccounts/payments/ledger").permissions_complete


def test_role_only_creates_the_role_without_the_service_account(cluster: Analysis) -> None:
    assert "batch" not in {s.name for s in cluster.model.service_accounts}
    role = created(cluster, "iam.serviceAccounts/jobs/batch")
    assert role.name == "jobs-batch" and role.usages == set()


def test_attach_role_arn_is_the_annotation_eksctl_writes(cluster: Analysis) -> None:
    sa = next(s for s in cluster.model.service_accounts if s.name == "reports")
    arn = "arn:aws:iam::111122223333:role/payments-reports"
    assert sa.role_arn == arn and sa.annotations == {"eks.amazonaws.com/role-arn": arn}
    (use,) = [u for u in cluster.model.role_uses if u.owner is sa]
    assert where(use.pointer) == position(CLUSTER, f"attachRoleARN: {arn}", "arn:")


def test_attach_role_arn_is_validated_like_an_annotation(tmp_path: Path) -> None:
    text = HEADER + (
        "iam:\n  withOIDC: true\n  serviceAccounts:\n"
        "    - metadata: {name: app}\n"
        "      attachRoleARN: arn:aws:iam::11112222333:role/app\n"
    )
    analysis = lint(tmp_path, {"c.yaml": text})
    (k001,) = [f for f in analysis.findings if f.rule == "K001"]
    assert (k001.location.line, k001.location.column) == position(
        tmp_path / "c.yaml", "arn:aws:iam::11112222333"
    )


def test_attached_role_trust_is_checked_when_the_role_is_scanned(tmp_path: Path) -> None:
    issuer = "oidc.eks.eu-west-1.amazonaws.com/id/5E2A1B9C4D7F3E8A6B0C1D2E3F4A5B6C"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{issuer}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": "system:serviceaccount:reporting:reports",
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }
    role = {
        "Role": {
            "Path": "/",
            "RoleName": "reports",
            "Arn": "arn:aws:iam::111122223333:role/reports",
            "AssumeRolePolicyDocument": trust,
        }
    }
    config = HEADER + (
        "iam:\n  withOIDC: true\n  serviceAccounts:\n"
        "    - metadata: {name: reports, namespace: reports}\n"
        "      attachRoleARN: arn:aws:iam::111122223333:role/reports\n"
    )
    analysis = lint(tmp_path, {"c.yaml": config, "role.json": json.dumps(role, indent=2)})
    (i001,) = [f for f in analysis.findings if f.rule == "I001"]
    assert "namespace" in i001.message
    assert failing(analysis) == {"I001"}


# --- Pod Identity -----------------------------------------------------------------------


def test_pod_identity_associations(cluster: Analysis) -> None:
    by_name = {a.service_account: a for a in cluster.model.pod_identity_associations}
    assert by_name["archiver"].role_arn == "arn:aws:iam::111122223333:role/payments-archiver"
    role = created(cluster, "iam.podIdentityAssociations/payments/audit")
    assert by_name["audit"].role_arn == role.arn and POD_IDENTITY_ROLE in role.usages
    assert [a.arn for a in role.attachments] == [
        "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"
    ]
    audit = [s for s in cluster.model.service_accounts if s.name == "audit"]
    assert [(s.namespace, s.role_arn) for s in audit] == [("payments", "")]  # created, bare


# --- nodes ------------------------------------------------------------------------------


def test_node_group_roles(cluster: Analysis) -> None:
    groups = {g.name: g for g in cluster.model.node_groups}
    general = groups["general"]
    assert general.node_role_arn == "arn:aws:iam::111122223333:role/payments-nodes"
    assert where(general.role_pointer) == position(
        CLUSTER, "instanceRoleARN: arn:aws:iam::111122223333:role/payments-nodes", "arn:"
    )
    assert groups["spot"].node_role_arn == created(cluster, "managedNodeGroups/spot").arn
    assert all(g.cluster == "payments" for g in groups.values())
    (profile,) = cluster.model.instance_profiles
    assert profile.name == "payments-legacy"
    assert profile.roles == ["arn:aws:iam::111122223333:role/payments-legacy"]


def test_created_node_roles_get_the_policies_eksctl_attaches(cluster: Analysis) -> None:
    default = created(cluster, "managedNodeGroups/tools")
    assert {a.arn.rsplit("/", 1)[-1] for a in default.attachments} == {
        "AmazonEKSWorkerNodePolicy",  # the CNI policy goes to IRSA with withOIDC: true
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonSSMManagedInstanceCore",
    }
    listed = created(cluster, "managedNodeGroups/spot")
    assert {a.arn.rsplit("/", 1)[-1] for a in listed.attachments} == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
    }
    assert NODE_ROLE in listed.usages


def test_unmanaged_groups_keep_the_ecr_policy_with_their_own_list(tmp_path: Path) -> None:
    text = HEADER + (
        "nodeGroups:\n  - name: ng\n    iam:\n      attachPolicyARNs:\n"
        "        - arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy\n"
    )
    analysis = lint(tmp_path, {"c.yaml": text})
    role = created(analysis, "nodeGroups/ng")
    assert {a.arn.rsplit("/", 1)[-1] for a in role.attachments} == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
    }


def test_managed_group_listing_policies_without_ecr_cannot_pull(cluster: Analysis) -> None:
    (e001,) = [f for f in cluster.findings if f.rule == "E001"]
    assert "managedNodeGroups/spot" in e001.message
    # the node group's `iam`, where eksctl's role for it is defined
    assert (e001.location.line, e001.location.column) == position(
        CLUSTER, "iam:\n      attachPolicyARNs:\n        - arn:aws:iam::aws:policy/AmazonEKSW"
    )
    assert failing(cluster) == {"E001"}


def test_fargate_profiles(cluster: Analysis) -> None:
    profiles = {p.name: p for p in cluster.model.fargate_profiles}
    assert profiles["batch"].pod_execution_role_arn.endswith(":role/payments-fargate")
    assert profiles["batch"].selectors == [{"namespace": "jobs", "labels": {"runtime": "fargate"}}]
    role = created(cluster, "FargatePodExecutionRole")
    assert profiles["default"].pod_execution_role_arn == role.arn
    assert FARGATE_ROLE in role.usages


# --- aws-auth and access entries -------------------------------------------------------


def test_identity_mappings_are_aws_auth_mappings(cluster: Analysis) -> None:
    (aws_auth,) = cluster.model.aws_auth
    assert (aws_auth.name, aws_auth.namespace, aws_auth.cluster) == (
        "aws-auth",
        "kube-system",
        "payments",
    )
    sections = [(m.section, m.arn, m.username, m.groups) for m in aws_auth.mappings]
    assert sections == [
        (
            "mapRoles",
            "arn:aws:iam::111122223333:role/platform-admins",
            "admin:{{SessionName}}",
            ["platform:admins"],
        ),
        ("mapUsers", "arn:aws:iam::111122223333:user/ci", "ci", ["ci:deployers"]),
        ("mapAccounts", "444455556666", None, []),
    ]
    first = aws_auth.mappings[0]
    assert where(first.arn_pointer) == position(
        CLUSTER, "- arn: arn:aws:iam::111122223333:role/platform-admins", "arn:aws"
    )
    assert where(first.pointer.child("groups")) == position(CLUSTER, "[platform:admins]")


def test_config_map_mode_maps_node_roles_as_eksctl_and_eks_do() -> None:
    analysis = analyse([str(CONFIG_MAP_MODE)], Config())
    (aws_auth,) = analysis.model.aws_auth
    by_arn = {m.arn.rsplit("/", 1)[-1]: m for m in aws_auth.mappings}
    assert by_arn["legacy-windows"].groups == [
        "eks:kube-proxy-windows",
        "system:bootstrappers",
        "system:nodes",
    ]
    assert by_arn["legacy-fargate"].username == "system:node:{{SessionName}}"
    assert "system:node-proxier" in by_arn["legacy-fargate"].groups
    assert by_arn["system"].username == "system:node:{{EC2PrivateDNSName}}"
    # an instance profile written as the role: what eksctl would put into aws-auth (A002);
    # every node role is mapped, so no A005
    assert failing(analysis) == {"A002", "A009"}
    (a002,) = [f for f in analysis.findings if f.rule == "A002"]
    assert (a002.location.line, a002.location.column) == position(
        CONFIG_MAP_MODE, "instanceRoleARN: arn:aws:iam::111122223333:instance-profile", "arn:"
    )


def test_identity_mappings_of_an_api_mode_cluster_are_ignored(tmp_path: Path) -> None:
    text = HEADER + (
        "accessConfig:\n  authenticationMode: API\n"
        "iamIdentityMappings:\n"
        "  - arn: arn:aws:iam::111122223333:role/ops\n    username: ops\n    groups: [ops]\n"
    )
    assert failing(lint(tmp_path, {"c.yaml": text})) == {"A011"}


def test_access_entries(cluster: Analysis) -> None:
    entries = {e.principal_arn.rsplit("/", 1)[-1]: e for e in cluster.model.access_entries}
    viewers = entries["payments-viewers"]
    assert (viewers.type, viewers.username, viewers.groups) == (
        "STANDARD",
        "viewer",
        ["payments:viewers"],
    )
    assert where(viewers.pointer.child("username")) == position(
        CLUSTER, "kubernetesUsername: viewer", "viewer"
    )
    assert entries["payments-windows-nodes"].type == "EC2_WINDOWS"


def test_standard_access_entry_for_a_node_role_is_reported(tmp_path: Path) -> None:
    text = HEADER + (
        "nodeGroups:\n  - name: ng\n    iam:\n"
        "      instanceRoleARN: arn:aws:iam::111122223333:role/nodes\n"
        "accessConfig:\n  accessEntries:\n"
        "    - principalARN: arn:aws:iam::111122223333:role/nodes\n"
        "      kubernetesGroups: [system:nodes]\n"
    )
    assert "A012" in failing(lint(tmp_path, {"c.yaml": text}))


# --- real files -------------------------------------------------------------------------

# findings on the corpus that are right: an 3-digit account in an `attachRoleARN` (K001),
# `system:masters` granted by `iamIdentityMappings` (A009)
DEFENDED = {
    ("eksctl_13-iamserviceaccounts.yaml", "K001"),
    ("eksctl_35-iamidentitymappings.yaml", "A009"),
    ("eksctl_iam-identity-mappings_L26.yaml", "A009"),
}


def test_corpus_loads_with_only_defended_findings() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    analysis = analyse([str(CORPUS)], Config())
    assert not [f for f in analysis.findings if f.rule in ("X001", "X003", "X004")]
    failing_files = {
        (Path(f.location.file).name, f.rule)
        for f in analysis.findings
        if f.severity >= Severity.WARNING
    }
    assert failing_files <= DEFENDED
    assert len(analysis.model.clusters) >= 50
