"""The generator's section registry against the drafts it walks: every quoted draft list is grounded."""

from __future__ import annotations

import typing

from ecocanvas.canvas.model import SECTIONS
from ecocanvas.generator.drafts import CanvasDraft, EntryDraft
from ecocanvas.generator.sections import CALLS, PLANS, QUERIES


def _quoted_lists(model: type[typing.Any]) -> list[str]:
    """The fields of a section draft that hold lists of quoted entries."""
    out = []
    for name, field in model.model_fields.items():
        args = typing.get_args(field.annotation)
        if typing.get_origin(field.annotation) is list and args and issubclass(args[0], EntryDraft):
            out.append(name)
    return out


def test_every_section_has_one_plan_and_its_draft_lists_are_the_quoted_ones() -> None:
    assert tuple(p.section for p in PLANS) == SECTIONS == tuple(CanvasDraft.model_fields)
    for plan in PLANS:
        section_model = CanvasDraft.model_fields[plan.section].annotation
        assert isinstance(section_model, type)
        assert list(plan.drafts) == _quoted_lists(section_model), plan.section
        assert QUERIES[plan.section] == plan.queries and plan.queries


def test_the_calls_split_the_sections_without_overlap() -> None:
    named = [s for c in CALLS for s in c.sections]
    assert sorted(named) == sorted(SECTIONS) and len(named) == len(set(named))
