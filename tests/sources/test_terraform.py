"""Terraform plan/state JSON -> model: objects, links through the configuration, X008, positions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamlint.api import Analysis, analyse
from iamlint.config import Config
from iamlint.finding import Severity
from iamlint.load.document import Pointer
from iamlint.model import ECS_TASK_ROLE, IRSA_ROLE, NODE_ROLE, RESOURCE, TRUST, Model, Role
from iamlint.sources.terraform import UNKNOWN, is_terraform_json

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
PLAN = FIXTURES / "eks-plan.json"
PLAN_TEXT = PLAN.read_text()


@pytest.fixture(scope="module")
def plan() -> Analysis:
    return analyse([str(PLAN)], Config())


def position(text: str, needle: str, inside: str = "", start: str = "") -> tuple[int, int]:
    """1-based (line, column) of `inside` within the first `needle` after `start`.

    `start` is looked for after `"resource_changes"`: the plan's source of truth.
    """
    anchor = text.index('"resource_changes"')
    if start:
        anchor = text.index(start, anchor)
    offset = text.index(needle, anchor) + (needle.index(inside) if inside else 0)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(pointer: Pointer) -> tuple[int | None, int | None]:
    location = pointer.location()
    return location.line, location.column


def role(model: Model, name: str) -> Role:
    return next(r for r in model.roles if r.name == name)


def x008(analysis: Analysis) -> dict[str, tuple[int | None, int | None]]:
    return {
        f.message: (f.location.line, f.location.column)
        for f in analysis.findings
        if f.rule == "X008"
    }


def lint(tmp_path: Path, plan: dict[str, Any], indent: int | None = 2) -> Analysis:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=indent))
    return analyse([str(path)], Config())


# --- the fixture: a module, for_each node groups, IRSA, unknown issuer ----------------------


def test_roles_get_the_plan_address_as_identity_until_apply(plan: Analysis) -> None:
    model = plan.model
    names = sorted(r.name for r in model.roles)
    assert names == [
        "app-irsa",
        "prod-api-execution",
        "prod-api-task",
        "prod-eks-cluster",
        "prod-external-dns",
        "prod-node-blue",
        "prod-node-green",
    ]
    blue = role(model, "prod-node-blue")
    assert blue.arn == 'tf:module.eks.aws_iam_role.node["blue"]'
    assert blue.account == "" and blue.origin == "terraform"
    assert blue.trust is not None and blue.trust.kind == TRUST
    assert blue.trust.name == 'module.eks.aws_iam_role.node["blue"] (assume_role_policy)'
    assert blue.trust.document["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_trust_policy_points_at_the_attribute_string(plan: Analysis) -> None:
    trust = role(plan.model, "app-irsa").trust
    assert trust is not None and trust.origin == "terraform"
    start = '"address": "aws_iam_role.app_irsa"'
    assert where(trust.pointer) == position(PLAN_TEXT, '"assume_role_policy": "{', '"{', start)
    statement = trust.document["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    key = "oidc.eks.eu-west-1.amazonaws.com/id/5C5E2B1A0F1D4A3F9B8E7D6C5B4A3921:sub"
    assert statement["Condition"]["StringEquals"][key] == "system:serviceaccount:prod:app"


def test_for_each_node_groups_link_to_their_own_role(plan: Analysis) -> None:
    model = plan.model
    groups = {g.name: g for g in model.node_groups}
    assert set(groups) == {"blue", "green"}
    for name, group in groups.items():
        assert group.cluster == "prod"
        assert group.node_role_arn == f'tf:module.eks.aws_iam_role.node["{name}"]'
        assert group.role_pointer is not None
        start = f'"address": "module.eks.aws_eks_node_group.this[\\"{name}\\"]"'
        assert where(group.role_pointer) == position(
            PLAN_TEXT, '"node_role_arn": true', "true", start
        )
        node_role = role(model, f"prod-node-{name}")
        assert model.resolve_role(group.node_role_arn) is node_role
        assert NODE_ROLE in node_role.usages


def test_policy_attachments_by_role_name(plan: Analysis) -> None:
    attached = [a.arn.rsplit("/", 1)[1] for a in role(plan.model, "prod-node-green").attachments]
    assert attached == [
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
    ]


def test_inline_role_policy_attaches_to_the_named_role(plan: Analysis) -> None:
    app = role(plan.model, "app-irsa")
    assert [p.name for p in app.inline_policies] == ["aws_iam_role_policy.app_irsa_s3 (policy)"]
    assert app.inline_policies[0].owner == "tf:aws_iam_role.app_irsa"


def test_service_account_annotation_resolves_the_role_by_name(plan: Analysis) -> None:
    model = plan.model
    app = next(s for s in model.service_accounts if s.name == "app")
    assert (app.namespace, app.origin) == ("prod", "terraform")
    assert app.role_arn == "arn:aws:iam::111122223333:role/app-irsa"
    use = next(u for u in model.role_uses if u.usage == IRSA_ROLE)
    assert use.role is role(model, "app-irsa")
    start = '"address": "kubernetes_service_account_v1.app"'
    annotation = '"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/app-irsa"'
    assert where(use.pointer) == position(PLAN_TEXT, annotation, '"arn:', start)


def test_cluster_with_unknown_issuer(plan: Analysis) -> None:
    (cluster,) = plan.model.clusters
    assert cluster.name == "prod" and cluster.issuer == ""
    assert cluster.authentication_mode == "API_AND_CONFIG_MAP"
    assert cluster.role_arn == "tf:module.eks.aws_iam_role.cluster"
    message = (
        "module.eks.aws_eks_cluster.this: `identity[0].oidc[0].issuer` is known only after "
        "apply; checks that need the cluster's OIDC issuer are skipped"
    )
    start = '"address": "module.eks.aws_eks_cluster.this"'
    assert x008(plan)[message] == position(PLAN_TEXT, '"identity": true', "true", start)


def test_unknown_values_are_x008_never_objects(plan: Analysis) -> None:
    notes = x008(plan)
    dns = (
        "aws_iam_role.external_dns: `assume_role_policy` is known only after apply; "
        "checks of this policy are skipped"
    )
    start = '"address": "aws_iam_role.external_dns"'
    assert notes[dns] == position(PLAN_TEXT, '"assume_role_policy": true', "true", start)
    assert role(plan.model, "prod-external-dns").trust is None
    annotation = (
        'kubernetes_service_account_v1.external_dns: `metadata[0].annotations["eks.amazonaws.com/'
        "role-arn\"]` is known only after apply; checks of this service account's role are skipped"
    )
    assert annotation in notes
    provider = (
        "module.eks.aws_iam_openid_connect_provider.this: `url` is known only after apply; "
        "checks that need this OIDC provider are skipped"
    )
    assert provider in notes and plan.model.oidc_providers == []
    assert len(notes) == 4


def test_a_correct_plan_raises_only_notes(plan: Analysis) -> None:
    assert [f for f in plan.findings if f.severity != Severity.INFO] == []


def test_task_definition_roles_and_containers(plan: Analysis) -> None:
    model = plan.model
    (task,) = model.task_definitions
    assert task.family == "api" and task.requires_compatibilities == ["FARGATE"]
    assert task.task_role_arn == "tf:aws_iam_role.api_task"
    assert task.execution_role_arn == "tf:aws_iam_role.api_execution"
    (container,) = task.containers
    assert container.image == "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2"
    assert container.log_driver == "awslogs" and container.init_process_enabled
    assert [what for what, _ in container.execution_role_uses] == ["secrets"]
    start = '"address": "aws_ecs_task_definition.api"'
    assert where(container.pointer) == position(
        PLAN_TEXT, '"container_definitions": "[', '"[', start
    )
    # the camelCase view puts the link's `taskRoleArn` on the plan's after_unknown entry
    use = next(u for u in model.role_uses if u.usage == ECS_TASK_ROLE)
    assert use.role is role(model, "prod-api-task")
    assert where(use.pointer) == position(PLAN_TEXT, '"task_role_arn": true', "true", start)


def test_service_in_the_same_plan_marks_its_task_definition(plan: Analysis) -> None:
    (service,) = plan.model.ecs_services
    (task,) = plan.model.task_definitions
    assert service.enable_execute_command and service.task_definition == ""
    assert task.enable_execute_command and task.exec_pointer == service.exec_pointer
    start = '"address": "aws_ecs_service.api"'
    assert service.exec_pointer is not None
    assert where(service.exec_pointer) == position(
        PLAN_TEXT, '"enable_execute_command": true', "true", start
    )


def test_policy_document_data_sources(plan: Analysis) -> None:
    policies = {p.name: p for p in plan.model.policies}
    artifacts = policies["data.aws_iam_policy_document.artifacts_bucket (json)"]
    assert artifacts.kind == RESOURCE and artifacts.inferred
    # node_assume is rendered into both node roles already: not a third copy
    assert not any("node_assume" in name for name in policies)


# --- plan shapes ----------------------------------------------------------------------------


def resource_change(
    address: str,
    kind: str,
    after: dict[str, Any],
    unknown: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    name = address.split(".")[-1].split("[")[0]
    change = {"actions": extra.pop("actions", ["create"]), "before": None, "after": after}
    change["after_unknown"] = unknown or {}
    change["after_sensitive"] = extra.pop("sensitive", {})
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        **extra,
        "change": change,
    }


TRUST_TEXT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "ec2.amazonaws.com"},
            }
        ],
    }
)


def test_is_terraform_json() -> None:
    assert is_terraform_json({"format_version": "1.2", "resource_changes": []})
    assert is_terraform_json({"format_version": "1.0", "values": {"root_module": {}}})
    assert not is_terraform_json({"resource_changes": []})
    assert not is_terraform_json({"format_version": "1.0"})


def test_deleted_instances_are_skipped(tmp_path: Path) -> None:
    gone = resource_change(
        "aws_iam_role.old", "aws_iam_role", {"name": "old", "assume_role_policy": "{"}
    )
    gone["change"].update(actions=["delete"], after=None, before={"name": "old"})
    prior = {
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_role.old",
                        "mode": "managed",
                        "type": "aws_iam_role",
                        "name": "old",
                        "values": {"name": "old", "assume_role_policy": TRUST_TEXT},
                    }
                ]
            }
        }
    }
    analysis = lint(
        tmp_path, {"format_version": "1.2", "resource_changes": [gone], "prior_state": prior}
    )
    assert analysis.model.roles == []


def test_state_output_and_one_line_plans(tmp_path: Path) -> None:
    state = {
        "format_version": "1.0",
        "terraform_version": "1.7.5",
        "values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.iam",
                        "resources": [
                            {
                                "address": "module.iam.aws_iam_role.this[0]",
                                "mode": "managed",
                                "type": "aws_iam_role",
                                "name": "this",
                                "index": 0,
                                "values": {
                                    "name": "node",
                                    "arn": "arn:aws:iam::111122223333:role/node",
                                    "assume_role_policy": TRUST_TEXT,
                                    "inline_policy": [],
                                    "managed_policy_arns": [
                                        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
                                    ],
                                },
                            }
                        ],
                    }
                ]
            }
        },
    }
    analysis = lint(tmp_path, state, indent=None)  # `terraform show -json` prints one line
    (node,) = analysis.model.roles
    assert node.arn == "arn:aws:iam::111122223333:role/node" and node.account == "111122223333"
    assert [a.arn for a in node.attachments] == [
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    ]
    text = (tmp_path / "plan.json").read_text()
    assert node.trust is not None
    assert where(node.trust.pointer) == (1, text.index('"{\\"Version') + 1)


def test_references_through_module_variables_and_outputs(tmp_path: Path) -> None:
    role_change = resource_change(
        "module.iam.aws_iam_role.node",
        "aws_iam_role",
        {"name": "workers", "assume_role_policy": TRUST_TEXT},
        {"arn": True},
        module_address="module.iam",
    )
    group = resource_change(
        "module.eks.aws_eks_node_group.this",
        "aws_eks_node_group",
        {"cluster_name": "prod", "node_group_name": "workers"},
        {"node_role_arn": True},
        module_address="module.eks",
    )
    configuration = {
        "root_module": {
            "module_calls": {
                "iam": {
                    "module": {
                        "outputs": {
                            "node_role_arn": {
                                "expression": {
                                    "references": ["aws_iam_role.node.arn", "aws_iam_role.node"]
                                }
                            }
                        },
                        "resources": [],
                    }
                },
                "eks": {
                    "expressions": {
                        "node_role_arn": {"references": ["module.iam.node_role_arn", "module.iam"]}
                    },
                    "module": {
                        "resources": [
                            {
                                "address": "aws_eks_node_group.this",
                                "mode": "managed",
                                "type": "aws_eks_node_group",
                                "name": "this",
                                "expressions": {
                                    "node_role_arn": {"references": ["var.node_role_arn"]}
                                },
                            }
                        ]
                    },
                },
            }
        }
    }
    plan = {
        "format_version": "1.2",
        "resource_changes": [role_change, group],
        "configuration": configuration,
    }
    analysis = lint(tmp_path, plan)
    (node_group,) = analysis.model.node_groups
    assert node_group.node_role_arn == "tf:module.iam.aws_iam_role.node"
    assert analysis.model.resolve_role(node_group.node_role_arn) is analysis.model.roles[0]
    assert not [f for f in analysis.findings if f.rule == "X008"]


def test_ambiguous_count_reference_stays_unknown(tmp_path: Path) -> None:
    roles = [
        resource_change(
            f"aws_iam_role.node[{i}]",
            "aws_iam_role",
            {"name": f"node-{i}", "assume_role_policy": TRUST_TEXT},
            {"arn": True},
            index=i,
        )
        for i in range(2)
    ]
    group = resource_change(
        "aws_eks_node_group.this",
        "aws_eks_node_group",
        {"node_group_name": "x"},
        {"node_role_arn": True},
    )
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_eks_node_group.this",
                    "mode": "managed",
                    "type": "aws_eks_node_group",
                    "name": "this",
                    "expressions": {"node_role_arn": {"references": ["aws_iam_role.node"]}},
                }
            ]
        }
    }
    analysis = lint(
        tmp_path,
        {
            "format_version": "1.2",
            "resource_changes": [*roles, group],
            "configuration": configuration,
        },
    )
    (node_group,) = analysis.model.node_groups
    assert node_group.node_role_arn == ""
    messages = [f.message for f in analysis.findings if f.rule == "X008"]
    assert messages == [
        "aws_eks_node_group.this: `node_role_arn` is known only after apply; "
        "checks of this role are skipped"
    ]


def test_sensitive_policy_is_not_read(tmp_path: Path) -> None:
    policy = resource_change(
        "aws_iam_policy.secret",
        "aws_iam_policy",
        {"name": "secret", "policy": TRUST_TEXT},
        {"arn": True},
        sensitive={"policy": True},
    )
    analysis = lint(tmp_path, {"format_version": "1.2", "resource_changes": [policy]})
    assert analysis.model.policies == []
    (note,) = [f for f in analysis.findings if f.rule == "X008"]
    assert note.message == (
        "aws_iam_policy.secret: `policy` is sensitive and was not read; checks of this policy "
        "are skipped"
    )


def test_aws_auth_config_map_from_the_kubernetes_provider(tmp_path: Path) -> None:
    map_roles = (
        "- rolearn: arn:aws:iam::111122223333:role/node\n"
        "  username: system:node:{{EC2PrivateDNSName}}\n"
        "  groups:\n  - system:bootstrappers\n  - system:nodes\n"
    )
    config_map = resource_change(
        "kubernetes_config_map_v1_data.aws_auth",
        "kubernetes_config_map_v1_data",
        {
            "metadata": [{"name": "aws-auth", "namespace": "kube-system"}],
            "data": {"mapRoles": map_roles},
            "force": True,
        },
        {"data": {"mapUsers": True}},
    )
    analysis = lint(tmp_path, {"format_version": "1.2", "resource_changes": [config_map]})
    (aws_auth,) = analysis.model.aws_auth
    assert (aws_auth.name, aws_auth.namespace) == ("aws-auth", "kube-system")
    (mapping,) = aws_auth.mappings
    assert mapping.arn == "arn:aws:iam::111122223333:role/node"
    assert mapping.groups == ["system:bootstrappers", "system:nodes"]
    text = (tmp_path / "plan.json").read_text()
    assert where(aws_auth.sections["mapRoles"]) == position(text, '"mapRoles": "- ', '"- ')
    assert [f.message for f in analysis.findings if f.rule == "X008"] == [
        "kubernetes_config_map_v1_data.aws_auth: `data.mapUsers` is known only after apply; "
        "checks of these aws-auth mappings are skipped"
    ]


def test_unknown_execution_role_still_counts_as_present(tmp_path: Path) -> None:
    containers = json.dumps(
        [
            {
                "name": "web",
                "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1",
                "secrets": [
                    {"name": "A", "valueFrom": "arn:aws:ssm:eu-west-1:111122223333:parameter/a"}
                ],
            }
        ]
    )
    task = resource_change(
        "aws_ecs_task_definition.web",
        "aws_ecs_task_definition",
        {
            "family": "web",
            "container_definitions": containers,
            "requires_compatibilities": ["FARGATE"],
        },
        {"execution_role_arn": True, "arn": True},
    )
    analysis = lint(tmp_path, {"format_version": "1.2", "resource_changes": [task]})
    (definition,) = analysis.model.task_definitions
    assert definition.execution_role_arn == ""
    assert definition.pointer.value["executionRoleArn"] == UNKNOWN
    assert not [f for f in analysis.findings if f.rule == "F001"]


def test_real_plans_in_the_corpus(shared_dir: Path) -> None:
    analysis = analyse([str(shared_dir / "corpus" / "terraform")], Config())
    assert not [f for f in analysis.findings if f.rule in ("X001", "X002", "X003", "X004")]
    model = analysis.model
    tf_roles = [r for r in model.roles if r.origin == "terraform"]
    assert len(tf_roles) == 7 and all(r.trust is not None for r in tf_roles)
    assert {c.name for c in model.clusters} >= {"test", "123456789123-acme-corp-eks"}
