"""Cross-reference pass: connect objects that came from different documents.

Runs once after extraction, before rules. Everything here is linear in the model size:
lookups go through `Model.index`.
"""

from __future__ import annotations

from iamlint.config import Config
from iamlint.model import Model


def link(model: Model, config: Config) -> None:
    _attach_loose_role_policies(model)


def _attach_loose_role_policies(model: Model) -> None:
    """`aws iam get-role-policy` output names its role; attach it when the role is known."""
    for role_name, policy in model.loose_role_policies:
        for role in model.roles_by_name(role_name):
            role.inline_policies.append(policy)
