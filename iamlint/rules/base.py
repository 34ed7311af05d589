"""What rule modules use to build findings from model Pointers."""

from __future__ import annotations

from collections.abc import Iterable

from iamlint.config import Config
from iamlint.finding import Finding, Fix, Related, Severity
from iamlint.load.document import Pointer
from iamlint.record import field, record
from iamlint.rules.registry import REGISTRY


@record
class RuleContext:
    """Run-wide facts a rule may need besides the model."""

    config: Config = field(default_factory=Config)


def finding(
    rule_id: str,
    pointer: Pointer,
    message: str,
    *,
    resource: str = "",
    related: Iterable[tuple[Pointer, str]] = (),
    severity: Severity | None = None,
    discriminator: str = "",
    fixes: Iterable[Fix] = (),
) -> Finding:
    """A finding of `rule_id` at `pointer`; severity defaults to the rule's."""
    registered = REGISTRY.get(rule_id)
    if severity is None:
        severity = registered.severity if registered else Severity.ERROR
    return Finding(
        rule=rule_id,
        severity=severity,
        message=message,
        location=pointer.location(),
        resource=resource,
        related=[Related(p.location(), note) for p, note in related],
        fixes=list(fixes),
        discriminator=discriminator or "/".join(str(p) for p in pointer.path),
    )
