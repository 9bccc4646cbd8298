"""Execution responsibilities (seed 000, step 4): who leads, supports and approves, and in what order."""

from __future__ import annotations

from collections.abc import Iterator

from ecocanvas.rules.graph import cycles
from ecocanvas.rules.index import CanvasIndex, cap, entry_label, is_blank, join_names, shorten
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, RuleSpec, rule

_STEP_4 = Principle(
    seed="000",
    says="Step 4: clarify ownership for critical activities, decisions and outcomes; "
    "know who leads, supports or approves each initiative.",
)
_DEPENDENCIES = Principle(
    seed="000",
    says="The canvas is for when strategy lacks clarity on ownership, sequencing and operational "
    "dependencies; it highlights dependencies in production and delivery.",
)


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


@rule(
    RuleSpec(
        id="unowned-activity",
        severity="error",
        section="activities",
        description="An activity has no owner: nobody leads it and is accountable for it.",
        principle=_STEP_4,
    )
)
def unowned_activity(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for act in ix.activities:
        if ix.names_owner(act.owner):
            continue
        label = entry_label(act, ix)
        helpers = _unique([s for s in act.supporters if not is_blank(s)])
        verb = "supports" if len(helpers) == 1 else "support"
        also = f", although {ix.actor_names(helpers)} {verb} it" if helpers else ""
        yield Gap(
            subjects=(act.id,),
            message=f"Nobody owns {label}{also}.",
            suggestion=f"Name the one actor who leads {label} and is accountable for it.",
        )


@rule(
    RuleSpec(
        id="unknown-activity-reference",
        severity="error",
        section="activities",
        description="An activity depends on an activity id that is not in the canvas (or was rejected).",
        principle=_DEPENDENCIES,
    )
)
def unknown_activity_reference(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for act in ix.activities:
        for dep in _unique(act.depends_on):
            if dep in ix.activity_by_id:
                continue
            why = "was rejected in review" if dep in ix.rejected_activity_ids else "is not in the canvas"
            label = entry_label(act, ix)
            yield Gap(
                subjects=(act.id,),
                key=(dep,),
                message=f'{cap(label)} depends on "{dep}", which {why}.',
                suggestion=f"Point the dependency of {label} at an existing activity, or remove it.",
            )


@rule(
    RuleSpec(
        id="dependency-on-unowned-activity",
        severity="warning",
        section="activities",
        description="An activity depends on another activity that nobody owns.",
        principle=Principle(
            seed="000",
            says="Clear ownership reduces bottlenecks; the canvas highlights dependencies in delivery.",
        ),
    )
)
def dependency_on_unowned_activity(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for act in ix.activities:
        for dep in _unique(act.depends_on):
            target = ix.activity_by_id.get(dep)
            if target is None or dep == act.id or ix.names_owner(target.owner):
                continue
            label, target_label = entry_label(act, ix), entry_label(target, ix)
            yield Gap(
                subjects=(act.id, dep),
                message=(
                    f"{cap(label)} depends on {target_label}, which nobody owns, "
                    "so nobody is accountable for unblocking it."
                ),
                suggestion=f"Name an owner for {target_label}.",
            )


@rule(
    RuleSpec(
        id="circular-dependency",
        severity="error",
        section="activities",
        description="Activities depend on each other in a loop, so none of them can start first.",
        principle=_DEPENDENCIES,
    )
)
def circular_dependency(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    nodes = list(ix.activity_by_id)
    edges = {
        act_id: [d for d in _unique(act.depends_on) if d in ix.activity_by_id]
        for act_id, act in ix.activity_by_id.items()
    }
    for loop in cycles(nodes, edges):
        names = [f'"{shorten(ix.activity_by_id[a].name) or a}"' for a in loop]
        if len(loop) == 1:
            message = f"The activity {names[0]} depends on itself."
        else:
            message = f"The activities {join_names(names)} depend on each other in a loop."
        yield Gap(
            subjects=tuple(loop),
            message=message,
            suggestion="Remove or re-point one dependency so the activities can be sequenced.",
        )


@rule(
    RuleSpec(
        id="owner-overload",
        severity="warning",
        section="activities",
        description="One actor owns more than a set share of all activities: a bottleneck and a single "
        "point of failure.",
        principle=Principle(
            seed="000",
            says="Clear ownership reduces bottlenecks during demand spikes (manufacturing example); "
            "seed 003 adds: prevent any single participant from becoming too dominant.",
        ),
        params=(
            ParamSpec(
                name="share",
                default=0.5,
                minimum=0.0,
                maximum=1.0,
                description="Flag an owner of more than this share of the activities.",
            ),
            ParamSpec(
                name="min_activities",
                default=4,
                minimum=1,
                description="Only check canvases with at least this many activities.",
            ),
        ),
    )
)
def owner_overload(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    total = len(ix.activities)
    share = params.number("share")
    if total == 0 or total < params.integer("min_activities"):
        return
    for owner, acts in ix.owned.items():
        if len(acts) / total <= share:
            continue
        name = ix.actor_name(owner)
        yield Gap(
            subjects=(owner,),
            message=(
                f"{len(acts)} of the {total} activities ({len(acts) / total:.0%}) have {name} as their owner, "
                f"more than the {share:.0%} one owner should carry."
            ),
            suggestion=f"Hand some of the activities of {name} to other actors, or confirm the capacity.",
        )


@rule(
    RuleSpec(
        id="self-approval",
        severity="warning",
        section="activities",
        description="The owner of an activity is also its only approver, so nobody checks the work.",
        principle=Principle(
            seed="000",
            says="Step 4: know who leads, supports or approves each initiative; seed 003: the "
            "orchestrator exercises governance and control.",
        ),
    )
)
def self_approval(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for act in ix.activities:
        approvers = {a for a in act.approvers if not is_blank(a)}
        if not ix.names_owner(act.owner) or approvers != {act.owner}:
            continue
        owner = act.owner or ""
        label = entry_label(act, ix)
        yield Gap(
            subjects=(act.id, owner),
            message=f"The owner of {label}, {ix.actor_name(owner)}, is also its only approver.",
            suggestion=f"Name an approver for {label} other than its owner.",
        )


@rule(
    RuleSpec(
        id="activity-without-approver",
        severity="info",
        section="activities",
        description="An owned activity names nobody who approves or signs it off.",
        principle=_STEP_4,
        enabled=False,
    )
)
def activity_without_approver(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for act in ix.activities:
        if ix.names_owner(act.owner) and all(is_blank(a) for a in act.approvers):
            label = entry_label(act, ix)
            yield Gap(
                subjects=(act.id,),
                message=f"Nobody approves {label}.",
                suggestion=f"Name who signs off {label}, or confirm that its owner decides alone.",
            )


RULES = (
    unowned_activity,
    unknown_activity_reference,
    dependency_on_unowned_activity,
    circular_dependency,
    owner_overload,
    self_approval,
    activity_without_approver,
)
