"""The rule registry: metadata for every rule, and the decorator that registers one.

A rule is a function `check(model, ctx) -> Iterable[Finding]` in its own module
`iamlint/rules/<family>/<ID>_<slug>.py`; the module docstring is its documentation
(What it does / Why it matters / Example / Fix / References).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from iamlint.finding import Severity
from iamlint.record import field, record

if TYPE_CHECKING:
    from iamlint.finding import Finding

CheckFn = Callable[[Any, Any], "Iterable[Finding]"]

FAMILIES = {
    "X": "inputs and the run itself",
    "P": "IAM policy documents",
    "T": "role trust policies",
    "K": "Kubernetes manifests and kubeconfig",
    "I": "IRSA cross-references",
    "A": "aws-auth ConfigMap and EKS access entries",
    "E": "ECR image pulls",
    "F": "ECS tasks and Fargate",
}


@record
class Rule:
    id: str
    name: str  # kebab-case slug, e.g. "trust-subject-mismatch"
    severity: Severity
    summary: str  # one line: what the rule catches
    tags: frozenset[str] = frozenset()
    reads: tuple[str, ...] = ()  # model collections the rule reads (e.g. "policies")
    check: CheckFn | None = None
    doc: str = ""  # module docstring: the rule's documentation
    module: str = ""
    help_uri: str = ""  # a policy pack rule's documentation page, if its pack gives one

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")

    @property
    def security(self) -> bool:
        return "security" in self.tags


@record
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)

    def add(self, rule: Rule) -> None:
        if rule.id in self.rules and self.rules[rule.id].module != rule.module:
            raise ValueError(f"rule {rule.id} registered twice ({rule.module})")
        self.rules[rule.id] = rule

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id.upper())

    def sorted(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: (r.family, int(r.id[len(r.family):] or 0)))


REGISTRY = Registry()


def rule(
    id: str,
    name: str,
    severity: str,
    summary: str,
    *,
    tags: Iterable[str] = (),
    reads: Iterable[str] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register `check` as rule `id`; the defining module's docstring is its doc."""

    def decorate(check: CheckFn) -> CheckFn:
        module = sys.modules.get(check.__module__)
        REGISTRY.add(
            Rule(
                id=id,
                name=name,
                severity=Severity.parse(severity),
                summary=summary,
                tags=frozenset(tags),
                reads=tuple(reads),
                check=check,
                doc=(module.__doc__ or "").strip() if module else "",
                module=check.__module__,
            )
        )
        return check

    return decorate


def declare(
    id: str,
    name: str,
    severity: str,
    summary: str,
    *,
    doc: str,
    module: str,
    tags: Iterable[str] = (),
) -> None:
    """Register a rule whose findings the pipeline itself emits (X001, X002, X004...)."""
    REGISTRY.add(
        Rule(
            id=id,
            name=name,
            severity=Severity.parse(severity),
            summary=summary,
            tags=frozenset(tags),
            check=None,
            doc=doc.strip(),
            module=module,
        )
    )
