"""The page's contract is the server's registry: panel titles, progress steps, list names and enum options."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.live_api import LiveApi
from web_support import Client, open_board

from ecocanvas.canvas.registry import ENUMS, SECTION_SPECS

pytestmark = pytest.mark.slow


def _options(select: object) -> list[str]:
    return select.locator("option").evaluate_all("els => els.map(e => e.value)")  # type: ignore[attr-defined, no-any-return]


def test_the_page_shows_the_registry_sections_lists_and_enums(page: Page, live_api: LiveApi, client: Client) -> None:
    client.ensure_canvas()
    open_board(page, live_api)
    board = page.locator("#view-board")
    assert board.locator(".panel-title > span:nth-child(2)").all_text_contents() == [s.title for s in SECTION_SPECS]
    assert board.locator(".panel-n").all_text_contents() == [str(s.number) for s in SECTION_SPECS]
    assert board.locator(".panel").evaluate_all("els => els.map(e => e.dataset.panel)") == [s.id for s in SECTION_SPECS]

    scope = SECTION_SPECS[0]
    panel = board.locator(f'[data-panel="{scope.id}"]')
    assert panel.locator(".list-title").all_text_contents() == [x.label for x in scope.lists]
    panel.get_by_role("button", name="+ Add entry").click()
    picker = panel.locator("form.entry-form").get_by_label("Add to")
    assert _options(picker) == [x.id for x in scope.lists]
    assert picker.locator("option").all_text_contents() == [x.label for x in scope.lists]
    panel.locator("form.entry-form").get_by_role("button", name="Cancel").click()

    for section, one, enum in (
        ("actors", "actor", "actor_kind"),
        ("value_exchanges", "value exchange", "exchange_kind"),
        ("governance", "mechanism", "mechanism_kind"),
    ):
        panel = board.locator(f'[data-panel="{section}"]')
        panel.get_by_role("button", name=f"+ Add {one}").click()
        form = panel.locator("form.entry-form")
        assert _options(form.locator('select[name="kind"]')) == list(ENUMS[enum]), section
        form.get_by_role("button", name="Cancel").click()
        expect(form).to_have_count(0)


def test_the_progress_list_has_a_step_per_registry_section(page: Page, live_api: LiveApi, client: Client) -> None:
    client.ensure_canvas()
    open_board(page, live_api)
    page.locator("#setup summary").click()
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator("#progress-message")).to_have_text("The canvas is ready.", timeout=120_000)
    steps = page.locator("#progress-list li")
    by_key = dict(zip(steps.evaluate_all("els => els.map(e => e.dataset.step)"),
                      steps.locator(".step-label").all_text_contents(), strict=True))  # fmt: skip
    assert [by_key[s.id] for s in SECTION_SPECS] == [f"{s.number} · {s.title}" for s in SECTION_SPECS]
    assert list(by_key)[2 : 2 + len(SECTION_SPECS)] == [s.id for s in SECTION_SPECS]
