"""The ecosystem-health rules, each positive and negative, on the hand-built payments canvas (`lumio`)."""

from __future__ import annotations

from rules_canvases import ALL_RULES_ON, cite, lumio

from ecocanvas.canvas.model import Activity, Actor, Canvas, Exchange, Item, Mechanism, Metric
from ecocanvas.rules import Policy, RuleOverride, check
from ecocanvas.rules.health_words import forum_levels, health_words, motions_in
from ecocanvas.rules.registry import RULES_BY_ID

HEALTH = {
    "no-executive-sponsor",
    "single-level-forums",
    "no-feedback-loop",
    "gives-outweigh-gets",
    "motion-without-owner",
}


def health(canvas: Canvas, policy: Policy = ALL_RULES_ON) -> list[tuple[str, list[str]]]:
    return [(f.rule, sorted(f.subjects)) for f in check(canvas, policy) if f.rule in HEALTH]


def forum(c: Canvas) -> Mechanism:
    return next(m for m in c.governance if m.id == "g-forum")


def test_the_base_canvas_is_healthy() -> None:
    assert health(lumio()) == []


def test_the_vocabulary_places_forums_and_motions() -> None:
    assert forum_levels("Partner Steering Committee, chaired by the COO") == ("executive",)
    assert forum_levels("Weekly ops sync of the field engineers") == ("field",)
    assert forum_levels("The Trial Management Group meets monthly") == ("management",)
    assert forum_levels("Ad hoc call") == ()
    # whole words only: "onboarding" holds "board" but is no board
    assert forum_levels("Onboarding clinic") == ()
    assert motions_in("Co-Selling with resellers") == ("co_sell",)
    assert motions_in("Joint marketing campaigns and renewals") == ("co_market", "co_retain")
    assert motions_in("Merchant onboarding") == ()


def test_every_summary_dimension_names_known_rules() -> None:
    for dimension in health_words().dimensions:
        assert dimension.rules and set(dimension.rules) <= set(RULES_BY_ID), dimension.id


# -- no-executive-sponsor ----------------------------------------------------------------------


def _below_executive() -> Canvas:
    c = lumio()
    forum(c).description = "Operations working group reviews the KPIs with field teams"
    return c


def test_no_executive_sponsor() -> None:
    c = _below_executive()
    assert health(c) == [("no-executive-sponsor", [])]
    (f,) = [f for f in check(c) if f.rule == "no-executive-sponsor"]
    assert f.severity == "warning" and f.section == "governance" and f.subjects == []


def test_a_sponsor_or_an_executive_in_the_forum_is_enough() -> None:
    c = _below_executive()
    c.actors[1].role = "executive sponsor for the programme"
    assert health(c) == []
    c = _below_executive()
    c.governance.append(
        Mechanism(id="g-sp", kind="decision_right", description="The CEO sponsors the alliance", sources=cite())
    )
    assert health(c) == []
    c = _below_executive()
    c.actors.append(Actor(id="coo", name="Lumio COO", kind="internal_team", sources=cite()))
    forum(c).participants.append("coo")
    assert health(c) == []


def test_no_forum_at_all_is_left_to_no_coordination_forum() -> None:
    c = lumio()
    c.governance = [m for m in c.governance if m.kind != "forum"]
    assert health(c) == []
    assert [f.rule for f in check(c)] == ["no-coordination-forum"]


# -- single-level-forums -----------------------------------------------------------------------


def test_single_level_forums() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee reviews the KPIs"
    assert health(c) == [("single-level-forums", [])]
    (f,) = [f for f in check(c) if f.rule == "single-level-forums"]
    assert f.severity == "info"
    assert f.message == (
        "The coordination forums meet at executive level only; the canvas records no regular touch point at "
        "management or field level."
    )


def test_a_second_level_in_another_forum_or_a_lower_threshold_passes() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee reviews the KPIs"
    c.governance.append(
        Mechanism(id="g-ops", kind="forum", description="Weekly ops sync", cadence="weekly", sources=cite())
    )
    assert health(c) == []
    c = lumio()
    forum(c).description = "Partner Steering Committee reviews the KPIs"
    assert health(c, Policy(rules={"single-level-forums": RuleOverride(min_levels=1)})) == []
    # a forum whose level the canvas does not state evidences no level: nothing to say
    forum(c).description = "Partner call reviews the KPIs"
    forum(c).participants = ["bank", "tessaro"]
    c.actors[1].role = "executive sponsor"
    assert health(c) == []


def test_three_levels_can_be_required() -> None:
    strict = Policy(rules={"single-level-forums": RuleOverride(min_levels=3)})
    (f,) = [f for f in check(lumio(), strict) if f.rule == "single-level-forums"]
    assert "at executive and field level only" in f.message and "at management level" in f.message


# -- no-feedback-loop --------------------------------------------------------------------------


def test_no_feedback_loop() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee meets with field teams"
    assert health(c) == [("no-feedback-loop", [])]
    (f,) = [f for f in check(c) if f.rule == "no-feedback-loop"]
    assert f.section == "metrics" and f.severity == "warning"
    assert f.message.startswith("No governance mechanism says the 1 metric(s) are reviewed")


def test_a_forum_naming_a_metric_closes_the_loop() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee tracks the merchant activation rate with field teams"
    assert health(c) == []


def test_another_mechanism_or_a_metric_reviewed_at_a_meeting_closes_the_loop() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee meets with field teams"
    c.governance[0].description = "The bank decides on pricing after the quarterly performance review"
    assert health(c) == []
    c = lumio()
    forum(c).description = "Partner Steering Committee meets with field teams"
    c.metrics[0].cadence = "at each Board meeting"
    assert health(c) == []


def test_no_metrics_is_left_to_no_metrics() -> None:
    c = lumio()
    forum(c).description = "Partner Steering Committee meets with field teams"
    c.metrics = []
    assert health(c) == []


# -- gives-outweigh-gets -----------------------------------------------------------------------


def _give(c: Canvas, n: int, provider: str, receiver: str, kind: str) -> None:
    c.value_exchanges.append(
        Exchange(id=f"g{n}", provider=provider, receiver=receiver, value=f"flow {n}", kind=kind, sources=cite())  # type: ignore[arg-type]
    )


def test_gives_outweigh_gets_by_count() -> None:
    c = lumio()  # Tessaro gives a capability and gets licence fees
    _give(c, 1, "tessaro", "lumio", "capability")
    _give(c, 2, "tessaro", "bank", "capability")
    assert health(c) == [("gives-outweigh-gets", ["tessaro"])]
    (f,) = [f for f in check(c) if f.rule == "gives-outweigh-gets"]
    assert f.message == "Tessaro Systems gives 3 value flow(s) (capability) but gets 1 (revenue)."


def test_gives_outweigh_gets_by_kinds() -> None:
    c = lumio()
    _give(c, 1, "tessaro", "lumio", "data")
    _give(c, 2, "tessaro", "lumio", "customer_access")
    _give(c, 3, "lumio", "tessaro", "revenue")  # two flows each way more, but three kinds against one
    assert health(c) == [("gives-outweigh-gets", ["tessaro"])]


def test_one_more_flow_a_policy_or_an_exempt_kind_passes() -> None:
    c = lumio()
    _give(c, 1, "tessaro", "lumio", "capability")
    assert health(c) == []
    _give(c, 2, "tessaro", "bank", "capability")
    assert health(c, Policy(rules={"gives-outweigh-gets": RuleOverride(min_excess=3)})) == []
    c.actors[2].kind = "regulator"
    assert health(c) == []
    # an actor that gets nothing at all is one-sided-exchange's, not this rule's
    c = lumio()
    c.value_exchanges = [e for e in c.value_exchanges if e.id != "x2"]
    assert [f.rule for f in check(c)] == ["one-sided-exchange"]


# -- motion-without-owner ----------------------------------------------------------------------


def test_motion_without_owner() -> None:
    c = lumio()
    c.metrics.append(
        Metric(
            id="m-mkt",
            name="Co-marketing sourced leads",
            owner="lumio",
            target="200",
            cadence="monthly",
            data_source="CRM",
            actors=["bank"],
            sources=cite(),
        )
    )
    c.scope.objectives.append(Item(id="o2", text="Run joint campaigns with the bank", sources=cite()))
    assert health(c) == [("motion-without-owner", ["m-mkt", "o2"])]
    (f,) = [f for f in check(c) if f.rule == "motion-without-owner"]
    assert f.section == "activities"
    assert f.message == "The canvas mentions a co-market motion (2 entries), but no activity of it has an owner."


def test_an_owned_activity_carries_the_motion() -> None:
    c = lumio()
    c.scope.objectives.append(Item(id="o2", text="Run joint campaigns with the bank", sources=cite()))
    c.activities.append(
        Activity(id="camp", name="Campaign planning", owner="bank", approvers=["lumio"], sources=cite())
    )
    assert health(c) == []
    # an unowned activity of the motion does not carry it (and is unowned-activity's too)
    c.activities[-1].owner = None
    assert health(c) == [("motion-without-owner", ["camp", "o2"])]
    assert "unowned-activity" in {f.rule for f in check(c)}


def test_a_rejected_mention_is_no_motion() -> None:
    c = lumio()
    c.scope.objectives.append(Item(id="o2", text="Co-sell with the bank", sources=cite(), status="rejected"))
    assert health(c) == []
