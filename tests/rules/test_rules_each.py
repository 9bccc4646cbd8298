"""Each rule, positive and negative, on a small hand-built canvas a coordinator would recognise."""

from __future__ import annotations

import pytest
from rules_canvases import ALL_RULES_ON, activity, cite, lumio

from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    DocumentRef,
    Exchange,
    Finding,
    Item,
)
from ecocanvas.rules import check


def run(canvas: Canvas) -> list[Finding]:
    return check(canvas, ALL_RULES_ON)


def only(canvas: Canvas, rule: str) -> list[Finding]:
    findings = run(canvas)
    assert {f.rule for f in findings} == {rule}, [(f.rule, f.message) for f in findings]
    return findings


def test_the_base_canvas_is_clean() -> None:
    assert run(lumio()) == []


# -- activities ------------------------------------------------------------------------------


def test_unowned_activity() -> None:
    c = lumio()
    activity(c, "kyc").owner = None
    (f,) = only(c, "unowned-activity")
    assert f.severity == "error" and f.subjects == ["kyc"] and f.section == "activities"
    assert f.message == 'Nobody owns the activity "KYC review".'
    for placeholder in ("   ", "TBD", "(open)", "none"):
        c = lumio()
        activity(c, "sup").owner = placeholder  # not an actor id: no owner, not an unknown actor
        assert [f.rule for f in run(c)] == ["unowned-activity"]
    # negative: a supporter-only actor does not make an owner, but a rejected unowned activity is ignored
    c = lumio()
    c.activities.append(Activity(id="old", name="Legacy", status="rejected"))
    assert run(c) == []


def test_unowned_activity_names_its_supporters() -> None:
    c = lumio()
    activity(c, "onb").owner = None
    (f,) = [f for f in run(c) if f.rule == "unowned-activity"]
    assert f.message == 'Nobody owns the activity "Merchant onboarding", although Merchant Care supports it.'


def test_dependency_on_unowned_activity() -> None:
    c = lumio()
    activity(c, "onb").owner = None
    findings = run(c)
    deps = [f for f in findings if f.rule == "dependency-on-unowned-activity"]
    assert {tuple(sorted(f.subjects)) for f in deps} == {("kyc", "onb"), ("onb", "sup")}
    assert all('"Merchant onboarding", which nobody owns' in f.message for f in deps)
    # negative: depending on an owned activity is fine (the base canvas has such dependencies)
    assert not [f for f in run(lumio()) if f.rule == "dependency-on-unowned-activity"]


def test_unknown_activity_reference() -> None:
    c = lumio()
    activity(c, "kyc").depends_on = ["onb", "settlement"]
    (f,) = only(c, "unknown-activity-reference")
    assert f.subjects == ["kyc"] and '"settlement", which is not in the canvas' in f.message
    c = lumio()
    activity(c, "tok").status = "rejected"
    (f,) = only(c, "unknown-activity-reference")
    assert f.subjects == ["sup"] and "rejected in review" in f.message


def test_circular_dependency() -> None:
    c = lumio()
    activity(c, "onb").depends_on = ["sup"]
    (f,) = only(c, "circular-dependency")
    assert f.severity == "error" and set(f.subjects) == {"onb", "sup"}
    assert '"Merchant onboarding"' in f.message and '"Merchant support"' in f.message
    c = lumio()
    activity(c, "tok").depends_on = ["tok"]
    (f,) = only(c, "circular-dependency")
    assert f.subjects == ["tok"] and "depends on itself" in f.message
    # negative: a diamond (sup -> onb, sup -> tok, kyc -> onb) is not a loop
    assert run(lumio()) == []


def test_circular_dependency_on_a_long_chain_does_not_recurse() -> None:
    c = lumio()
    chain = [
        Activity(id=f"c{i}", name=f"Step {i}", owner="lumio", approvers=["bank"], sources=cite()) for i in range(5000)
    ]
    for i, act in enumerate(chain):
        act.depends_on = [f"c{(i + 1) % len(chain)}"]
    c.activities.extend(chain)
    (f,) = [f for f in run(c) if f.rule == "circular-dependency"]
    assert len(f.subjects) == 5000 and "and 4995 more" in f.message


def test_owner_overload() -> None:
    c = lumio()
    for act_id in ("tok", "sup"):
        activity(c, act_id).owner, activity(c, act_id).approvers = "lumio", ["bank"]
    (f,) = only(c, "owner-overload")
    assert f.subjects == ["lumio"] and "3 of the 4 activities (75%) have Lumio Pay as their owner" in f.message
    # negative: exactly half is not more than half
    c = lumio()
    activity(c, "tok").owner, activity(c, "tok").approvers = "lumio", ["bank"]
    assert run(c) == []


def test_owner_overload_needs_enough_activities() -> None:
    c = lumio()
    c.activities = c.activities[:3]
    for act in c.activities:
        act.owner, act.approvers, act.depends_on = "bank", ["lumio"], []
    assert [f.rule for f in run(c) if f.rule == "owner-overload"] == []


def test_self_approval() -> None:
    c = lumio()
    activity(c, "kyc").approvers = ["bank"]
    (f,) = only(c, "self-approval")
    assert set(f.subjects) == {"kyc", "bank"}
    assert f.message == 'The owner of the activity "KYC review", Brenmark Bank, is also its only approver.'
    # negative: the owner is one of two approvers
    c = lumio()
    activity(c, "kyc").approvers = ["bank", "lumio"]
    assert run(c) == []


def test_activity_without_approver_is_off_by_default() -> None:
    c = lumio()
    activity(c, "tok").approvers = []
    assert check(c) == []
    (f,) = only(c, "activity-without-approver")
    assert f.severity == "info" and f.subjects == ["tok"]


# -- actors ----------------------------------------------------------------------------------


def test_unknown_actor_reference() -> None:
    c = lumio()
    c.metrics[0].owner = "quillguard"
    c.review.stakeholders.append("corvex")
    findings = only(c, "unknown-actor-reference")
    by_section = {f.section: f for f in findings}
    assert by_section["metrics"].subjects == ["m-act"]
    assert by_section["metrics"].message == (
        'The metric "Merchant activation rate" names "quillguard" as its owner, but no actor has that id.'
    )
    assert by_section["review"].subjects == [] and '"corvex" as a stakeholder' in by_section["review"].message


def test_unknown_actor_reference_to_a_rejected_actor() -> None:
    c = lumio()
    c.actors[3].status = "rejected"  # Merchant Care
    findings = run(c)
    refs = [f for f in findings if f.rule == "unknown-actor-reference"]
    assert {f.subjects[0] for f in refs} == {"x5", "x6", "onb", "sup"}
    assert all("rejected in review" in f.message for f in refs)


def test_actor_without_role() -> None:
    c = lumio()
    c.actors.append(Actor(id="corvex", name="Corvex Card Network", kind="third_party", sources=cite()))
    (f,) = only(c, "actor-without-role")
    assert f.subjects == ["corvex"] and f.message.endswith("metric involves Corvex Card Network.")
    # negative: being only a review stakeholder is not a role, but measuring them by a metric is
    c.metrics[0].actors.append("corvex")
    assert run(c) == []


def test_duplicate_actor() -> None:
    c = lumio()
    c.actors.append(Actor(id="bmb", name="BMB", aliases=["The Bank"], kind="third_party", sources=cite()))
    c.metrics[0].actors.append("bmb")
    (f,) = only(c, "duplicate-actor")
    assert f.subjects == ["bank", "bmb"] and 'share the name "The Bank"' in f.message
    # negative: similar but different names
    c.actors[-1].aliases = ["Bank of Brenmark"]
    assert run(c) == []


def test_duplicate_entry_id() -> None:
    c = lumio()
    c.scope.in_scope.append(Item(id="o1", text="Benelux", sources=cite()))
    (f,) = only(c, "duplicate-entry-id")
    assert f.severity == "error" and f.subjects == ["o1"] and f.section == "scope"


# -- value exchanges -------------------------------------------------------------------------


def test_one_sided_exchange() -> None:
    c = lumio()
    c.value_exchanges = [e for e in c.value_exchanges if e.id != "x2"]
    (f,) = only(c, "one-sided-exchange")
    assert f.subjects == ["tessaro"]
    assert f.message == (
        'Value flows from Tessaro Systems to Lumio Pay ("VaultLine tokenisation"), but nothing flows back.'
    )
    c = lumio()
    c.value_exchanges = [e for e in c.value_exchanges if e.id != "x5"]
    (f,) = only(c, "one-sided-exchange")
    assert f.subjects == ["care"] and "Value flows to Merchant Care from Lumio Pay" in f.message


def test_one_sided_exchange_exempts_regulators_by_default() -> None:
    c = lumio()
    c.actors.append(Actor(id="dnb", name="Central Bank", kind="regulator", sources=cite()))
    c.value_exchanges.append(Exchange(id="x11", provider="lumio", receiver="dnb", value="reports", sources=cite()))
    assert run(c) == []
    c.actors[-1].kind = "third_party"
    (f,) = only(c, "one-sided-exchange")
    assert f.subjects == ["dnb"]


def test_one_sided_exchange_ignores_actors_in_no_exchange_and_rejected_exchanges() -> None:
    c = lumio()
    c.value_exchanges = [e for e in c.value_exchanges if e.id not in {"x5", "x6"}]
    assert [f.rule for f in run(c)] == []  # Merchant Care still has activities, and no exchange at all
    c = lumio()
    c.value_exchanges.append(
        Exchange(id="x9", provider="bank", receiver="care", value="x", kind="data", status="rejected")
    )
    c.actors.append(Actor(id="solo", name="Solo", kind="customer", sources=cite()))
    c.value_exchanges.append(Exchange(id="x10", provider="solo", receiver="solo", value="self", sources=cite()))
    assert {f.rule for f in run(c)} == set()  # a self-exchange is no evidence of one-sidedness


def test_capability_overlap() -> None:
    c = lumio()
    c.value_exchanges.append(
        Exchange(
            id="x7",
            provider="care",
            receiver="lumio",
            value="tokenisation",
            kind="capability",
            sources=cite(),
        )
    )
    (f,) = only(c, "capability-overlap")
    # The actors, then the overlapping exchanges, so a reader can point at the flows themselves.
    assert f.severity == "info" and f.subjects == ["tessaro", "care", "lumio", "x1", "x7"]
    assert f.message.startswith("Tessaro Systems and Merchant Care both provide capability to Lumio Pay")
    # negative: two actors paying the same receiver is not an overlap (revenue is not checked by default)
    c = lumio()
    c.value_exchanges.append(Exchange(id="x8", provider="bank", receiver="tessaro", value="fees", kind="revenue"))
    c.value_exchanges[-1].sources = cite()
    assert run(c) == []


# -- governance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule", "severity"),
    [
        ("escalation_path", "no-escalation-path", "error"),
        ("decision_right", "no-decision-rights", "error"),
        ("conflict_resolution", "no-conflict-resolution", "warning"),
        ("change_management", "no-change-management", "warning"),
    ],
)
def test_missing_governance_mechanism(kind: str, rule: str, severity: str) -> None:
    c = lumio()
    mech = next(m for m in c.governance if m.kind == kind)
    mech.status = "rejected"
    (f,) = only(c, rule)
    assert (f.severity, f.section, f.subjects) == (severity, "governance", [])
    # negative: a policy mechanism does not stand in for it, but any live one of the kind does
    mech.status = "edited"
    assert run(c) == []


def test_no_coordination_forum() -> None:
    c = lumio()
    c.governance = [m for m in c.governance if m.kind != "forum"]
    (f,) = only(c, "no-coordination-forum")
    assert f.subjects == [] and f.section == "governance"


def test_forum_without_cadence() -> None:
    c = lumio()
    c.governance[-1].cadence = "TBC"
    (f,) = only(c, "forum-without-cadence")
    assert f.subjects == ["g-forum"] and '"Partner Steering Committee reviews the KPIs with field teams"' in f.message


def test_partner_without_forum_is_off_by_default() -> None:
    c = lumio()
    c.governance[-1].participants = ["tessaro"]
    assert check(c) == []
    (f,) = only(c, "partner-without-forum")
    assert f.subjects == ["bank"]
    # negative: owning the forum counts as taking part
    c.governance[-1].owner = "bank"
    assert run(c) == []


# -- metrics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "rule", "severity"),
    [
        ("owner", "metric-without-owner", "warning"),
        ("target", "metric-without-target", "warning"),
        ("data_source", "metric-without-data-source", "info"),
        ("cadence", "metric-without-cadence", "info"),
    ],
)
def test_metric_field_missing(field: str, rule: str, severity: str) -> None:
    c = lumio()
    c.metrics[0].actors.append("lumio")  # still measured when the owner goes
    setattr(c.metrics[0], field, None)
    (f,) = only(c, rule)
    assert (f.severity, f.subjects) == (severity, ["m-act"]) and '"Merchant activation rate"' in f.message
    setattr(c.metrics[0], field, " ")
    assert [g.rule for g in run(c)] == [rule]
    if field == "owner":
        c.metrics[0].owner = "n/a"
        assert [g.rule for g in run(c)] == [rule]
    else:  # a placeholder copied from a KPI table is no value either
        for placeholder in ("TBD", "n/a", "-", "(open)", "TBD after winter", "to be confirmed"):
            setattr(c.metrics[0], field, placeholder)
            assert [g.rule for g in run(c)] == [rule], placeholder
        setattr(c.metrics[0], field, "Finance ledger" if field == "data_source" else "Q3")
        assert run(c) == []
    setattr(c.metrics[0], field, "care" if field == "owner" else "set")
    assert run(c) == []


def test_unmeasured_partner() -> None:
    c = lumio()
    c.metrics[0].actors = ["lumio"]
    (f,) = only(c, "unmeasured-partner")
    assert f.subjects == ["bank"] and f.message == "No metric measures the contribution of Brenmark Bank."
    # negative: owning a metric counts, and suppliers are not checked by default
    c.metrics[0].owner = "bank"
    assert run(c) == []


def test_no_metrics() -> None:
    c = lumio()
    c.metrics = []
    assert {(f.rule, tuple(f.subjects)) for f in run(c)} == {
        ("no-metrics", ()),
        ("unmeasured-partner", ("bank",)),
    }


# -- review, scope, provenance ---------------------------------------------------------------


def test_no_review_cadence_and_stakeholders_and_objectives() -> None:
    c = lumio()
    c.review.cadence = None
    (f,) = only(c, "no-review-cadence")
    assert (f.section, f.subjects, f.severity) == ("review", [], "warning")
    c.review.cadence = "not set"
    assert [f.rule for f in run(c)] == ["no-review-cadence"]
    c = lumio()
    c.review.stakeholders = []
    assert [f.rule for f in run(c)] == ["no-review-stakeholders"]
    c = lumio()
    c.scope.objectives[0].status = "rejected"
    (f,) = only(c, "no-objectives")
    assert f.section == "scope"


def test_uncited_entry() -> None:
    c = lumio()
    c.activities[0].sources = []
    (f,) = only(c, "uncited-entry")
    assert (f.subjects, f.section, f.severity) == (["onb"], "activities", "warning")
    # negative: an entry a person added or edited may have no source
    c.activities[0].status = "edited"
    assert run(c) == []


def test_uncited_reviewed_entry_is_info_at_most() -> None:
    from ecocanvas.rules import Policy, RuleOverride

    c = lumio()
    c.activities[0].sources = []
    c.activities[0].status = "accepted"
    policy = Policy(rules={"uncited-entry": RuleOverride(severity="error", params={"include_reviewed": True})})
    (f,) = check(c, policy)
    assert f.rule == "uncited-entry" and f.severity == "info"


def test_stale_entry() -> None:
    c = lumio()
    c.generator.documents.append(DocumentRef(document_id="doc-2022", name="memo-2022.md", date="2022-06-01"))
    c.activities[1].sources = cite("doc-2022")
    (f,) = only(c, "stale-entry")
    assert f.subjects == ["kyc"] and "dated 2022-06-01 or earlier, 987 days before" in f.message
    # negative: one newer source is enough, and undated documents say nothing
    c.activities[1].sources = cite("doc-2022") + cite()
    assert run(c) == []
    c.activities[1].sources = cite("doc-undated")
    assert run(c) == []
