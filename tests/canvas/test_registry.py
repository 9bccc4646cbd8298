"""The section registry against the contract it describes: the Canvas model and docs/canvas.schema.json."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

from ecocanvas.canvas.model import SECTIONS, Canvas
from ecocanvas.canvas.registry import ENTRY_SECTIONS, ENUMS, LISTS, SECTION_SPECS, EntryList
from ecocanvas.canvas.review import Add, apply_review

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "canvas.schema.json").read_text())["$defs"]


def test_every_section_is_a_canvas_field_in_canvas_order() -> None:
    assert tuple(s.id for s in SECTION_SPECS) == SECTIONS
    assert [s.number for s in SECTION_SPECS] == list(range(1, len(SECTIONS) + 1))
    fields = list(Canvas.model_fields)
    assert [f for f in fields if f in SECTIONS] == list(SECTIONS)


@pytest.mark.parametrize("spec", LISTS.values(), ids=list(LISTS))
def test_every_list_lives_where_the_registry_says_and_holds_its_model(spec: EntryList) -> None:
    holder = Canvas.model_fields[spec.parent].annotation if spec.parent else Canvas
    assert isinstance(holder, type)
    annotation = holder.model_fields[spec.id].annotation  # type: ignore[attr-defined]
    assert typing.get_origin(annotation) is list and typing.get_args(annotation) == (spec.model,)


def test_the_lists_are_the_entries_of_a_canvas_and_added_ids_take_their_prefix() -> None:
    """`Canvas.entries()` and the registry walk the same lists in the same order; review's ids use the prefixes."""
    canvas, _ = apply_review(Canvas(), [], Add(section="actors", entry={"name": "Acme"}))
    acme = canvas.actors[0].id
    fields: dict[str, dict[str, typing.Any]] = {
        "item": {"text": "a text"},
        "actor": {"name": "Globex"},
        "exchange": {"provider": acme, "receiver": acme, "value": "data"},
        "activity": {"name": "onboarding"},
        "mechanism": {"kind": "forum", "description": "steering group"},
        "metric": {"name": "churn"},
    }
    for spec in LISTS.values():
        canvas, _ = apply_review(canvas, [], Add(section=spec.id, entry=fields[spec.kind]))
        holder = getattr(canvas, spec.parent) if spec.parent else canvas
        assert getattr(holder, spec.id)[-1].id.startswith(f"{spec.prefix}-added"), spec.id
    walked = []
    for spec in LISTS.values():
        holder = getattr(canvas, spec.parent) if spec.parent else canvas
        walked += [e.id for e in getattr(holder, spec.id)]
    assert walked == [e.id for e in canvas.entries()]
    assert len(walked) == len(ENTRY_SECTIONS) + 1


def test_the_enums_are_the_published_schemas() -> None:
    where = {
        "status": ("Item", "status"),
        "actor_kind": ("Actor", "kind"),
        "exchange_kind": ("Exchange", "kind"),
        "mechanism_kind": ("Mechanism", "kind"),
        "severity": ("Finding", "severity"),
        "finding_status": ("Finding", "status"),
        "section_status": ("SectionRun", "status"),
    }
    for name, (model, field) in where.items():
        assert list(ENUMS[name]) == SCHEMA[model]["properties"][field]["enum"], name
    assert list(ENUMS["canvas_field"]) == SCHEMA["Canvas"]["properties"]["reviewed_fields"]["items"]["enum"]
    assert set(ENUMS) == {*where, "canvas_field"}
