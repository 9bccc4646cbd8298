"""Ecosystem health on the review page, in Chromium: the panel shows the server's summary, and a finding
dismissed on the page stops counting against its dimension."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import Client, open_board

pytestmark = pytest.mark.slow

CANVAS = {
    "title": "Lumio acquiring",
    "actors": [
        {"id": "bank", "name": "Brenmark Bank", "kind": "partner"},
        {"id": "tessaro", "name": "Tessaro Systems", "kind": "supplier"},
    ],
    "value_exchanges": [
        {"id": "x1", "provider": "tessaro", "receiver": "bank", "value": "tokenisation", "kind": "capability"},
        {"id": "x2", "provider": "bank", "receiver": "tessaro", "value": "licence fees", "kind": "revenue"},
    ],
    "metrics": [{"id": "m1", "name": "Co-selling pipeline", "owner": "bank", "target": "€1m", "actors": ["tessaro"]}],
    "review": {"cadence": "quarterly"},
    "generator": {"backend": "spreadsheet-export", "model": None},
}


def test_the_health_panel_follows_the_findings(page: Page, live_api: LiveApi, client: Client) -> None:
    response = client.http.post("/canvases", json={"canvas": CANVAS})
    assert response.status_code == 201, response.text
    canvas_id = response.json()["canvas_id"]
    open_board(page, live_api, canvas_id=canvas_id)
    panel = page.locator("#health-panel")
    panel.locator("summary").click()
    co_sell = panel.locator('tr[data-dimension="co_sell"]')
    expect(co_sell).to_contain_text("gaps")
    expect(co_sell).to_contain_text("Co-selling pipeline")
    expect(co_sell).to_contain_text("no activity of it has an owner")
    expect(panel.locator('tr[data-dimension="co_build"]')).to_contain_text("not evidenced")
    expect(panel.locator('tr[data-actor-id="tessaro"]')).to_contain_text("1 (capability)")

    finding = next(
        f for f in client.http.get(f"/canvases/{canvas_id}").json()["findings"] if f["rule"] == "motion-without-owner"
    )
    response = client.http.post(
        f"/canvases/{canvas_id}/review",
        json={"action": "dismiss", "finding_id": finding["id"], "reason": "the bank sells it alone"},
        headers={"If-Match": f'"{canvas_id}:1"'},
    )
    assert response.status_code == 200, response.text
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    page.locator("#health-panel summary").click()
    expect(page.locator('#health-panel tr[data-dimension="co_sell"]')).to_contain_text("covered")
