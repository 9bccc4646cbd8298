"""Markdown and HTML exports: one table per part of the scope, user text escaped for the format, and the
export options (rejected and draft entries, a final version without "(draft)")."""

from __future__ import annotations

import html
import re

import pytest

from ecocanvas.canvas.exports import ExportOptions, mermaid, raci_csv, selected, svg
from ecocanvas.canvas.model import Activity, Actor, Canvas, CanvasResult, Citation, Exchange, Finding, Item, Scope
from ecocanvas.canvas.render import to_html, to_markdown

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"


def cite(quote: str) -> list[Citation]:
    return [Citation(document="memo.md", document_id="d1", start=0, end=len(quote), quote=quote)]


def build(title: str = "Lumio") -> CanvasResult:
    canvas = Canvas(
        title=title,
        scope=Scope(
            summary="Card payments.\n# not a heading\n- not a list",
            objectives=[Item(id="o1", text="Onboard 500 merchants", sources=cite("Onboard"))],
            in_scope=[Item(id="i1", text="Card acquiring", status="accepted")],
            out_of_scope=[Item(id="s1", text="Lending", status="rejected", reason="it is in scope")],
        ),
        actors=[
            Actor(id="lumio", name="Lumio | Pay\nLtd", kind="platform", status="accepted"),
            Actor(id="bank", name="Brenmark Bank", status="edited"),
            Actor(id="gone", name="Old Vendor", status="rejected"),
        ],
        value_exchanges=[
            Exchange(id="x1", provider="gone", receiver="lumio", value="tokens", status="accepted"),
            Exchange(id="x2", provider="bank", receiver="lumio", value="[click](javascript:alert(1)) *fees*"),
        ],
        activities=[Activity(id="onb", name="Onboarding", owner=None, status="accepted")],
    )
    findings = [Finding(id="f1", rule="unowned-activity", severity="error", section="activities", message=HOSTILE)]
    return CanvasResult(canvas=canvas, findings=findings)


def table_after(md: str, heading: str) -> list[str]:
    """The table lines that follow a heading in Markdown."""
    lines = md.splitlines()
    at = lines.index(heading)
    rows = []
    for line in lines[at + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            rows.append(line)
    return rows


def test_each_part_of_the_scope_has_its_own_table_and_column() -> None:
    md = to_markdown(build(), ExportOptions(rejected=True))
    assert table_after(md, "### Objectives")[0].startswith("| Objective | Status")
    assert table_after(md, "### In scope")[0].startswith("| In scope | Status")
    assert table_after(md, "### Out of scope")[0].startswith("| Out of scope | Status")
    assert (
        "Card acquiring" in table_after(md, "### In scope")[2] and "Lending" in table_after(md, "### Out of scope")[2]
    )
    page = to_html(build(), ExportOptions(rejected=True))
    assert re.search(r"<h3>In scope</h3><table><thead><tr><th scope=col>In scope</th>", page)


def test_markdown_escapes_html_and_markup_in_user_text() -> None:
    md = to_markdown(build(title=HOSTILE))
    assert "<script" not in md and "<img" not in md
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt; (draft)\n")
    assert "\\[click\\](javascript:alert(1)) \\*fees\\*" in md, "no link, no emphasis"
    # A pipe or a line break in a cell does not split the table.
    (row,) = [line for line in table_after(md, "## 2. Actors and roles") if "Lumio" in line]
    assert "Lumio \\| Pay Ltd" in row and row.count(" | ") == 5
    assert "\n\\# not a heading\n\\- not a list\n" in md
    assert "&lt;script&gt;" in md.split("## Findings")[1]


def test_html_escapes_user_text() -> None:
    page = to_html(build(title=HOSTILE))
    assert page.count("<script") == 0 and "<img" not in page
    assert html.escape(HOSTILE) in page


def test_rejected_entries_are_left_out_by_default_and_names_still_resolve() -> None:
    md = to_markdown(build())
    assert "Lending" not in md and "Old Vendor" not in table_after(md, "## 2. Actors and roles")[2]
    (row,) = [line for line in table_after(md, "## 3. Value exchanges") if "tokens" in line]
    assert row.startswith("| Old Vendor |"), "an exchange that stays names its rejected provider"
    assert "_No entries in this export (1 left out by the export options)._" in md.split("### Out of scope")[1]
    with_rejected = to_markdown(build(), ExportOptions(rejected=True))
    assert "Lending" in with_rejected and "rejected" in with_rejected


def test_drafts_can_be_left_out_and_a_final_export_is_not_marked_draft() -> None:
    options = ExportOptions(drafts=False, final=True)
    md = to_markdown(build(), options)
    assert md.startswith("# Lumio\n") and "(draft)" not in md
    assert "Onboard 500 merchants" not in md and "javascript" not in md, "the draft objective and exchange are gone"
    assert "Card acquiring" in md and "Brenmark Bank" in md
    page = to_html(build(), options)
    assert "(draft)" not in page and "Onboard 500 merchants" not in page
    assert "(draft)" in to_html(build())


@pytest.mark.parametrize("options", [ExportOptions(), ExportOptions(drafts=False), ExportOptions(rejected=True)])
def test_the_other_exports_follow_the_same_options(options: ExportOptions) -> None:
    canvas = build().canvas
    shown = selected(canvas, options)
    kept = {e.id for e in shown.entries()}
    assert kept == {e.id for e in canvas.entries() if options.keeps(e)}
    assert canvas == build().canvas, "the canvas itself is not changed"
    # The diagram and the RACI matrix never draw rejected entries; drafts follow the options.
    assert "Old Vendor" not in mermaid(shown) and "Old Vendor" not in svg(shown)
    assert ("javascript" in mermaid(shown)) == options.drafts
    assert "Brenmark" in svg(shown) and "Onboarding" in raci_csv(shown)
