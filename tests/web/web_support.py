"""Helpers of the browser tests: Chromium's launch flags, signing in, and a canvas made over the API."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from support.live_api import LiveApi

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())
FOUNDATION_DOCS = sorted((Path(__file__).parents[2] / "benchmarks" / "fixtures" / "foundation").iterdir())
PANEL_TITLES = [
    "Scope and objectives",
    "Actors and roles",
    "Value exchanges",
    "Execution responsibilities",
    "Governance and coordination",
    "Metrics and feedback loops",
    "Review and iteration",
]
TERMINAL = {"succeeded", "failed", "cancelled"}

# How far the page reaches sideways beyond the window, and which elements stick out (scroll boxes aside).
SIDEWAYS = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  culprits: [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1
      && !e.closest('.table-scroll, .diagram-scroll'))
    .slice(0, 5).map(e => `${e.tagName}.${e.className}`),
})"""


class Client:
    """The API as the tests' own second user sees it (plain HTTP with the same key)."""

    def __init__(self, live: LiveApi, key: str | None = None) -> None:
        self.http = httpx.Client(
            base_url=f"{live.base_url}/v1", headers={"Authorization": f"Bearer {key or live.key}"}, timeout=60
        )

    def get(self, path: str) -> Any:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    def canvas(self, canvas_id: str) -> tuple[dict[str, Any], str]:
        response = self.http.get(f"/canvases/{canvas_id}")
        assert response.status_code == 200, response.text
        return response.json(), response.headers["ETag"]

    def review(self, canvas_id: str, etag: str, action: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"/canvases/{canvas_id}/review", json=action, headers={"If-Match": etag})

    def wait(self, job: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + 120
        while job["status"] not in TERMINAL:
            assert time.monotonic() < deadline, f"job {job['id']} did not finish"
            time.sleep(0.1)
            job = self.get(f"/jobs/{job['id']}")
        assert job["status"] == "succeeded", job
        return job

    def fresh_canvas(self, docs: list[Path] = EV_DOCS, **request: Any) -> str:
        """A new canvas drafted from `docs` (uploaded when the workspace does not have them yet)."""
        names = {d["name"] for d in self.get("/documents")}
        missing = [p for p in docs if p.name not in names]
        if missing:
            files = [("files", (p.name, p.read_bytes())) for p in missing]
            assert self.http.post("/documents", files=files).status_code == 201
        ids = [d["id"] for d in self.get("/documents") if d["name"] in {p.name for p in docs}]
        body = {"document_ids": ids, **request}
        job = self.http.post("/jobs", json=body, headers={"Idempotency-Key": f"web-{time.monotonic_ns()}"}).json()
        return str(self.wait(job)["canvas_id"])

    def ensure_canvas(self) -> str:
        """The newest canvas of the workspace; uploads the EV charging documents and generates one if there is none."""
        canvases = self.get("/canvases")
        if canvases:
            return str(canvases[0]["id"])
        if not self.get("/documents"):
            files = [("files", (p.name, p.read_bytes())) for p in EV_DOCS]
            assert self.http.post("/documents", files=files).status_code == 201
        job = self.http.post("/jobs", json={}, headers={"Idempotency-Key": f"web-{time.monotonic_ns()}"}).json()
        deadline = time.monotonic() + 120
        while job["status"] not in TERMINAL:
            assert time.monotonic() < deadline, f"job {job['id']} did not finish"
            time.sleep(0.1)
            job = self.get(f"/jobs/{job['id']}")
        assert job["status"] == "succeeded", job
        return str(job["canvas_id"])

    def close(self) -> None:
        self.http.close()


def sign_in(page: Page, live: LiveApi, key: str | None = None) -> None:
    page.goto(f"{live.base_url}/")
    page.get_by_label("Workspace key").fill(key or live.key)
    page.get_by_role("button", name="Sign in", exact=True).click()


def open_setup(page: Page) -> None:
    """Unfold "Documents and generation" once the page has loaded (it folds itself when a canvas exists)."""
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    if page.locator("#setup").get_attribute("open") is None:
        page.locator("#setup summary").click()
    expect(page.locator("#setup")).to_have_attribute("open", "")


def open_board(page: Page, live: LiveApi, key: str | None = None, canvas_id: str | None = None) -> None:
    """Sign in to a workspace that has a canvas (this one, when given) and wait for its board."""
    if canvas_id is not None:
        page.goto(f"{live.base_url}/")
        page.evaluate("id => sessionStorage.setItem('ecocanvas.canvas', id)", canvas_id)
    sign_in(page, live, key)
    expect(page.locator("#view-board .panel")).to_have_count(7)
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")


def saved_as(page: Page, version: int) -> None:
    """Wait until the page shows `version` of the canvas (a review write has come back)."""
    expect(page.locator("#canvas-meta")).to_contain_text(f"Version {version} ")


def card(page: Page, entry_id: str) -> Any:
    return page.locator(f'#view-board [data-entry-id="{entry_id}"]')


def find_entry(canvas: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """An entry of a canvas JSON by id, from whichever list holds it."""
    lists = [canvas["actors"], canvas["value_exchanges"], canvas["activities"], canvas["governance"]]
    lists += [canvas["metrics"], canvas["review"]["open_questions"]]
    lists += [canvas["scope"][k] for k in ("objectives", "in_scope", "out_of_scope")]
    found: list[dict[str, Any]] = [e for entries in lists for e in entries if e["id"] == entry_id]
    assert found, f"no entry {entry_id} in the canvas"
    return found[0]
