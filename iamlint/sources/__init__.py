"""Document -> model objects. One module per input format; the first that claims wins."""

from __future__ import annotations

from typing import Any

from iamlint.load.document import Document, Pointer
from iamlint.model import Model
from iamlint.sources.awscli import extract_awscli
from iamlint.sources.common import infer_policy_kind, is_policy_document, policy_at
from iamlint.sources.k8s import extract_k8s


def extract(doc: Document, model: Model) -> bool:
    """Add what `doc` describes to `model`; False when it is none of our kinds."""
    model.documents.append(doc)
    root = doc.root()
    data = doc.data
    if _extract_iac(root, data, model):
        return True
    if is_policy_document(data):
        kind = infer_policy_kind(data)
        policy_at(root, kind, model, inferred=True, origin="file")
        return True
    return (
        _extract_eksctl(root, data, model)
        or extract_k8s(root, model)
        or extract_awscli(root, model)
    )


def _extract_eksctl(root: Pointer, data: Any, model: Model) -> bool:
    """eksctl ClusterConfig (it has a `kind`, so before the Kubernetes extractor); its
    module is imported only for such documents."""
    if not isinstance(data, dict) or data.get("kind") != "ClusterConfig":
        return False
    from iamlint.sources.eksctl import extract_eksctl

    return extract_eksctl(root, model)


def _extract_iac(root: Pointer, data: Any, model: Model) -> bool:
    """Terraform plans and CloudFormation templates; their (large) modules are imported
    only when a document's top-level keys hint at them, to keep start-up fast."""
    if not isinstance(data, dict):
        return False
    if "format_version" in data or "terraform_version" in data:
        from iamlint.sources.terraform import extract_terraform

        if extract_terraform(root, model):
            return True
    if _may_be_cloudformation(data):
        from iamlint.sources.cloudformation import extract_cloudformation

        return extract_cloudformation(root, model)
    return False


def _may_be_cloudformation(data: dict[Any, Any]) -> bool:
    if "AWSTemplateFormatVersion" in data or "Resources" in data or "artifacts" in data:
        return True
    return any(isinstance(value, dict) and "Type" in value for value in data.values())
