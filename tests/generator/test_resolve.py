"""Resolution: aliases merge, references become actors, exclusions take no part, the latest document wins."""

from __future__ import annotations

import datetime as dt

from ecocanvas.generator.drafts import (
    ActivityDraft,
    ActorDraft,
    CanvasDraft,
    ExchangeDraft,
    ExclusionDraft,
    MetricDraft,
)
from ecocanvas.generator.ground import Grounder
from ecocanvas.generator.resolve import resolve
from ecocanvas.knowledge import Document

OLD = Document(
    id="old",
    name="memo.md",
    media_type="text/markdown",
    date=dt.date(2025, 1, 14),
    text=(
        'Nordhavn Harbour Mobility (NHM) runs the charging pilot. Vellmar Energi ("the utility") provides grid '
        "connections to NHM. Site onboarding is led by Kestrel Logistics. Zephyr Grid was not selected. "
        "Charger availability target is 95%."
    ),
)
NEW = Document(
    id="new",
    name="minutes.md",
    media_type="text/markdown",
    date=dt.date(2025, 6, 18),
    text="From 1 July, site onboarding moves from Kestrel Logistics to NHM. Charger availability target is 97%.",
)


def cite(draft, doc: Document, quote: str):  # type: ignore[no-untyped-def]
    draft.citation = Grounder([doc]).locate(quote)
    assert draft.citation is not None, quote
    return draft


def build() -> CanvasDraft:
    d = CanvasDraft()
    d.actors.actors = [
        cite(
            ActorDraft(quote="Nordhavn Harbour Mobility (NHM)", name="Nordhavn Harbour Mobility", aliases=["NHM"]),
            OLD,
            "Nordhavn Harbour Mobility (NHM)",
        ),
        cite(
            ActorDraft(quote='Vellmar Energi ("the utility")', name="Vellmar Energi", aliases=["the utility"]),
            OLD,
            'Vellmar Energi ("the utility")',
        ),
        cite(ActorDraft(quote="Zephyr Grid was not selected", name="Zephyr Grid"), OLD, "Zephyr Grid was not selected"),
    ]
    d.actors.excluded = [
        cite(
            ExclusionDraft(quote="Zephyr Grid was not selected", name="Zephyr Grid"),
            OLD,
            "Zephyr Grid was not selected",
        )
    ]
    d.activities.activities = [
        cite(
            ActivityDraft(
                quote="Site onboarding is led by Kestrel Logistics.", name="Site onboarding", owner="Kestrel Logistics"
            ),
            OLD,
            "Site onboarding is led by Kestrel Logistics.",
        ),
        cite(
            ActivityDraft(
                quote="site onboarding moves from Kestrel Logistics to NHM", name="site onboarding", owner="NHM"
            ),
            NEW,
            "site onboarding moves from Kestrel Logistics to NHM",
        ),
        cite(
            ActivityDraft(
                quote="runs the charging pilot", name="charging pilot", owner="Zephyr Grid", supporters=["Phantom Corp"]
            ),
            OLD,
            "runs the charging pilot",
        ),
    ]
    d.value_exchanges.value_exchanges = [
        cite(
            ExchangeDraft(
                quote="provides grid connections to NHM",
                provider="the utility",
                receiver="NHM",
                value="grid connections",
                kind="service",
            ),
            OLD,
            "provides grid connections to NHM",
        ),
        cite(
            ExchangeDraft(
                quote="provides grid connections to NHM",
                provider="Ghost Ltd",
                receiver="NHM",
                value="grid connections",
                kind="service",
            ),
            OLD,
            "provides grid connections to NHM",
        ),
    ]
    d.metrics.metrics = [
        cite(
            MetricDraft(quote="Charger availability target is 95%.", name="Charger availability", target="95%"),
            OLD,
            "Charger availability target is 95%.",
        ),
        cite(
            MetricDraft(quote="Charger availability target is 97%.", name="Charger availability", target="97%"),
            NEW,
            "Charger availability target is 97%.",
        ),
    ]
    return d


def test_aliases_and_role_nouns_resolve_to_one_actor() -> None:
    res = resolve(build(), [OLD, NEW], tainted=set())
    names = {a.name for a in res.draft.actors.actors}
    assert "Nordhavn Harbour Mobility" in names and "NHM" not in names
    (x,) = res.draft.value_exchanges.value_exchanges
    assert (x.provider, x.receiver) == ("Vellmar Energi", "Nordhavn Harbour Mobility")


def test_no_phantom_actors_but_named_ones_are_added_with_a_citation() -> None:
    res = resolve(build(), [OLD, NEW], tainted=set())
    names = {a.name for a in res.draft.actors.actors}
    assert "Ghost Ltd" not in names and "Phantom Corp" not in names  # not in any document
    kestrel = next(a for a in res.draft.actors.actors if a.name == "Kestrel Logistics")
    assert kestrel.citation is not None and kestrel.citation.quote == "Kestrel Logistics"
    assert res.dropped_references >= 2


def test_excluded_actor_takes_no_part() -> None:
    res = resolve(build(), [OLD, NEW], tainted=set())
    assert "Zephyr Grid" not in {a.name for a in res.draft.actors.actors}
    pilot = next(a for a in res.draft.activities.activities if a.name == "charging pilot")
    assert pilot.owner is None


def test_latest_dated_document_wins_and_disagreement_becomes_open_question() -> None:
    res = resolve(build(), [OLD, NEW], tainted=set())
    onboarding = [a for a in res.draft.activities.activities if a.name.lower() == "site onboarding"]
    assert len(onboarding) == 1 and onboarding[0].owner == "Nordhavn Harbour Mobility"
    (metric,) = res.draft.metrics.metrics
    assert metric.target == "97%"
    texts = [q.text for q in res.open_questions]
    assert any("site onboarding" in t.lower() and "Kestrel Logistics" in t for t in texts)
    assert any("target" in t and "95%" in t and "97%" in t for t in texts)
    assert all({c.document_id for c in q.sources} == {"old", "new"} for q in res.open_questions)


def test_tainted_entries_are_dropped() -> None:
    draft = build()
    bad = draft.value_exchanges.value_exchanges[0]
    res = resolve(draft, [OLD, NEW], tainted={id(bad)})
    assert res.dropped_injected == 1
    assert not any(x.provider == "Vellmar Energi" for x in res.draft.value_exchanges.value_exchanges)
