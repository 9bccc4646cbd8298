"""A reviewed canvas as an eval case: what counts as gold, what must not appear, what is left out and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_builders import DOCUMENT, cite
from pydantic import ValidationError

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    CanvasResult,
    DocumentRef,
    Exchange,
    GeneratorInfo,
    Mechanism,
    Metric,
)
from ecocanvas.evals.dataset import Forbidden, Gold, lint, load_ecosystem
from ecocanvas.evals.from_reviews import as_markdown, case_files, case_from_review, keywords_for, write_case
from ecocanvas.evals.scorer import score
from ecocanvas.knowledge import parse_bytes
from ecocanvas.knowledge.models import Document
from ecocanvas.knowledge.parsing import ParseLimits


def canvas() -> Canvas:
    return Canvas(
        title="Harbour charging",
        actors=[
            Actor(id="actor-chargeco", name="ChargeCo Ltd", aliases=["ChargeCo"], kind="supplier", status="accepted"),
            Actor(id="actor-nhm", name="Nordhavn Motors", status="edited"),
            Actor(id="actor-chargeco-2", name="ChargeCo", status="accepted"),  # a duplicate the person kept
            Actor(id="actor-voltra", name="Voltra Energy", status="rejected", reason="not selected"),
            Actor(id="actor-city", name="City of Aarby"),  # still a draft
        ],
        activities=[
            Activity(
                id="act-install",
                name="Install the charging stations",
                owner="actor-chargeco",
                supporters=["actor-nhm", "actor-city"],
                status="accepted",
            ),
            Activity(id="act-permits", name="Approve site permits", owner="actor-city", status="accepted"),
            Activity(id="act-unowned", name="Run driver onboarding", status="edited"),
            Activity(id="act-draft", name="Plan the opening event", owner="actor-nhm"),
            Activity(id="act-twice", name="Install charging stations", status="rejected", reason="duplicate"),
            Activity(id="act-wrong", name="Sell parking permits", status="rejected"),
        ],
        value_exchanges=[
            Exchange(
                id="flow-fee",
                provider="actor-nhm",
                receiver="actor-chargeco-2",
                value="a monthly service fee",
                kind="revenue",
                status="accepted",
            ),
            Exchange(id="flow-city", provider="actor-city", receiver="actor-nhm", value="permits", status="accepted"),
        ],
        governance=[Mechanism(id="gov-board", kind="forum", description="The steering board meets", status="edited")],
        metrics=[
            Metric(id="kpi-uptime", name="Charger uptime", owner="actor-city", target="99%", status="accepted"),
            Metric(id="kpi-bad", name="Parking revenue", status="rejected"),
        ],
        generator=GeneratorInfo(documents=[DocumentRef(document_id=DOCUMENT.id, name=DOCUMENT.name)]),
    )


def test_only_what_a_person_decided_is_gold_and_what_they_rejected_must_not_appear() -> None:
    case = case_from_review(canvas(), [DOCUMENT], "c0ffee00-1", 3)
    gold = case.gold
    assert lint(gold) == []
    # The kept duplicate "ChargeCo" stands for the first ChargeCo; the draft City of Aarby is no gold actor.
    assert [(a.name, a.aliases) for a in gold.actors] == [("ChargeCo Ltd", ["ChargeCo"]), ("Nordhavn Motors", [])]
    install, unowned = gold.activities
    assert (install.name, install.owner, install.supporters) == (
        "Install the charging stations",
        "ChargeCo Ltd",
        ["Nordhavn Motors"],
    )
    assert install.keywords == ["install", "charging", "stations"]
    assert (unowned.name, unowned.owner) == ("Run driver onboarding", None)
    [fee] = gold.value_exchanges
    assert (fee.provider, fee.receiver, fee.keywords) == (
        "Nordhavn Motors",
        "ChargeCo Ltd",
        ["monthly", "service", "fee"],
    )
    assert [(m.kind, m.keywords) for m in gold.governance] == [("forum", ["steering", "board", "meets"])]
    # A metric's owner is not scored: one nobody kept is dropped, the metric stays.
    assert [(m.name, m.owner, m.target) for m in gold.metrics] == [("Charger uptime", None, "99%")]
    assert [(f.type, f.name, f.why) for f in gold.must_not_appear] == [
        ("actor", "Voltra Energy", "not selected"),
        ("activity", "Sell parking permits", "rejected in review"),
        ("metric", "Parking revenue", "rejected in review"),
    ]
    assert gold.review_cadence is None and gold.expected_findings == []
    left_out = {s.entry_id: s.why for s in case.skipped}
    assert left_out == {
        "actor-chargeco-2": "shares a name with the kept actor 'ChargeCo Ltd'; merge them to be exact",
        "act-permits": "its owner is an actor nobody kept (still a draft or rejected)",
        "flow-city": "its provider is an actor nobody kept (still a draft or rejected)",
        "act-twice": "rejected, but a kept entry says the same",
    }
    assert case.decided == 14 and case.name == "harbour-charging-c0ffee00"
    assert case.acceptance.sections["actors"].pending == 1


def test_a_case_written_to_disk_loads_and_its_documents_are_the_workspace_text(tmp_path: Path) -> None:
    pdf = Document(id="doc-2", name="../Scan 1.pdf", media_type="application/pdf", text="ChargeCo installs")
    reviewed = canvas()
    reviewed.activities[0].sources = [cite(), cite("ChargeCo installs", pdf)]
    case = case_from_review(reviewed, [DOCUMENT, pdf], "c1", 2)
    assert [(d.name, d.file) for d in case.documents] == [("memo.md", "memo.md"), ("../Scan 1.pdf", "Scan 1.pdf.md")]
    folder = write_case(tmp_path, case, case_files(case, [DOCUMENT, pdf]))
    eco = load_ecosystem(folder)
    assert eco.gold == case.gold
    assert {p.name: p.read_text(encoding="utf-8") for p in eco.documents} == {
        "memo.md": DOCUMENT.text,
        "Scan 1.pdf.md": "ChargeCo installs\n",
    }
    assert (folder / "review.json").is_file()
    # A document the workspace no longer has is named, not invented.
    gone = case_from_review(reviewed, [DOCUMENT], "c1", 2)
    assert gone.missing_documents == ["doc-2"] and [d.file for d in gone.documents] == ["memo.md"]


def test_keywords_are_the_labels_own_words_one_per_stem_longest_first() -> None:
    assert keywords_for("Onboard the partners and onboarding", 4) == ["onboard", "partners"]
    assert keywords_for("Review of the quarterly partner scorecard with every regional lead", 3) == [
        "quarterly",
        "scorecard",
        "regional",
    ]
    assert keywords_for("KPI 2025", 4) == ["kpi"]
    assert keywords_for("the of", 4) == ["the", "of"]  # nothing but function words: they are all there is


def test_must_not_appear_entries_need_keywords_and_count_when_the_draft_holds_them() -> None:
    with pytest.raises(ValidationError):
        Forbidden(type="activity", name="Sell parking permits")
    with pytest.raises(ValidationError):
        Forbidden(type="actor", name="Voltra", keywords=["voltra"])
    gold = Gold(
        title="t",
        must_not_appear=[
            Forbidden(type="activity", name="Sell parking permits", keywords=["sell", "parking", "permits"]),
            Forbidden(type="value_exchange", name="free parking", keywords=["free", "parking"]),
        ],
    )
    draft = Canvas(
        activities=[
            Activity(id="a1", name="Sell the parking permits"),
            Activity(id="a2", name="Sell parking permits again", status="rejected"),
        ],
        value_exchanges=[Exchange(id="x1", provider="p", receiver="r", value="paid charging")],
    )
    scored = score(gold, CanvasResult(canvas=draft), [DOCUMENT])
    assert scored.forbidden_entries == ["activity: Sell parking permits"]
    assert scored.scores["forbidden_entries"] == 1 and scored.scores["forbidden_actors"] == 0
    clash = gold.model_copy(update={"activities": [*gold.activities, *Gold.model_validate({
        "title": "t", "activities": [{"name": "Sell parking permits", "keywords": ["sell", "parking"]}]
    }).activities]})  # fmt: skip
    assert lint(clash) == ["must_not_appear activity 'Sell parking permits' is also a gold entry"]


def test_a_document_with_structure_is_written_as_markdown_that_reads_back_the_same_structure() -> None:
    html = (
        "<html><body><h1>KPI dashboard</h1><p>Compiled in July.</p><ul><li>first | point</li><li>second</li></ul>"
        "<table><tr><th rowspan=2>KPI</th><th rowspan=2>Owner</th><th colspan=2>Target</th></tr>"
        "<tr><th>2025</th><th>2026</th></tr>"
        "<tr><td>Charger uptime</td><td>ChargeCo</td><td>99%</td><td>99.5%</td></tr>"
        "<tr><td>Sessions</td><td>NHM</td><td>10,000</td><td>12,000</td></tr></table></body></html>"
    )
    limits = ParseLimits()
    parsed = parse_bytes("dash.html", html.encode(), limits)
    text = as_markdown(parsed)
    assert text == (
        "# KPI dashboard\n\nCompiled in July.\n\n- first | point\n- second\n\n"
        "| KPI | Owner | Target 2025 | Target 2026 |\n|---|---|---|---|\n"
        "| Charger uptime | ChargeCo | 99% | 99.5% |\n| Sessions | NHM | 10,000 | 12,000 |\n"
    )
    again = parse_bytes("dash.html.md", text.encode(), limits)
    [table] = again.tables
    assert table.columns == ["KPI", "Owner", "Target 2025", "Target 2026"]
    rows = [b for b in again.blocks if b.kind == "table_row" and not b.header]
    assert [[again.text[c.start : c.end] for c in r.cells] for r in rows] == [
        ["Charger uptime", "ChargeCo", "99%", "99.5%"],
        ["Sessions", "NHM", "10,000", "12,000"],
    ]
