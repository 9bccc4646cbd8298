"""The scorer: perfect, empty and hand-counted canvases, alias matching, direction, citations."""

from __future__ import annotations

import pytest
from eval_builders import DOCUMENT, GOLD, canvas_from_gold, canvas_with_known_misses, cite

from ecocanvas.canvas.model import Actor, Canvas, CanvasResult, Exchange
from ecocanvas.evals.scorer import score
from ecocanvas.evals.scores import HEADLINE_METRICS


def test_a_canvas_built_from_the_gold_scores_one_everywhere() -> None:
    result = score(GOLD, canvas_from_gold(), [DOCUMENT])
    assert {m: result.scores[m] for m in HEADLINE_METRICS} == dict.fromkeys(HEADLINE_METRICS, 1.0)
    assert result.scores["forbidden_actors"] == 0
    assert result.actors.misses == result.actors.false_positives == []
    assert result.findings.misses == result.findings.false_positives == []


def test_an_empty_canvas_scores_zero_on_every_headline_metric() -> None:
    result = score(GOLD, CanvasResult(canvas=Canvas()), [DOCUMENT])
    assert {m: result.scores[m] for m in HEADLINE_METRICS} == dict.fromkeys(HEADLINE_METRICS, 0.0)
    assert result.actors.misses == [a.name for a in GOLD.actors]
    assert result.findings.misses == [f.label for f in GOLD.expected_findings]


def test_a_canvas_with_known_misses_scores_what_a_hand_count_says() -> None:
    s = score(GOLD, canvas_with_known_misses(), [DOCUMENT])
    expected = {
        "actor_precision": 3 / 5,  # NHM, ChargeCo, City matched; duplicate NHM and Voltra are not
        "actor_recall": 3 / 4,
        "actor_f1": 2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4),
        "activity_recall": 3 / 4,
        "activity_precision": 3 / 5,
        "owner_accuracy": 1 / 4,  # of the four gold activities only install is found with its owner
        "owner_accuracy_found": 1 / 3,  # of install, onboarding, booking (found) only install is right
        "exchange_precision": 1 / 2,
        "exchange_recall": 1 / 3,
        "exchange_f1": 2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3),
        "metric_recall": 1 / 2,
        "governance_coverage": 1 / 2,
        "review_cadence_found": 0.0,
        "findings_recall": 1 / 4,  # only the section-wide no-conflict-resolution
        "findings_precision": 1 / 3,  # f1, f2, f3 counted; f4's rule is not listed, f5 is dismissed
        "citation_validity": 14 / 15,
        "forbidden_actors": 1.0,
    }
    assert {m: s.scores[m] for m in expected} == pytest.approx(expected)
    assert s.actors.misses == ["Platform Team"]
    assert s.actors.false_positives == ["NHM", "Voltra Energy Ltd"]
    assert s.activities.misses == ["Approve site permits"]
    assert [(o.activity, o.expected, o.got) for o in s.owner_errors] == [
        ("Run driver onboarding", None, "ChargeCo Ltd"),
        ("Maintain booking platform", "Platform Team", None),
    ]
    assert s.exchanges.false_positives == ["ChargeCo Ltd → Nordhavn Motors: monthly service fee"]
    assert s.governance.missing_kinds == ["escalation_path"]
    assert s.findings.other_rules == {"metric-without-target": 1}
    assert s.forbidden == ["Voltra Energy"]
    assert len(s.citations.invalid) == 1 and "memo.md" in s.citations.invalid[0]


@pytest.mark.parametrize(
    "canvas_name,aliases",
    [
        ("NHM", []),
        ("Nordhavn Motors (NHM)", []),
        ("NHM (Nordhavn Motors)", []),
        ("the Nordhavn Motors", []),
        ("Nordhavn Motors A/S", ["NHM"]),
        ("Nordhavn", ["nordhavn motors"]),
    ],
)
def test_actors_match_by_any_name_or_alias(canvas_name: str, aliases: list[str]) -> None:
    result = CanvasResult(canvas=Canvas(actors=[Actor(id="a", name=canvas_name, aliases=aliases, sources=[cite()])]))
    s = score(GOLD, result, [DOCUMENT])
    assert s.actors.matches[0].gold == "Nordhavn Motors"
    assert s.scores["actor_precision"] == 1.0


def test_a_gold_actor_is_matched_once_preferring_its_own_name_and_partial_names_do_not_match() -> None:
    actors = [
        Actor(id="a", name="ChargeCo", sources=[cite()]),
        Actor(id="b", name="ChargeCo Ltd.", sources=[cite()]),
        Actor(id="c", name="Charge", sources=[cite()]),
        Actor(id="d", name="City", sources=[cite()]),
    ]
    s = score(GOLD, CanvasResult(canvas=Canvas(actors=actors)), [DOCUMENT])
    assert s.actors.matched == 1
    # "ChargeCo Ltd." is the gold actor's own name; "ChargeCo" only its alias.
    assert s.actors.matches[0].canvas == "ChargeCo Ltd."
    assert s.actors.false_positives == ["ChargeCo", "Charge", "City"]


def test_the_direction_of_an_exchange_matters() -> None:
    actors = [Actor(id="n", name="NHM", sources=[cite()]), Actor(id="c", name="ChargeCo", sources=[cite()])]
    forward = Exchange(id="e", provider="c", receiver="n", value="Charging hardware", sources=[cite()])
    backward = forward.model_copy(update={"provider": "n", "receiver": "c"})
    ok = score(GOLD, CanvasResult(canvas=Canvas(actors=actors, value_exchanges=[forward])), [DOCUMENT])
    reversed_ = score(GOLD, CanvasResult(canvas=Canvas(actors=actors, value_exchanges=[backward])), [DOCUMENT])
    assert ok.exchanges.matched == 1 and ok.scores["exchange_precision"] == 1.0
    assert reversed_.exchanges.matched == 0 and reversed_.scores["exchange_precision"] == 0.0


def test_an_exchange_needs_half_its_keywords_in_the_value() -> None:
    actors = [Actor(id="n", name="NHM", sources=[cite()]), Actor(id="c", name="ChargeCo", sources=[cite()])]
    vague = Exchange(id="e", provider="c", receiver="n", value="equipment", sources=[cite()])
    s = score(GOLD, CanvasResult(canvas=Canvas(actors=actors, value_exchanges=[vague])), [DOCUMENT])
    assert s.exchanges.matched == 0


def test_citation_validity_detects_a_wrong_offset_and_an_unknown_document() -> None:
    good = cite()
    shifted = good.model_copy(update={"start": good.start + 1, "end": good.end + 1})
    elsewhere = good.model_copy(update={"document_id": "doc-2"})
    past_end = good.model_copy(update={"start": len(DOCUMENT.text), "end": len(DOCUMENT.text) + len(good.quote)})
    actors = [Actor(id=str(i), name=f"A{i}", sources=[c]) for i, c in enumerate([good, shifted, elsewhere, past_end])]
    s = score(GOLD, CanvasResult(canvas=Canvas(actors=actors)), [DOCUMENT])
    assert s.citations.total == 4 and s.citations.valid == 1
    assert s.scores["citation_validity"] == 0.25
    problems = " | ".join(s.citations.invalid)
    assert "unknown document id doc-2" in problems and "ends past" in problems and "the text there is" in problems


def test_rejected_entries_do_not_count_and_owner_null_must_stay_null() -> None:
    result = canvas_from_gold()
    result.canvas.actors.append(Actor(id="v", name="Voltra Energy", status="rejected", sources=[cite()]))
    s = score(GOLD, result, [DOCUMENT])
    assert s.scores["forbidden_actors"] == 0 and s.scores["actor_precision"] == 1.0
    onboarding = next(a for a in result.canvas.activities if a.name == "Run driver onboarding")
    onboarding.owner = "actor-0"
    assert score(GOLD, result, [DOCUMENT]).scores["owner_accuracy"] == pytest.approx(3 / 4)


def test_a_finding_matches_an_activity_subject_by_keywords_not_only_by_exact_name() -> None:
    result = canvas_from_gold()
    onboarding = next(a for a in result.canvas.activities if a.name == "Run driver onboarding")
    onboarding.name = "Onboarding of new drivers"
    s = score(GOLD, result, [DOCUMENT])
    assert "unowned-activity: Run driver onboarding" not in s.findings.misses
    onboarding.name = "Driver training"
    s = score(GOLD, result, [DOCUMENT])
    assert "unowned-activity: Run driver onboarding" in s.findings.misses
    assert s.findings.false_positives == ["unowned-activity: Driver training"]
