"""The partner-data rules: each finds its gap with imported figures, and nothing without them."""

from __future__ import annotations

from datetime import date

import pytest
from rules_canvases import found, lumio

from ecocanvas.canvas.model import Canvas
from ecocanvas.canvas.partners import Money, PartnerData, PartnerRecord
from ecocanvas.rules import Policy, RuleOverride, check
from ecocanvas.rules.partners import cadence_days

IMPORTED = date(2026, 1, 15)


def _data(**records: PartnerRecord) -> PartnerData:
    return PartnerData(version=1, imported_at=IMPORTED, source="prm.csv", by_actor=records)


def _rec(name: str, **fields: object) -> PartnerRecord:
    return PartnerRecord.model_validate({"row": 1, "name": name, **fields})


def _partner_findings(
    canvas: Canvas, data: PartnerData | None, policy: Policy | None = None
) -> set[tuple[str, frozenset[str]]]:
    return {f for f in found(check(canvas, policy, partners=data)) if f[0] in _RULES}


_RULES = {"top-tier-partner-without-metric", "contract-ends-before-review", "exchange-revenue-mismatch"}


def test_the_base_canvas_with_consistent_partner_data_is_clean() -> None:
    data = _data(
        bank=_rec("Brenmark Bank", tier="Gold", contract_end=date(2027, 6, 30)),
        tessaro=_rec("Tessaro", tier="Silver", revenue=Money(amount=40_000)),
    )
    assert check(lumio(), partners=data) == check(lumio())


def test_rules_without_partner_data_find_nothing() -> None:
    c = lumio()
    c.metrics = []
    assert _partner_findings(c, None) == set()


def test_top_tier_partner_without_metric() -> None:
    c = lumio()
    data = _data(tessaro=_rec("Tessaro", tier="Platinum"), care=_rec("Merchant Care", tier="silver"))
    assert _partner_findings(c, data) == {("top-tier-partner-without-metric", frozenset({"tessaro"}))}
    (finding,) = [f for f in check(c, partners=data) if f.rule == "top-tier-partner-without-metric"]
    assert finding.message == (
        "Tessaro Systems is a Platinum partner in the imported partner data, but no metric measures it."
    )


def test_a_measured_top_tier_partner_or_a_tier_the_policy_does_not_call_top_is_fine() -> None:
    data = _data(bank=_rec("Brenmark Bank", tier="gold"), tessaro=_rec("Tessaro", tier="Tier 2"))
    assert _partner_findings(lumio(), data) == set()
    policy = Policy(rules={"top-tier-partner-without-metric": RuleOverride(params={"top_tiers": ["tier 2"]})})
    assert _partner_findings(lumio(), data, policy) == {("top-tier-partner-without-metric", frozenset({"tessaro"}))}


@pytest.mark.parametrize(
    ("cadence", "days"),
    [
        ("quarterly", 91),
        ("Monthly", 30),
        ("every 6 weeks", 42),
        ("every two months", 60),
        ("twice a year", 182),
        ("annual review", 365),
        ("TBD", None),
        ("when needed", None),
    ],
)
def test_review_cadences_are_read_as_days(cadence: str, days: int | None) -> None:
    assert cadence_days(cadence) == days


def test_contract_ending_before_the_next_review() -> None:
    c = lumio()  # quarterly: the next review is 91 days after the import, 2026-04-16
    data = _data(
        bank=_rec("Brenmark Bank", contract_end=date(2026, 3, 31)),
        tessaro=_rec("Tessaro", contract_end=date(2026, 4, 20)),
        care=_rec("Merchant Care", contract_end=date(2025, 12, 31)),
    )
    findings = [f for f in check(c, partners=data) if f.rule == "contract-ends-before-review"]
    assert [f.subjects for f in findings] == [["bank"], ["care"]]
    assert findings[0].message == (
        "Brenmark Bank's contract ends on 2026-03-31, before the next review "
        '(about 2026-04-16: the review cadence is "quarterly").'
    )
    assert findings[1].message == "Merchant Care's contract ended on 2025-12-31, before the partner data was imported."


def test_contract_rule_follows_the_cadence_and_its_default() -> None:
    c = lumio()
    data = _data(tessaro=_rec("Tessaro", contract_end=date(2026, 4, 10)))
    c.review.cadence = "yearly"
    assert _partner_findings(c, data) == {("contract-ends-before-review", frozenset({"tessaro"}))}
    c.review.cadence = "monthly"
    assert _partner_findings(c, data) == set()
    c.review.cadence = None
    (finding,) = [f for f in check(c, partners=data) if f.rule == "contract-ends-before-review"]
    assert "no review cadence is set, so a 91-day cycle is assumed" in finding.message
    policy = Policy(rules={"contract-ends-before-review": RuleOverride(params={"default_cadence_days": 30})})
    assert _partner_findings(c, data, policy) == set()


def test_exchange_revenue_mismatch() -> None:
    c = lumio()
    c.value_exchanges[1].value = "licence fees of €120k a year"  # x2: lumio -> tessaro, revenue
    data = _data(tessaro=_rec("Tessaro", revenue=Money(amount=90_000, currency="EUR")))
    assert _partner_findings(c, data) == {("exchange-revenue-mismatch", frozenset({"x2", "tessaro"}))}
    (finding,) = [f for f in check(c, partners=data) if f.rule == "exchange-revenue-mismatch"]
    assert finding.message == (
        'The exchange "licence fees of €120k a year" from Lumio Pay to Tessaro Systems states €120k, '
        "but the imported revenue of Tessaro Systems is €90k."
    )


def test_revenue_within_tolerance_in_another_currency_or_kind_or_without_amount_is_fine() -> None:
    c = lumio()
    c.value_exchanges[1].value = "licence fees of €95k a year"
    data = _data(tessaro=_rec("Tessaro", revenue=Money(amount=90_000, currency="EUR")))
    assert _partner_findings(c, data) == set()  # within 10%
    strict = Policy(rules={"exchange-revenue-mismatch": RuleOverride(params={"tolerance": 0.01})})
    assert _partner_findings(c, data, strict) == {("exchange-revenue-mismatch", frozenset({"x2", "tessaro"}))}
    c.value_exchanges[1].value = "licence fees of USD 200k"
    assert _partner_findings(c, data) == set()  # not comparable without a rate
    c.value_exchanges[1].value = "licence fees"
    assert _partner_findings(c, data) == set()
    c.value_exchanges[0].value = "€500k of tokenisation"  # x1 is a capability, not revenue
    assert _partner_findings(c, data) == set()


def test_revenue_agreeing_with_either_end_is_fine_and_disagreeing_with_both_names_both() -> None:
    c = lumio()
    c.value_exchanges[1].value = "licence fees of €120k a year"  # x2: lumio -> tessaro
    data = _data(
        lumio=_rec("Lumio", revenue=Money(amount=118_000, currency="EUR")),
        tessaro=_rec("Tessaro", revenue=Money(amount=90_000, currency="EUR")),
    )
    assert _partner_findings(c, data) == set()
    data.by_actor["lumio"] = _rec("Lumio", revenue=Money(amount=2_000_000, currency="EUR"))
    assert _partner_findings(c, data) == {("exchange-revenue-mismatch", frozenset({"x2", "lumio", "tessaro"}))}
    (finding,) = [f for f in check(c, partners=data) if f.rule == "exchange-revenue-mismatch"]
    assert finding.message.endswith("the imported revenue of Lumio Pay is €2M and Tessaro Systems is €90k.")
