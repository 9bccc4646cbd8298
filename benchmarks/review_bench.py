"""Clicks and key presses to review a foundation-sized canvas in the page, until every entry is accepted,
rejected or edited.

The canvas: the five documents of `benchmarks/fixtures/foundation/` (an open-source foundation), drafted by
the offline backend with the hash embedder, about 80 entries. The decisions are the same for every run and
come from the canvas itself: reject what is not an entry (an activity named after a sentence fragment, a
mechanism that says nobody decides) and the second of two mechanisms citing the same sentence; give the
unowned build-farm activity and metric their owner; accept everything else.

Strategies (each in a fresh workspace and a fresh Chromium page at 1280x800):

- `single`: one button per entry: Accept or Reject on its card; Edit, pick the owner, Save. The only way
  on the page before issue 13, and still possible after.
- `bulk`: Reject and Edit as above, then one "Accept N shown drafts" for the rest.
- `tabs` (the page before issue 13 only): the keyboard without shortcuts: Tab to the entry's button,
  Enter; to edit, Tab to Edit, Enter, Tab to the owner, type its first word, Tab to Save, Enter.
- `keyboard`: from the canvas title, Tab to "Entries to review" and Enter, then one key per entry (A
  accept, R reject; the focus moves on by itself); E edit, Tab to the owner, type its first word,
  Ctrl+Enter to save, then the down arrow.

Counted: mouse clicks (picking from a drop-down is two: open and choose) and key presses (a typed word is
one per character). Scrolling is not counted, though before issue 13 each panel scrolled on its own.

Usage: .venv/bin/python benchmarks/review_bench.py [--before f6fc47b] [--strategies single bulk keyboard]
`--before COMMIT` also runs `single` and `tabs` against the page and API of that commit (extracted with
`git archive`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.api_harness import free_port  # noqa: E402

DOCS = sorted((ROOT / "benchmarks" / "fixtures" / "foundation").iterdir())
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# Entries that are not what their section holds: rejected on sight.
REJECT = re.compile(
    r"^(disclosure that departs|major release|new member|maintainer grants have no measure|nobody can say)", re.I
)
# Unowned entries and the actor who owns them according to the documents.
OWNERS = {"capacity planning for the build farm": "Northwind Hosting", "build queue wait time": "Northwind Hosting"}
LISTS = ("objectives", "in_scope", "out_of_scope", "actors", "value_exchanges", "activities", "governance", "metrics")


def entries(canvas: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [(k, e) for k in ("objectives", "in_scope", "out_of_scope") for e in canvas["scope"][k]]
    out += [(k, e) for k in LISTS[3:] for e in canvas[k]]
    out += [("open_questions", e) for e in canvas["review"]["open_questions"]]
    return out


def label(entry: dict[str, Any]) -> str:
    return str(entry.get("name") or entry.get("text") or entry.get("description") or entry.get("value") or "")


@dataclass
class Plan:
    reject: list[str] = field(default_factory=list)
    edit: dict[str, tuple[str, str]] = field(default_factory=dict)  # entry id -> (field label, actor name)
    accept: list[str] = field(default_factory=list)


def plan(canvas: dict[str, Any]) -> Plan:
    out = Plan()
    seen: set[str] = set()
    for section, entry in entries(canvas):
        text = label(entry)
        if REJECT.match(text) or (section == "governance" and text in seen):
            out.reject.append(entry["id"])
        elif text.lower() in OWNERS and not entry.get("owner"):
            out.edit[entry["id"]] = (
                "Leads (accountable)" if section == "activities" else "Owner",
                OWNERS[text.lower()],
            )
        else:
            out.accept.append(entry["id"])
        if section == "governance":
            seen.add(text)
    return out


class Counter:
    """Every input the benchmark gives the page goes through here and is counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.clicks = 0
        self.keys = 0

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def choose(self, select: Locator, option: str) -> None:
        select.select_option(label=option)
        self.clicks += 2  # open the drop-down, pick the option

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)


@contextmanager
def server(source: Path, data: Path) -> Iterator[tuple[str, str]]:
    """`ecocanvas serve` from `source` on a fresh data dir; yields (base URL, workspace key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOCANVAS_")}
    env |= {"PYTHONPATH": str(source), "ECOCANVAS_DATA_DIR": str(data), "ECOCANVAS_EMBEDDER": "hash"}
    cli = [sys.executable, "-c", "from ecocanvas.cli.app import main; main()"]
    # Run from `source`: `python -c` puts the working directory first on sys.path, before PYTHONPATH.
    key = subprocess.run(
        [*cli, "workspace", "create", "bench"], env=env, cwd=source, capture_output=True, text=True, check=True
    )
    port = free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, cwd=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).json().get("warm"):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield base, key.stdout.strip().splitlines()[-1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def draft(base: str, key: str) -> tuple[str, dict[str, Any]]:
    with httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {key}"}, timeout=120) as http:
        files = [("files", (p.name, p.read_bytes())) for p in DOCS]
        assert http.post("/documents", files=files).status_code == 201
        job = http.post("/jobs", json={}, headers={"Idempotency-Key": "bench"}).json()
        while job["status"] not in ("succeeded", "failed", "cancelled"):
            time.sleep(0.2)
            job = http.get(f"/jobs/{job['id']}").json()
        assert job["status"] == "succeeded", job
        return job["canvas_id"], http.get(f"/canvases/{job['canvas_id']}").json()


def current(base: str, key: str, canvas_id: str) -> dict[str, Any]:
    with httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        return dict(http.get(f"/canvases/{canvas_id}").json())


def card(page: Page, entry_id: str) -> Locator:
    return page.locator(f'#view-board [data-entry-id="{entry_id}"]')


def saved(page: Page, version: int) -> int:
    expect(page.locator("#canvas-meta")).to_contain_text(f"Version {version + 1} ", timeout=30_000)
    return version + 1


def edit_by_mouse(page: Page, count: Counter, entry_id: str, field_label: str, owner: str) -> None:
    count.click(card(page, entry_id).get_by_role("button", name="Edit"))
    form = page.locator("#view-board form.entry-form")
    count.choose(form.get_by_label(field_label, exact=True), owner)
    count.click(form.get_by_role("button", name="Save changes"))


def run_single(page: Page, count: Counter, todo: Plan, version: int) -> None:
    for entry_id in todo.reject:
        count.click(card(page, entry_id).get_by_role("button", name="Reject"))
        version = saved(page, version)
    for entry_id, (field_label, owner) in todo.edit.items():
        edit_by_mouse(page, count, entry_id, field_label, owner)
        version = saved(page, version)
    for entry_id in todo.accept:
        count.click(card(page, entry_id).get_by_role("button", name="Accept"))
        version = saved(page, version)


def run_bulk(page: Page, count: Counter, todo: Plan, version: int) -> None:
    for entry_id in todo.reject:
        count.click(card(page, entry_id).get_by_role("button", name="Reject"))
        version = saved(page, version)
    for entry_id, (field_label, owner) in todo.edit.items():
        edit_by_mouse(page, count, entry_id, field_label, owner)
        version = saved(page, version)
    count.click(page.locator("#accept-shown"))
    saved(page, version)


def run_keyboard(page: Page, count: Counter, todo: Plan, version: int) -> None:
    # From the canvas title (where sign-in leaves the focus), Tab to the link to the first draft and follow it.
    page.locator("#canvas-title").focus()
    while page.evaluate("document.activeElement.id") != "jump-drafts":
        count.press("Tab")
        assert count.keys < 100, "no link to the entries to review"
    count.press("Enter")
    decisions = {i: "r" for i in todo.reject} | dict.fromkeys(todo.accept, "a")
    while True:
        entry_id = page.evaluate("document.activeElement.closest('[data-entry-id]')?.dataset.entryId")
        assert entry_id, "focus left the board"
        if entry_id in todo.edit:
            field_label, owner = todo.edit.pop(entry_id)
            count.press("e")
            form = page.locator("#view-board form.entry-form")
            count.press("Tab")  # from the name, the first field, to the owner
            expect(form.get_by_label(field_label, exact=True)).to_be_focused()
            count.type(owner.split()[0])  # the drop-down picks the first name that starts so
            count.press("Control+Enter")
            version = saved(page, version)
            if not decisions:
                break
            count.press("ArrowDown")
            continue
        if entry_id not in decisions:
            break
        count.press(decisions.pop(entry_id))
        version = saved(page, version)
        if not decisions and not todo.edit:
            break


def tab_to(page: Page, count: Counter, selector: str, word: str = "") -> None:
    """Press Tab until the focused element matches `selector` and its text starts with `word` (the keyboard
    user's only way before issue 13)."""
    check = "([s, w]) => document.activeElement.matches(s) && document.activeElement.textContent.trim().startsWith(w)"
    for _ in range(2000):
        if page.evaluate(check, [selector, word]):
            return
        count.press("Tab")
    seen = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"Tab never reached {selector} {word}; focus is on {seen}")


def run_tabs(page: Page, count: Counter, todo: Plan, version: int) -> None:
    page.locator("#canvas-title").focus()
    decisions = {i: "Reject" for i in todo.reject} | dict.fromkeys(todo.accept, "Accept")
    for entry_id in page.locator("#view-board [data-entry-id]").evaluate_all("els => els.map(e => e.dataset.entryId)"):
        where = f'#view-board [data-entry-id="{entry_id}"]'
        if entry_id in todo.edit:
            field_label, owner = todo.edit[entry_id]
            tab_to(page, count, f"{where} button", "Edit")
            count.press("Enter")
            form = page.locator("#view-board form.entry-form")
            count.press("Tab")
            expect(form.get_by_label(field_label, exact=True)).to_be_focused()
            count.type(owner.split()[0])
            tab_to(page, count, "#view-board form.entry-form button[type=submit]")
            count.press("Enter")
        else:
            tab_to(page, count, f"{where} button", decisions[entry_id])
            count.press("Enter")
        version = saved(page, version)


STRATEGIES: dict[str, Callable[[Page, Counter, Plan, int], None]] = {
    "single": run_single,
    "bulk": run_bulk,
    "keyboard": run_keyboard,
    "tabs": run_tabs,
}


def measure(source: Path, strategy: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, server(source, Path(tmp)) as (base, key):
        canvas_id, start = draft(base, key)
        todo = plan(start["canvas"])
        total = len(entries(start["canvas"]))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(30_000)
            page.goto(f"{base}/")
            page.get_by_label("Workspace key").fill(key)
            page.get_by_role("button", name="Sign in", exact=True).click()
            expect(page.locator("#view-board .panel")).to_have_count(7)
            count = Counter(page)
            started = time.monotonic()
            STRATEGIES[strategy](page, count, plan(start["canvas"]), start["version"])
            seconds = time.monotonic() - started
            browser.close()
        final = current(base, key, canvas_id)
    left = [e["id"] for _, e in entries(final["canvas"]) if e["status"] == "draft"]
    return {
        "strategy": strategy,
        "entries": total,
        "findings": len(start["findings"]),
        "rejected": len(todo.reject),
        "edited": len(todo.edit),
        "accepted": len(todo.accept),
        "clicks": count.clicks,
        "keys": count.keys,
        "inputs": count.clicks + count.keys,
        "versions": final["version"] - start["version"],
        "drafts_left": len(left),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", metavar="COMMIT", help="also measure `single` on the page of this commit")
    parser.add_argument("--strategies", nargs="+", default=["single", "bulk", "keyboard"], choices=list(STRATEGIES))
    args = parser.parse_args()
    runs: list[tuple[str, Path, str]] = []
    with tempfile.TemporaryDirectory() as old:
        if args.before:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", old], input=archive.stdout, check=True)
            runs += [(f"before ({args.before})", Path(old), s) for s in ("single", "tabs")]
        runs += [("after (this checkout)", ROOT, s) for s in args.strategies]
        results = []
        for name, source, strategy in runs:
            result = {"page": name, **measure(source, strategy)}
            print(json.dumps(result), flush=True)
            results.append(result)
    print()
    head = ["page", "strategy", "entries", "rejected / edited / accepted", "clicks", "keys", "clicks + keys"]
    print("| " + " | ".join([*head, "versions", "drafts left"]) + " |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['page']} | {r['strategy']} | {r['entries']} | {r['rejected']} / {r['edited']} / {r['accepted']} "
            f"| {r['clicks']} | {r['keys']} | {r['inputs']} | {r['versions']} | {r['drafts_left']} |"
        )


if __name__ == "__main__":
    main()
