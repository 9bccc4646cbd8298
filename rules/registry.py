"""The catalogue: every rule in a fixed order (the order of the canvas sections), looked up by id."""

from __future__ import annotations

from ecocanvas.rules import activities, actors, exchanges, governance, health, metrics, partners, review
from ecocanvas.rules.spec import Rule, RuleSpec

RULES: tuple[Rule, ...] = (
    *actors.RULES,
    *exchanges.RULES,
    *activities.RULES,
    *governance.RULES,
    *metrics.RULES,
    *review.RULES,
    *partners.RULES,
    *health.RULES,
)

RULES_BY_ID: dict[str, Rule] = {}
for _rule in RULES:
    if _rule.id in RULES_BY_ID:
        raise RuntimeError(f"two rules share the id {_rule.id!r}")
    RULES_BY_ID[_rule.id] = _rule


def registry() -> list[RuleSpec]:
    """The spec of every rule, in catalogue order."""
    return [r.spec for r in RULES]
