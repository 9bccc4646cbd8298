"""Imported partner figures in the exports: a table under the actors (Markdown, HTML), arrow widths and
tier badges on the value-flow SVG; without partner data the exports are what they were."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from ecocanvas.canvas.diagram import partner_weights, svg
from ecocanvas.canvas.model import Actor, Canvas, CanvasResult, Exchange
from ecocanvas.canvas.partners import Money, PartnerData, PartnerRecord
from ecocanvas.canvas.render import to_html, to_markdown


def _canvas() -> Canvas:
    return Canvas(
        title="Lumio",
        actors=[
            Actor(id="lumio", name="Lumio Pay", kind="platform", role="platform"),
            Actor(id="bank", name="Brenmark <Bank>", kind="partner", role="acquirer"),
            Actor(id="tess", name="Tessaro", kind="supplier", role="tokens"),
        ],
        value_exchanges=[
            Exchange(id="x1", provider="bank", receiver="lumio", value="acquiring", kind="product"),
            Exchange(id="x2", provider="lumio", receiver="tess", value="fees", kind="revenue"),
            Exchange(id="x3", provider="tess", receiver="lumio", value="tokens", kind="capability"),
        ],
    )


def _data() -> PartnerData:
    return PartnerData(
        version=2,
        imported_at=date(2026, 1, 15),
        source="prm.csv",
        by_actor={
            "bank": PartnerRecord(
                row=1,
                name="Brenmark",
                tier="Gold",
                revenue=Money(amount=1_000_000, currency="EUR"),
                overlapping_accounts=14,
                contract_end=date(2026, 6, 30),
            ),
            "tess": PartnerRecord(row=2, name="Tessaro", pipeline=Money(amount=250_000, currency="EUR")),
        },
    )


def test_markdown_and_html_list_the_partner_figures_under_the_actors() -> None:
    result = CanvasResult(canvas=_canvas())
    md = to_markdown(result, partners=_data())
    block = md.split("### Partner data", 1)[1].split("## 3.", 1)[0]
    assert "_Imported partner data from prm.csv (import 2, 2026-01-15); not from the documents._" in block
    assert "| Brenmark &lt;Bank&gt; | Gold | — | €1M | 14 | 2026-06-30 |" in block
    assert "| Tessaro | — | €250k | — | — | — |" in block
    page = to_html(result, partners=_data())
    assert "<h3>Partner data</h3>" in page and "<td>Brenmark &lt;Bank&gt;</td><td>Gold</td>" in page
    assert "Partner data" not in to_markdown(result) and "Partner data" not in to_html(result)


def test_arrows_weigh_the_partners_figures_and_partners_wear_their_tier() -> None:
    weights = partner_weights(_canvas().value_exchanges, _data())
    assert weights["x1"] == (6.0, "Brenmark: revenue €1M")  # the largest figure is the widest arrow
    assert weights["x2"][0] == weights["x3"][0] == 1.4 + 4.6 * 0.5  # sqrt(250k / 1M)
    drawn = svg(_canvas(), _data())
    root = ElementTree.fromstring(drawn)
    ns = {"s": "http://www.w3.org/2000/svg"}
    widths = {
        g.get("data-exchange-id"): g.find("s:path", ns).get("stroke-width")  # type: ignore[union-attr]
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "exchange"
    }
    assert widths == {"x1": "6.0", "x2": "3.7", "x3": "3.7"}
    badges = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text == "Gold"]
    assert badges == ["Gold"]
    assert "Brenmark &lt;Bank&gt; — acquirer · tier Gold · revenue €1M" in drawn


def test_without_partner_data_the_diagram_is_unchanged() -> None:
    plain = svg(_canvas())
    assert plain == svg(_canvas(), None)
    assert "tier-badge" not in plain
    assert set(re.findall(r'stroke-width="([\d.]+)" marker-end', plain)) == {"1.4"}
