"""The catalogue: required rules with their severities, complete specs, and docs/rules.md in sync."""

from __future__ import annotations

from pathlib import Path

from ecocanvas.rules import RULES, registry
from ecocanvas.rules.docs import render
from ecocanvas.rules.spec import SEEDS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

REQUIRED = {
    "unowned-activity": "error",
    "unknown-actor-reference": "error",
    "one-sided-exchange": "warning",
    "actor-without-role": "warning",
    "metric-without-owner": "warning",
    "metric-without-target": "warning",
    "metric-without-data-source": "info",
    "unmeasured-partner": "warning",
    "no-escalation-path": "error",
    "no-decision-rights": "error",
    "no-conflict-resolution": "warning",
    "no-coordination-forum": "warning",
    "no-change-management": "warning",
    "no-review-cadence": "warning",
    "circular-dependency": "error",
    "dependency-on-unowned-activity": "warning",
    "owner-overload": "warning",
    "capability-overlap": "info",
    "self-approval": "warning",
    "uncited-entry": "warning",
}


def test_required_rules_exist_with_their_severities() -> None:
    specs = {s.id: s for s in registry()}
    assert {rule_id: specs[rule_id].severity for rule_id in REQUIRED} == REQUIRED
    assert all(specs[rule_id].enabled for rule_id in REQUIRED)


def test_section_wide_rules_concern_governance_or_review() -> None:
    specs = {s.id: s for s in registry()}
    for rule_id in ("no-escalation-path", "no-decision-rights", "no-conflict-resolution"):
        assert specs[rule_id].section == "governance"
    assert specs["no-coordination-forum"].section == specs["no-change-management"].section == "governance"
    assert specs["no-review-cadence"].section == "review"


def test_every_spec_is_complete() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for spec in registry():
        assert spec.description.endswith(".") and spec.principle.says
        assert spec.principle.seed in SEEDS
        for param in spec.params:
            assert param.validate_value(param.default) == param.default


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: python -m ecocanvas.rules.docs > docs/rules.md"
    )
    for rule in RULES:
        assert f"### `{rule.id}`" in render()
