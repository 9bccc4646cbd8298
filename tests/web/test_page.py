"""The review page end to end in Chromium: a coordinator's whole session, a refused key, a narrow window."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import EV_DOCS, PANEL_TITLES, SIDEWAYS, Client, find_entry, open_board, open_setup, sign_in

pytestmark = pytest.mark.slow

LIST_PANELS = ["actors", "value_exchanges", "activities", "governance", "metrics"]
EXPORTS = {
    "JSON": "json",
    "Markdown": "md",
    "HTML": "html",
    "RACI CSV": "raci.csv",
    "Mermaid": "mmd",
    "SVG diagram": "svg",
}


def has_class(name: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def upload_and_generate(page: Page, client: Client) -> str:
    open_setup(page)
    page.get_by_label("Add documents").set_input_files([str(p) for p in EV_DOCS])
    expect(page.locator('#upload-status li[data-state="ok"]')).to_have_count(len(EV_DOCS))
    for doc in EV_DOCS:
        expect(page.locator("#document-list")).to_contain_text(doc.name)
    assert {p.name for p in EV_DOCS} <= {d["name"] for d in client.get("/documents")}

    before = {c["id"] for c in client.get("/canvases")}
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator("#progress-message")).to_have_text("The canvas is ready.", timeout=120_000)
    states = page.locator("#progress-list li").evaluate_all("els => els.map(e => [e.dataset.step, e.dataset.state])")
    assert [step for step, _ in states] == [
        "ingest", "embed", "scope", "actors", "value_exchanges", "activities", "governance", "metrics", "review",
        "ground", "resolve",
    ]  # fmt: skip
    assert all(state in {"done", "ok", "cached"} for _, state in states), states
    # Only the event stream carries each stage's own message: seeing one proves the stream was read.
    expect(page.locator('[data-step="ground"] .step-msg')).to_contain_text("quotes found in the documents")
    new = [c["id"] for c in client.get("/canvases") if c["id"] not in before]
    assert len(new) == 1
    return str(new[0])


def check_board(page: Page, canvas: dict[str, Any]) -> None:
    board = page.locator("#view-board")
    expect(board.locator(".panel")).to_have_count(7)
    assert board.locator(".panel-title > span:nth-child(2)").all_text_contents() == PANEL_TITLES
    assert board.locator(".panel-n").all_text_contents() == [str(n) for n in range(1, 8)]
    for key in LIST_PANELS:
        expect(board.locator(f'[data-panel="{key}"] [data-entry-id]')).to_have_count(len(canvas[key]))
    assert canvas["actors"] and canvas["value_exchanges"] and canvas["activities"]
    total = sum(len(canvas[k]) for k in LIST_PANELS) + len(canvas["review"]["open_questions"])
    total += sum(len(canvas["scope"][k]) for k in ("objectives", "in_scope", "out_of_scope"))
    expect(board.locator(".entry-foot .chip-draft")).to_have_count(total)
    # Actors appear by name, never by id.
    assert not re.search(r"\bactor-[a-z0-9-]+", board.inner_text())
    names = {a["id"]: a["name"] for a in canvas["actors"]}
    flow = canvas["value_exchanges"][0]
    card = board.locator(f'[data-entry-id="{flow["id"]}"]')
    expect(card).to_contain_text(names[flow["provider"]])
    expect(card).to_contain_text(names[flow["receiver"]])


def check_citation(page: Page, client: Client, canvas: dict[str, Any]) -> None:
    activity = next(a for a in canvas["activities"] if a["sources"])
    source = activity["sources"][0]
    opener = page.locator(f'#view-board [data-entry-id="{activity["id"]}"] .entry-open')
    opener.focus()
    page.keyboard.press("Enter")
    drawer = page.locator("#drawer")
    expect(drawer).to_be_visible()
    mark = drawer.locator(".doc-text mark").first
    expect(mark).to_have_text(source["quote"])
    document = client.get(f"/documents/{source['document_id']}/text")["text"]
    assert drawer.locator(".doc-text").first.text_content() == document
    in_view = mark.evaluate(
        "m => { const b = m.closest('.doc-text').getBoundingClientRect(), r = m.getBoundingClientRect();"
        " return r.top >= b.top && r.top < b.bottom; }"
    )
    assert in_view, "the quote is not scrolled into view"
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(opener).to_be_focused()


def test_a_coordinator_uploads_generates_reviews_and_exports(
    page: Page, live_api: LiveApi, client: Client, shots: Path
) -> None:
    sign_in(page, live_api)
    expect(page.locator("#workspace-name")).to_have_text("Workspace: web")
    canvas_id = upload_and_generate(page, client)
    start, _ = client.canvas(canvas_id)
    canvas, findings = start["canvas"], start["findings"]
    check_board(page, canvas)
    check_citation(page, client, canvas)
    board = page.locator("#view-board")

    # Accept one entry.
    target = next(a for a in canvas["activities"] if a["status"] == "draft")
    card = board.locator(f'[data-entry-id="{target["id"]}"]')
    card.get_by_role("button", name="Accept").click()
    expect(card).to_have_class(has_class("status-accepted"))
    expect(card.locator(".entry-foot .chip-accepted")).to_have_text("accepted")
    assert find_entry(client.canvas(canvas_id)[0]["canvas"], target["id"])["status"] == "accepted"

    # Edit one: give an unowned activity its lead.
    gap = next(f for f in findings if f["rule"] == "unowned-activity" and f["status"] == "open")
    edited_id, lead = gap["subjects"][0], canvas["actors"][0]
    card = board.locator(f'[data-entry-id="{edited_id}"]')
    card.get_by_role("button", name="Edit").click()
    form = board.locator("form.entry-form")
    form.get_by_label("Leads (accountable)").select_option(label=lead["name"])
    form.get_by_role("button", name="Save changes").click()
    expect(card).to_have_class(has_class("status-edited"))
    expect(card.locator("dt:text-is('Leads') + dd")).to_have_text(lead["name"])
    now, _ = client.canvas(canvas_id)
    assert find_entry(now["canvas"], edited_id)["owner"] == lead["id"]
    assert gap["id"] not in {f["id"] for f in now["findings"] if f["status"] == "open"}
    expect(page.locator(f'.finding-open[data-finding-id="{gap["id"]}"]')).to_have_count(0)

    # A finding's link leads to its entry on the board.
    linked = next(f for f in now["findings"] if f["status"] == "open" and f["subjects"])
    page.locator(f'[data-finding-id="{linked["id"]}"] [data-subject]').first.click()
    subject = board.locator(f'[data-entry-id="{linked["subjects"][0]}"]')
    expect(subject).to_have_class(has_class("flash"))
    expect(subject.locator(".entry-open")).to_be_focused()

    # Dismiss a finding: not without a reason.
    finding = next(f for f in now["findings"] if f["status"] == "open")
    item = page.locator(f'[data-finding-id="{finding["id"]}"]')
    item.get_by_role("button", name="Dismiss…").click()
    item.get_by_role("button", name="Dismiss finding").click()
    expect(item.get_by_role("alert")).to_contain_text("Give a reason")
    assert next(f for f in client.canvas(canvas_id)[0]["findings"] if f["id"] == finding["id"])["status"] == "open"
    reason = "Handled by the programme office outside the canvas."
    item.get_by_label("Why dismiss it? (required)").fill(reason)
    item.get_by_role("button", name="Dismiss finding").click()
    expect(item).to_have_class(has_class("finding-dismissed"))
    expect(item).to_contain_text(reason)
    final, _ = client.canvas(canvas_id)
    dismissed = next(f for f in final["findings"] if f["id"] == finding["id"])
    assert (dismissed["status"], dismissed["reason"]) == ("dismissed", reason)
    for severity in ("error", "warning", "info"):
        group = [f for f in final["findings"] if f["severity"] == severity]
        opened = sum(f["status"] == "open" for f in group)
        if group:
            words = f"{opened} open" + (f" of {len(group)}" if len(group) > opened else "")
            expect(page.locator(f'[data-severity="{severity}"] h3 .count')).to_have_text(words)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots / "board.png")
    page.locator("#findings").screenshot(path=shots / "findings.png")

    check_diagram(page, final["canvas"], lead, shots)
    check_raci(page, final["canvas"], edited_id)
    check_history(page, client, canvas_id, edited_id, lead["name"])
    check_exports(page, final)
    for name in ("board.png", "findings.png", "diagram.png"):
        assert (shots / name).stat().st_size > 10_000


def check_diagram(page: Page, canvas: dict[str, Any], lead: dict[str, Any], shots: Path) -> None:
    page.get_by_role("tab", name="Value flows").click()
    svg = page.locator("#view-diagram svg.diagram-svg")
    live = [a for a in canvas["actors"] if a["status"] != "rejected"]
    expect(svg.locator("g[data-actor-id]")).to_have_count(len(live))
    assert svg.locator("g[data-exchange-id]").count() >= 1
    page.locator("#view-diagram figure").screenshot(path=shots / "diagram.png")
    node = svg.locator(f'g[data-actor-id="{lead["id"]}"]')
    node.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#drawer-title")).to_have_text(lead["name"])
    page.keyboard.press("Escape")
    expect(node).to_be_focused()


def check_raci(page: Page, canvas: dict[str, Any], activity_id: str) -> None:
    page.get_by_role("tab", name="RACI matrix").click()
    table = page.locator("#view-raci table")
    activities = [a for a in canvas["activities"] if a["status"] != "rejected"]
    expect(table.locator("tbody tr")).to_have_count(len(activities))
    actors = [a for a in canvas["actors"] if a["status"] != "rejected"]
    assert table.locator("thead th").all_text_contents() == ["Activity", *(a["name"] for a in actors)]
    act = find_entry(canvas, activity_id)
    roles = [(act["owner"] == a["id"]) * "Lead" for a in actors]
    roles = [r + ("Support" if a["id"] in act["supporters"] else "") for r, a in zip(roles, actors, strict=True)]
    roles = [r + ("Approve" if a["id"] in act["approvers"] else "") for r, a in zip(roles, actors, strict=True)]
    cells = table.locator(f'tr[data-activity-id="{activity_id}"] td').all_text_contents()
    assert cells == roles


def check_history(page: Page, client: Client, canvas_id: str, edited_id: str, lead_name: str) -> None:
    page.get_by_role("tab", name="History").click()
    versions = client.get(f"/canvases/{canvas_id}/versions?limit=200")
    expect(page.locator("#view-history table.versions tbody tr")).to_have_count(len(versions))
    edit = next(v["version"] for v in versions if v["action"].get("action") == "edit")
    page.get_by_label("From", exact=True).select_option(str(edit - 1))
    page.get_by_label("To", exact=True).select_option(str(edit))
    page.get_by_role("button", name="Show changes").click()
    out = page.locator("#view-history .diff-out")
    expect(out.locator("h3")).to_have_text(f"Changes from version {edit - 1} to version {edit}")
    changed = out.locator(f'.diff-changed [data-entry-id="{edited_id}"]')
    expect(changed.locator("tr:has(th:text-is('Owner')) ins")).to_have_text(lead_name)
    expect(changed.locator("tr:has(th:text-is('Status')) ins")).to_have_text("edited")


def check_exports(page: Page, final: dict[str, Any]) -> None:
    files: dict[str, str] = {}
    for button, suffix in EXPORTS.items():
        with page.expect_download() as info:
            page.locator("#canvas-area .exports").get_by_role("button", name=button, exact=True).click()
        assert info.value.suggested_filename.endswith(f"-v{final['version']}.{suffix}"), info.value.suggested_filename
        files[suffix] = Path(info.value.path()).read_text(encoding="utf-8")
    assert json.loads(files["json"])["canvas"] == final["canvas"]
    assert files["md"].startswith(f"# {final['canvas']['title']}")
    assert files["html"].startswith("<!doctype html>")
    assert files["raci.csv"].splitlines()[0].count(",") >= len(final["canvas"]["actors"])
    assert files["mmd"].lstrip().startswith(("flowchart", "graph"))
    assert files["svg"].lstrip().startswith("<svg")


def test_a_wrong_key_is_refused_and_a_key_that_stops_working_signs_you_out(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    client.ensure_canvas()
    sign_in(page, live_api, key="eco_not-a-real-key")
    expect(page.locator("#signin-error")).to_contain_text("not accepted")
    expect(page.locator("#app-view")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('ecocanvas.key')") is None

    open_board(page, live_api)
    page.evaluate("sessionStorage.setItem('ecocanvas.key', 'eco_revoked-meanwhile')")
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#signin-view")).to_be_visible()
    expect(page.locator("#signin-error")).to_contain_text("no longer accepts your key")
    expect(page.get_by_label("Workspace key")).to_be_focused()


def test_a_narrow_window_stacks_the_panels_without_sideways_scrolling(
    narrow_page: Page, live_api: LiveApi, client: Client
) -> None:
    page = narrow_page
    client.ensure_canvas()
    open_board(page, live_api)

    def no_sideways(where: str) -> None:
        result = page.evaluate(SIDEWAYS)
        assert result["overflow"] <= 0 and not result["culprits"], (where, result)

    boxes = page.locator("#view-board .panel").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width]; })"
    )
    assert len({round(left) for left, _, _ in boxes}) == 1, boxes
    assert [top for _, top, _ in boxes] == sorted(top for _, top, _ in boxes)
    findings_top = page.locator("#findings").evaluate("e => e.getBoundingClientRect().top")
    assert findings_top > boxes[-1][1]
    no_sideways("board")
    open_setup(page)
    no_sideways("documents and generation")
    for tab, ready in (("Value flows", "svg g[data-actor-id]"), ("RACI matrix", "table"), ("History", "table")):
        page.get_by_role("tab", name=tab).click()
        expect(page.locator(f"[role=tabpanel]:not([hidden]) {ready}").first).to_be_visible()
        no_sideways(tab)
    page.get_by_role("tab", name="Board").click()
    page.locator("#view-board .entry-open").first.click()
    expect(page.locator("#drawer mark").first).to_be_visible()
    no_sideways("side panel")
