"""The parse workers are shared fairly: one tenant cannot hold them all, and tenants take turns."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ecocanvas.knowledge.sandbox import FairSlots, parse_tenant


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


class _Parses:
    """Threads that each take a slot as a tenant, note when they got it, and hold it until released."""

    def __init__(self, slots: FairSlots) -> None:
        self.slots = slots
        self.order: list[str] = []
        self._release: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []

    def start(self, tenant: str, name: str) -> None:
        release = self._release[name] = threading.Event()

        def run() -> None:
            with parse_tenant(tenant), self.slots:
                self.order.append(name)
                release.wait()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)

    def release(self, name: str) -> None:
        self._release[name].set()

    def finish(self) -> None:
        for event in self._release.values():
            event.set()
        for thread in self._threads:
            thread.join()


def test_one_tenant_holds_at_most_all_but_one_worker() -> None:
    parses = _Parses(FairSlots(total=2))
    try:
        parses.start("c", "c1")
        _until(lambda: parses.slots.load() == {"c": (1, 0)}, "c1 runs")
        parses.start("c", "c2")
        _until(lambda: parses.slots.load() == {"c": (1, 1)}, "c2 waits although a worker is free")
        parses.start("a", "a1")
        _until(lambda: "a1" in parses.order, "a1 gets the free worker")
        assert parses.slots.load() == {"c": (1, 1), "a": (1, 0)}
        parses.release("c1")
        _until(lambda: "c2" in parses.order, "c2 runs once c1 is done")
    finally:
        parses.finish()
    assert parses.order == ["c1", "a1", "c2"]
    assert parses.slots.load() == {}


def test_tenants_take_turns_whoever_sent_more() -> None:
    parses = _Parses(FairSlots(total=1))
    try:
        parses.start("x", "x1")
        _until(lambda: parses.order == ["x1"], "x1 runs")
        for waiting, name in enumerate(("x2", "x3"), start=1):
            parses.start("x", name)
            _until(lambda n=waiting: parses.slots.load().get("x") == (1, n), f"{name} waits")
        parses.start("y", "y1")
        _until(lambda: parses.slots.load().get("y") == (0, 1), "y1 waits")
        for done, name in enumerate(("x1", "y1", "x2"), start=1):
            parses.release(name)
            _until(lambda n=done: len(parses.order) > n, f"the next after {name}")
    finally:
        parses.finish()
    # y1 came after x2 and x3 but goes before them: x has just been served.
    assert parses.order == ["x1", "y1", "x2", "x3"]


def test_callers_that_name_no_tenant_are_not_capped() -> None:
    slots = FairSlots(total=2)
    with slots, slots:  # the CLI alone may use every worker
        assert slots.load() == {None: (2, 0)}
    assert slots.load() == {}
