"""Planters for the oracle test: each adds one violation to a clean canvas (see `rules_canvases`).

A planter returns the findings its violation must cause, as `(rule id, frozenset of subject ids)`.
Planters add fresh entries (ids carry a tag) rather than edit existing ones, so that several can be
planted at once without creating gaps nobody planted.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from rules_canvases import CLEAN_FORUM_ID, OLD_DOC, OVERLAP_KINDS, Expected, cite

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    ActorKind,
    Canvas,
    DocumentRef,
    Exchange,
    Item,
    Mechanism,
    MechanismKind,
    Metric,
)

Planter = Callable[[Canvas, random.Random, str], set[Expected]]


# -- helpers for planters --------------------------------------------------------------------


def _live_actor_ids(c: Canvas) -> list[str]:
    """The clean canvas's own actors: planters pick partners among these only, so that one planted
    entry never gives a role (or a counterpart) to an actor another planter added."""
    return [a.id for a in c.actors if a.status != "rejected" and a.id.startswith("actor-")]


def _least_loaded(c: Canvas, rng: random.Random) -> str:
    """An owner that keeps every owner's share of the activities as low as it is now."""
    load = Counter(a.owner for a in c.activities if a.status != "rejected" and a.owner)
    ids = _live_actor_ids(c)
    low = min(load.get(i, 0) for i in ids)
    return rng.choice([i for i in ids if load.get(i, 0) == low])


def _other(c: Canvas, rng: random.Random, *not_these: str) -> str:
    return rng.choice([i for i in _live_actor_ids(c) if i not in not_these])


def _owned_activity(c: Canvas, rng: random.Random, act_id: str, **fields: object) -> Activity:
    owner = _least_loaded(c, rng)
    base: dict[str, object] = {"approvers": [_other(c, rng, owner)], "sources": cite()}
    base.update(fields)
    act = Activity(id=act_id, name=f"Planted {act_id}", owner=owner, **base)  # type: ignore[arg-type]
    c.activities.append(act)
    return act


def _metric(c: Canvas, rng: random.Random, metric_id: str, **missing: None) -> Metric:
    fields: dict[str, object] = {
        "owner": rng.choice(_live_actor_ids(c)),
        "target": "95%",
        "cadence": "weekly",
        "data_source": "warehouse",
    }
    fields.update(missing)
    met = Metric(id=metric_id, name=f"Planted {metric_id}", actors=[_live_actor_ids(c)[1]], sources=cite(), **fields)  # type: ignore[arg-type]
    c.metrics.append(met)
    return met


def _actor_in_exchanges(c: Canvas, rng: random.Random, actor_id: str, kind: ActorKind) -> Actor:
    """A new actor that gives and receives (revenue, which no overlap check looks at)."""
    actor = Actor(id=actor_id, name=f"Planted org {actor_id}", kind=kind, sources=cite())
    other = rng.choice(_live_actor_ids(c))
    c.actors.append(actor)
    for n, (p, r) in enumerate(((actor_id, other), (other, actor_id))):
        c.value_exchanges.append(
            Exchange(id=f"{actor_id}-ex{n}", provider=p, receiver=r, value="fees", kind="revenue", sources=cite())
        )
    return actor


def _reject_mechanisms(c: Canvas, kind: MechanismKind) -> None:
    for mech in c.governance:
        if mech.kind == kind:
            mech.status = "rejected"


# -- planters --------------------------------------------------------------------------------


def plant_unowned(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    ids = _live_actor_ids(c)
    c.activities.append(
        Activity(
            id=f"u-{tag}",
            name="Orphan",
            supporters=[rng.choice(ids)],
            approvers=[rng.choice(ids)],
            sources=cite(),
        )
    )
    return {("unowned-activity", frozenset({f"u-{tag}"}))}


def plant_unknown_actor(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    _owned_activity(c, rng, f"ua-{tag}", supporters=[f"ghost-{tag}"])
    return {("unknown-actor-reference", frozenset({f"ua-{tag}"}))}


def plant_unknown_activity(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    _owned_activity(c, rng, f"uact-{tag}", depends_on=[f"ghost-act-{tag}"])
    return {("unknown-activity-reference", frozenset({f"uact-{tag}"}))}


def plant_dependency_on_unowned(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.activities.append(Activity(id=f"du-{tag}", name="Nobody's", approvers=[_other(c, rng)], sources=cite()))
    _owned_activity(c, rng, f"dd-{tag}", depends_on=[f"du-{tag}"])
    return {
        ("unowned-activity", frozenset({f"du-{tag}"})),
        ("dependency-on-unowned-activity", frozenset({f"dd-{tag}", f"du-{tag}"})),
    }


def plant_cycle(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    size = rng.randint(1, 3)
    loop = [f"cy{k}-{tag}" for k in range(size)]
    for k, act_id in enumerate(loop):
        _owned_activity(c, rng, act_id, depends_on=[loop[(k + 1) % size]])
    return {("circular-dependency", frozenset(loop))}


def plant_self_approval(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    act = _owned_activity(c, rng, f"sa-{tag}")
    act.approvers = [act.owner or ""]
    return {("self-approval", frozenset({act.id, act.owner or ""}))}


def plant_without_approver(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    _owned_activity(c, rng, f"na-{tag}", approvers=[])
    return {("activity-without-approver", frozenset({f"na-{tag}"}))}


def plant_overload(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    live = [a for a in c.activities if a.status != "rejected"]
    target = rng.choice(_live_actor_ids(c))
    owned = sum(a.owner == target for a in live)
    # smallest x with (owned + x) / (len(live) + x) > 0.5, and at least 4 activities in all
    extra = max(len(live) - 2 * owned + 1, 4 - len(live), 0)
    for k in range(extra):
        c.activities.append(
            Activity(
                id=f"ov{k}-{tag}",
                name=f"Busy {k}",
                owner=target,
                approvers=[_other(c, rng, target)],
                sources=cite(),
            )
        )
    return {("owner-overload", frozenset({target}))}


def plant_roleless_actor(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.actors.append(Actor(id=f"nr-{tag}", name=f"Bystander {tag}", kind="internal_team", sources=cite()))
    return {("actor-without-role", frozenset({f"nr-{tag}"}))}


def plant_duplicate_actor(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    original = rng.choice([a for a in c.actors if a.status != "rejected" and a.id.startswith("actor-")])
    c.actors.append(
        Actor(
            id=f"da-{tag}",
            name=f"Twin {tag}",
            aliases=[original.name.upper()],
            kind="internal_team",
            sources=cite(),
        )
    )
    host = next(a for a in c.activities if a.status != "rejected")
    host.supporters = [*host.supporters, f"da-{tag}"]
    return {("duplicate-actor", frozenset({original.id, f"da-{tag}"}))}


def plant_duplicate_id(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.scope.out_of_scope.append(Item(id="in-1", text=f"Clash {tag}", sources=cite()))
    return {("duplicate-entry-id", frozenset({"in-1"}))}


def plant_one_sided(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.actors.append(Actor(id=f"os-{tag}", name=f"Giver {tag}", kind="supplier", sources=cite()))
    receiver = rng.choice(_live_actor_ids(c))
    c.value_exchanges.append(
        Exchange(
            id=f"osx-{tag}",
            provider=f"os-{tag}",
            receiver=receiver,
            value="free data",
            kind="data",
            sources=cite(),
        )
    )
    return {("one-sided-exchange", frozenset({f"os-{tag}"}))}


def plant_overlap(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    providers: dict[tuple[str, str], set[str]] = {}
    for ex in c.value_exchanges:
        if ex.status != "rejected" and ex.kind in OVERLAP_KINDS:
            providers.setdefault((ex.receiver, ex.kind), set()).add(ex.provider)
    receiver, kind = rng.choice(sorted(k for k, v in providers.items() if len(v) == 1))
    first = next(iter(providers[(receiver, kind)]))
    second = _other(c, rng, first, receiver)
    c.value_exchanges.append(
        Exchange(id=f"ol-{tag}", provider=second, receiver=receiver, value="same again", kind=kind, sources=cite())  # type: ignore[arg-type]
    )
    flows = {
        ex.id
        for ex in c.value_exchanges
        if ex.status != "rejected" and ex.receiver == receiver and ex.kind == kind and ex.provider in (first, second)
    }
    return {("capability-overlap", frozenset({first, second, receiver, *flows}))}


def _plant_metric_missing(field: str, rule_id: str) -> Planter:
    def plant(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
        met = _metric(c, rng, f"m{field[:3]}-{tag}", **{field: None})
        return {(rule_id, frozenset({met.id}))}

    return plant


def plant_unmeasured_partner(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    actor = _actor_in_exchanges(c, rng, f"up-{tag}", "partner")
    forum = next((m for m in c.governance if m.kind == "forum" and m.status != "rejected"), None)
    if forum is not None:
        forum.participants = [*forum.participants, actor.id]
    return {("unmeasured-partner", frozenset({actor.id}))}


def plant_partner_without_forum(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    actor = _actor_in_exchanges(c, rng, f"pf-{tag}", "partner")
    met = next(m for m in c.metrics if m.status != "rejected")
    met.actors = [*met.actors, actor.id]
    return {("partner-without-forum", frozenset({actor.id}))}


def plant_forum_without_cadence(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    ids = _live_actor_ids(c)
    c.governance.append(
        Mechanism(
            id=f"fc-{tag}",
            kind="forum",
            description="Ad hoc call",
            owner=ids[0],
            participants=ids,
            sources=cite(),
        )
    )
    return {("forum-without-cadence", frozenset({f"fc-{tag}"}))}


def _plant_no_mechanism(kind: MechanismKind, rule_id: str) -> Planter:
    def plant(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
        _reject_mechanisms(c, kind)
        return {(rule_id, frozenset())}

    return plant


def plant_no_metrics(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    for met in c.metrics:
        met.status = "rejected"
    # with no metric, every partner is unmeasured too: a consequence, planted knowingly
    partners = {a.id for a in c.actors if a.status != "rejected" and a.kind == "partner"}
    return {("no-metrics", frozenset())} | {("unmeasured-partner", frozenset({p})) for p in partners}


def plant_no_review_cadence(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.review.cadence = rng.choice([None, "", "  "])
    return {("no-review-cadence", frozenset())}


def plant_no_stakeholders(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.review.stakeholders = []
    return {("no-review-stakeholders", frozenset())}


def plant_no_objectives(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    for item in c.scope.objectives:
        item.status = "rejected"
    return {("no-objectives", frozenset())}


def plant_uncited(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    c.review.open_questions.append(Item(id=f"q-{tag}", text="Who pays?", status="draft"))
    # a person's own note without a source is not a gap under the default policy
    c.review.open_questions.append(Item(id=f"qh-{tag}", text="Ask legal", status=rng.choice(["accepted", "edited"])))
    return {("uncited-entry", frozenset({f"q-{tag}"}))}


def plant_stale(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    if all(d.document_id != OLD_DOC for d in c.generator.documents):
        c.generator.documents = [
            *c.generator.documents,
            DocumentRef(document_id=OLD_DOC, name="old.md", date="2021-03-01"),
        ]
    c.governance.append(Mechanism(id=f"st-{tag}", kind="policy", description="Old rule", sources=cite(OLD_DOC)))
    return {("stale-entry", frozenset({f"st-{tag}"}))}


def _reword_clean_forum(description: str) -> Planter:
    """The clean canvas's forum reworded (the other health planters reword it too: they conflict)."""

    def plant(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
        forum = next(m for m in c.governance if m.id == CLEAN_FORUM_ID)
        forum.description = description
        return set()

    return plant


_below_executive = _reword_clean_forum("Working group and field teams review the KPIs")
_executive_only = _reword_clean_forum("Executive steering committee reviews the KPIs")
_no_review = _reword_clean_forum("Executive and field teams meet")


def plant_no_executive_sponsor(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    return _below_executive(c, rng, tag) | {("no-executive-sponsor", frozenset())}


def plant_single_level_forums(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    return _executive_only(c, rng, tag) | {("single-level-forums", frozenset())}


def plant_no_feedback_loop(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    return _no_review(c, rng, tag) | {("no-feedback-loop", frozenset())}


def plant_gives_outweigh_gets(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    """A supplier that gives three data flows and gets one payment (kinds no overlap check looks at)."""
    giver = f"gg-{tag}"
    c.actors.append(Actor(id=giver, name=f"Planted giver {tag}", kind="supplier", sources=cite()))
    receivers = [rng.choice(_live_actor_ids(c)) for _ in range(3)]
    flows = [(giver, r, "data") for r in receivers]
    # The payer is one of the receivers, so no clean actor ends up giving more than it gets.
    flows.append((receivers[0], giver, "revenue"))
    for n, (p, r, kind) in enumerate(flows):
        c.value_exchanges.append(
            Exchange(id=f"{giver}-ex{n}", provider=p, receiver=r, value=f"flow {n}", kind=kind, sources=cite())  # type: ignore[arg-type]
        )
    return {("gives-outweigh-gets", frozenset({giver}))}


def plant_motion_without_owner(c: Canvas, rng: random.Random, tag: str) -> set[Expected]:
    """An in-scope line naming a co-sell motion that no activity carries."""
    c.scope.in_scope.append(Item(id=f"mo-{tag}", text="Co-selling with the resellers", sources=cite()))
    return {("motion-without-owner", frozenset({f"mo-{tag}"}))}


PLANTERS: dict[str, Planter] = {
    "unowned-activity": plant_unowned,
    "unknown-actor-reference": plant_unknown_actor,
    "unknown-activity-reference": plant_unknown_activity,
    "dependency-on-unowned-activity": plant_dependency_on_unowned,
    "circular-dependency": plant_cycle,
    "self-approval": plant_self_approval,
    "activity-without-approver": plant_without_approver,
    "actor-without-role": plant_roleless_actor,
    "duplicate-actor": plant_duplicate_actor,
    "duplicate-entry-id": plant_duplicate_id,
    "one-sided-exchange": plant_one_sided,
    "capability-overlap": plant_overlap,
    "metric-without-owner": _plant_metric_missing("owner", "metric-without-owner"),
    "metric-without-target": _plant_metric_missing("target", "metric-without-target"),
    "metric-without-data-source": _plant_metric_missing("data_source", "metric-without-data-source"),
    "metric-without-cadence": _plant_metric_missing("cadence", "metric-without-cadence"),
    "unmeasured-partner": plant_unmeasured_partner,
    "partner-without-forum": plant_partner_without_forum,
    "forum-without-cadence": plant_forum_without_cadence,
    "no-escalation-path": _plant_no_mechanism("escalation_path", "no-escalation-path"),
    "no-decision-rights": _plant_no_mechanism("decision_right", "no-decision-rights"),
    "no-conflict-resolution": _plant_no_mechanism("conflict_resolution", "no-conflict-resolution"),
    "no-coordination-forum": _plant_no_mechanism("forum", "no-coordination-forum"),
    "no-change-management": _plant_no_mechanism("change_management", "no-change-management"),
    "no-review-cadence": plant_no_review_cadence,
    "no-review-stakeholders": plant_no_stakeholders,
    "no-objectives": plant_no_objectives,
    "uncited-entry": plant_uncited,
    "stale-entry": plant_stale,
    "no-executive-sponsor": plant_no_executive_sponsor,
    "single-level-forums": plant_single_level_forums,
    "no-feedback-loop": plant_no_feedback_loop,
    "gives-outweigh-gets": plant_gives_outweigh_gets,
    "motion-without-owner": plant_motion_without_owner,
    # last: they depend on everything planted before them
    "owner-overload": plant_overload,
    "no-metrics": plant_no_metrics,
}

# Pairs that cannot be planted together without one undoing or changing the other.
_METRIC_PLANTERS = {
    "metric-without-owner",
    "metric-without-target",
    "metric-without-data-source",
    "metric-without-cadence",
    "unmeasured-partner",
    "partner-without-forum",
}
# The health planters that reword the clean forum: one at a time, and none once the forums are gone.
_FORUM_PLANTERS = ("no-executive-sponsor", "single-level-forums", "no-feedback-loop")
CONFLICTS: set[frozenset[str]] = {
    *(frozenset({a, b}) for a in _FORUM_PLANTERS for b in _FORUM_PLANTERS if a < b),
    *(frozenset({"no-coordination-forum", rule_id}) for rule_id in _FORUM_PLANTERS),
    frozenset({"no-metrics", "no-feedback-loop"}),
    frozenset({"no-coordination-forum", "forum-without-cadence"}),
    frozenset({"no-coordination-forum", "partner-without-forum"}),
    *(frozenset({"no-metrics", rule_id}) for rule_id in _METRIC_PLANTERS),
}


def choose_planters(rng: random.Random, count: int) -> list[str]:
    """Up to `count` compatible rules, in PLANTERS order (which puts the order-sensitive ones last)."""
    chosen: set[str] = set()
    for rule_id in rng.sample(list(PLANTERS), k=len(PLANTERS)):
        if len(chosen) >= count:
            break
        if all(frozenset({rule_id, other}) not in CONFLICTS for other in chosen):
            chosen.add(rule_id)
    return [r for r in PLANTERS if r in chosen]
