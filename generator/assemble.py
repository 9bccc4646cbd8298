"""Assembly: give every resolved entry its stable id, cite it, and build the canvas.

Ids come from what an entry is (an actor's name, an activity's name, an exchange's ends and
value), never from its position, so a regenerated canvas keeps the ids a reviewer acted on.
"""

from __future__ import annotations

from collections.abc import Iterable

from ecocanvas.canvas.ids import normalise_key, stable_id
from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    Citation,
    Exchange,
    Item,
    Mechanism,
    Metric,
    Review,
    Scope,
)
from ecocanvas.canvas.registry import LISTS, EntrySection
from ecocanvas.generator.drafts import CanvasDraft, EntryDraft, ItemDraft
from ecocanvas.generator.resolve import Resolution

# The id prefixes are the registry's, which review actions also use for what a person adds.
_PREFIX: dict[EntrySection, str] = {name: spec.prefix for name, spec in LISTS.items()}


def _sources(draft: EntryDraft) -> list[Citation]:
    out: list[Citation] = []
    for c in (draft.citation, *draft.also_cited):
        if c is not None and all((c.document_id, c.start, c.end) != (o.document_id, o.start, o.end) for o in out):
            out.append(c)
    return out


def _items(section: EntrySection, drafts: Iterable[ItemDraft]) -> list[Item]:
    out: dict[str, Item] = {}
    for d in drafts:
        item_id = stable_id(LISTS[section].prefix, d.text)
        if item_id not in out:
            out[item_id] = Item(id=item_id, text=d.text, sources=_sources(d))
    return list(out.values())


def assemble(res: Resolution, title_fallback: str = "") -> Canvas:
    draft = res.draft
    actor_ids = {a.name: stable_id(_PREFIX["actors"], a.name) for a in draft.actors.actors}

    def aid(name: str | None) -> str | None:
        return actor_ids.get(name) if name else None

    def aids(names: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(actor_ids[n] for n in names if n in actor_ids))

    activities: dict[str, Activity] = {}
    names_to_ids = {
        normalise_key(a.name): stable_id(_PREFIX["activities"], a.name) for a in draft.activities.activities
    }
    for a in draft.activities.activities:
        act_id = stable_id(_PREFIX["activities"], a.name)
        depends = [names_to_ids[key] for d in a.depends_on if (key := normalise_key(d)) in names_to_ids]
        owner = aid(a.owner)
        activities[act_id] = Activity(
            id=act_id,
            name=a.name,
            owner=owner,
            supporters=[s for s in aids(a.supporters) if s != owner],
            approvers=aids(a.approvers),
            depends_on=[d for d in depends if d != act_id],
            sources=_sources(a),
        )

    exchanges: dict[str, Exchange] = {}
    for x in draft.value_exchanges.value_exchanges:
        provider, receiver = actor_ids[x.provider], actor_ids[x.receiver]
        xid = stable_id(_PREFIX["value_exchanges"], f"{provider} {receiver} {x.value}")
        if xid in exchanges:
            exchanges[xid].sources += [c for c in _sources(x) if c not in exchanges[xid].sources]
            continue
        exchanges[xid] = Exchange(
            id=xid, provider=provider, receiver=receiver, value=x.value, kind=x.kind, sources=_sources(x)
        )

    mechanisms: dict[str, Mechanism] = {}
    for g in draft.governance.governance:
        gid = stable_id(_PREFIX["governance"], f"{g.kind} {g.description}")
        if gid not in mechanisms:
            mechanisms[gid] = Mechanism(
                id=gid,
                kind=g.kind,
                description=g.description,
                owner=aid(g.owner),
                participants=aids(g.participants),
                cadence=g.cadence,
                sources=_sources(g),
            )

    metrics: dict[str, Metric] = {}
    for k in draft.metrics.metrics:
        mid = stable_id(_PREFIX["metrics"], k.name)
        if mid not in metrics:
            metrics[mid] = Metric(
                id=mid,
                name=k.name,
                owner=aid(k.owner),
                target=k.target,
                cadence=k.cadence,
                data_source=k.data_source,
                actors=aids(k.actors),
                sources=_sources(k),
            )

    actors = [
        Actor(
            id=actor_ids[a.name],
            name=a.name,
            aliases=a.aliases,
            kind=a.kind,
            role=a.role or _role(a.name, draft),
            sources=_sources(a),
        )
        for a in draft.actors.actors
    ]
    questions = [
        Item(id=stable_id(_PREFIX["open_questions"], q.text), text=q.text, sources=q.sources)
        for q in res.open_questions
    ]
    review = Review(
        cadence=draft.review.cadence if draft.review.cadence_citation else None,
        cadence_sources=[draft.review.cadence_citation] if draft.review.cadence_citation else [],
        stakeholders=aids(draft.review.stakeholders),
        open_questions=list({q.id: q for q in questions}.values()),
    )
    scope = Scope(
        summary=draft.scope.summary,
        objectives=_items("objectives", draft.scope.objectives),
        in_scope=_items("in_scope", draft.scope.in_scope),
        out_of_scope=_items("out_of_scope", draft.scope.out_of_scope),
    )
    return Canvas(
        title=draft.scope.title or title_fallback,
        scope=scope,
        actors=actors,
        value_exchanges=list(exchanges.values()),
        activities=list(activities.values()),
        governance=list(mechanisms.values()),
        metrics=list(metrics.values()),
        review=review,
    )


def _role(name: str, draft: CanvasDraft) -> str:
    """A role in words when the documents gave none: what the actor leads and supports."""
    leads = [a.name for a in draft.activities.activities if a.owner == name]
    supports = [a.name for a in draft.activities.activities if name in a.supporters]
    parts = []
    if leads:
        parts.append("leads " + ", ".join(leads[:3]))
    if supports:
        parts.append("supports " + ", ".join(supports[:3]))
    return "; ".join(parts)
