"""Pydantic models of the canvas contract (`shared/canvas-contract.md`, v1).

These are the source of truth for the JSON that outside tools read. Extra fields beyond the
contract are allowed on output; on input unknown fields are ignored so older tools keep working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

SCHEMA_VERSION = "1.0"

Status = Literal["draft", "accepted", "edited", "rejected"]
ActorKind = Literal["partner", "internal_team", "platform", "supplier", "customer", "regulator", "third_party"]
ExchangeKind = Literal["revenue", "data", "capability", "customer_access", "service", "product", "other"]
MechanismKind = Literal[
    "decision_right", "escalation_path", "forum", "conflict_resolution", "change_management", "policy"
]
Severity = Literal["error", "warning", "info"]
FindingStatus = Literal["open", "resolved", "dismissed"]
SectionStatus = Literal["ok", "failed", "skipped", "cached"]
SectionName = Literal["scope", "actors", "value_exchanges", "activities", "governance", "metrics", "review"]
# The canvas-level fields a person can set; once set, a regeneration keeps the person's value.
CanvasField = Literal["title", "scope.summary", "review.cadence", "review.stakeholders"]

# Caps on the text a canvas may hold, so a review action or an imported canvas cannot store megabytes
# in one field (and copy them into every later version). Generous multiples of what drafting writes.
MAX_TITLE_CHARS = 500
MAX_LABEL_CHARS = 1_000  # names, values, roles, cadences, targets: a line
MAX_TEXT_CHARS = 10_000  # an item's text, a description, a reason: a paragraph or a few
MAX_SUMMARY_CHARS = 20_000
Label = Annotated[str, Field(max_length=MAX_LABEL_CHARS)]
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]

ACTOR_KINDS: tuple[ActorKind, ...] = get_args(ActorKind)
EXCHANGE_KINDS: tuple[ExchangeKind, ...] = get_args(ExchangeKind)
MECHANISM_KINDS: tuple[MechanismKind, ...] = get_args(MechanismKind)
SECTIONS: tuple[SectionName, ...] = get_args(SectionName)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Citation(_Model):
    """Where an entry came from: `quote == document_text[start:end]` for the named document."""

    document: str = Field(description="The uploaded file's name.")
    document_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str
    page: int | None = Field(None, ge=1, description="The page the quote starts on, for a PDF.")

    @model_validator(mode="after")
    def _span(self) -> Citation:
        if self.end < self.start:
            raise ValueError(f"citation end ({self.end}) is before start ({self.start})")
        if len(self.quote) != self.end - self.start:
            raise ValueError("citation quote length does not match end - start")
        return self


class Comment(_Model):
    """A note a person left on an entry or a finding; kept with every later version."""

    text: str
    at: datetime | None = Field(None, description="When it was written (the server's clock, UTC).")


class Entry(_Model):
    id: str = Field(min_length=1)
    sources: list[Citation] = Field(default_factory=list)
    status: Status = "draft"
    reason: str | None = Field(None, description="Why a person rejected it.")
    comments: list[Comment] = Field(default_factory=list)
    merged_from: list[str] = Field(
        default_factory=list, description="Ids of entries a person merged into this one; a regeneration drops them."
    )


class Item(Entry):
    text: Text


class Actor(Entry):
    name: Label
    aliases: list[Label] = Field(default_factory=list)
    kind: ActorKind = "partner"
    role: Label = ""


class Exchange(Entry):
    provider: str
    receiver: str
    value: Label
    kind: ExchangeKind = "other"


class Activity(Entry):
    name: Label
    owner: str | None = None
    supporters: list[str] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)


class Mechanism(Entry):
    kind: MechanismKind
    description: Text
    owner: str | None = None
    participants: list[str] = Field(default_factory=list)
    cadence: Label | None = None


class Metric(Entry):
    name: Label
    owner: str | None = None
    target: Label | None = None
    cadence: Label | None = None
    data_source: Label | None = None
    actors: list[str] = Field(default_factory=list)


class Scope(_Model):
    summary: str = Field("", max_length=MAX_SUMMARY_CHARS)
    objectives: list[Item] = Field(default_factory=list)
    in_scope: list[Item] = Field(default_factory=list)
    out_of_scope: list[Item] = Field(default_factory=list)


class Review(_Model):
    cadence: Label | None = None
    cadence_sources: list[Citation] = Field(default_factory=list)
    stakeholders: list[str] = Field(default_factory=list)
    open_questions: list[Item] = Field(default_factory=list)


class Usage(_Model):
    """What LLM calls cost. A cache hit counts in `cached_calls` only: it spent nothing.

    Declared once and inherited, so its fields stay flat in `SectionRun` and `GeneratorInfo` as the
    contract has them (a nested `usage` object would change the canvas JSON).
    """

    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def usage(self) -> Usage:
        """The counters alone, without what a subclass adds."""
        return Usage.model_validate(self.model_dump(include=set(Usage.model_fields)))

    def add(self, other: Usage) -> None:
        for name in Usage.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class SectionRun(Usage):
    """What drafting one section cost and how it ended."""

    status: SectionStatus = "ok"
    dropped_ungrounded: int = 0
    dropped_unsupported: int = Field(0, description="Entries or references the cited passage did not support.")
    seconds: float = 0.0
    error: str | None = None
    notes: list[str] = Field(default_factory=list, description="What was cut, mapped or dropped while reading it.")


class DocumentRef(_Model):
    document_id: str
    name: str
    date: str | None = None


def _no_model(value: object) -> object:
    return "" if value is None else value


# Hand-made canvases and other tools send `"model": null`; it reads back as "" so every reader can print it.
ModelName = Annotated[str, BeforeValidator(_no_model), WithJsonSchema({"type": ["string", "null"]}, mode="validation")]


class GeneratorInfo(Usage):
    """What made the canvas. A canvas made by hand or by another tool says so (`backend`) and has no `model`."""

    backend: str = "offline"
    model: ModelName = Field("offline", description='The model that drafted it; "" (null on input) when none did.')
    prompt_version: str = ""
    status: Literal["complete", "partial", "budget_exceeded", "failed"] = Field(
        "complete",
        description="partial: some sections failed; failed: none could be drafted; budget_exceeded: the token "
        "budget stopped a call before it was sent.",
    )
    run: str = Field("", description="The id of this generation in the LLM call log (`ecocanvas logs --run`).")
    planned_calls: int = 0
    planned_prompt_tokens: int = Field(0, description="Prompt tokens estimated before sending, re-asks not included.")
    source_tokens: int = 0
    dropped_ungrounded: int = 0
    seconds: float = 0.0
    sections: dict[str, SectionRun] = Field(default_factory=dict)
    documents: list[DocumentRef] = Field(default_factory=list)


class Canvas(_Model):
    schema_version: str = SCHEMA_VERSION
    title: str = Field("", max_length=MAX_TITLE_CHARS)
    scope: Scope = Field(default_factory=Scope)
    actors: list[Actor] = Field(default_factory=list)
    value_exchanges: list[Exchange] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    governance: list[Mechanism] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    # A canvas without a generator block was made by hand.
    generator: GeneratorInfo = Field(default_factory=lambda: GeneratorInfo(backend="manual", model=""))
    reviewed_fields: list[CanvasField] = Field(
        default_factory=list, description="Canvas-level fields a person set; a regeneration keeps their values."
    )

    def entries(self) -> list[Entry]:
        """Every identified entry in the canvas, in section order."""
        out: list[Entry] = [*self.scope.objectives, *self.scope.in_scope, *self.scope.out_of_scope]
        out += [*self.actors, *self.value_exchanges, *self.activities, *self.governance, *self.metrics]
        out += self.review.open_questions
        return out

    def actor_ids(self) -> set[str]:
        return {a.id for a in self.actors}

    def actor(self, actor_id: str | None) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)


class Finding(_Model):
    id: str
    rule: str
    severity: Severity
    section: str
    subjects: list[str] = Field(default_factory=list)
    message: str
    suggestion: str = ""
    status: FindingStatus = "open"
    reason: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Why a person dismissed or resolved it.")
    comments: list[Comment] = Field(default_factory=list)


class CanvasResult(_Model):
    """What `generate` emits as JSON: the canvas and the rule engine's findings."""

    canvas: Canvas
    findings: list[Finding] = Field(default_factory=list)
