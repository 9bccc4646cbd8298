"""Ecosystem health (seed 001's success factors, seed 004's orchestration motions), where a canvas can evidence it.

The words that place a forum at executive, management or field level, that name a sponsor, that say the
metrics are reviewed (in a mechanism, or a metric's cadence), and that mark the co-build / co-market /
co-sell / co-retain motions live in `health.toml` (read by `ecocanvas.rules.health_words`), not here. The forum rules
are checked only when the canvas has a forum and the feedback rule only when it has metrics: without them
`no-coordination-forum` and `no-metrics` already say what is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import ACTOR_KINDS, Activity, Entry, Exchange, Mechanism
from ecocanvas.rules.health_words import (
    LEVELS,
    MOTION_LABELS,
    MOTIONS,
    Motion,
    forum_levels,
    health_words,
    mentions,
    motions_in,
)
from ecocanvas.rules.index import CanvasIndex, actor_display, join_names
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, RuleSpec, rule


def _forums(ix: CanvasIndex) -> list[Mechanism]:
    return ix.mechanisms_by_kind.get("forum", [])


def executive_evidence(ix: CanvasIndex) -> list[Entry]:
    """The live entries that show senior executives taking part: forums at executive level, forums an
    executive-sounding actor owns or sits in, and any actor or mechanism that names a sponsor."""
    words = health_words()
    executive = words.levels["executive"]
    out: list[Entry] = []
    for forum in _forums(ix):
        people = [ix.actor_by_id[a] for a in (forum.owner, *forum.participants) if a in ix.actor_by_id]
        if "executive" in forum_levels(forum.description) or any(
            mentions(p.name, executive) or mentions(p.role, executive) for p in people
        ):
            out.append(forum)
    out += [a for a in ix.actors if mentions(a.name, words.sponsor) or mentions(a.role, words.sponsor)]
    seen = {f.id for f in out}
    out += [m for m in ix.mechanisms if m.id not in seen and mentions(m.description, words.sponsor)]
    return out


@rule(
    RuleSpec(
        id="no-executive-sponsor",
        severity="warning",
        section="governance",
        description="The canvas has coordination forums, but none meets at executive level (steering committee, "
        "board, CEOs...) and no executive sponsor is named (checked only when the canvas has a forum).",
        principle=Principle(
            seed="001",
            says="Senior executive involvement: senior executives need to show support; the involvement does not "
            "have to be frequent, but must be visible and consistent (brief CEO-to-CEO semi-annual meetings can be "
            "adequate).",
        ),
    )
)
def no_executive_sponsor(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if _forums(ix) and not executive_evidence(ix):
        yield Gap(
            subjects=(),
            message="No forum of the canvas meets at executive level and no executive sponsor is named, so "
            "senior executives' support is not visible.",
            suggestion="Name an executive sponsor on each side, or set up a brief executive meeting (semi-annual "
            "is enough) to settle priorities.",
        )


@rule(
    RuleSpec(
        id="single-level-forums",
        severity="info",
        section="governance",
        description="The coordination forums whose level the canvas states all meet at fewer levels than "
        "`min_levels` of executive, management and field (checked only when a forum's level is stated).",
        principle=Principle(
            seed="001",
            says="Regular touch points: the alliance team should have regular touchpoints with their counterparts at "
            "multiple levels: executive, management and field.",
        ),
        params=(
            ParamSpec(
                name="min_levels",
                default=2,
                minimum=1,
                maximum=3,
                description="How many of the three levels the forums should cover between them.",
            ),
        ),
    )
)
def single_level_forums(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    levels = {level for forum in _forums(ix) for level in forum_levels(forum.description)}
    if not levels or len(levels) >= params.integer("min_levels"):
        return
    met = [level for level in LEVELS if level in levels]
    missing = [level for level in LEVELS if level not in levels]
    yield Gap(
        subjects=(),
        message=f"The coordination forums meet at {join_names(met)} level only; the canvas records no regular "
        f"touch point at {' or '.join(missing)} level.",
        suggestion=f"Add a regular touch point at {' or '.join(missing)} level, or record the one that exists.",
    )


def reviews_metrics(ix: CanvasIndex, mech: Mechanism) -> bool:
    """Whether a mechanism's description says the metrics are reviewed: feedback words, or a metric's name (a
    forum that names one of the metrics reviews it as surely as one that says "KPIs")."""
    names = tuple(key for key in (normalise_key(m.name) for m in ix.metrics) if key)
    return mentions(mech.description, health_words().feedback + names)


@rule(
    RuleSpec(
        id="no-feedback-loop",
        severity="warning",
        section="metrics",
        description="The canvas has metrics and forums, but no governance mechanism says the metrics are reviewed "
        "(KPIs, scorecard, performance, service levels, or a metric's name) and no metric's cadence names a meeting "
        "(`each Board meeting`), so nothing closes the loop from measurement to decisions.",
        principle=Principle(
            seed="000",
            says="Step 6: define metrics and feedback loops; feedback loops enable continuous improvement across "
            "participants. Seed 001: honest, direct feedback, not letting issues fester.",
        ),
    )
)
def no_feedback_loop(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    forums = _forums(ix)
    if not forums or not ix.metrics:
        return
    # Any mechanism counts, not only the forums: drafts often cut "the Board tracks the KPI set" from the
    # sentence that introduced the Board and keep it as a decision right or a policy.
    cadence_words = health_words().feedback_cadence
    if any(reviews_metrics(ix, mech) for mech in ix.mechanisms) or any(
        mentions(m.cadence, cadence_words) for m in ix.metrics
    ):
        return
    yield Gap(
        subjects=(),
        message=f"No governance mechanism says the {len(ix.metrics)} metric(s) are reviewed and no metric's cadence "
        "names a meeting, so the figures feed no decision.",
        suggestion="Have a forum review the metrics at its meetings (a scorecard at the steering committee) and "
        "agree what it does when one goes off course.",
    )


def _kinds(flows: list[Exchange]) -> list[str]:
    return list(dict.fromkeys(e.kind.replace("_", " ") for e in flows))


@rule(
    RuleSpec(
        id="gives-outweigh-gets",
        severity="warning",
        section="value_exchanges",
        description="An actor gives clearly more than it gets: at least `min_excess` more exchanges out than in and "
        "`ratio` times as many, or at least `min_kind_excess` more kinds of value (an actor that gets nothing at all "
        "is one-sided-exchange's).",
        principle=Principle(
            seed="001",
            says="Checking in: all the ecosystem partners need to be getting as much out as they put in; when a "
            "partner feels this is not the case it leads to frustration, resentment and bad behaviour.",
        ),
        params=(
            ParamSpec(
                name="min_excess",
                default=2,
                minimum=1,
                maximum=100,
                description="How many more exchanges an actor must give than it gets.",
            ),
            ParamSpec(
                name="ratio",
                default=2.0,
                minimum=1.0,
                maximum=100.0,
                description="How many times as many exchanges an actor must give as it gets (a hub that gives 7 "
                "and gets 5 is busy, not short-changed).",
            ),
            ParamSpec(
                name="min_kind_excess",
                default=2,
                minimum=1,
                maximum=7,
                description="How many more kinds of value (revenue, data...) an actor must give than it gets.",
            ),
            ParamSpec(
                name="ignore_kinds",
                default=["regulator"],
                choices=ACTOR_KINDS,
                description="Actor kinds exempt from the rule: a regulator's licences and reports are not a trade.",
            ),
        ),
    )
)
def gives_outweigh_gets(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    ignored = params.strings("ignore_kinds")
    min_excess, ratio, min_kinds = (
        params.integer("min_excess"),
        params.number("ratio"),
        params.integer("min_kind_excess"),
    )
    for actor in ix.actor_by_id.values():
        gives, gets = ix.gives.get(actor.id, []), ix.receives.get(actor.id, [])
        if actor.kind in ignored or not gets:
            continue
        give_kinds, get_kinds = _kinds(gives), _kinds(gets)
        by_count = len(gives) - len(gets) >= min_excess and len(gives) >= ratio * len(gets)
        if not by_count and len(give_kinds) - len(get_kinds) < min_kinds:
            continue
        name = actor_display(actor)
        yield Gap(
            subjects=(actor.id,),
            message=f"{name} gives {len(gives)} value flow(s) ({join_names(give_kinds)}) but gets {len(gets)} "
            f"({join_names(get_kinds)}).",
            suggestion=f"Ask {name} what it gets out of the ecosystem and record it, or agree a joint plan that "
            "balances what it puts in.",
        )


def motion_entries(ix: CanvasIndex) -> dict[Motion, list[Entry]]:
    """Per motion (`co_build`...), the live entries that mention it: activities, exchanges, metrics, mechanisms,
    objectives and in-scope items, in canvas order."""
    texts: list[tuple[Entry, str]] = [(a, a.name) for a in ix.activities]
    texts += [(e, e.value) for e in ix.exchanges]
    texts += [(m, m.name) for m in ix.metrics]
    texts += [(m, m.description) for m in ix.mechanisms]
    texts += [(i, i.text) for i in (*ix.objectives, *ix.canvas.scope.in_scope) if i.status != "rejected"]
    out: dict[Motion, list[Entry]] = {m: [] for m in MOTIONS}
    for entry, text in texts:
        for motion in motions_in(text):
            out[motion].append(entry)
    return out


def motion_owners(ix: CanvasIndex, entries: list[Entry]) -> list[str]:
    """The actors who own an activity among `entries`, in order."""
    return list(dict.fromkeys(a.owner or "" for a in entries if isinstance(a, Activity) and ix.names_owner(a.owner)))


@rule(
    RuleSpec(
        id="motion-without-owner",
        severity="warning",
        section="activities",
        description="The canvas mentions a co-build, co-market, co-sell or co-retain motion (in an activity, "
        "exchange, metric, mechanism or objective) but no owned activity carries it (its subjects: the entries that "
        "mention it).",
        principle=Principle(
            seed="004",
            says="Embedded partnering requires orchestrators to think strategically across co-build, co-market, "
            "co-sell and co-retain dimensions; seed 000 step 4: clarify ownership for critical activities.",
        ),
    )
)
def motion_without_owner(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for motion, entries in motion_entries(ix).items():
        if not entries or motion_owners(ix, entries):
            continue
        label = MOTION_LABELS[motion]
        yield Gap(
            subjects=tuple(dict.fromkeys(e.id for e in entries)),
            key=(motion,),
            message=f"The canvas mentions a {label} motion ({len(entries)} entr{'y' if len(entries) == 1 else 'ies'}), "
            "but no activity of it has an owner.",
            suggestion=f"Name the activity that carries the {label} motion and the one actor who leads it.",
        )


RULES = (no_executive_sponsor, single_level_forums, no_feedback_loop, gives_outweigh_gets, motion_without_owner)
