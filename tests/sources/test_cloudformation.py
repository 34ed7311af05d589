"""CloudFormation templates (and CDK output) -> model: intrinsics, references, positions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamlint.api import Analysis, analyse
from iamlint.config import Config
from iamlint.finding import Severity
from iamlint.load import SourceFile, load_text
from iamlint.load.document import Pointer
from iamlint.model import (
    ECS_EXECUTION_ROLE,
    FARGATE_ROLE,
    IDENTITY,
    NODE_ROLE,
    TRUST,
    Model,
    Role,
)
from iamlint.sources.cfn_values import NO_VALUE, Symbolic, Template, Unknown
from iamlint.sources.cloudformation import template_resources_path

FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"
EKS = FIXTURES / "eks-stack.yaml"
ECS = FIXTURES / "ecs-service.json"
EKS_FILE = str(EKS)
ECS_FILE = str(ECS)


@pytest.fixture(scope="module")
def eks() -> Analysis:
    return analyse([EKS_FILE], Config())


@pytest.fixture(scope="module")
def ecs() -> Analysis:
    return analyse([ECS_FILE], Config())


def position(path: Path, needle: str, inside: str = "") -> tuple[int, int]:
    """1-based (line, column) of `inside` within the first `needle` of the file."""
    text = path.read_text()
    offset = text.index(needle) + (needle.index(inside) if inside else 0)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(pointer: Pointer) -> tuple[int | None, int | None]:
    location = pointer.location()
    return location.line, location.column


def role(model: Model, logical_id: str) -> Role:
    return next(r for r in model.roles if r.arn.endswith(f"#{logical_id}"))


def x008(analysis: Analysis) -> dict[str, tuple[int | None, int | None]]:
    return {
        f.message: (f.location.line, f.location.column)
        for f in analysis.findings
        if f.rule == "X008"
    }


def lint(tmp_path: Path, text: str, name: str = "template.yaml") -> Analysis:
    path = tmp_path / name
    path.write_text(text)
    return analyse([str(path)], Config())


# --- EKS template with short-form intrinsics ------------------------------------------------


def test_roles_get_a_synthetic_identity(eks: Analysis) -> None:
    node = role(eks.model, "NodeInstanceRole")
    assert node.arn == f"cfn:{EKS_FILE}#NodeInstanceRole"
    assert node.name == "prod-node"  # `!Sub ${ClusterName}-node` with the parameter default
    assert node.origin == "cloudformation" and node.account == ""
    assert role(eks.model, "ClusterRole").name == ""  # CloudFormation generates the name
    # another input naming the role by ARN finds it by name (its account is unknown)
    assert eks.model.resolve_role("arn:aws:iam::111122223333:role/prod-node") is node


def test_intrinsics_in_the_trust_policy_resolve(eks: Analysis) -> None:
    trust = role(eks.model, "NodeInstanceRole").trust
    assert trust is not None and trust.kind == TRUST
    assert trust.name == "NodeInstanceRole (AssumeRolePolicyDocument)"
    # !FindInMap [PartitionMap, !Ref AWS::Partition, EC2ServicePrincipal]
    assert trust.document["Statement"][0]["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    service = trust.pointer.child("Statement", 0, "Principal", "Service", 0)
    assert where(service) == position(EKS, "- !FindInMap [PartitionMap", "!FindInMap")
    document = "\n".join(
        [
            "      AssumeRolePolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Allow",
            "            Principal:",
            "              Service:",
            "                - !FindInMap",
        ]
    )
    assert where(trust.pointer) == position(EKS, document, "Version")


def test_managed_policy_arns_resolve_sub_and_if(eks: Analysis) -> None:
    node = role(eks.model, "NodeInstanceRole")
    assert [a.arn for a in node.attachments] == [
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",  # WithSsm: default "true"
    ]
    ssm = node.attachments[3].pointer
    assert where(ssm) == position(
        EKS, '!Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonSSM', "!Sub"
    )


def test_node_group_fargate_profile_and_access_entry_link_by_logical_id(eks: Analysis) -> None:
    model = eks.model
    (group,) = model.node_groups
    assert (group.cluster, group.name) == ("prod", "general")
    assert group.node_role_arn == f"cfn:{EKS_FILE}#NodeInstanceRole"
    assert group.role_pointer is not None
    assert where(group.role_pointer) == position(EKS, "NodeRole: !GetAtt", "!GetAtt")
    (profile,) = model.fargate_profiles
    assert profile.pod_execution_role_arn == f"cfn:{EKS_FILE}#PodExecutionRole"
    assert profile.selectors == [{"namespace": "batch", "labels": {"compute": "fargate"}}]
    (entry,) = model.access_entries
    assert (entry.cluster, entry.type) == ("prod", "EC2_LINUX")
    assert model.resolve_role(entry.principal_arn) is role(model, "NodeInstanceRole")
    usages = {u.usage: u.role for u in model.role_uses}
    assert usages[NODE_ROLE] is role(model, "NodeInstanceRole")
    assert usages[FARGATE_ROLE] is role(model, "PodExecutionRole")


def test_cluster(eks: Analysis) -> None:
    (cluster,) = eks.model.clusters
    assert cluster.name == "prod" and cluster.authentication_mode == "API_AND_CONFIG_MAP"
    assert cluster.role_arn == f"cfn:{EKS_FILE}#ClusterRole"
    assert cluster.issuer == "" and cluster.origin == "cloudformation"
    message = (
        "Cluster: the cluster's OIDC issuer is known only after deploy; "
        "checks that need it are skipped"
    )
    assert x008(eks)[message] == position(EKS, "\n  Cluster:\n", "Cluster")


def test_irsa_trust_from_a_sub_json_text(eks: Analysis) -> None:
    trust = role(eks.model, "AppIrsaRole").trust
    assert trust is not None
    statement = trust.document["Statement"][0]
    issuer = "oidc.eks.${AWS::Region}.amazonaws.com/id/${OidcProviderId}"
    assert statement["Principal"]["Federated"] == (
        f"arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{issuer}"
    )
    assert (
        statement["Condition"]["StringEquals"][f"{issuer}:sub"] == "system:serviceaccount:prod:app"
    )
    # an escaped JSON text maps every inner position to the `!Sub` value
    assert where(trust.pointer.child("Statement", 0, "Action")) == position(
        EKS, "AssumeRolePolicyDocument: !Sub |", "!Sub"
    )
    message = (
        "AppIrsaRole (AssumeRolePolicyDocument): `AWS::AccountId` is known only at deploy "
        "time (and 2 more unknown values); checks that need these values are skipped"
    )
    assert message in x008(eks)


def test_partly_unknown_resources_stay_symbolic(eks: Analysis) -> None:
    (policy,) = role(eks.model, "AppIrsaRole").inline_policies
    assert policy.kind == IDENTITY and policy.name == "AppIrsaRole (Policies/read-assets)"
    resources = policy.document["Statement"][0]["Resource"]
    assert resources == ["arn:aws:s3:::${AssetsBucket}", "arn:aws:s3:::${AssetsBucket}/*"]
    assert isinstance(resources[0], Symbolic)
    message = (
        "AppIrsaRole (Policies/read-assets): `Ref AssetsBucket` (resource `AssetsBucket`) is "
        "known only after deploy; checks that need these values are skipped"
    )
    assert x008(eks)[message] == position(
        EKS, "- !Sub arn:${AWS::Partition}:s3:::${AssetsBucket}\n", "!Sub"
    )


def test_eks_template_raises_only_notes(eks: Analysis) -> None:
    assert [f for f in eks.findings if f.severity != Severity.INFO] == []


# --- ECS template (JSON, long-form intrinsics) ----------------------------------------------


def test_task_definition_and_service(ecs: Analysis) -> None:
    model = ecs.model
    (task,) = model.task_definitions
    assert task.family == "api" and task.requires_compatibilities == ["FARGATE"]
    assert task.task_role_arn == f"cfn:{ECS_FILE}#TaskRole"  # {"Ref": "TaskRole"}
    assert task.execution_role_arn == f"cfn:{ECS_FILE}#TaskExecutionRole"
    (container,) = task.containers
    assert container.image == "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:1.4.2"
    assert container.log_driver == "awslogs" and container.init_process_enabled
    (service,) = model.ecs_services
    assert service.enable_execute_command and service.task_definition == ""
    assert task.enable_execute_command and task.exec_pointer == service.exec_pointer
    assert service.exec_pointer is not None
    assert where(service.exec_pointer) == position(ECS, '"EnableExecuteCommand": true', "true")


def test_task_role_pointers_use_the_camel_case_view(ecs: Analysis) -> None:
    use = next(u for u in ecs.model.role_uses if u.usage == ECS_EXECUTION_ROLE)
    assert use.role is role(ecs.model, "TaskExecutionRole")
    assert where(use.pointer) == position(ECS, '"ExecutionRoleArn": {', "{")


def test_policy_resource_attaches_to_its_roles(ecs: Analysis) -> None:
    task_role = role(ecs.model, "TaskRole")
    assert [p.name for p in task_role.inline_policies] == ["TaskRoleExecPolicy (PolicyDocument)"]
    execution = role(ecs.model, "TaskExecutionRole")
    assert [a.arn for a in execution.attachments] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]


def test_ecs_template_raises_only_notes(ecs: Analysis) -> None:
    assert [f for f in ecs.findings if f.severity != Severity.INFO] == []


# --- CDK -------------------------------------------------------------------------------------


def test_cdk_out_directory() -> None:
    analysis = analyse(
        [str(FIXTURES / "cdk.out" / "manifest.json"), str(FIXTURES / "cdk.out")], Config()
    )
    assert not [f for f in analysis.findings if f.rule == "X002"]  # manifest is recognised
    (node,) = analysis.model.roles
    assert node.trust is not None
    assert node.trust.name == "WorkerStack/NodeRole (AssumeRolePolicyDocument)"
    # "ec2." + Ref AWS::URLSuffix
    assert node.trust.document["Statement"][0]["Principal"]["Service"] == "ec2.amazonaws.com"
    assert [a.arn.rsplit("/", 1)[1] for a in node.attachments] == [
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryReadOnly",
    ]
    (group,) = analysis.model.node_groups
    assert group.name == "WorkerStack/NodeGroup"
    assert analysis.model.resolve_role(group.node_role_arn) is node


# --- recognition, unresolved values, X003 ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"AWSTemplateFormatVersion": "2010-09-09"}, ("Resources",)),
        ({"Resources": {"R": {"Type": "AWS::IAM::Role"}}}, ("Resources",)),
        ({"NodeRole": {"Type": "AWS::IAM::Role", "Properties": {}}}, ()),  # eksctl fragment
        ({"Resources": {"x": 1}}, None),
        ({"apiVersion": "v1", "kind": "ConfigMap", "data": {}}, None),
        ({"Version": "2012-10-17", "Statement": []}, None),
    ],
)
def test_template_recognition(data: Any, expected: Any) -> None:
    assert template_resources_path(data) == expected


UNRESOLVED = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  NodeRoleArn:
    Type: String
Resources:
  NodeGroup:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodeRole: !Ref NodeRoleArn
  Imported:
    Type: AWS::EKS::FargateProfile
    Properties:
      ClusterName: prod
      PodExecutionRoleArn: !ImportValue shared-pod-execution-role
"""


def test_unresolvable_role_references_are_x008(tmp_path: Path) -> None:
    analysis = lint(tmp_path, UNRESOLVED)
    (group,) = analysis.model.node_groups
    (profile,) = analysis.model.fargate_profiles
    assert group.node_role_arn == "" and profile.pod_execution_role_arn == ""
    assert analysis.model.role_uses == []
    notes = x008(analysis)
    assert notes == {
        "`NodeRole` parameter `NodeRoleArn` has no Default; checks of this role are skipped": (
            10,
            17,
        ),
        "`PodExecutionRoleArn` `Fn::ImportValue shared-pod-execution-role` comes from another "
        "stack; checks of this role are skipped": (15, 28),
    }


def test_policy_text_errors(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Broken": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": '{"Version": "2012-10-17", "Statement": ['
                },
            },
            "Pending": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Fn::Sub": '{"Version": "2012-10-17", "Statement": ${Statements}}'
                    }
                },
            },
        }
    }
    analysis = lint(tmp_path, json.dumps(template, indent=2), "template.json")
    (broken,) = [f for f in analysis.findings if f.rule == "X003"]
    text = (tmp_path / "template.json").read_text()
    line = text[: text.index('"{\\"Version')].count("\n") + 1
    assert broken.location.line == line
    notes = [m for m in x008(analysis) if m.startswith("Pending")]
    assert notes == [
        "Pending (AssumeRolePolicyDocument): `Ref Statements` (`Statements`) is known only "
        "after deploy; the policy text does not parse before deploy values are substituted, "
        "checks skipped"
    ]
    assert all(r.trust is None for r in analysis.model.roles)


def test_if_with_no_value_keeps_positions(tmp_path: Path) -> None:
    template = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If [IsProd, {Effect: Allow, Action: sts:AssumeRole}, !Ref AWS::NoValue]
          - Effect: Allow
            Principal: {Service: !If [IsProd, ecs-tasks.amazonaws.com, eks-fargate-pods.aws]}
            Action: sts:AssumeRole
"""
    analysis = lint(tmp_path, template)
    trust = analysis.model.roles[0].trust
    assert trust is not None
    (statement,) = trust.document["Statement"]
    assert statement["Principal"] == {"Service": "eks-fargate-pods.aws"}
    # the remaining statement is the second one written, and the branch is the third argument
    assert where(trust.pointer.child("Statement", 0, "Effect")) == (14, 21)
    assert where(trust.pointer.child("Statement", 0, "Principal", "Service")) == (15, 72)


# --- cfn_values -------------------------------------------------------------------------------


TEMPLATE = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "prod"},
        "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"},
        "Account": {"Type": "String"},
    },
    "Mappings": {"Env": {"prod": {"Size": "large"}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsProd"}]}]},
        "Unknown": {"Fn::Equals": [{"Ref": "Account"}, "1"]},
        "Either": {"Fn::Or": [{"Condition": "Unknown"}, {"Condition": "IsProd"}]},
    },
}


@pytest.fixture
def template() -> Template:
    return Template(TEMPLATE, {"Bucket": {"Type": "AWS::S3::Bucket"}})


def test_resolve_plain_functions(template: Template) -> None:
    assert (
        template.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::${!Literal}"})
        == "arn:aws:s3:::${Literal}"
    )
    assert (
        template.resolve({"Fn::Sub": ["${A}-${Env}", {"A": {"Ref": "AWS::URLSuffix"}}]})
        == "amazonaws.com-prod"
    )
    assert template.resolve({"Fn::Select": [1, {"Ref": "Subnets"}]}) == "b"
    assert template.resolve({"Fn::Split": [",", "x,y"]}) == ["x", "y"]
    assert template.resolve({"Fn::FindInMap": ["Env", {"Ref": "Env"}, "Size"]}) == "large"
    missing = {"Fn::FindInMap": ["Env", "dev", "Size", {"DefaultValue": "small"}]}
    assert template.resolve(missing) == "small"
    assert template.resolve({"Fn::If": ["IsProd", "yes", "no"]}) == "yes"
    assert template.resolve(["a", {"Ref": "AWS::NoValue"}]) == ["a"]
    assert template.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE
    assert template.resolve({"Fn::ToJsonString": {"a": {"Ref": "Env"}}}) == '{"a":"prod"}'


def test_resolve_unknowns(template: Template) -> None:
    partial = template.resolve(
        {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, {"Ref": "AWS::AccountId"}]]}
    )
    assert partial == "arn:aws:${AWS::AccountId}" and isinstance(partial, Symbolic)
    attribute = template.resolve({"Fn::GetAtt": "Bucket.Arn"})
    assert isinstance(attribute, Unknown) and attribute.symbol == "${Bucket.Arn}"
    assert isinstance(template.resolve({"Ref": "Account"}), Unknown)
    assert isinstance(template.resolve({"Fn::ImportValue": "x"}), Unknown)
    assert isinstance(template.resolve({"Fn::If": ["Unknown", 1, 2]}), Unknown)


def test_conditions(template: Template) -> None:
    assert template.condition("IsProd") is True
    assert template.condition("Both") is False
    assert template.condition("Unknown") is None
    assert template.condition("Either") is True
    assert template.condition("Missing") is None


def test_resolve_tree_records_aliases_for_moved_nodes() -> None:
    doc = load_text(SourceFile("t.json", json.dumps({"L": ["a", {"Ref": "AWS::NoValue"}, "b"]})))[0]
    tree = Template({}, {}).resolve_tree(doc.data, (), doc)
    assert tree.value == {"L": ["a", "b"]}
    assert tree.aliases == {("L", 1): ("L", 2)}
