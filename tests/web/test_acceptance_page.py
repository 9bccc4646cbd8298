"""Draft acceptance on the history tab, in Chromium: a canvas reviewed over the API, its shares per section
and the workspace's per generator, as the API reports them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from support.reviewed import upload_and_review
from web_support import open_board

pytestmark = pytest.mark.slow


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def row_text(tally: dict[str, Any]) -> list[str]:
    shares = [tally[f"{k}_share"] for k in ("accepted", "edited", "rejected", "pending")]
    return [str(tally["drafted"]), *map(percent, shares), str(tally["added"])]


def test_the_history_tab_shows_what_review_made_of_the_draft(page: Page, live_api: LiveApi, shots: Path) -> None:
    headers = {"Authorization": f"Bearer {live_api.key}"}
    with httpx.Client(base_url=live_api.base_url, headers=headers, timeout=60) as http:

        def generate() -> dict[str, Any]:
            job = http.post("/v1/jobs", json={}).json()
            for _ in range(1200):
                job = http.get(f"/v1/jobs/{job['id']}").json()
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    break
                page.wait_for_timeout(100)
            assert job["status"] == "succeeded", job
            return dict(job)

        reviewed = upload_and_review(http, {}, generate)
        report = http.get(f"/v1/canvases/{reviewed.canvas_id}/acceptance").json()

    open_board(page, live_api, canvas_id=reviewed.canvas_id)
    page.get_by_role("tab", name="History").click()
    box = page.locator("#view-history section.acceptance")
    expect(box.get_by_role("heading", name="Draft acceptance")).to_be_visible()
    total = report["total"]
    expect(box.locator(".acceptance-summary")).to_have_text(
        f"Of the {total['drafted']} entries drafted by offline · offline@1: {percent(total['accepted_share'])} "
        f"accepted unchanged, {percent(total['edited_share'])} edited, {percent(total['rejected_share'])} rejected, "
        f"{percent(total['pending_share'])} not reviewed yet; 1 added by hand."
    )
    mine = box.get_by_role("region", name="This canvas, version 2, per section")
    for section in ("actors", "activities", "value_exchanges", "all"):
        tally = report["total"] if section == "all" else report["sections"][section]
        expect(mine.locator(f'tr[data-section="{section}"] td')).to_have_text(row_text(tally))
    activities = mine.locator('tr[data-section="activities"]')
    expect(activities.locator("th")).to_have_text("Activities")
    # Sections nothing was drafted in or added to are left out.
    expect(mine.locator('tr[data-section="objectives"]')).to_have_count(0)
    workspace = box.get_by_role("region", name="Every canvas of the workspace, per backend, model and prompt version")
    expect(workspace.locator("tbody tr")).to_have_count(1)
    expect(workspace.locator("tbody tr th")).to_have_text("offline · offline@1 (1 canvas)")
    expect(workspace.locator("tbody tr td")).to_have_text(row_text(report["total"]))
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(shots / "history-acceptance.png"))
