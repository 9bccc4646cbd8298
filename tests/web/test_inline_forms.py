"""Every inline edit form keys the same way: Escape cancels and hands focus back, Enter saves a one-line field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import Client, card, find_entry, open_board, saved_as

from ecocanvas.canvas.model import MAX_LABEL_CHARS, MAX_TITLE_CHARS

pytestmark = pytest.mark.slow


def test_escape_cancels_every_inline_form_and_focus_returns_to_what_was_edited(
    page: Page, live_api: LiveApi, client: Client
) -> None:
    canvas_id = client.fresh_canvas()
    seen, _ = client.canvas(canvas_id)
    actor = seen["canvas"]["actors"][0]
    finding = next(f for f in seen["findings"] if f["status"] == "open")
    open_board(page, live_api, canvas_id=canvas_id)
    board = page.locator("#view-board")

    # An entry edited on the board: Escape puts the card back with the focus on it.
    card(page, actor["id"]).locator(".entry-open").focus()
    page.keyboard.press("e")
    expect(board.locator("form.entry-form")).to_be_visible()
    page.keyboard.press("Escape")
    expect(board.locator("form.entry-form")).to_have_count(0)
    expect(card(page, actor["id"]).locator(".entry-open")).to_be_focused()

    # Enter in a one-line field saves the form; the saved card has the focus.
    page.keyboard.press("e")
    name = board.locator('form.entry-form input[data-field="name"]')
    name.fill(f"{actor['name']} (checked)")
    name.press("Enter")
    saved_as(page, seen["version"] + 1)
    assert find_entry(client.canvas(canvas_id)[0]["canvas"], actor["id"])["name"] == f"{actor['name']} (checked)"
    expect(card(page, actor["id"]).locator(".entry-open")).to_be_focused()

    # A canvas field: Escape hands focus back to its Edit button; Enter in its one-line field saves it.
    edit_cadence = page.locator('[data-edit-field="review.cadence"]')
    edit_cadence.click()
    cadence = page.locator("form.field-form").get_by_label("Review cadence", exact=True)
    # The input stops where the API would refuse: the model's cap, read from the server.
    expect(cadence).to_have_attribute("maxlength", str(MAX_LABEL_CHARS))
    cadence.fill("Every quarter")
    page.keyboard.press("Escape")
    expect(page.locator("form.field-form")).to_have_count(0)
    expect(edit_cadence).to_be_focused()
    edit_cadence.click()
    cadence.fill("Every quarter")
    cadence.press("Enter")
    saved_as(page, seen["version"] + 2)
    assert client.canvas(canvas_id)[0]["canvas"]["review"]["cadence"] == "Every quarter"

    # A finding's reason: Enter in the text area is a new line, not a save; Escape goes back to the buttons.
    item = page.locator(f'[data-finding-id="{finding["id"]}"]')
    item.get_by_role("button", name=re.compile("^Dismiss…")).click()
    reason = item.get_by_label("Why dismiss it? (required)")
    reason.press("Enter")
    expect(reason).to_be_visible()
    page.keyboard.press("Escape")
    expect(item.locator("form")).to_have_count(0)
    expect(item.locator(".finding-actions button").first).to_be_focused()
    item.get_by_role("button", name=re.compile("^Comment…")).click()
    page.keyboard.press("Escape")
    expect(item.get_by_role("button", name=re.compile("^Comment…"))).to_be_focused()

    page.locator("#edit-title").click()
    title = page.locator("form.field-form").get_by_label("Canvas title", exact=True)
    expect(title).to_have_attribute("maxlength", str(MAX_TITLE_CHARS))
    page.keyboard.press("Escape")
    expect(page.locator("#edit-title")).to_be_focused()

    # The same entry edited from the side panel: Escape leaves the panel open, focus on its Edit button.
    card(page, actor["id"]).locator(".entry-open").click()
    drawer = page.locator("#drawer")
    drawer.locator('[data-drawer-act="edit"]').click()
    expect(drawer.locator("form.entry-form")).to_be_visible()
    page.keyboard.press("Escape")
    expect(drawer).to_be_visible()
    expect(drawer.locator('[data-drawer-act="edit"]')).to_be_focused()
    assert client.canvas(canvas_id)[0]["version"] == seen["version"] + 2  # no cancel wrote anything
