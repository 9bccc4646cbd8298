"""The canvas sections in one place: their numbers and titles, the entry lists each holds, and the enums.

Every reader that walks the sections (review actions, citations, the renderers, assembly's id
prefixes, the API's `GET /v1/contract` and through it the review page) reads this registry instead
of listing the sections again. Adding a section is: its field on `Canvas` (the contract), its
`SectionName`/`EntrySection` value, and its line here; the generator registers its side (queries,
calls, drafts) in `generator/sections.py` in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    ActorKind,
    CanvasField,
    Entry,
    Exchange,
    ExchangeKind,
    FindingStatus,
    Item,
    Mechanism,
    MechanismKind,
    Metric,
    SectionName,
    SectionStatus,
    Severity,
    Status,
)

# The lists of entries a review action names (`section` of an action); a section holds one or more.
EntrySection = Literal[
    "objectives",
    "in_scope",
    "out_of_scope",
    "actors",
    "value_exchanges",
    "activities",
    "governance",
    "metrics",
    "open_questions",
]
ENTRY_SECTIONS: tuple[EntrySection, ...] = get_args(EntrySection)


@dataclass(frozen=True)
class EntryList:
    """One list of entries: where it lives in a `Canvas`, what it holds, and what people call it."""

    id: EntrySection
    parent: Literal["scope", "review"] | None  # the attribute holding the list, or None for the canvas itself
    model: type[Entry]
    prefix: str  # the generator's stable-id prefix; an entry a person adds gets `<prefix>-added`
    label: str  # a heading: "Objectives"
    one: str  # one entry, in a sentence: "objective"

    @property
    def kind(self) -> str:
        """The entry type ("item", "actor"...), which picks the fields a form shows."""
        return self.model.__name__.lower()


@dataclass(frozen=True)
class Section:
    """One of the seven steps of the canvas, as a panel and a heading."""

    id: SectionName
    number: int
    title: str
    lists: tuple[EntryList, ...]


SECTION_SPECS: tuple[Section, ...] = (
    Section(
        "scope",
        1,
        "Scope and objectives",
        (
            EntryList("objectives", "scope", Item, "objective", "Objectives", "objective"),
            EntryList("in_scope", "scope", Item, "in-scope", "In scope", "in-scope item"),
            EntryList("out_of_scope", "scope", Item, "out-of-scope", "Out of scope", "out-of-scope item"),
        ),
    ),
    Section("actors", 2, "Actors and roles", (EntryList("actors", None, Actor, "actor", "Actors", "actor"),)),
    Section(
        "value_exchanges",
        3,
        "Value exchanges",
        (EntryList("value_exchanges", None, Exchange, "flow", "Value exchanges", "value exchange"),),
    ),
    Section(
        "activities",
        4,
        "Execution responsibilities",
        (EntryList("activities", None, Activity, "act", "Activities", "activity"),),
    ),
    Section(
        "governance",
        5,
        "Governance and coordination",
        (EntryList("governance", None, Mechanism, "gov", "Mechanisms", "mechanism"),),
    ),
    Section(
        "metrics", 6, "Metrics and feedback loops", (EntryList("metrics", None, Metric, "kpi", "Metrics", "metric"),)
    ),
    Section(
        "review",
        7,
        "Review and iteration",
        (EntryList("open_questions", "review", Item, "question", "Open questions", "open question"),),
    ),
)
SECTION_BY_ID: dict[SectionName, Section] = {s.id: s for s in SECTION_SPECS}
LISTS: dict[EntrySection, EntryList] = {entry_list.id: entry_list for s in SECTION_SPECS for entry_list in s.lists}

# The contract's closed vocabularies, by the name `GET /v1/contract` serves them under.
ENUMS: dict[str, tuple[str, ...]] = {
    "status": get_args(Status),
    "actor_kind": get_args(ActorKind),
    "exchange_kind": get_args(ExchangeKind),
    "mechanism_kind": get_args(MechanismKind),
    "severity": get_args(Severity),
    "finding_status": get_args(FindingStatus),
    "section_status": get_args(SectionStatus),
    "canvas_field": get_args(CanvasField),
}

# The Literals type-check the code; the registry must name the same values in the same order.
if tuple(s.id for s in SECTION_SPECS) != get_args(SectionName) or tuple(LISTS) != ENTRY_SECTIONS:
    raise AssertionError("canvas.registry and the SectionName/EntrySection literals disagree")
