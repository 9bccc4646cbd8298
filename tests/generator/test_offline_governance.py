"""Governance read from the vocabulary file's cues as well as the patterns: a rule is stated in
more ways than the patterns list ("kept confidential", "a notice period", "a majority")."""

from __future__ import annotations

from support.offline_draft import draft

CAST = (
    "Kelby Telehealth Ltd (Kelby) runs the video platform. Fenmoor County Council (the Council) funds the network.\n\n"
)


def mechanisms(text: str) -> dict[str, str]:
    return {m.kind: m.description for m in draft(CAST + text).governance.governance}


def test_a_rule_stated_in_the_files_words_is_a_mechanism_of_its_kind() -> None:
    found = mechanisms(
        "Patient records shared through the platform are kept confidential by every clinic.\n\n"
        "Interface versions are withdrawn only after a notice period of 90 days.\n"
    )
    assert found.get("policy") == "Patient records shared through the platform are kept confidential by every clinic."
    assert found.get("change_management") == "Interface versions are withdrawn only after a notice period of 90 days."


def test_a_cue_without_a_stated_rule_or_a_conflict_without_a_process_is_no_mechanism() -> None:
    found = mechanisms(
        "Confidential: draft for the Council.\n\nConflicts of interest are declared at the start of each call.\n"
    )
    assert "policy" not in found
    assert "conflict_resolution" not in found


def test_a_mechanism_said_to_be_missing_is_a_gap_not_a_mechanism() -> None:
    for sentence in (
        "The Chair noted that the contract does not provide a way to resolve disputes between the partners.",
        "Neither the charter nor the service agreement says how disagreements between members are settled.",
        "Clause 9, which was meant to cover disputes between the parties, was deleted in the last round.",
        "Kelby asked how a disagreement between two clinics is supposed to be resolved.",
        "Who settles a dispute between two clinics?",
    ):
        assert "conflict_resolution" not in mechanisms(sentence + "\n"), sentence


def test_an_escalation_route_said_to_be_missing_in_notes_or_speech_is_no_mechanism() -> None:
    for sentence in (
        "Three, escalation route for exam-day failures: not defined, parked for the agreement refresh.",
        "There's no escalation route for outages yet, Kelby will draft one.",
        "Honestly the escalation path hasn't been agreed with the Council.",
        "We don't have an escalation route for clinical incidents.",
    ):
        assert "escalation_path" not in mechanisms(sentence + "\n"), sentence
    # the same words about something else leave the mechanism
    stated = "Clinics don't have to wait: an outage is escalated to the Council within 4 hours.\n"
    assert mechanisms(stated).get("escalation_path") == stated.strip()


def test_a_negation_inside_the_mechanism_leaves_it_a_mechanism() -> None:
    sentence = "Disputes that are not resolved by the Network Board within 30 days go to mediation.\n"
    assert mechanisms(sentence).get("conflict_resolution") == sentence.strip()


def test_a_kpi_line_that_opens_with_its_figure_states_the_target() -> None:
    text = CAST + (
        "## KPIs\n\n- Video sessions held: 1,200 by end 2025 (owner: Kelby)\n"
        "- Clinic satisfaction: reported quarterly by the Council\n"
    )
    targets = {k.name: k.target for k in draft(text).metrics.metrics}
    assert targets.get("Video sessions held") == "1,200 by end 2025", targets
    assert targets.get("Clinic satisfaction") is None  # no figure, no target


def test_a_line_that_states_its_own_target_is_a_kpi_under_any_heading() -> None:
    text = CAST + (
        "## Growing & market\n\n"
        "- Video sessions held: target 1,200 a year, Kelby to report (monthly figures)\n"
        "- Clinic sign-ups: target 40 by March, the Kelby team\n\n"
        "## Not KPIs (budget lines)\n\n- Tool replacement: £2,400\n"
    )
    metrics = {k.name: (k.target, k.owner) for k in draft(text).metrics.metrics}
    assert metrics.get("Video sessions held") == ("1,200 a year", "Kelby Telehealth Ltd"), metrics
    assert metrics.get("Clinic sign-ups") == ("40 by March", "Kelby Telehealth Ltd"), metrics
    assert "Tool replacement" not in metrics


def test_a_prohibition_is_a_policy_not_a_missing_one() -> None:
    sentence = "No clinic may share patient records outside the network, under the data protection policy.\n"
    assert mechanisms(sentence).get("policy") == sentence.strip()


def review_cadence(text: str) -> str | None:
    return draft(CAST + text).review.cadence


def test_a_review_of_the_whole_arrangement_gives_the_review_cadence() -> None:
    for sentence, cadence in (
        ("This KPI set and the partnership plan are reviewed once a year, with all partners.", "once a year"),
        ("We review the whole programme with our partners every six months, in January and July.", "every six months"),
        ("We review the Telehealth Programme as a whole twice a year.", "twice a year"),
        ("Programme review: every six months, leadership and all partners.", "every six months"),
        ("We revise the handbook twice a year.", "twice a year"),
    ):
        assert review_cadence(sentence + "\n") == cadence, sentence


def test_a_review_of_something_else_gives_no_review_cadence() -> None:
    for sentence in (
        "The network reviews incidents monthly.",
        "Kelby updates the platform every week.",
        "The programme board meets quarterly.",
    ):
        assert review_cadence(sentence + "\n") is None, sentence
