"""Actors (seed 000, step 2): every actor is known, distinct, and has a part to play."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.rules.index import CanvasIndex, actor_display, cap, entry_label
from ecocanvas.rules.spec import Gap, Params, Principle, RuleSpec, rule

_STEP_2 = Principle(
    seed="000",
    says="Step 2: list partners, internal teams, platforms and third parties involved in execution and "
    "capture their primary roles, so everyone sees who does what.",
)
_FIELD_PHRASES = {
    "owner": "as its owner",
    "supporter": "as a supporter",
    "approver": "as an approver",
    "provider": "as the provider",
    "receiver": "as the receiver",
    "participant": "as a participant",
    "measured actor": "as an actor it measures",
    "stakeholder": "as a stakeholder",
}


@rule(
    RuleSpec(
        id="unknown-actor-reference",
        severity="error",
        section="any",
        description="An entry refers to an actor id that is not among the actors (or was rejected).",
        principle=_STEP_2,
    )
)
def unknown_actor_reference(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for section, entry, field, actor_id in ix.actor_references():
        if actor_id in ix.actor_by_id:
            continue
        why = "that actor was rejected in review" if actor_id in ix.rejected_actor_ids else "no actor has that id"
        subject = "the review" if entry is None else entry_label(entry, ix)
        yield Gap(
            subjects=() if entry is None else (entry.id,),
            key=(actor_id,),
            section=section,
            message=f'{cap(subject)} names "{actor_id}" {_FIELD_PHRASES[field]}, but {why}.',
            suggestion=f'Add "{actor_id}" to the actors, or point {subject} at an existing actor.',
        )


@rule(
    RuleSpec(
        id="actor-without-role",
        severity="warning",
        section="actors",
        description="An actor takes part in no activity, value exchange, governance mechanism or metric.",
        principle=_STEP_2,
    )
)
def actor_without_role(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for actor in ix.actors:
        if actor.id in ix.role_holders:
            continue
        name = actor_display(actor)
        yield Gap(
            subjects=(actor.id,),
            message=f"No activity, value exchange, governance mechanism or metric involves {name}.",
            suggestion=f"Record what {name} leads, supports, gives or receives, or remove it if it does not take part.",
        )


class _Groups:
    """Union-find over actor ids, so actors linked through any shared name form one group."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@rule(
    RuleSpec(
        id="duplicate-actor",
        severity="warning",
        section="actors",
        description="Two actors share a name or alias, so they may be one organisation listed twice.",
        principle=_STEP_2,
    )
)
def duplicate_actor(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    first_holder: dict[str, str] = {}
    shared_name: dict[str, str] = {}
    groups = _Groups()
    for actor in ix.actor_by_id.values():
        for name in (actor.name, *actor.aliases):
            key = normalise_key(name)
            if not key:
                continue
            holder = first_holder.setdefault(key, actor.id)
            if holder != actor.id:
                groups.union(holder, actor.id)
                shared_name.setdefault(actor.id, name.strip())
    members: dict[str, list[str]] = {}
    for actor_id in ix.actor_by_id:
        if actor_id in groups.parent:
            members.setdefault(groups.find(actor_id), []).append(actor_id)
    for ids in members.values():
        if len(ids) < 2:
            continue
        name = next(shared_name[i] for i in ids if i in shared_name)
        yield Gap(
            subjects=tuple(ids),
            message=f'{ix.actor_names(ids)} share the name "{name}", so they may be one actor listed twice.',
            suggestion="Merge them into one actor with the other names as aliases, or rename them apart.",
        )


@rule(
    RuleSpec(
        id="duplicate-entry-id",
        severity="error",
        section="any",
        description="Two entries carry the same id, so references to it and review decisions are ambiguous.",
        principle=Principle(seed="contract", says="Every entry's id is unique within the canvas."),
    )
)
def duplicate_entry_id(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    counts = Counter(entry.id for _, entry in ix.entries)
    reported: set[str] = set()
    for section, entry in ix.entries:
        if counts[entry.id] < 2 or entry.id in reported:
            continue
        reported.add(entry.id)
        yield Gap(
            subjects=(entry.id,),
            section=section,
            message=(
                f'The id "{entry.id}" is used by {counts[entry.id]} entries, among them {entry_label(entry, ix)}.'
            ),
            suggestion="Give each entry its own id.",
        )


RULES = (unknown_actor_reference, actor_without_role, duplicate_actor, duplicate_entry_id)
