"""`health_summary(canvas, findings, partners) -> HealthSummary`: the canvas read against seed 001's success
factors and seed 004's orchestration motions, per actor and per dimension.

Pure and deterministic, like `check`: rejected entries are left out (the `CanvasIndex` drops them), and the
findings are the ones given (a stored version's, with their review statuses), never recomputed, so the
summary agrees with the findings panel. The dimensions and the rules that count against each come from
`health.toml`.
"""

from __future__ import annotations

from collections.abc import Callable

from ecocanvas.canvas.health import ActorHealth, DimensionHealth, DimensionStatus, EntryPart, FindingRef, HealthSummary
from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    Entry,
    Exchange,
    ExchangeKind,
    Finding,
    Item,
    Mechanism,
    Metric,
    SectionName,
)
from ecocanvas.canvas.partners import PartnerData, money_text
from ecocanvas.rules.engine import finding_id
from ecocanvas.rules.health import executive_evidence, motion_entries, reviews_metrics
from ecocanvas.rules.health_words import Dimension, forum_levels, health_words, mentions
from ecocanvas.rules.index import CanvasIndex, actor_display, shorten
from ecocanvas.rules.registry import RULES_BY_ID
from ecocanvas.rules.spec import Params


def _section(entry: Entry) -> SectionName:
    if isinstance(entry, Actor):
        return "actors"
    if isinstance(entry, Exchange):
        return "value_exchanges"
    if isinstance(entry, Activity):
        return "activities"
    if isinstance(entry, Mechanism):
        return "governance"
    if isinstance(entry, Metric):
        return "metrics"
    return "scope"


def _label(entry: Entry, ix: CanvasIndex) -> str:
    if isinstance(entry, Actor):
        return actor_display(entry)
    if isinstance(entry, Exchange):
        return f"{shorten(entry.value)} ({ix.actor_name(entry.provider)} → {ix.actor_name(entry.receiver)})"
    if isinstance(entry, Activity | Metric):
        return shorten(entry.name) or entry.id
    if isinstance(entry, Mechanism):
        return shorten(entry.description) or entry.id
    if isinstance(entry, Item):
        return shorten(entry.text) or entry.id
    return entry.id


def _part(entry: Entry, ix: CanvasIndex, detail: str = "") -> EntryPart:
    return EntryPart(id=entry.id, section=_section(entry), label=_label(entry, ix), detail=detail)


def _ref(f: Finding) -> FindingRef:
    return FindingRef(id=f.id, rule=f.rule, severity=f.severity, status=f.status, message=f.message)


def _kinds(flows: list[Exchange]) -> list[ExchangeKind]:
    return list(dict.fromkeys(e.kind for e in flows))


def _actor(ix: CanvasIndex, actor: Actor, findings: list[Finding], partners: PartnerData | None) -> ActorHealth:
    gives, gets = ix.gives.get(actor.id, []), ix.receives.get(actor.id, [])
    activities = []
    for act in ix.activities:
        roles = [
            role
            for role, holds in (
                ("lead", act.owner == actor.id),
                ("support", actor.id in act.supporters),
                ("approve", actor.id in act.approvers),
            )
            if holds
        ]
        if roles:
            activities.append(_part(act, ix, ", ".join(roles)))
    metrics = []
    for met in ix.metrics:
        roles = [r for r, holds in (("owner", met.owner == actor.id), ("measured", actor.id in met.actors)) if holds]
        if roles:
            metrics.append(_part(met, ix, ", ".join(roles)))
    forums = []
    for forum in ix.mechanisms_by_kind.get("forum", []):
        role = "owner" if forum.owner == actor.id else "participant" if actor.id in forum.participants else ""
        if role:
            forums.append(_part(forum, ix, role))
    record = partners.by_actor.get(actor.id) if partners is not None else None
    return ActorHealth(
        actor_id=actor.id,
        name=actor_display(actor),
        kind=actor.kind,
        gives=len(gives),
        gets=len(gets),
        gives_kinds=_kinds(gives),
        gets_kinds=_kinds(gets),
        activities=activities,
        metrics=metrics,
        forums=forums,
        tier=record.tier if record is not None else None,
        revenue=money_text(record.revenue) or None if record is not None else None,
        findings=[_ref(f) for f in findings if actor.id in f.subjects],
    )


def _levels_detail(forum: Mechanism) -> str:
    levels = forum_levels(forum.description)
    return ", ".join(levels) + " level" if levels else "level not stated"


def _covered(ix: CanvasIndex) -> dict[str, Callable[[], list[EntryPart]]]:
    """Per non-motion dimension id, the entries that evidence it (computed when asked)."""
    forums = ix.mechanisms_by_kind.get("forum", [])
    # The exchange kinds the overlap rule compares, at its default (a policy may differ; the summary has none).
    cadence_words = health_words().feedback_cadence
    overlap_kinds = Params(RULES_BY_ID["capability-overlap"].spec.defaults()).strings("kinds")

    def executive() -> list[EntryPart]:
        return [_part(e, ix, _levels_detail(e) if isinstance(e, Mechanism) else "") for e in executive_evidence(ix)]

    return {
        "executive_involvement": executive,
        "touch_points": lambda: [_part(f, ix, _levels_detail(f)) for f in forums],
        "feedback_loops": lambda: [
            *(_part(m, ix, "reviews the metrics") for m in ix.mechanisms if reviews_metrics(ix, m)),
            *(_part(m, ix, f"reviewed {m.cadence}") for m in ix.metrics if mentions(m.cadence, cadence_words)),
        ],
        "clear_metrics": lambda: [
            _part(m, ix, f"target {m.target}" if m.target and m.target.strip() else "no target") for m in ix.metrics
        ],
        "overlap": lambda: [_part(e, ix, e.kind) for e in ix.exchanges if e.kind in overlap_kinds],
        "give_and_get": lambda: [_part(e, ix, e.kind.replace("_", " ")) for e in ix.exchanges],
    }


def _status(covered: list[EntryPart], findings: list[FindingRef]) -> DimensionStatus:
    if any(f.status == "open" for f in findings):
        return "gaps"
    return "covered" if covered else "not_evidenced"


def _dimension(
    dim: Dimension, ix: CanvasIndex, findings: list[Finding], covered: dict[str, Callable[[], list[EntryPart]]]
) -> DimensionHealth:
    if dim.motion is not None:
        entries = motion_entries(ix)[dim.motion]
        parts = [
            _part(e, ix, f"owner {ix.actor_name(e.owner or '')}" if isinstance(e, Activity) and e.owner else "")
            for e in entries
        ]
        # A motion's finding is the one the rule would give for that motion: its id hashes the motion in.
        against = [
            f for f in findings if f.rule in dim.rules and f.id == finding_id(f.rule, tuple(f.subjects), (dim.motion,))
        ]
    else:
        parts = covered[dim.id]() if dim.id in covered else []
        against = [f for f in findings if f.rule in dim.rules]
    refs = [_ref(f) for f in against]
    return DimensionHealth(id=dim.id, title=dim.title, status=_status(parts, refs), covered=parts, findings=refs)


def health_summary(canvas: Canvas, findings: list[Finding], partners: PartnerData | None = None) -> HealthSummary:
    """Per live actor, gives versus gets and where it takes part; per dimension, coverage and findings."""
    ix = CanvasIndex(canvas, partners)
    covered = _covered(ix)
    return HealthSummary(
        actors=[_actor(ix, a, findings, partners) for a in ix.actor_by_id.values()],
        dimensions=[_dimension(d, ix, findings, covered) for d in health_words().dimensions],
    )
