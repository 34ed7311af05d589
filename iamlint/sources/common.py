"""Helpers every source module shares: embedded policy text, policy kind inference."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from iamlint.finding import Finding, Severity
from iamlint.load import ParseError, load_embedded
from iamlint.load.document import Pointer
from iamlint.model import IDENTITY, RESOURCE, TRUST, Model, Policy, Unresolved

STS_ASSUME_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithwebidentity",
    "sts:assumerolewithsaml",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def statements_of(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def is_policy_document(data: Any) -> bool:
    """A mapping with a Statement, or a bare `Version` policy header with no Statement."""
    if not isinstance(data, dict):
        return False
    if "Statement" in data:
        return isinstance(data["Statement"], (dict, list)) or "Version" in data
    return data.get("Version") in ("2012-10-17", "2008-10-17") and len(data) <= 2


def infer_policy_kind(document: Any) -> str:
    """Trust if it has a Principal and only sts: assume actions; resource with a Principal."""
    statements = statements_of(document)
    with_principal = [s for s in statements if "Principal" in s or "NotPrincipal" in s]
    if not with_principal:
        return IDENTITY
    actions = [
        a.lower() for s in with_principal for a in _as_list(s.get("Action")) if isinstance(a, str)
    ]
    if actions and all(a.startswith("sts:") for a in actions):
        return TRUST
    no_resource = not any("Resource" in s or "NotResource" in s for s in with_principal)
    if no_resource and any(a in STS_ASSUME_ACTIONS for a in actions):
        return TRUST  # a trust policy with a wrong action mixed in (T001 reports it)
    if no_resource and all(_only_role_assuming_principals(s) for s in with_principal):
        # Seed 002's Fargate "trust policy": permissions granted to a principal that can
        # only assume roles. It is a misplaced trust policy (T001), not a resource policy.
        return TRUST
    return RESOURCE


# Services that act only through a role they assume: a policy granting them permissions
# is a misplaced trust policy. (Not Lambda: ECR repository policies name it on purpose.)
ROLE_ASSUMING_SERVICES = frozenset(
    {"ec2", "ecs-tasks", "eks-fargate-pods", "pods.eks", "eks", "eks-nodegroup"}
)


def _only_role_assuming_principals(statement: dict[str, Any]) -> bool:
    principal = statement.get("Principal")
    if not isinstance(principal, dict) or not principal:
        return False
    for kind, values in principal.items():
        if kind == "Federated":
            continue
        if kind != "Service":
            return False
        for value in _as_list(values):
            if not isinstance(value, str):
                return False
            service = value.lower().split(".amazonaws.com", 1)[0]
            if service not in ROLE_ASSUMING_SERVICES:
                return False
    return True


def policy_at(
    pointer: Pointer,
    kind: str,
    model: Model,
    *,
    name: str = "",
    owner: str = "",
    arn: str = "",
    origin: str = "file",
    aws_managed: bool = False,
    inferred: bool = False,
) -> Policy | None:
    """The policy at `pointer`: a mapping, or a JSON string (embedded, maybe URL-encoded).

    Embedded text that does not parse becomes an X003 finding; returns None then.
    """
    value = pointer.value
    if isinstance(value, str):
        target = embedded_policy(pointer, model)
        if target is None:
            return None
    elif isinstance(value, dict):
        target = pointer
    else:
        return None
    policy = Policy(
        pointer=target,
        kind=kind,
        name=name,
        owner=owner,
        arn=arn,
        origin=origin,
        aws_managed=aws_managed,
        inferred=inferred,
    )
    return model.add_policy(policy)


def embedded_policy(pointer: Pointer, model: Model) -> Pointer | None:
    text = pointer.value
    if not text.strip():
        return None
    if text.lstrip().startswith("%7B") or text.lstrip().startswith("%7b"):
        text = unquote(text)
    if not text.lstrip().startswith(("{", "[")) and _is_placeholder(text):
        model.unresolved.append(
            Unresolved("X008", pointer, f"policy text `{text.strip()[:60]}` is a placeholder; "
                       "the policy was not checked")
        )
        return None
    try:
        docs = load_embedded(text, pointer)
    except ParseError as error:
        model.extraction_findings.append(embedded_parse_finding(pointer, error))
        return None
    if not docs or not isinstance(docs[0].data, dict):
        return None
    return docs[0].root()


def _is_placeholder(text: str) -> bool:
    from iamlint.placeholders import is_placeholder

    return is_placeholder(text.strip())


def embedded_parse_finding(pointer: Pointer, error: ParseError) -> Finding:
    where = f" (line {error.line}, column {error.column} of the text)" if error.line else ""
    return Finding(
        rule="X003",
        severity=Severity.ERROR,
        message=f"embedded policy text does not parse: {error.message}{where}",
        location=pointer.location(),
        resource=pointer.describe(),
    )


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
