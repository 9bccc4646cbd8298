"""The health summary: per actor and per dimension, from the canvas and the findings it is given."""

from __future__ import annotations

from rules_canvases import cite, lumio

from ecocanvas.canvas.model import CanvasResult, Item
from ecocanvas.canvas.render import to_html, to_markdown
from ecocanvas.rules import check
from ecocanvas.rules.health_summary import health_summary


def test_actors_and_dimensions_of_a_healthy_canvas() -> None:
    c = lumio()
    summary = health_summary(c, check(c))
    bank = next(a for a in summary.actors if a.actor_id == "bank")
    assert (bank.gives, bank.gets, bank.gives_kinds, bank.gets_kinds) == (1, 1, ["product"], ["data"])
    assert [(p.id, p.detail) for p in bank.activities] == [("onb", "approve"), ("kyc", "lead")]
    assert [(p.id, p.detail) for p in bank.metrics] == [("m-act", "measured")]
    assert bank.findings == [] and bank.tier is None
    status = {d.id: d.status for d in summary.dimensions}
    assert status == {
        "executive_involvement": "covered",
        "touch_points": "covered",
        "feedback_loops": "covered",
        "clear_metrics": "covered",
        "overlap": "covered",
        "give_and_get": "covered",
        "co_build": "not_evidenced",
        "co_market": "not_evidenced",
        "co_sell": "not_evidenced",
        "co_retain": "not_evidenced",
    }
    touch = next(d for d in summary.dimensions if d.id == "touch_points")
    assert [(p.id, p.detail) for p in touch.covered] == [("g-forum", "executive, field level")]


def test_rejected_entries_are_left_out() -> None:
    c = lumio()
    c.actors[2].status = "rejected"  # Tessaro
    summary = health_summary(c, [])
    assert [a.actor_id for a in summary.actors] == ["lumio", "bank", "care"]
    lumio_pay = summary.actors[0]
    assert (lumio_pay.gives, lumio_pay.gets) == (3, 3)  # the flows to and from Tessaro still name it


def test_each_motion_gets_only_its_own_finding() -> None:
    c = lumio()
    c.scope.objectives += [
        Item(id="o2", text="Co-sell with the bank", sources=cite()),
        Item(id="o3", text="Cut churn by renewals outreach", sources=cite()),
    ]
    findings = check(c)
    summary = health_summary(c, findings)
    dims = {d.id: d for d in summary.dimensions}
    assert [f.rule for f in dims["co_sell"].findings] == ["motion-without-owner"]
    assert [f.rule for f in dims["co_retain"].findings] == ["motion-without-owner"]
    assert dims["co_sell"].findings[0].id != dims["co_retain"].findings[0].id
    assert [p.id for p in dims["co_sell"].covered] == ["o2"] and dims["co_sell"].status == "gaps"
    # the summary reads the findings it is given: without them nothing stands against a motion
    assert {d.id: d.status for d in health_summary(c, []).dimensions}["co_sell"] == "covered"


def test_exports_show_the_health_section_only_when_given_one() -> None:
    c = lumio()
    result = CanvasResult(canvas=c, findings=check(c))
    assert "## Health" not in to_markdown(result) and "<h2>Health</h2>" not in to_html(result)
    summary = health_summary(c, result.findings)
    text = to_markdown(result, health=summary)
    assert "| Senior executive involvement | covered | Partner Steering Committee reviews the KPIs with field" in text
    assert "| Brenmark Bank | 1 (product) | 1 (data) | Merchant onboarding (approve); KYC review (lead) |" in text
    page = to_html(result, health=summary)
    assert "<table class=health-actors>" in page and "Co-retain" in page
