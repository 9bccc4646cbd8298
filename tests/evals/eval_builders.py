"""A small hand-made ecosystem and canvases built from its gold, for the scorer's tests."""

from __future__ import annotations

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    CanvasResult,
    Citation,
    Exchange,
    Finding,
    Mechanism,
    Metric,
    Review,
)
from ecocanvas.evals.dataset import Gold, is_section_subject
from ecocanvas.knowledge.models import Document

GOLD = Gold.model_validate(
    {
        "title": "Harbour charging",
        "actors": [
            {"name": "Nordhavn Motors", "aliases": ["NHM"], "kind": "partner"},
            {"name": "ChargeCo Ltd", "aliases": ["ChargeCo"], "kind": "supplier"},
            {"name": "The City of Aarby", "aliases": ["Aarby municipality"], "kind": "regulator"},
            {"name": "Platform Team", "aliases": [], "kind": "internal_team"},
        ],
        "activities": [
            {
                "name": "Install charging stations",
                "keywords": ["install", "charging", "stations"],
                "owner": "ChargeCo",
                "supporters": ["NHM"],
                "approvers": ["The City of Aarby"],
            },
            {
                "name": "Approve site permits",
                "keywords": ["approve", "permits"],
                "owner": "The City of Aarby",
            },
            {"name": "Run driver onboarding", "keywords": ["driver", "onboarding"], "owner": None},
            {
                "name": "Maintain booking platform",
                "keywords": ["booking", "platform"],
                "owner": "Platform Team",
            },
        ],
        "value_exchanges": [
            {
                "provider": "ChargeCo",
                "receiver": "Nordhavn Motors",
                "value": "charging hardware and maintenance",
                "keywords": ["charging", "hardware"],
                "kind": "product",
            },
            {
                "provider": "NHM",
                "receiver": "ChargeCo Ltd",
                "value": "monthly service fee",
                "keywords": ["service", "fee"],
                "kind": "revenue",
            },
            {
                "provider": "Platform Team",
                "receiver": "NHM",
                "value": "booking data",
                "keywords": ["booking", "data"],
                "kind": "data",
            },
        ],
        "governance": [
            {
                "kind": "decision_right",
                "keywords": ["steering", "budget"],
                "description": "The steering board approves budget changes",
            },
            {
                "kind": "escalation_path",
                "keywords": ["disputes", "escalate"],
                "description": "Disputes escalate to the joint committee",
            },
        ],
        "metrics": [
            {
                "name": "Charger uptime",
                "keywords": ["charger", "uptime"],
                "owner": "ChargeCo",
                "target": "99%",
            },
            {
                "name": "Driver onboarding time",
                "keywords": ["onboarding", "time"],
                "owner": None,
                "target": None,
            },
        ],
        "review_cadence": "quarterly",
        "expected_findings": [
            {"rule": "unowned-activity", "subject": "Run driver onboarding", "why": "nobody leads it"},
            {"rule": "metric-without-owner", "subject": "Driver onboarding time", "why": "no owner"},
            {"rule": "no-conflict-resolution", "subject": "conflict_resolution", "why": "none stated"},
            {"rule": "one-sided-exchange", "subject": "Platform Team", "why": "gives data, gets nothing"},
        ],
        "must_not_appear": [{"type": "actor", "name": "Voltra Energy", "why": "was not selected"}],
    }
)

TEXT = (
    "Nordhavn Motors (NHM) and ChargeCo agree that ChargeCo installs the charging stations. "
    "The steering board approves budget changes. Voltra Energy was not selected. "
    "Charger uptime is reported quarterly."
)
DOCUMENT = Document(id="doc-1", name="memo.md", media_type="text/markdown", text=TEXT)


def cite(quote: str = "ChargeCo installs the charging stations", doc: Document = DOCUMENT) -> Citation:
    start = doc.text.index(quote)
    return Citation(document=doc.name, document_id=doc.id, start=start, end=start + len(quote), quote=quote)


def canvas_from_gold(gold: Gold = GOLD) -> CanvasResult:
    """What a perfect draft would hold: every gold entry, cited, and every expected finding."""
    actors = [
        Actor(id=f"actor-{i}", name=a.name, aliases=a.aliases, kind=a.kind, sources=[cite()])
        for i, a in enumerate(gold.actors)
    ]

    def actor_id(name: str | None) -> str | None:
        target = gold.actor_named(name) if name is not None else None
        return next((a.id for a, g in zip(actors, gold.actors, strict=True) if g == target), None)

    activities = [
        Activity(
            id=f"activity-{i}",
            name=a.name,
            owner=actor_id(a.owner),
            supporters=[x for s in a.supporters if (x := actor_id(s))],
            approvers=[x for s in a.approvers if (x := actor_id(s))],
            sources=[cite()],
        )
        for i, a in enumerate(gold.activities)
    ]
    exchanges = [
        Exchange(
            id=f"exchange-{i}",
            provider=actor_id(e.provider) or "",
            receiver=actor_id(e.receiver) or "",
            value=e.value,
            kind=e.kind,
            sources=[cite()],
        )
        for i, e in enumerate(gold.value_exchanges)
    ]
    mechanisms = [
        Mechanism(id=f"mechanism-{i}", kind=m.kind, description=m.description, sources=[cite()])
        for i, m in enumerate(gold.governance)
    ]
    metrics = [
        Metric(id=f"metric-{i}", name=m.name, owner=actor_id(m.owner), target=m.target, sources=[cite()])
        for i, m in enumerate(gold.metrics)
    ]
    canvas = Canvas(
        title=gold.title,
        actors=actors,
        activities=activities,
        value_exchanges=exchanges,
        governance=mechanisms,
        metrics=metrics,
        review=Review(cadence=gold.review_cadence),
    )
    labels = {a.name: a.id for a in actors} | {a.name: a.id for a in activities}
    labels |= {m.name: m.id for m in metrics} | {e.value: e.id for e in exchanges}
    findings = [
        Finding(
            id=f"finding-{i}",
            rule=f.rule,
            severity="warning",
            section="activities",
            subjects=[] if is_section_subject(f.subject) else [actor_id(f.subject) or labels[f.subject]],
            message=f.why,
        )
        for i, f in enumerate(gold.expected_findings)
    ]
    return CanvasResult(canvas=canvas, findings=findings)


def canvas_with_known_misses() -> CanvasResult:
    """The perfect canvas with deliberate mistakes; test_eval_score counts their effect by hand."""
    result = canvas_from_gold()
    c = result.canvas
    _nhm, chargeco, _city, platform = c.actors
    # Actors: Platform Team missing; a duplicate of NHM and a forbidden actor added.
    c.actors = [
        *c.actors[:3],
        Actor(id="dup", name="NHM", sources=[cite()]),
        Actor(id="voltra", name="Voltra Energy Ltd", sources=[cite()]),
    ]
    install, permits, onboarding, booking = c.activities
    install.name = "Charging station installation"  # install-ation, station-s: still found
    permits.name = "Site permit process"  # 1 of 2 keywords: missed
    onboarding.owner = chargeco.id  # gold owner is null: wrong
    booking.owner = None  # gold owner is Platform Team: wrong
    c.activities = [
        install,
        permits,
        onboarding,
        booking,
        c.activities[0].model_copy(update={"id": "x", "name": "Marketing campaign"}),
    ]
    hardware, fee, _data = c.value_exchanges
    fee.provider, fee.receiver = fee.receiver, fee.provider  # reversed: does not count
    c.value_exchanges = [hardware, fee]
    uptime, onboarding_time = c.metrics
    onboarding_time.name = "Average onboarding duration"  # 1 of 2 keywords: missed
    c.governance = c.governance[:1]  # escalation_path kind missing
    # One of the 15 citations points one character off.
    bad = c.metrics[0].sources[0]
    uptime.sources = [bad.model_copy(update={"start": bad.start + 1, "end": bad.end + 1})]
    c.review.cadence = None
    result.findings = [
        Finding(
            id="f1",
            rule="unowned-activity",
            severity="warning",
            section="activities",
            subjects=[booking.id],
            message="m",
        ),
        Finding(
            id="f2",
            rule="no-conflict-resolution",
            severity="warning",
            section="governance",
            subjects=[],
            message="m",
        ),
        Finding(
            id="f3",
            rule="one-sided-exchange",
            severity="warning",
            section="value_exchanges",
            subjects=[chargeco.id],
            message="m",
        ),
        Finding(
            id="f4",
            rule="metric-without-target",
            severity="info",
            section="metrics",
            subjects=[onboarding_time.id],
            message="m",
        ),
        Finding(
            id="f5",
            rule="one-sided-exchange",
            severity="warning",
            section="value_exchanges",
            subjects=[platform.id],
            message="dismissed by a person",
            status="dismissed",
        ),
    ]
    return result
