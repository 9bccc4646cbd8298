"""Partner data against the canvas: rules over the figures imported from a PRM export or an overlap tool.

They read `CanvasIndex.partners` (the optional input of `rules.check(..., partners=...)`): without
imported data they find nothing, and the canvas's other rules run as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import EXCHANGE_KINDS
from ecocanvas.canvas.partners import money_text, parse_money
from ecocanvas.rules.index import CanvasIndex, actor_display, cap, entry_label, is_unset, join_names
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, RuleSpec, rule


@rule(
    RuleSpec(
        id="top-tier-partner-without-metric",
        severity="warning",
        section="metrics",
        inputs=("partners",),
        description="A partner the imported data puts in a top tier is measured by no metric of the canvas "
        "(it neither owns one nor is among a metric's actors).",
        principle=Principle(
            seed="001",
            says="Clear metrics/objectives: metrics that are updated regularly but not churned; the partners "
            "the ecosystem depends on most are the ones whose contribution must be measured.",
        ),
        params=(
            ParamSpec(
                name="top_tiers",
                default=["platinum", "gold", "strategic", "premier", "elite", "tier 1", "1"],
                description="Tier names (case and punctuation ignored) that count as top tier.",
            ),
        ),
    )
)
def top_tier_partner_without_metric(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    top = {normalise_key(t) for t in params.strings("top_tiers")}
    for actor, record in ix.partner_records():
        if record.tier is None or normalise_key(record.tier) not in top or actor.id in ix.measured:
            continue
        name = actor_display(actor)
        yield Gap(
            subjects=(actor.id,),
            message=f"{name} is a {record.tier} partner in the imported partner data, but no metric measures it.",
            suggestion=f"Add a metric for {name}'s contribution (co-sell pipeline, revenue, shared accounts) "
            "with an owner and a cadence.",
        )


# How long one review cycle is, for the cadences documents write. "every N <unit>" is read separately.
_CADENCE_DAYS: tuple[tuple[str, int], ...] = (
    ("daily", 1), ("weekly", 7), ("fortnightly", 14), ("biweekly", 14), ("bi weekly", 14), ("bimonthly", 61),
    ("bi monthly", 61), ("monthly", 30), ("quarterly", 91), ("quarter", 91), ("semi annual", 182),
    ("semiannual", 182), ("half yearly", 182), ("half year", 182), ("biannual", 182), ("bi annual", 182),
    ("twice a year", 182), ("annual", 365), ("annually", 365), ("yearly", 365), ("year", 365), ("month", 30),
    ("week", 7),
)  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "nine": 9, "twelve": 12, "eighteen": 18}
_EVERY = re.compile(r"\bevery (\d+|" + "|".join(_NUMBERS) + r") (day|week|fortnight|month|quarter|year)s?\b")


def cadence_days(text: str | None) -> int | None:
    """The length of one review cycle in days (`quarterly` 91, `every 6 weeks` 42), None when unreadable."""
    if is_unset(text):
        return None
    key = normalise_key(text or "")
    every = _EVERY.search(key)
    if every:
        count = every.group(1)
        return (int(count) if count.isdigit() else _NUMBERS[count]) * _UNIT_DAYS[every.group(2)]
    padded = f" {key} "
    return next((days for word, days in _CADENCE_DAYS if f" {word} " in padded), None)


@rule(
    RuleSpec(
        id="contract-ends-before-review",
        severity="warning",
        section="actors",
        inputs=("partners",),
        description="An imported partner contract ends before the canvas's next review, or has ended already. "
        "The next review is the import date plus one review cycle: the canvas's review cadence (quarterly: 91 "
        "days, monthly: 30, yearly: 365, `every N weeks`...), or `default_cadence_days` when it names none.",
        principle=Principle(
            seed="000",
            says="Do review and update the canvas regularly as the ecosystem evolves: a partner whose agreement "
            "lapses before the next review drops out of the canvas unnoticed.",
        ),
        params=(
            ParamSpec(
                name="default_cadence_days",
                default=91,
                minimum=1,
                maximum=3660,
                description="The review cycle in days when the canvas's cadence is missing or unreadable.",
            ),
        ),
    )
)
def contract_ends_before_review(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if ix.partners is None:
        return
    as_of = ix.partners.imported_at
    cadence = ix.canvas.review.cadence
    days = cadence_days(cadence)
    assumed = days is None
    cycle = days if days is not None else params.integer("default_cadence_days")
    next_review = as_of + timedelta(days=cycle)
    basis = (
        f"no review cadence is set, so a {cycle}-day cycle is assumed"
        if assumed
        else f'the review cadence is "{cadence}"'
    )
    for actor, record in ix.partner_records():
        end = record.contract_end
        if end is None or end >= next_review:
            continue
        name = actor_display(actor)
        if end < as_of:
            message = f"{name}'s contract ended on {end.isoformat()}, before the partner data was imported."
        else:
            message = (
                f"{name}'s contract ends on {end.isoformat()}, before the next review "
                f"(about {next_review.isoformat()}: {basis})."
            )
        yield Gap(
            subjects=(actor.id,),
            message=message,
            suggestion=f"Agree the renewal with {name} before then, or plan the canvas without them.",
            key=(end.isoformat(),),
        )


@rule(
    RuleSpec(
        id="exchange-revenue-mismatch",
        severity="warning",
        section="value_exchanges",
        inputs=("partners",),
        description="A revenue exchange states an amount that differs by more than the tolerance (a share of the "
        "imported figure) from the revenue imported for every partner at its ends that has one (agreeing with either "
        "end is enough: what one pays, the other earns). Amounts in two different currencies are not compared.",
        principle=Principle(
            seed="001",
            says="Transparency: partners and the orchestrator work from the same figures; a canvas whose "
            "value flows disagree with the partner records misleads every review.",
        ),
        params=(
            ParamSpec(
                name="tolerance",
                default=0.1,
                minimum=0.0,
                maximum=10.0,
                description="How far the two figures may differ, as a share of the imported one (0.1: 10%).",
            ),
            ParamSpec(
                name="kinds",
                default=["revenue"],
                choices=EXCHANGE_KINDS,
                description="Exchange kinds whose stated amount is compared with the imported revenue.",
            ),
        ),
    )
)
def exchange_revenue_mismatch(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if ix.partners is None:
        return
    tolerance = params.number("tolerance")
    kinds = params.strings("kinds")
    by_actor = ix.partners.by_actor
    for ex in ix.exchanges:
        if ex.kind not in kinds:
            continue
        stated = parse_money(ex.value)
        if stated is None:
            continue
        compared = []
        for end in dict.fromkeys((ex.provider, ex.receiver)):
            record, actor = by_actor.get(end), ix.actor_by_id.get(end)
            if record is None or record.revenue is None or actor is None:
                continue
            if stated.currency and record.revenue.currency and stated.currency != record.revenue.currency:
                continue
            compared.append((actor, record.revenue))
        # The figure may be either end's (what one pays is what the other earns): agreeing with one is enough.
        if not compared or any(abs(stated.amount - r.amount) <= tolerance * r.amount for _, r in compared):
            continue
        imported = join_names([f"{actor_display(a)} is {money_text(r)}" for a, r in compared])
        yield Gap(
            subjects=(ex.id, *(a.id for a, _ in compared)),
            message=f"{cap(entry_label(ex, ix))} states {money_text(stated)}, but the imported revenue of {imported}.",
            suggestion="Check which figure is current and correct the exchange or the partner data.",
        )


RULES = (top_tier_partner_without_metric, contract_ends_before_review, exchange_revenue_mismatch)
