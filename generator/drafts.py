"""What an extractor returns before grounding: entries that name actors as text and carry a quote.

Both backends (an LLM through instructor, and the offline extractor) produce these; grounding,
resolution and assembly turn them into the canvas. Every list is bounded because small models
loop inside an unbounded list; the bounds also cap what one call can cost.
"""

from __future__ import annotations

from annotated_types import MaxLen
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from ecocanvas.canvas.model import ActorKind, Citation, ExchangeKind, MechanismKind

QUOTE = "Verbatim text copied from the documents that states this; one sentence or table row."
NAME = "An actor's name exactly as the documents write it."


def max_items(model: type[BaseModel], name: str) -> int:
    """The `max_length` a draft model puts on one of its fields."""
    return next(m.max_length for m in model.model_fields[name].metadata if isinstance(m, MaxLen))


class Evidence(BaseModel):
    """Where the offline extractor already knows a quote sits; LLM drafts leave it unset."""

    document_id: str
    start: int


class EntryDraft(BaseModel):
    quote: str = Field(description=QUOTE, max_length=600)
    # Internal, never in the schema a model sees: where the offline extractor found the quote, and
    # the citation grounding attached. A model that fills `at` anyway cannot forge a citation:
    # grounding only trusts it when the quote really stands there.
    at: SkipJsonSchema[Evidence | None] = Field(None, exclude=True)
    citation: SkipJsonSchema[Citation | None] = Field(None, exclude=True)
    also_cited: SkipJsonSchema[list[Citation]] = Field(default_factory=list, exclude=True)


class ItemDraft(EntryDraft):
    text: str = Field(description="The objective or scope item in a few words.", max_length=300)


class ActorDraft(EntryDraft):
    name: str = Field(description="The actor's full name as the documents write it.", max_length=120)
    aliases: list[str] = Field(default_factory=list, max_length=6, description="Other names the documents use.")
    kind: ActorKind = "partner"
    role: str = Field("", description="Its role in the ecosystem, in a few words.", max_length=200)


class ExchangeDraft(EntryDraft):
    provider: str = Field(description=NAME, max_length=120)
    receiver: str = Field(description=NAME, max_length=120)
    value: str = Field(description="What flows from provider to receiver.", max_length=200)
    kind: ExchangeKind = "other"


class ActivityDraft(EntryDraft):
    name: str = Field(description="The activity, as a short noun phrase from the text.", max_length=160)
    owner: str | None = Field(None, description="The one actor that leads it; null when the text names none.")
    supporters: list[str] = Field(default_factory=list, max_length=8)
    approvers: list[str] = Field(default_factory=list, max_length=5)
    depends_on: list[str] = Field(default_factory=list, max_length=5, description="Names of other activities.")


class MechanismDraft(EntryDraft):
    kind: MechanismKind
    description: str = Field(max_length=300)
    owner: str | None = None
    participants: list[str] = Field(default_factory=list, max_length=10)
    cadence: str | None = Field(None, max_length=80)


class MetricDraft(EntryDraft):
    name: str = Field(max_length=160)
    owner: str | None = None
    target: str | None = Field(None, max_length=120)
    cadence: str | None = Field(None, max_length=80)
    data_source: str | None = Field(None, max_length=120)
    actors: list[str] = Field(default_factory=list, max_length=8, description="Actors whose contribution it measures.")


class ExclusionDraft(EntryDraft):
    """An actor the documents say does not (or no longer) take part: it must not become a participant."""

    name: str = Field(max_length=120)


class ScopeDraft(BaseModel):
    title: str | None = Field(None, description="The ecosystem's name as the documents call it.", max_length=160)
    summary: str = Field("", max_length=600)
    objectives: list[ItemDraft] = Field(default_factory=list, max_length=8)
    in_scope: list[ItemDraft] = Field(default_factory=list, max_length=8)
    out_of_scope: list[ItemDraft] = Field(default_factory=list, max_length=8)


class ReviewDraft(BaseModel):
    cadence: str | None = Field(None, description="How often the canvas is reviewed, e.g. 'quarterly'.", max_length=80)
    cadence_quote: str | None = Field(None, description=QUOTE, max_length=600)
    cadence_at: SkipJsonSchema[Evidence | None] = Field(None, exclude=True)
    cadence_citation: SkipJsonSchema[Citation | None] = Field(None, exclude=True)
    stakeholders: list[str] = Field(default_factory=list, max_length=10)


class ActorsDraft(BaseModel):
    actors: list[ActorDraft] = Field(default_factory=list, max_length=25)
    excluded: list[ExclusionDraft] = Field(
        default_factory=list,
        max_length=10,
        description="Organisations the text says do not take part, were not selected, or whose contract ended.",
    )


class ExchangesDraft(BaseModel):
    value_exchanges: list[ExchangeDraft] = Field(default_factory=list, max_length=30)


class ActivitiesDraft(BaseModel):
    activities: list[ActivityDraft] = Field(default_factory=list, max_length=30)


class GovernanceDraft(BaseModel):
    governance: list[MechanismDraft] = Field(default_factory=list, max_length=20)


class MetricsDraft(BaseModel):
    metrics: list[MetricDraft] = Field(default_factory=list, max_length=20)


class CanvasDraft(BaseModel):
    """Everything extracted, section by section; a section left at its default was not drafted."""

    scope: ScopeDraft = Field(default_factory=ScopeDraft)
    actors: ActorsDraft = Field(default_factory=ActorsDraft)
    value_exchanges: ExchangesDraft = Field(default_factory=ExchangesDraft)
    activities: ActivitiesDraft = Field(default_factory=ActivitiesDraft)
    governance: GovernanceDraft = Field(default_factory=GovernanceDraft)
    metrics: MetricsDraft = Field(default_factory=MetricsDraft)
    review: ReviewDraft = Field(default_factory=ReviewDraft)
