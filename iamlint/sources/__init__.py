"""Document -> model objects. One module per input format; the first that claims wins."""

from __future__ import annotations

from iamlint.load.document import Document
from iamlint.model import Model
from iamlint.sources.awscli import extract_awscli
from iamlint.sources.cloudformation import extract_cloudformation
from iamlint.sources.common import infer_policy_kind, is_policy_document, policy_at
from iamlint.sources.k8s import extract_k8s
from iamlint.sources.terraform import extract_terraform


def extract(doc: Document, model: Model) -> bool:
    """Add what `doc` describes to `model`; False when it is none of our kinds."""
    model.documents.append(doc)
    root = doc.root()
    data = doc.data
    if extract_terraform(root, model) or extract_cloudformation(root, model):
        return True
    if is_policy_document(data):
        kind = infer_policy_kind(data)
        policy_at(root, kind, model, inferred=True, origin="file")
        return True
    return extract_k8s(root, model) or extract_awscli(root, model)
