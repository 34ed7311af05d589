"""Cross-reference pass: connect objects that came from different documents.

Runs once after extraction, before rules. It records every place where the inputs make
a role do something (`Model.role_uses`), resolves those references to roles defined in
the inputs, marks each role's usages, and notes what could not be resolved (X006) or is
a placeholder (X008). Everything is linear in the model size: lookups go through
`Model.index`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iamlint.config import Config
from iamlint.load.document import Pointer
from iamlint.model import (
    ECS_EXECUTION_ROLE,
    ECS_TASK_ROLE,
    FARGATE_ROLE,
    IRSA_ROLE,
    NODE_ROLE,
    POD_IDENTITY_ROLE,
    Model,
    RoleUse,
    Unresolved,
)

USAGE_LABELS = {
    NODE_ROLE: "node role",
    FARGATE_ROLE: "Fargate pod execution role",
    ECS_TASK_ROLE: "ECS task role",
    ECS_EXECUTION_ROLE: "ECS task execution role",
    IRSA_ROLE: "IRSA role",
    POD_IDENTITY_ROLE: "Pod Identity role",
}


def link(model: Model, config: Config) -> None:
    _attach_loose_role_policies(model)
    _apply_cluster_facts(model, config)
    _assign_service_account_clusters(model, config)
    for use in _role_references(model):
        _record(model, use)
    _note_missing_roles(model)
    if model.service_accounts or model.workloads:  # IRSA notes need Kubernetes objects
        from iamlint.rules.i._irsa import note_unresolved

        note_unresolved(model, config)


def _attach_loose_role_policies(model: Model) -> None:
    """`aws iam get-role-policy` output names its role; attach it when the role is known."""
    for role_name, policy in model.loose_role_policies:
        for role in model.roles_by_name(role_name):
            role.inline_policies.append(policy)


def _apply_cluster_facts(model: Model, config: Config) -> None:
    """Config `clusters:` supplies facts no file has (issuer, account, region)."""
    from iamlint.model import Cluster

    known = {c.name: c for c in model.clusters}
    for fact in config.clusters:
        cluster = known.get(fact.name)
        if cluster is None:
            pointer = Pointer(_config_document(model, config), ())
            cluster = Cluster(name=fact.name, pointer=pointer, origin="config")
            model.clusters.append(cluster)
        cluster.account = cluster.account or (fact.account_id or "")
        cluster.region = cluster.region or (fact.region or "")
        cluster.issuer = cluster.issuer or (fact.oidc_issuer or "")


def _assign_service_account_clusters(model: Model, config: Config) -> None:
    """Manifests do not say which cluster they run in: when the run names exactly one
    cluster (`--cluster` / config `clusters:`, else the only cluster in the inputs), that
    is the cluster of every ServiceAccount and workload that has none. `--cluster` wins
    when the config lists several."""
    names = (
        config.current_clusters
        or [c.name for c in config.clusters]
        or list(dict.fromkeys(c.name for c in model.clusters))
    )
    if len(names) != 1 or not names[0]:
        return
    for sa in model.service_accounts:
        sa.cluster = sa.cluster or names[0]
    for workload in model.workloads:
        workload.cluster = workload.cluster or names[0]


def _config_document(model: Model, config: Config) -> Any:
    from iamlint.load.document import Document, SourceFile

    return Document(SourceFile(config.source or "<config>", live=True), {}, "live")


def _role_references(model: Model) -> Iterator[RoleUse]:
    for sa in model.service_accounts:
        if sa.role_arn:
            pointer = sa.pointer.child("metadata", "annotations", "eks.amazonaws.com/role-arn")
            yield RoleUse(IRSA_ROLE, sa.role_arn, pointer, sa)
    for association in model.pod_identity_associations:
        if association.role_arn:
            yield RoleUse(POD_IDENTITY_ROLE, association.role_arn, association.pointer, association)
    for group in model.node_groups:
        if group.node_role_arn:
            yield RoleUse(
                NODE_ROLE, group.node_role_arn, group.role_pointer or group.pointer, group
            )
    for profile in model.fargate_profiles:
        if profile.pod_execution_role_arn:
            pointer = profile.role_pointer or profile.pointer
            yield RoleUse(FARGATE_ROLE, profile.pod_execution_role_arn, pointer, profile)
    for task in model.task_definitions:
        if task.task_role_arn:
            yield RoleUse(
                ECS_TASK_ROLE, task.task_role_arn, task.pointer.child("taskRoleArn"), task
            )
        if task.execution_role_arn:
            pointer = task.pointer.child("executionRoleArn")
            yield RoleUse(ECS_EXECUTION_ROLE, task.execution_role_arn, pointer, task)


def _record(model: Model, use: RoleUse) -> None:
    from iamlint.placeholders import contains_placeholder

    model.role_uses.append(use)
    if contains_placeholder(use.role_arn):
        model.unresolved.append(
            Unresolved(
                "X008",
                use.pointer,
                f"{USAGE_LABELS[use.usage]} `{use.role_arn}` is a placeholder; "
                "checks of this role were skipped",
                resource=use.role_arn,
            )
        )
        return
    use.role = model.resolve_role(use.role_arn)
    if use.role is not None:
        use.role.usages.add(use.usage)


def _note_missing_roles(model: Model) -> None:
    """X006 once per role that the inputs use but do not define (valid role ARNs only:
    malformed ones are K001's and others'). An IRSA role of an account whose complete role
    list is in the inputs, or that a live lookup did not find, does not exist: I006 reports
    that instead."""
    from iamlint.iam.arn import role_arn_parts
    from iamlint.placeholders import contains_placeholder

    noted: set[str] = set()
    for use in model.role_uses:
        parts = role_arn_parts(use.role_arn)
        key = use.role_arn.lower()
        if use.role is not None or parts is None or key in noted:
            continue
        if not (len(parts[1]) == 12 and parts[1].isdigit()):
            continue  # a malformed account: K001 and others report the ARN itself
        if contains_placeholder(use.role_arn):
            continue
        absent = key in model.absent_arns  # looked up live: it does not exist
        if use.usage == IRSA_ROLE and (parts[1] in model.complete_role_accounts or absent):
            continue
        noted.add(key)
        where, hint = _missing_role_words(model, parts[1], absent)
        model.unresolved.append(
            Unresolved(
                "X006",
                use.pointer,
                f"role `{use.role_arn}` {where}: the checks of its trust policy and "
                f"permissions were skipped; {hint}",
                resource=use.role_arn,
            )
        )


def _missing_role_words(model: Model, account: str, absent: bool) -> tuple[str, str]:
    """(what is known of a role not in the inputs, what to do about it)."""
    if absent:
        where = f"does not exist in account {account} (live `iam:GetRole`: NoSuchEntity)"
        return where, "create it or name an existing role"
    if model.live_accounts and account not in model.live_accounts:
        read = ", ".join(sorted(model.live_accounts))
        return (
            f"is in account {account}, not in the scanned inputs nor in the account "
            f"--aws read ({read})",
            "scan the file that defines it, or run with credentials of that account",
        )
    return (
        "is not in the scanned inputs",
        "scan the file that defines it (IaC, or `aws iam get-role` output) or run with --aws",
    )
