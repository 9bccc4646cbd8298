"""The contract: the exported schema is current, citations are checked, the JSON round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ecocanvas.canvas.ids import stable_id
from ecocanvas.canvas.model import Activity, Actor, Canvas, CanvasResult, Citation, Finding
from ecocanvas.canvas.render import to_html, to_markdown
from ecocanvas.canvas.schema import schema_json

ROOT = Path(__file__).resolve().parents[2]


def test_exported_schema_is_current() -> None:
    committed = (ROOT / "docs" / "canvas.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), "run: python -m ecocanvas.canvas.schema > docs/canvas.schema.json"


def test_contract_fields_are_in_the_schema() -> None:
    schema = CanvasResult.model_json_schema(mode="serialization")
    canvas = schema["$defs"]["Canvas"]["properties"]
    for field in (
        "schema_version",
        "title",
        "scope",
        "actors",
        "value_exchanges",
        "activities",
        "governance",
        "metrics",
        "review",
        "generator",
    ):
        assert field in canvas
    citation = schema["$defs"]["Citation"]["properties"]
    assert set(citation) >= {"document", "document_id", "start", "end", "quote"}


def test_a_citation_whose_quote_does_not_fit_its_span_is_rejected() -> None:
    Citation(document="a.md", document_id="d", start=3, end=8, quote="hello")
    with pytest.raises(ValidationError):
        Citation(document="a.md", document_id="d", start=3, end=9, quote="hello")
    with pytest.raises(ValidationError):
        Citation(document="a.md", document_id="d", start=9, end=3, quote="")


def test_stable_ids_depend_on_what_a_thing_is() -> None:
    assert stable_id("actor", "Nordhavn Motors") == stable_id("actor", "  nordhavn   MOTORS ")
    assert stable_id("actor", "Nordhavn Motors") != stable_id("actor", "Nordhavn Motor")
    assert stable_id("actor", "Nordhavn Motors").startswith("actor-nordhavn-motors-")


def test_round_trip_and_renderers_show_every_quote() -> None:
    cite = Citation(document="memo.md", document_id="d1", start=0, end=26, quote="ChargeCo leads onboarding.")
    canvas = Canvas(
        title="Demo <ecosystem>",
        actors=[Actor(id="actor-c", name="ChargeCo", kind="partner", sources=[cite])],
        activities=[Activity(id="act-o", name="onboarding", owner="actor-c", sources=[cite])],
    )
    finding = Finding(
        id="f1",
        rule="no-escalation-path",
        severity="error",
        section="governance",
        message="No escalation path.",
        suggestion="Name one.",
    )
    result = CanvasResult(canvas=canvas, findings=[finding])
    assert CanvasResult.model_validate_json(result.model_dump_json()) == result
    md = to_markdown(result)
    assert '"ChargeCo leads onboarding."' in md and "no-escalation-path" in md
    html = to_html(result)
    assert "ChargeCo leads onboarding." in html and "Demo &lt;ecosystem&gt;" in html and "<script" not in html
