"""Generation progress in Chromium: times per step, human labels, a reload mid-job, a cancel that shows at once.

The server drafts with a model (the scripted OpenAI-compatible server), so a job can be held in the
middle of its model call for as long as the test needs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from support.live_api import LiveApi, serve_api
from support.llm_answers import ANSWER, KPIS, MEMO
from support.scripted_llm import ScriptedLLM
from web_support import Client, open_setup, sign_in

pytestmark = pytest.mark.slow

SECTIONS = ["scope", "actors", "value_exchanges", "activities", "governance", "metrics", "review"]
STAGE_CODES = re.compile(r"\b(ingest|embed|plan|extract|ground|resolve|end):")
# A step's time as the page writes it: "4 s", "0.3 s", "1 min 5 s".
TIME = re.compile(r"^(\d+ min )?\d+(\.\d)? s$")


@pytest.fixture
def llm_api(scripted_llm: ScriptedLLM, tmp_path: Path) -> Iterator[LiveApi]:
    llm = {"model": scripted_llm.model, "api_base": scripted_llm.api_base, "api_key": scripted_llm.api_key}
    with serve_api(tmp_path / "data", concurrency=1, cache=False, **llm) as server:
        yield server


def states(page: Page) -> dict[str, str]:
    found = page.locator("#progress-list li").evaluate_all("els => els.map(e => [e.dataset.step, e.dataset.state])")
    return dict(found)


def test_progress_times_labels_a_reload_mid_job_and_a_cancel(
    page: Page, llm_api: LiveApi, scripted_llm: ScriptedLLM
) -> None:
    client = Client(llm_api)
    try:
        files = [("files", ("memo.md", MEMO.encode())), ("files", ("kpis.md", KPIS.encode()))]
        assert client.http.post("/documents", files=files).status_code == 201
        scripted_llm.reply_json(ANSWER, delay_s=1.5)
        sign_in(page, llm_api)
        open_setup(page)
        page.get_by_role("button", name="Generate", exact=True).click()
        expect(page.locator("#progress-message")).to_have_text("The canvas is ready.", timeout=60_000)
        # Every section ended, none is left working, and each says how long it took.
        assert {states(page)[s] for s in SECTIONS} == {"ok"}
        assert "working…" not in page.locator("#progress-list").inner_text()
        for section in SECTIONS:
            expect(page.locator(f'[data-step="{section}"] .step-time')).to_have_text(TIME)

        # A second job waits on its model call; the page is reloaded in the middle of it.
        scripted_llm.reply_json(ANSWER, delay_s=60)
        job = client.http.post("/jobs", json={}, headers={"Idempotency-Key": f"slow-{time.monotonic_ns()}"}).json()
        deadline = time.monotonic() + 60
        while len(scripted_llm.requests) < 2:
            assert time.monotonic() < deadline, "the second job never called the model"
            time.sleep(0.05)
        page.reload()  # the key is kept in the tab: the page signs in again by itself
        expect(page.locator("body")).to_have_attribute("data-loaded", "true")
        # The board folded "Documents and generation" away; the running job unfolds it again.
        expect(page.locator("#setup")).to_have_attribute("open", "")
        expect(page.locator("#progress")).to_be_visible()
        expect(page.locator('[data-step="scope"]')).to_have_attribute("data-state", "running")
        expect(page.locator('[data-step="scope"] .step-time')).to_have_text(TIME)
        for where in ("#progress-message", "#status-line"):
            text = page.locator(where).inner_text()
            assert not STAGE_CODES.search(text), f"{where} shows a stage's code name: {text!r}"
        expect(page.locator("#progress-message")).to_contain_text("Drafting")

        # The cancel request is held at the browser's edge: what the page shows before the server answers.
        held: list[Route] = []

        def hold(route: Route) -> None:
            held.append(route)

        page.route(re.compile(r"/v1/jobs/[^/]+/cancel$"), hold)
        page.get_by_role("button", name="Cancel generation").click()
        expect(page.locator("#progress-message")).to_have_text("Cancelling…")
        expect(page.locator('[data-step="scope"]')).to_have_attribute("data-state", "cancelling")
        expect(page.get_by_role("button", name="Cancel generation")).to_be_disabled()
        assert len(held) == 1 and client.get(f"/jobs/{job['id']}")["status"] == "running"
        held[0].continue_()
        expect(page.locator("#progress-message")).to_have_text("Generation was cancelled.", timeout=15_000)
        ended = states(page)
        assert {ended[s] for s in SECTIONS} == {"cancelled"}, ended
        assert "working…" not in page.locator("#progress-list").inner_text()
        assert client.get(f"/jobs/{job['id']}")["status"] == "cancelled"
        assert len(client.get("/canvases")) == 1  # the cancelled job left no canvas and no new version
        assert client.get("/canvases")[0]["version"] == 1
    finally:
        client.close()
