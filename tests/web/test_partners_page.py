"""Partner data on the review page, in Chromium: import a CSV with a mapping, see a bad file refused row by
row, map the row no actor matched, and the figures on the actor cards and the diagram."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import Client, open_board

pytestmark = pytest.mark.slow

CANVAS = {
    "title": "Lumio acquiring",
    "actors": [
        {"id": "bank", "name": "Brenmark Bank", "aliases": ["BB"], "kind": "partner", "role": "acquirer"},
        {"id": "nhm", "name": "Nordhavn Harbour Mobility", "kind": "partner", "role": "fleet"},
    ],
    "value_exchanges": [
        {"id": "x1", "provider": "bank", "receiver": "nhm", "value": "card acquiring", "kind": "product"},
        {"id": "x2", "provider": "nhm", "receiver": "bank", "value": "fleet payments", "kind": "revenue"},
    ],
    "review": {"cadence": "quarterly"},
    "generator": {"backend": "spreadsheet-export", "model": None},
}


def test_import_review_and_figures_on_the_page(page: Page, live_api: LiveApi, client: Client, tmp_path: Path) -> None:
    response = client.http.post("/canvases", json={"canvas": CANVAS})
    assert response.status_code == 201, response.text
    canvas_id = response.json()["canvas_id"]
    open_board(page, live_api, canvas_id=canvas_id)
    panel = page.locator("#partners-panel")
    expect(panel).to_contain_text("No partner data yet")
    panel.locator("summary").click()

    bad = tmp_path / "bad.csv"
    bad.write_text("Partner;Pipeline\nBrenmark Bank;soon\n", encoding="utf-8")
    panel.get_by_label("Partner CSV").set_input_files(str(bad))
    panel.get_by_role("button", name="Import partners").click()
    expect(panel.locator(".partner-errors li")).to_have_text(
        ["row 1, column 'Pipeline': 'soon' is not an amount (write e.g. 250000, 250k, €1.2m or 1.200.000 EUR)"]
    )
    assert client.http.get("/partners").status_code == 404

    good = tmp_path / "prm.csv"
    good.write_text("Account;Level;Joint pipeline\nBB;Gold;€1.2m\nHarbour Mobility;Silver;250k\n", encoding="utf-8")
    panel.get_by_label("Partner CSV").set_input_files(str(good))
    panel.get_by_label("Account", exact=True).select_option("name")
    panel.get_by_label("Level", exact=True).select_option("tier")
    panel.get_by_role("button", name="Import partners").click()
    expect(panel).to_contain_text("Import 1 (prm.csv): 2 rows, 1 matched to actors.")
    bank = page.locator('#view-board [data-entry-id="bank"] .partner-figures')
    expect(bank).to_contain_text("Gold")
    expect(bank).to_contain_text("pipeline €1.2M")

    row = panel.locator('.partner-row[data-row="2"]')
    expect(row).to_contain_text("Harbour Mobility (row 2): no actor of the canvas has this name or alias.")
    row.get_by_label("This is").select_option("nhm")
    row.get_by_role("button", name="Map").click()
    expect(panel).to_contain_text("2 rows, 2 matched to actors.")
    expect(page.locator('#view-board [data-entry-id="nhm"] .partner-figures')).to_contain_text("Silver")
    decisions = client.get(f"/canvases/{canvas_id}/partners")["match"]["matched"]
    assert {(m["actor_id"], m["how"]) for m in decisions} == {("bank", "alias"), ("nhm", "decision")}

    page.get_by_role("tab", name="Value flows").click()
    expect(page.locator("#view-diagram .tier-badge")).to_have_count(2)
