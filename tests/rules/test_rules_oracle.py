"""Seeded oracle: random clean canvases with planted violations; exactly the planted findings appear."""

from __future__ import annotations

import random

import pytest
from rules_canvases import ALL_RULES_ON, clean_canvas, found
from rules_planters import CONFLICTS, PLANTERS, choose_planters

from ecocanvas.canvas.model import Canvas
from ecocanvas.rules import RULES, check


def _canvas(seed: int) -> tuple[random.Random, Canvas]:
    rng = random.Random(seed)
    canvas = clean_canvas(rng, n_actors=rng.randint(4, 8), n_activities=rng.randint(4, 12), n_metrics=rng.randint(1, 4))
    return rng, canvas


def test_every_rule_has_a_planter() -> None:
    # Rules over an optional input (imported partner data) have their own tests: a bare canvas cannot plant them.
    assert set(PLANTERS) == {r.id for r in RULES if not r.spec.inputs}
    assert all(len(pair) == 2 and pair <= set(PLANTERS) for pair in CONFLICTS)


@pytest.mark.parametrize("seed", range(20))
def test_clean_canvases_have_no_findings(seed: int) -> None:
    _, canvas = _canvas(seed)
    assert check(canvas, ALL_RULES_ON) == []


@pytest.mark.parametrize("rule_id", list(PLANTERS))
def test_each_planted_violation_alone_is_found_exactly(rule_id: str) -> None:
    for seed in range(5):
        rng, canvas = _canvas(seed)
        expected = PLANTERS[rule_id](canvas, rng, "solo")
        assert found(check(canvas, ALL_RULES_ON)) == expected, (rule_id, seed)


@pytest.mark.parametrize("seed", range(150))
def test_several_planted_violations_are_found_exactly(seed: int) -> None:
    rng, canvas = _canvas(1000 + seed)
    expected: set[tuple[str, frozenset[str]]] = set()
    chosen = choose_planters(rng, rng.randint(2, 14))
    for n, rule_id in enumerate(chosen):
        expected |= PLANTERS[rule_id](canvas, rng, f"p{n}")
    actual = found(check(canvas, ALL_RULES_ON))
    assert actual == expected, {"planted": chosen, "missing": expected - actual, "extra": actual - expected}
