"""A quote from a table row is checked with the column headers of the cells it covers (over the scripted server)."""

from __future__ import annotations

from pathlib import Path

from support.scripted_llm import ScriptedLLM

from ecocanvas.generator import generate

TERMS = """# Host terms

| Term | Korbin Supermarkets | ParkPoint Garages |
|---|---|---|
| Payment | VoltHaven pays a revenue share of 8% | VoltHaven pays a fixed rent of EUR 1,150 per bay |

| KPI | Owner | Target 2025 |
|---|---|---|
| No-show rate | Korbin Supermarkets | below 6% |
"""


def actor(actor_id: str, name: str, quote: str) -> dict[str, object]:
    return {"passage": "P1", "quote": quote, "id": actor_id, "name": name, "aliases": [], "kind": "partner"}


def exchange(receiver: str, quote: str, value: str) -> dict[str, object]:
    return {"passage": "P1", "quote": quote, "provider": "A1", "receiver": receiver, "value": value, "kind": "revenue"}


def metric(target: str) -> dict[str, object]:
    quote = "| No-show rate | Korbin Supermarkets | below 6% |"
    return {"passage": "P1", "quote": quote, "name": "No-show rate", "owner": "A2", "target": target}


def test_a_party_or_year_named_only_by_the_column_header_supports_the_row(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "terms.md").write_text(TERMS, encoding="utf-8")
    share = "VoltHaven pays a revenue share of 8%"
    scripted_llm.reply_json(
        {
            "actors": [
                actor("A1", "VoltHaven", share),
                actor("A2", "Korbin Supermarkets", "Korbin Supermarkets"),
                actor("A3", "ParkPoint Garages", "ParkPoint Garages"),
            ],
            "value_exchanges": [
                exchange("A2", share, "revenue share of 8%"),  # the cell sits under "Korbin Supermarkets"
                exchange("A3", share, "revenue share of 8%"),  # ...not under "ParkPoint Garages"
            ],
            "metrics": [metric("below 6% in 2025"), {**metric("below 6% in 2027"), "name": "No-show rate later"}],
        }
    )
    result = generate([tmp_path / "docs"], scripted_llm.settings(tmp_path / "data", max_retries=0))
    canvas = result.canvas
    names = {a.id: a.name for a in canvas.actors}

    assert [(names[x.provider], names[x.receiver]) for x in canvas.value_exchanges] == [
        ("VoltHaven", "Korbin Supermarkets")
    ]
    assert canvas.generator.sections["value_exchanges"].dropped_unsupported == 1
    targets = {m.name: m.target for m in canvas.metrics}
    # The year is in the header of the target's column; a year no header or cell states is not.
    assert targets == {"No-show rate": "below 6% in 2025", "No-show rate later": None}
