"""The review page's edges in Chromium: a stale write, a read-only key, hostile document text, the SSE parser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import Client, find_entry, open_board, open_setup, saved_as, sign_in

from ecocanvas.api.db import make_engine
from ecocanvas.api.store import Store

pytestmark = pytest.mark.slow


def read_only_key(live: LiveApi) -> str:
    engine = make_engine(live.settings)
    try:
        return str(Store(engine).create_key("web", can_write=False))
    finally:
        engine.dispose()


def test_a_change_based_on_an_old_version_is_not_applied_and_the_canvas_reloads(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    canvas_id = client.ensure_canvas()
    open_board(page, live_api)
    seen, etag = client.canvas(canvas_id)
    drafts = [a for a in seen["canvas"]["activities"] if a["status"] == "draft"]
    theirs, mine = drafts[0], drafts[1]
    # Someone else accepts an entry after the page loaded the canvas.
    assert client.review(canvas_id, etag, {"action": "accept", "entry_id": theirs["id"]}).status_code == 200

    card = page.locator(f'#view-board [data-entry-id="{mine["id"]}"]')
    card.get_by_role("button", name="Reject").click()
    expect(page.locator("#alert")).to_contain_text("Your change was not applied")
    expect(page.locator(f'#view-board [data-entry-id="{theirs["id"]}"]')).to_have_class(
        re.compile(r"\bstatus-accepted\b")
    )
    expect(card).to_have_class(re.compile(r"\bstatus-draft\b"))
    now, _ = client.canvas(canvas_id)
    assert now["version"] == seen["version"] + 1
    assert find_entry(now["canvas"], mine["id"])["status"] == "draft"
    expect(page.locator("#canvas-meta")).to_contain_text(f"Version {now['version']} ")

    # The reloaded page writes on top of the new version.
    card.get_by_role("button", name="Reject").click()
    expect(card).to_have_class(re.compile(r"\bstatus-rejected\b"))
    assert find_entry(client.canvas(canvas_id)[0]["canvas"], mine["id"])["status"] == "rejected"


def test_a_read_only_key_sees_the_canvas_but_no_review_controls(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.ensure_canvas()
    open_board(page, live_api, read_only_key(live_api))
    expect(page.locator("#workspace-name")).to_contain_text("read only")
    expect(page.locator("#readonly-note")).to_be_visible()
    board = page.locator("#view-board")
    expect(board.locator("[data-entry-id]").first).to_be_visible()
    for name in ("Accept", "Reject", "Edit", "+ Add"):
        expect(board.get_by_role("button", name=re.compile(f"^{re.escape(name)}"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^(Dismiss|Resolve|Reopen)"))).to_have_count(0)
    open_setup(page)
    expect(page.get_by_label("Add documents")).to_be_hidden()
    expect(page.get_by_role("button", name="Generate", exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Regenerate")).to_be_hidden()
    # Reading still works: an entry's sources open.
    canvas = client.canvas(canvas_id)[0]["canvas"]
    actor = canvas["actors"][0]
    board.locator(f'[data-entry-id="{actor["id"]}"] .entry-open').click()
    expect(page.locator("#drawer-title")).to_have_text(actor["name"])
    expect(page.locator("#drawer .doc-text mark").first).to_have_text(actor["sources"][0]["quote"])


def test_document_text_is_shown_as_text_and_a_document_can_be_deleted(
    page: Page, live_api: LiveApi, client: Client, tmp_path: Path
) -> None:
    hostile = tmp_path / "chat-notes.txt"
    pasted = '<img src=x onerror="window.__owned=1"> and <script>window.__owned=2</script>'
    hostile.write_text(f"Notes from the partner chat.\nSomeone pasted {pasted} into the thread.\n", encoding="utf-8")
    sign_in(page, live_api)
    open_setup(page)
    page.get_by_label("Add documents").set_input_files(str(hostile))
    expect(page.locator('#upload-status li[data-state="ok"]')).to_have_count(1)

    item = page.locator("#document-list li", has_text="chat-notes.txt")
    item.get_by_role("button", name="View text").click()
    expect(page.locator("#drawer .doc-text")).to_contain_text(pasted)
    expect(page.locator("#drawer img, #drawer script")).to_have_count(0)
    assert page.evaluate("window.__owned") is None
    page.keyboard.press("Escape")

    item.get_by_role("button", name="Delete").click()
    item.get_by_role("button", name="Yes, delete").click()
    expect(page.locator("#document-list li", has_text="chat-notes.txt")).to_have_count(0)
    assert "chat-notes.txt" not in {d["name"] for d in client.get("/documents")}


def test_a_file_the_server_refuses_shows_its_own_error(page: Page, live_api: LiveApi, tmp_path: Path) -> None:
    good, bad = tmp_path / "memo.md", tmp_path / "logo.png"
    good.write_text("# Memo\n\nAcme leads onboarding; Globex supports it.\n", encoding="utf-8")
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    sign_in(page, live_api)
    open_setup(page)
    page.get_by_label("Add documents").set_input_files([str(good), str(bad)])
    expect(page.locator('#upload-status li[data-name="memo.md"]')).to_have_attribute("data-state", "ok")
    refused = page.locator('#upload-status li[data-name="logo.png"]')
    expect(refused).to_have_attribute("data-state", "error")
    expect(refused.locator(".upload-msg")).not_to_be_empty()
    expect(refused).to_contain_text("not added")


def test_the_event_stream_parser_handles_chunks_split_anywhere(page: Page, live_api: LiveApi) -> None:
    page.goto(f"{live_api.base_url}/")
    events = page.evaluate(
        """async () => {
          const { SSEParser } = await import('/static/api.js');
          const parser = new SSEParser();
          const chunks = ['retry: 2000\\n\\n: still working\\n\\nid: 1\\nevent: progress\\ndata: {"seq":1,',
                          '"stage":"ingest"}\\r', '\\n\\r\\nid: 2\\nevent: end\\ndata: a\\ndata:b\\n', '\\n'];
          return chunks.flatMap((chunk) => parser.push(chunk));
        }"""
    )
    assert events == [
        {"event": "progress", "data": '{"seq":1,"stage":"ingest"}', "id": "1"},
        {"event": "end", "data": "a\nb", "id": "2"},
    ]


def test_a_reviewer_adds_an_entry_and_resolves_then_reopens_a_finding(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    canvas_id = client.ensure_canvas()
    open_board(page, live_api)
    seen = client.canvas(canvas_id)[0]
    canvas = seen["canvas"]
    lead = canvas["actors"][1]
    panel = page.locator('#view-board [data-panel="activities"]')
    panel.get_by_role("button", name="+ Add activity").click()
    form = panel.locator("form.entry-form")
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_role("alert")).to_have_text("Activity is required.")
    form.get_by_label(re.compile(r"^Activity\b")).fill("Quarterly tariff review with the hosts")
    form.get_by_label("Leads (accountable)").select_option(label=lead["name"])
    form.get_by_role("button", name="Add").click()
    saved_as(page, seen["version"] + 1)
    added = [
        a
        for a in client.canvas(canvas_id)[0]["canvas"]["activities"]
        if a["id"] not in {x["id"] for x in canvas["activities"]}
    ]
    assert [(a["name"], a["owner"], a["status"], a["sources"]) for a in added] == [
        ("Quarterly tariff review with the hosts", lead["id"], "accepted", [])
    ]
    card = panel.locator(f'[data-entry-id="{added[0]["id"]}"]')
    expect(card).to_have_class(re.compile(r"\bstatus-accepted\b"))
    expect(card).to_contain_text("no sources")
    expect(card.locator(".entry-open")).to_be_focused()

    finding = next(f for f in client.canvas(canvas_id)[0]["findings"] if f["status"] == "open")
    item = page.locator(f'[data-finding-id="{finding["id"]}"]')
    item.get_by_role("button", name="Resolve…").click()
    item.get_by_label("Note (optional)").fill("Agreed at the June board.")
    item.get_by_role("button", name="Mark resolved").click()
    expect(item).to_have_class(re.compile(r"\bfinding-resolved\b"))
    expect(item).to_contain_text("Agreed at the June board.")
    item.get_by_role("button", name="Reopen").click()
    expect(item).to_have_class(re.compile(r"\bfinding-open\b"))
    saved_as(page, seen["version"] + 3)
    now = next(f for f in client.canvas(canvas_id)[0]["findings"] if f["id"] == finding["id"])
    assert (now["status"], now["reason"]) == ("open", None)


def test_regenerating_keeps_what_was_reviewed(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.ensure_canvas()
    seen, etag = client.canvas(canvas_id)
    draft = next(a for a in seen["canvas"]["actors"] if a["status"] == "draft")
    assert client.review(canvas_id, etag, {"action": "accept", "entry_id": draft["id"]}).status_code == 200
    open_board(page, live_api)
    open_setup(page)
    page.get_by_role("button", name="Regenerate").click()
    expect(page.locator("#progress-message")).to_have_text("The canvas is ready.", timeout=120_000)
    latest, _ = client.canvas(canvas_id)
    assert latest["version"] == seen["version"] + 2
    assert latest["action"]["action"] == "generate"
    expect(page.locator("#canvas-meta")).to_contain_text(f"Version {latest['version']} ")
    card = page.locator(f'#view-board [data-entry-id="{draft["id"]}"]')
    expect(card).to_have_class(re.compile(r"\bstatus-accepted\b"))
    assert find_entry(latest["canvas"], draft["id"])["status"] == "accepted"
