"""Lookups over a canvas's live entries, built once per check so every rule stays linear.

Rejected entries are dropped here, once: a person said they are wrong, so no rule sees them
(an id that only a rejected entry carries is therefore unknown to the rules). When ids repeat,
the first entry wins, as a reader of the JSON would assume.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cached_property
from typing import TypeVar

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    Entry,
    Exchange,
    Item,
    Mechanism,
    MechanismKind,
    Metric,
    SectionName,
)
from ecocanvas.canvas.partners import PartnerData, PartnerRecord

E = TypeVar("E", bound=Entry)

MECHANISM_LABELS: dict[MechanismKind, str] = {
    "decision_right": "decision right",
    "escalation_path": "escalation path",
    "forum": "coordination forum",
    "conflict_resolution": "conflict-resolution procedure",
    "change_management": "change-management procedure",
    "policy": "policy",
}
_SHORT = 60


def _live(entries: Sequence[E]) -> list[E]:
    return [e for e in entries if e.status != "rejected"]


def _first_by_id(entries: Sequence[E]) -> dict[str, E]:
    out: dict[str, E] = {}
    for e in entries:
        out.setdefault(e.id, e)
    return out


def shorten(text: str, limit: int = _SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def join_names(names: Sequence[str], limit: int = 5) -> str:
    """`A`, `A and B`, `A, B and C`, or `A, B, C, D, E and 3 more`."""
    if len(names) > limit:
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def cap(text: str) -> str:
    """The text with its first letter upper-cased, to start a sentence with an entry's label."""
    return text[:1].upper() + text[1:]


def parse_date(text: str | None) -> date | None:
    """An ISO date at the start of `text` (`2025-02-12`, `2025-02-12T09:00`), else None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


class CanvasIndex:
    def __init__(self, canvas: Canvas, partners: PartnerData | None = None) -> None:
        self.canvas = canvas
        # Imported partner figures (optional input): the partner rules read them, no other rule does.
        self.partners = partners
        self.actors = _live(canvas.actors)
        self.exchanges = _live(canvas.value_exchanges)
        self.activities = _live(canvas.activities)
        self.mechanisms = _live(canvas.governance)
        self.metrics = _live(canvas.metrics)
        self.objectives = _live(canvas.scope.objectives)
        self.actor_by_id = _first_by_id(self.actors)
        self.activity_by_id = _first_by_id(self.activities)
        live_or_not = {a.id for a in canvas.actors}
        self.rejected_actor_ids = live_or_not - self.actor_by_id.keys()
        self.rejected_activity_ids = {a.id for a in canvas.activities} - self.activity_by_id.keys()

    def partner_records(self) -> Iterator[tuple[Actor, PartnerRecord]]:
        """(live actor, its imported partner record), in canvas order; nothing without partner data."""
        if self.partners is None:
            return
        for actor in self.actor_by_id.values():
            record = self.partners.by_actor.get(actor.id)
            if record is not None:
                yield actor, record

    def names_owner(self, owner: str | None) -> bool:
        """Whether an owner field names somebody: a known actor id, or an id that is neither blank nor a
        placeholder such as `TBD` or `none` (an unknown id is then reported by unknown-actor-reference)."""
        if owner is None:
            return False
        return owner in self.actor_by_id or not is_unset(owner)

    # -- naming -------------------------------------------------------------------------------

    def actor_name(self, actor_id: str) -> str:
        actor = self.actor_by_id.get(actor_id)
        if actor is None:
            return f'"{actor_id}"'
        return actor_display(actor)

    def actor_names(self, actor_ids: Sequence[str]) -> str:
        return join_names([self.actor_name(a) for a in actor_ids])

    # -- sections -----------------------------------------------------------------------------

    @cached_property
    def entries(self) -> list[tuple[SectionName, Entry]]:
        """Every live entry with its section, in canvas order."""
        scope = self.canvas.scope
        out: list[tuple[SectionName, Entry]] = [
            ("scope", item)
            for item in (*scope.objectives, *scope.in_scope, *scope.out_of_scope)
            if item.status != "rejected"
        ]
        out += [("actors", a) for a in self.actors]
        out += [("value_exchanges", e) for e in self.exchanges]
        out += [("activities", a) for a in self.activities]
        out += [("governance", m) for m in self.mechanisms]
        out += [("metrics", m) for m in self.metrics]
        out += [("review", item) for item in self.canvas.review.open_questions if item.status != "rejected"]
        return out

    def actor_references(self) -> Iterator[tuple[SectionName, Entry | None, str, str]]:
        """(section, referring entry or None for the review, field, actor id) for every actor id used."""
        for act in self.activities:
            if self.names_owner(act.owner):
                yield "activities", act, "owner", act.owner or ""
            yield from (("activities", act, "supporter", a) for a in act.supporters)
            yield from (("activities", act, "approver", a) for a in act.approvers)
        for ex in self.exchanges:
            yield "value_exchanges", ex, "provider", ex.provider
            yield "value_exchanges", ex, "receiver", ex.receiver
        for mech in self.mechanisms:
            if self.names_owner(mech.owner):
                yield "governance", mech, "owner", mech.owner or ""
            yield from (("governance", mech, "participant", a) for a in mech.participants)
        for met in self.metrics:
            if self.names_owner(met.owner):
                yield "metrics", met, "owner", met.owner or ""
            yield from (("metrics", met, "measured actor", a) for a in met.actors)
        yield from (("review", None, "stakeholder", a) for a in self.canvas.review.stakeholders)

    # -- derived lookups (computed on first use) ----------------------------------------------

    @cached_property
    def role_holders(self) -> set[str]:
        """Actor ids that appear in an activity, exchange, mechanism or metric."""
        return {actor_id for section, _, _, actor_id in self.actor_references() if section != "review"}

    @cached_property
    def gives(self) -> dict[str, list[Exchange]]:
        out: dict[str, list[Exchange]] = defaultdict(list)
        for ex in self.exchanges:
            if ex.provider != ex.receiver:
                out[ex.provider].append(ex)
        return out

    @cached_property
    def receives(self) -> dict[str, list[Exchange]]:
        out: dict[str, list[Exchange]] = defaultdict(list)
        for ex in self.exchanges:
            if ex.provider != ex.receiver:
                out[ex.receiver].append(ex)
        return out

    @cached_property
    def owned(self) -> dict[str, list[Activity]]:
        out: dict[str, list[Activity]] = defaultdict(list)
        for act in self.activities:
            if self.names_owner(act.owner):
                out[act.owner or ""].append(act)
        return out

    @cached_property
    def measured(self) -> set[str]:
        """Actors a metric measures or is owned by."""
        out: set[str] = set()
        for met in self.metrics:
            out.update(met.actors)
            if self.names_owner(met.owner):
                out.add(met.owner or "")
        return out

    @cached_property
    def mechanisms_by_kind(self) -> dict[MechanismKind, list[Mechanism]]:
        out: dict[MechanismKind, list[Mechanism]] = defaultdict(list)
        for mech in self.mechanisms:
            out[mech.kind].append(mech)
        return out

    @cached_property
    def forum_members(self) -> set[str]:
        out: set[str] = set()
        for mech in self.mechanisms_by_kind.get("forum", []):
            out.update(mech.participants)
            if self.names_owner(mech.owner):
                out.add(mech.owner or "")
        return out

    @cached_property
    def document_dates(self) -> dict[str, date]:
        out: dict[str, date] = {}
        for doc in self.canvas.generator.documents:
            when = parse_date(doc.date)
            if when is not None:
                out.setdefault(doc.document_id, when)
        return out


def is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


# Values that documents (and drafts copied from them) write in a cell that is really empty.
_PLACEHOLDERS = frozenset(
    {
        "tbd", "tbc", "tba", "n a", "na", "none", "null", "nil", "unknown", "open", "pending", "not set",
        "not defined", "not agreed", "not assigned", "unassigned", "no target", "to be decided",
        "to be determined", "to be confirmed", "to be agreed", "to be defined", "to follow",
    }
)  # fmt: skip
_PLACEHOLDER_FIRST_WORDS = frozenset({"tbd", "tbc", "tba"})


def is_unset(text: str | None) -> bool:
    """Blank, or a placeholder such as `TBD`, `n/a`, `-` or `(open)` (also `TBD after winter`)."""
    if text is None:
        return True
    key = normalise_key(text)
    return not key or key in _PLACEHOLDERS or key.split()[0] in _PLACEHOLDER_FIRST_WORDS


def actor_display(actor: Actor) -> str:
    return actor.name.strip() or f'"{actor.id}"'


def entry_label(entry: Entry, index: CanvasIndex) -> str:
    """How a message names an entry: `the activity "Onboarding"`, `the metric "NPS"`, `Brenmark Bank`."""
    if isinstance(entry, Actor):
        return actor_display(entry)
    if isinstance(entry, Activity):
        return f'the activity "{shorten(entry.name) or entry.id}"'
    if isinstance(entry, Metric):
        return f'the metric "{shorten(entry.name) or entry.id}"'
    if isinstance(entry, Exchange):
        value = shorten(entry.value) or entry.id
        return f'the exchange "{value}" from {index.actor_name(entry.provider)} to {index.actor_name(entry.receiver)}'
    if isinstance(entry, Mechanism):
        return f'the {MECHANISM_LABELS[entry.kind]} "{shorten(entry.description) or entry.id}"'
    if isinstance(entry, Item):
        return f'the item "{shorten(entry.text) or entry.id}"'
    return f'the entry "{entry.id}"'
