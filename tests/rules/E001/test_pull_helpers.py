"""Unit tests of `iamlint/rules/e/_pull.py`: identity policies with parts missing from the
inputs, Fargate selector matching and image references with IaC placeholders."""

from __future__ import annotations

from typing import Any

import pytest

from iamlint.iam.evaluate import Decision
from iamlint.load import SourceFile
from iamlint.load.document import Document
from iamlint.model import IDENTITY, Attachment, FargateProfile, Model, Policy, Role
from iamlint.placeholders import contains_placeholder
from iamlint.rules.e import _pull

REPO = "arn:aws:ecr:eu-west-1:111122223333:repository/web"
PULL = {"ecr:GetAuthorizationToken": "*", "ecr:BatchGetImage": REPO}


def pointer(data: Any, name: str = "iam.json") -> Any:
    return Document(SourceFile(name), data, "json").root()


def role(
    *documents: dict[str, Any], attachments: tuple[str, ...] = (), complete: bool = True
) -> Role:
    found = Role("eks-node-role", pointer({}), arn="arn:aws:iam::111122223333:role/eks-node-role")
    found.inline_policies = [
        Policy(pointer(d), IDENTITY, name=f"p{i}") for i, d in enumerate(documents)
    ]
    found.attachments = [Attachment(arn, pointer({})) for arn in attachments]
    found.permissions_complete = complete
    return found


def statement(effect: str, action: Any, resource: Any = "*") -> dict[str, Any]:
    body = {"Effect": effect, "Action": action, "Resource": resource}
    return {"Version": "2012-10-17", "Statement": [body]}


def decisions(model: Model, subject: Role) -> dict[str, Decision]:
    result = _pull.role_permissions(model, subject).decide(PULL)
    return {action: evaluation.decision for action, evaluation in result.items()}


def test_complete_role_without_allow_is_denied() -> None:
    subject = role(statement("Allow", "logs:PutLogEvents"))
    assert set(decisions(Model(), subject).values()) == {Decision.DENIED}


def test_aws_managed_policy_is_read_from_shipped_data() -> None:
    subject = role(attachments=("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",))
    assert set(decisions(Model(), subject).values()) == {Decision.ALLOWED}


@pytest.mark.parametrize(
    ("attachments", "complete"),
    [(("arn:aws:iam::111122223333:policy/not-in-inputs",), True), ((), False)],
)
def test_missing_policies_make_a_deny_unknown(
    attachments: tuple[str, ...], complete: bool
) -> None:
    logs = statement("Allow", "logs:PutLogEvents")
    subject = role(logs, attachments=attachments, complete=complete)
    permissions = _pull.role_permissions(Model(), subject)
    assert permissions.missing
    assert set(decisions(Model(), subject).values()) == {Decision.UNKNOWN}


def test_explicit_deny_stays_denied_with_missing_policies() -> None:
    subject = role(statement("Deny", "ecr:*"), complete=False)
    result = _pull.role_permissions(Model(), subject).decide(PULL)
    assert all(e.denied and e.explicit_deny for e in result.values())


def test_customer_managed_policy_found_by_arn() -> None:
    arn = "arn:aws:iam::111122223333:policy/pull"
    model = Model()
    model.managed_policies.append(Policy(pointer(statement("Allow", "ecr:*")), IDENTITY, arn=arn))
    assert set(decisions(model, role(attachments=(arn,))).values()) == {Decision.ALLOWED}


def profile(*selectors: dict[str, Any]) -> FargateProfile:
    role_arn = "arn:aws:iam::111122223333:role/eks-fargate-pods"
    return FargateProfile("prod", "apps", pointer({}), role_arn, None, list(selectors))


@pytest.mark.parametrize(
    ("selectors", "namespace", "labels", "expected"),
    [
        ([{"namespace": "apps"}], "apps", {}, True),
        ([{"namespace": "apps"}], "other", {}, False),
        ([{"namespace": "team-*"}], "team-a", {}, True),
        ([{"namespace": "apps", "labels": {"compute": "fargate"}}], "apps", {"app": "x"}, False),
        ([{"namespace": "apps", "labels": {"tier": "web-?"}}], "apps", {"tier": "web-1"}, True),
        ([{"namespace": "apps", "labels": [{"Key": "compute", "Value": "fargate"}]}], "apps",
         {"compute": "fargate"}, True),
        ([{"namespace": "${Namespace}"}], "apps", {}, None),
        ([{"namespace": "other"}, {"namespace": "${Namespace}"}], "apps", {}, None),
    ],
)
def test_profile_matches(
    selectors: list[dict[str, Any]], namespace: str, labels: dict[str, str], expected: bool | None
) -> None:
    assert _pull.profile_matches(profile(*selectors), namespace, labels) is expected


def test_image_with_cloudformation_placeholders() -> None:
    image = _pull.parse_image("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:1.2")
    assert image is not None and image.repository == "api"
    assert contains_placeholder(image.repository_arn)
    assert _pull.parse_image("public.ecr.aws/nginx/nginx:1.25") is None
