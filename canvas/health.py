"""The ecosystem health summary of a canvas: what the exports and the review page show under "Health".

Only the shape lives here (the canvas layer renders it); `ecocanvas.rules.health_summary.health_summary` computes
it from a canvas, its findings and the workspace's partner data, with the health rules' vocabulary.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ecocanvas.canvas.model import ActorKind, ExchangeKind, FindingStatus, SectionName, Severity

DimensionStatus = Literal["covered", "gaps", "not_evidenced"]


class _Health(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntryPart(_Health):
    """A canvas entry as a summary line names it, with what the actor does there or why it counts."""

    id: str
    section: SectionName
    label: str
    detail: str = Field("", description="The actor's part (lead, support, approve, owner, measured), or a note.")


class FindingRef(_Health):
    id: str
    rule: str
    severity: Severity
    status: FindingStatus
    message: str


class ActorHealth(_Health):
    """One live actor: what it gives and gets, and where it takes part."""

    actor_id: str
    name: str
    kind: ActorKind
    gives: int = Field(description="Value exchanges it provides to another actor.")
    gets: int = Field(description="Value exchanges it receives from another actor.")
    gives_kinds: list[ExchangeKind] = Field(default_factory=list)
    gets_kinds: list[ExchangeKind] = Field(default_factory=list)
    activities: list[EntryPart] = Field(default_factory=list, description="Activities it leads, supports or approves.")
    metrics: list[EntryPart] = Field(default_factory=list, description="Metrics it owns or is measured by.")
    forums: list[EntryPart] = Field(default_factory=list, description="Coordination forums it owns or sits in.")
    tier: str | None = Field(None, description="From imported partner data, when there is any.")
    revenue: str | None = Field(None, description="From imported partner data, when there is any.")
    findings: list[FindingRef] = Field(default_factory=list, description="Findings about this actor.")


class DimensionHealth(_Health):
    """One health dimension: what the canvas covers of it and the findings that stand against it."""

    id: str
    title: str
    status: DimensionStatus = Field(
        description="gaps: an open finding stands against it; covered: entries evidence it and no open finding "
        "stands against it; not_evidenced: the canvas says nothing about it."
    )
    covered: list[EntryPart] = Field(default_factory=list)
    findings: list[FindingRef] = Field(default_factory=list)


class HealthSummary(_Health):
    actors: list[ActorHealth] = Field(default_factory=list)
    dimensions: list[DimensionHealth] = Field(default_factory=list)
