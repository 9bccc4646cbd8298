"""What `GET /v1/contract` serves: the canvas sections, their entry lists, the enums and the call grouping.

Built from `ecocanvas.canvas.registry` and `ecocanvas.generator.sections`, so a client (the review page first) reads the
contract's vocabulary from the server instead of copying it. The canvas JSON itself is described by
`docs/canvas.schema.json`; the text limits of review inputs are served with the workspace
(`GET /v1/workspace`, `text_limits`).
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, Field

from ecocanvas.canvas.model import SCHEMA_VERSION, SectionName
from ecocanvas.canvas.registry import ENUMS, SECTION_SPECS, EntrySection
from ecocanvas.generator.sections import CALLS, SINGLE_CALL


class EntryListOut(BaseModel):
    id: EntrySection = Field(description="The list's name, also a review action's `section`.")
    parent: str | None = Field(description='The canvas field holding the list ("scope", "review"); null: the canvas.')
    kind: str = Field(description='The entry type: "item", "actor", "exchange", "activity", "mechanism", "metric".')
    label: str = Field(description='A heading for the list: "Objectives".')
    one: str = Field(description='One entry, in a sentence: "objective".')


class SectionOut(BaseModel):
    id: SectionName
    number: int
    title: str
    lists: list[EntryListOut]


class CallOut(BaseModel):
    name: str
    sections: list[SectionName]


class ContractOut(BaseModel):
    schema_version: str
    sections: list[SectionOut] = Field(description="The seven sections in canvas order, each with its entry lists.")
    enums: dict[str, list[str]] = Field(description="Every closed vocabulary of the contract, by name.")
    calls: list[CallOut] = Field(description="How the generator groups sections into calls when evidence is large.")
    single_call: str = Field(description="The name of the one call that drafts every section when evidence fits.")


@cache
def contract() -> ContractOut:
    return ContractOut(
        schema_version=SCHEMA_VERSION,
        sections=[
            SectionOut(
                id=s.id,
                number=s.number,
                title=s.title,
                lists=[EntryListOut(id=x.id, parent=x.parent, kind=x.kind, label=x.label, one=x.one) for x in s.lists],
            )
            for s in SECTION_SPECS
        ],
        enums={name: list(values) for name, values in ENUMS.items()},
        calls=[CallOut(name=c.name, sections=list(c.sections)) for c in CALLS],
        single_call=SINGLE_CALL,
    )
