"""Draft acceptance: what people made of the entries a generator drafted, per section and per generator.

A reviewed canvas says, entry by entry, whether the draft was right (accepted unchanged), nearly right
(edited, merged), wrong (rejected) or short (entries a person added). Counted over a workspace and
grouped by backend, model and prompt version, it shows a team whether a new model or prompt drafts
better for their own documents. Pure: canvases in, counts out.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ecocanvas.canvas.model import Canvas
from ecocanvas.canvas.review import ENTRY_SECTIONS, EntrySection, added_by_hand, section_entries


class Tally(BaseModel):
    """Counts of drafted entries by what a person did with them, and of entries added by hand."""

    model_config = ConfigDict(extra="forbid")

    drafted: int = Field(0, description="Entries the generator drafted (merged-away ones included).")
    accepted: int = Field(0, description="Drafted entries accepted unchanged.")
    edited: int = Field(0, description="Drafted entries a person changed (or merged another into) and kept.")
    merged: int = Field(0, description="Drafted entries a person merged into another entry (so removed).")
    rejected: int = 0
    pending: int = Field(0, description="Drafted entries still in draft: nobody decided on them yet.")
    added: int = Field(0, description="Entries a person added by hand: what the draft missed.")

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{name: getattr(self, name) + getattr(other, name) for name in Tally.model_fields})

    def _share(self, count: int) -> float | None:
        return count / self.drafted if self.drafted else None

    @computed_field(description="accepted / drafted (null when nothing was drafted)")  # type: ignore[prop-decorator]
    @property
    def accepted_share(self) -> float | None:
        return self._share(self.accepted)

    @computed_field(description="(edited + merged) / drafted")  # type: ignore[prop-decorator]
    @property
    def edited_share(self) -> float | None:
        return self._share(self.edited + self.merged)

    @computed_field(description="rejected / drafted")  # type: ignore[prop-decorator]
    @property
    def rejected_share(self) -> float | None:
        return self._share(self.rejected)

    @computed_field(description="pending / drafted")  # type: ignore[prop-decorator]
    @property
    def pending_share(self) -> float | None:
        return self._share(self.pending)


def _sum(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total


class Generator(BaseModel):
    """What drafted a canvas: the group a workspace report is split by."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: str
    model: str
    prompt_version: str


class CanvasAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    canvas_id: str = ""
    title: str = ""
    version: int | None = Field(None, description="The canvas version counted.")
    generator: Generator
    sections: dict[EntrySection, Tally] = Field(description="Per entry section, in canvas order.")
    total: Tally


class GeneratorAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    generator: Generator
    canvases: int
    sections: dict[EntrySection, Tally]
    total: Tally


class WorkspaceAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    canvases: list[CanvasAcceptance]
    generators: list[GeneratorAcceptance] = Field(description="Per backend, model and prompt version.")
    sections: dict[EntrySection, Tally]
    total: Tally


def canvas_acceptance(canvas: Canvas, canvas_id: str = "", version: int | None = None) -> CanvasAcceptance:
    """How the canvas's drafted entries were reviewed, section by section."""
    sections: dict[EntrySection, Tally] = {}
    for section in ENTRY_SECTIONS:
        tally = Tally()
        for entry in section_entries(canvas, section):
            merged = [gone for gone in entry.merged_from if not added_by_hand(section, gone)]
            tally.drafted += len(merged)
            tally.merged += len(merged)
            if added_by_hand(section, entry.id):
                tally.added += 1
                continue
            tally.drafted += 1
            if entry.status == "draft":
                tally.pending += 1
            elif entry.status == "accepted":
                tally.accepted += 1
            elif entry.status == "edited":
                tally.edited += 1
            else:
                tally.rejected += 1
        sections[section] = tally
    gen = canvas.generator
    return CanvasAcceptance(
        canvas_id=canvas_id,
        title=canvas.title,
        version=version,
        generator=Generator(backend=gen.backend, model=gen.model, prompt_version=gen.prompt_version),
        sections=sections,
        total=_sum(sections.values()),
    )


def _by_section(reports: list[CanvasAcceptance]) -> dict[EntrySection, Tally]:
    return {s: _sum(r.sections[s] for r in reports) for s in ENTRY_SECTIONS}


def workspace_acceptance(reports: Iterable[CanvasAcceptance]) -> WorkspaceAcceptance:
    """The canvases' reports summed, overall and per generator (in the order generators first appear)."""
    every = list(reports)
    groups: dict[Generator, list[CanvasAcceptance]] = {}
    for report in every:
        groups.setdefault(report.generator, []).append(report)
    generators = [
        GeneratorAcceptance(
            generator=gen, canvases=len(members), sections=_by_section(members), total=_sum(m.total for m in members)
        )
        for gen, members in groups.items()
    ]
    return WorkspaceAcceptance(
        canvases=every, generators=generators, sections=_by_section(every), total=_sum(r.total for r in every)
    )
