"""The review tools of issue 13 in Chromium: an actor made from the owner drop-down, bulk decisions,
filters and search, full-width panels, the keyboard, undo and restore, merge, reject with a reason,
review from the side panel, comments in the history, and the value-flow diagram's zoom and pan."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import EV_DOCS, FOUNDATION_DOCS, SIDEWAYS, Client, card, find_entry, open_board, saved_as

pytestmark = pytest.mark.slow


def status_of(client: Client, canvas_id: str, entry_id: str) -> str:
    return str(find_entry(client.canvas(canvas_id)[0]["canvas"], entry_id)["status"])


def all_entries(canvas: dict[str, Any]) -> list[dict[str, Any]]:
    lists = [canvas[k] for k in ("actors", "value_exchanges", "activities", "governance", "metrics")]
    lists += [canvas["scope"][k] for k in ("objectives", "in_scope", "out_of_scope")]
    return [e for entries in [*lists, canvas["review"]["open_questions"]] for e in entries]


def test_an_actor_is_created_from_the_owner_drop_down_in_the_same_version(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, _ = client.canvas(canvas_id)
    activity = next(a for a in seen["canvas"]["activities"] if not a["owner"])
    open_board(page, live_api, canvas_id=canvas_id)
    card(page, activity["id"]).get_by_role("button", name="Edit").click()
    form = page.locator("#view-board form.entry-form")
    form.get_by_label("Leads (accountable)", exact=True).select_option(label="+ New actor…")
    expect(form.get_by_label("Name of the new actor")).to_be_focused()
    form.get_by_role("button", name="Save changes").click()
    expect(form.get_by_role("alert")).to_have_text("Give the new actor a name.")
    form.get_by_label("Name of the new actor").fill("Lakeside Grid Services")
    form.get_by_label("Kind of the new actor").select_option("supplier")
    form.get_by_role("button", name="Save changes").click()
    saved_as(page, seen["version"] + 1)
    now, _ = client.canvas(canvas_id)
    (actor,) = [a for a in now["canvas"]["actors"] if a["name"] == "Lakeside Grid Services"]
    assert (actor["kind"], actor["status"]) == ("supplier", "accepted")
    assert find_entry(now["canvas"], activity["id"])["owner"] == actor["id"]
    assert now["action"]["action"] == "batch"
    expect(card(page, activity["id"]).locator("dt:text-is('Leads') + dd")).to_have_text("Lakeside Grid Services")
    expect(card(page, actor["id"])).to_be_visible()


def test_bulk_decisions_are_one_version_each(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, _ = client.canvas(canvas_id)
    open_board(page, live_api, canvas_id=canvas_id)
    version = seen["version"]

    page.locator('#view-board [data-panel="actors"]').get_by_role("button", name="Accept drafts").click()
    version += 1
    saved_as(page, version)
    now = client.canvas(canvas_id)[0]
    assert {a["status"] for a in now["canvas"]["actors"]} == {"accepted"}
    assert {e["status"] for e in now["canvas"]["value_exchanges"]} == {"draft"}, "only that panel"

    flows = seen["canvas"]["value_exchanges"][:2]
    for flow in flows:
        card(page, flow["id"]).get_by_label(re.compile("^Select ")).check()
    expect(page.locator("#bulk-summary")).to_contain_text("2 selected")
    page.locator("#reject-selected").click()
    version += 1
    saved_as(page, version)
    assert [status_of(client, canvas_id, f["id"]) for f in flows] == ["rejected", "rejected"]
    expect(page.locator("#reject-selected")).to_have_count(0)

    page.locator("#accept-shown").click()
    version += 1
    saved_as(page, version)
    final = client.canvas(canvas_id)[0]
    assert "draft" not in {e["status"] for e in all_entries(final["canvas"])}
    assert final["version"] == version
    expect(page.locator("#view-board .entry-foot .chip-draft")).to_have_count(0)


def test_filters_and_search_narrow_the_board(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, etag = client.canvas(canvas_id)
    canvas = seen["canvas"]
    rejected = canvas["activities"][0]
    assert client.review(canvas_id, etag, {"action": "reject", "entry_id": rejected["id"]}).status_code == 200
    open_board(page, live_api, canvas_id=canvas_id)
    board = page.locator("#view-board")
    filters = page.get_by_role("search", name="Filter the entries")
    shown = board.locator(".entry[data-entry-id]:visible")
    total = len(all_entries(canvas))
    expect(shown).to_have_count(total)

    filters.get_by_label("Status", exact=True).select_option("rejected")
    expect(shown).to_have_count(1)
    expect(shown.first).to_have_attribute("data-entry-id", rejected["id"])
    expect(page.locator("#bulk-summary")).to_contain_text(f"1 of {total} entries shown")
    expect(board.locator('[data-panel="actors"] .panel-count')).to_contain_text(f"0 of {len(canvas['actors'])} shown")
    filters.get_by_label("Status", exact=True).select_option("")

    # The findings after the rejection: rejecting an entry can raise or clear some.
    findings = client.canvas(canvas_id)[0]["findings"]
    with_findings = {s for f in findings if f["status"] == "open" for s in f["subjects"]}
    filters.get_by_label("Findings", exact=True).select_option("with")
    ids = set(shown.evaluate_all("els => els.map(e => e.dataset.entryId)"))
    assert ids and ids <= with_findings
    filters.get_by_label("Findings", exact=True).select_option("")

    actor = canvas["actors"][0]
    filters.get_by_label("Actor", exact=True).select_option(actor["id"])
    ids = set(shown.evaluate_all("els => els.map(e => e.dataset.entryId)"))
    refs = ("owner", "supporters", "approvers", "provider", "receiver", "participants", "actors")

    def names(entry: dict[str, Any]) -> bool:
        return entry["id"] == actor["id"] or any(
            actor["id"] in (v if isinstance(v, list) else [v]) for k, v in entry.items() if k in refs
        )

    assert ids == {e["id"] for e in all_entries(canvas) if names(e)}
    filters.get_by_label("Actor", exact=True).select_option("")

    document = canvas["actors"][0]["sources"][0]
    filters.get_by_label("Document", exact=True).select_option(document["document_id"])
    ids = set(shown.evaluate_all("els => els.map(e => e.dataset.entryId)"))
    cited = {
        e["id"] for e in all_entries(canvas) if any(s["document_id"] == document["document_id"] for s in e["sources"])
    }
    assert ids == cited and ids
    page.locator("#clear-filters").click()
    expect(shown).to_have_count(total)

    word = actor["name"].split()[0]
    filters.get_by_label("Search", exact=True).fill(word.lower())
    ids = set(shown.evaluate_all("els => els.map(e => e.dataset.entryId)"))
    assert actor["id"] in ids and len(ids) < total
    for entry_id in ids:
        expect(card(page, entry_id)).to_contain_text(re.compile(re.escape(word), re.I))
    filters.get_by_label("Search", exact=True).fill("zzzz no such words")
    expect(shown).to_have_count(0)
    expect(board.locator('[data-panel="actors"] .filtered-out')).to_be_visible()


def test_a_panel_can_take_the_full_width(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    open_board(page, live_api, canvas_id=canvas_id)
    panel = page.locator('#view-board [data-panel="activities"]')
    board_width = page.locator("#view-board").evaluate("e => e.getBoundingClientRect().width")
    assert panel.evaluate("e => e.getBoundingClientRect().width") < board_width / 2
    panel.get_by_role("button", name=re.compile("^Full width")).click()
    button = panel.locator('[data-widen="activities"]')
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_accessible_name(re.compile("^Narrow"))
    assert abs(panel.evaluate("e => e.getBoundingClientRect().width") - board_width) < 2
    # It stays wide after a review write re-renders the board.
    panel.locator(".entry").first.get_by_role("button", name="Accept").click()
    expect(panel.locator(".entry-foot .chip-accepted").first).to_be_visible()
    assert abs(panel.evaluate("e => e.getBoundingClientRect().width") - board_width) < 2
    panel.get_by_role("button", name=re.compile("^Narrow")).click()
    assert panel.evaluate("e => e.getBoundingClientRect().width") < board_width / 2


def test_the_keyboard_reviews_one_key_per_entry_and_undoes(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, _ = client.canvas(canvas_id)
    open_board(page, live_api, canvas_id=canvas_id)
    order = page.locator("#view-board .entry[data-entry-id]").evaluate_all("els => els.map(e => e.dataset.entryId)")
    page.locator("#jump-drafts").click()

    def focused() -> str:
        return str(page.evaluate("document.activeElement.closest('[data-entry-id]')?.dataset.entryId"))

    assert focused() == order[0]
    page.keyboard.press("a")
    saved_as(page, seen["version"] + 1)
    assert focused() == order[1], "the focus moves on to the next entry"
    page.keyboard.press("r")
    saved_as(page, seen["version"] + 2)
    assert focused() == order[2]
    page.keyboard.press("ArrowDown")
    assert focused() == order[3]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("x")
    expect(card(page, order[2])).to_have_class(re.compile(r"\bselected\b"))
    assert (status_of(client, canvas_id, order[0]), status_of(client, canvas_id, order[1])) == ("accepted", "rejected")

    page.keyboard.press("Control+z")
    saved_as(page, seen["version"] + 3)
    assert status_of(client, canvas_id, order[1]) == "draft"
    assert client.canvas(canvas_id)[0]["action"] == {
        "action": "undo",
        "version": seen["version"] + 1,
        "based_on": seen["version"] + 2,
    }

    page.locator(f'#view-board [data-entry-id="{order[2]}"] .entry-open').focus()
    page.keyboard.press("e")
    form = page.locator("#view-board form.entry-form")
    expect(form).to_be_visible()
    field = form.locator("input[type=text], textarea").first
    field.fill(f"{field.input_value()} (checked)")
    page.keyboard.press("Control+Enter")
    saved_as(page, seen["version"] + 4)
    assert status_of(client, canvas_id, order[2]) == "edited"
    assert focused() == order[2]


def test_undo_and_restore_make_new_versions_from_the_page(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, _ = client.canvas(canvas_id)
    actor = seen["canvas"]["actors"][0]
    open_board(page, live_api, canvas_id=canvas_id)
    undo = page.locator("#undo")
    expect(undo).to_be_hidden()
    card(page, actor["id"]).get_by_role("button", name="Accept").click()
    saved_as(page, seen["version"] + 1)
    expect(undo).to_contain_text(f"Undo: Accepted “{actor['name']}”")
    undo.click()
    saved_as(page, seen["version"] + 2)
    expect(card(page, actor["id"])).to_have_class(re.compile(r"\bstatus-draft\b"))
    expect(page.locator("#status-line")).to_contain_text(
        "Undid the last change (back to version 1). Saved as version 3."
    )

    card(page, actor["id"]).get_by_role("button", name="Reject").click()
    saved_as(page, seen["version"] + 3)
    page.get_by_role("tab", name="History").click()
    rows = page.locator("#view-history table.versions tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first.locator("td").nth(3)).to_have_text("current")
    page.locator('#view-history [data-restore="2"]').click()
    saved_as(page, seen["version"] + 4)
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Restored version 2")
    latest, _ = client.canvas(canvas_id)
    two = client.get(f"/canvases/{canvas_id}/versions/2")
    assert latest["canvas"] == two["canvas"] and latest["findings"] == two["findings"]
    assert find_entry(latest["canvas"], actor["id"])["status"] == "accepted"


def test_merge_reject_with_a_reason_and_accept_from_the_side_panel(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    canvas_id = client.fresh_canvas(FOUNDATION_DOCS)
    seen, _ = client.canvas(canvas_id)
    canvas = seen["canvas"]
    keep, other = (
        canvas["actors"][0],
        next(
            a
            for a in canvas["actors"]
            if any(x["receiver"] == a["id"] or x["provider"] == a["id"] for x in canvas["value_exchanges"])
            and a["id"] != canvas["actors"][0]["id"]
        ),
    )
    open_board(page, live_api, canvas_id=canvas_id)
    drawer = page.locator("#drawer")
    card(page, keep["id"]).locator(".entry-open").click()
    expect(page.locator("#drawer-title")).to_have_text(keep["name"])
    drawer.get_by_label(re.compile("^Merge another actor")).select_option(other["id"])
    drawer.get_by_role("button", name="Merge", exact=True).click()
    saved_as(page, seen["version"] + 1)
    expect(drawer).to_be_visible()
    expect(drawer.locator(".citation")).to_have_count(len(keep["sources"]) + len(other["sources"]))
    expect(card(page, other["id"])).to_have_count(0)
    now = client.canvas(canvas_id)[0]["canvas"]
    merged = find_entry(now, keep["id"])
    assert merged["merged_from"] == [other["id"]] and other["name"] in merged["aliases"]
    assert other["id"] not in {r for x in now["value_exchanges"] for r in (x["provider"], x["receiver"])}

    drawer.get_by_role("button", name=re.compile("^Accept")).click()
    saved_as(page, seen["version"] + 2)
    expect(drawer.locator(".entry-review .chip-accepted")).to_be_visible()
    assert status_of(client, canvas_id, keep["id"]) == "accepted"

    flow = now["value_exchanges"][0]
    page.keyboard.press("Escape")
    card(page, flow["id"]).locator(".entry-open").click()
    drawer.get_by_label("Reject, with a reason (optional)").fill("The dues are paid through the fiscal host.")
    drawer.locator("form.reject-form").get_by_role("button", name="Reject").click()
    saved_as(page, seen["version"] + 3)
    rejected = find_entry(client.canvas(canvas_id)[0]["canvas"], flow["id"])
    assert (rejected["status"], rejected["reason"]) == ("rejected", "The dues are paid through the fiscal host.")
    expect(drawer.locator(".entry-review")).to_contain_text(
        "Rejected because: The dues are paid through the fiscal host."
    )
    page.keyboard.press("Escape")
    expect(card(page, flow["id"]).locator(".entry-reason")).to_contain_text(
        "The dues are paid through the fiscal host."
    )
    expect(card(page, flow["id"]).locator(".entry-open")).to_be_focused()


def test_comments_on_an_entry_and_a_finding_show_in_the_history(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(EV_DOCS)
    seen, _ = client.canvas(canvas_id)
    actor = seen["canvas"]["actors"][0]
    finding = next(f for f in seen["findings"] if f["status"] == "open")
    open_board(page, live_api, canvas_id=canvas_id)
    card(page, actor["id"]).locator(".entry-open").click()
    drawer = page.locator("#drawer")
    drawer.get_by_label("Add a comment").fill("Confirm the legal name with procurement.")
    drawer.get_by_role("button", name="Add comment").click()
    saved_as(page, seen["version"] + 1)
    expect(drawer.locator(".comments")).to_contain_text("Confirm the legal name with procurement.")
    page.keyboard.press("Escape")
    expect(card(page, actor["id"]).locator(".entry-notes")).to_contain_text("1 comment")

    item = page.locator(f'[data-finding-id="{finding["id"]}"]')
    item.get_by_role("button", name=re.compile("^Comment…")).click()
    item.get_by_label("Comment on this finding").fill("Raised with the board.")
    item.get_by_role("button", name="Add comment").click()
    saved_as(page, seen["version"] + 2)
    expect(item.locator(".finding-comments")).to_contain_text("Raised with the board.")
    assert [
        c["text"]
        for c in next(f for f in client.canvas(canvas_id)[0]["findings"] if f["id"] == finding["id"])["comments"]
    ] == ["Raised with the board."]

    page.get_by_role("tab", name="History").click()
    page.get_by_label("From", exact=True).select_option(str(seen["version"]))
    page.get_by_label("To", exact=True).select_option(str(seen["version"] + 2))
    page.get_by_role("button", name="Show changes").click()
    comments = page.locator("#view-history .diff-comments li")
    expect(comments).to_have_count(2)
    expect(comments.nth(0)).to_contain_text(actor["name"])
    expect(comments.nth(0)).to_contain_text("Confirm the legal name with procurement.")
    expect(comments.nth(1)).to_contain_text("Raised with the board.")
    expect(page.locator("#view-history table.versions tbody tr").first).to_contain_text("Commented on a finding")


def scale(page: Page) -> float:
    return float(
        page.locator("#view-diagram svg.diagram-svg").evaluate(
            "s => s.getBoundingClientRect().width / s.viewBox.baseVal.width"
        )
    )


def test_the_diagram_zooms_and_pans(page: Page, live_api: LiveApi, client: Client) -> None:
    canvas_id = client.fresh_canvas(FOUNDATION_DOCS)
    open_board(page, live_api, canvas_id=canvas_id)
    page.get_by_role("tab", name="Value flows").click()
    svg = page.locator("#view-diagram svg.diagram-svg")
    expect(svg.locator("g[data-actor-id]").first).to_be_visible()
    start = scale(page)
    page.get_by_role("button", name="Zoom in").click()
    assert scale(page) == pytest.approx(start * 1.25, rel=0.02)
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    assert scale(page) == pytest.approx(start / 1.25, rel=0.02)
    page.get_by_role("button", name="Actual size").click()
    assert scale(page) == pytest.approx(1, rel=0.02)
    expect(page.locator("#view-diagram .zoom-level")).to_have_text("100%")

    scroller = page.locator("#view-diagram .diagram-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth"), "at 100% the diagram is wider than its box"
    box = scroller.bounding_box()
    assert box
    # "Actual size" keeps the centre in view, which may leave no room to the right: start from the left edge.
    scroller.evaluate("e => { e.scrollLeft = 0; }")
    before = scroller.evaluate("e => e.scrollLeft")
    page.mouse.move(box["x"] + box["width"] - 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 40, steps=8)
    page.mouse.up()
    assert scroller.evaluate("e => e.scrollLeft") > before, "dragging pans"
    expect(page.locator("#drawer")).to_be_hidden()
    page.get_by_role("button", name="Fit the width of the window").click()
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_the_diagram_stays_readable_in_a_narrow_window(narrow_page: Page, live_api: LiveApi, client: Client) -> None:
    page = narrow_page
    canvas_id = client.fresh_canvas(FOUNDATION_DOCS)
    open_board(page, live_api, canvas_id=canvas_id)
    page.get_by_role("tab", name="Value flows").click()
    expect(page.locator("#view-diagram svg g[data-actor-id]").first).to_be_visible()
    assert scale(page) >= 0.85, "labels keep a readable size; the box pans instead"
    label = page.locator("#view-diagram svg g[data-actor-id] text").first
    assert label.evaluate("t => t.getBoundingClientRect().height") >= 9
    result = page.evaluate(SIDEWAYS)
    assert result["overflow"] <= 0 and not result["culprits"], result
    # An actor still opens its sources with a tap.
    node = page.locator("#view-diagram svg g[data-actor-id]").first
    node.scroll_into_view_if_needed()
    node.click()
    expect(page.locator("#drawer")).to_be_visible()
