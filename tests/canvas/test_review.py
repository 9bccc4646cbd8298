"""Review actions: each changes exactly what it says, refuses what would break the canvas, never mutates
its inputs; and keep_reviewed carries a person's decisions across a regeneration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from ecocanvas.canvas.ids import stable_id
from ecocanvas.canvas.model import (
    MAX_LABEL_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    Activity,
    Actor,
    Canvas,
    Citation,
    Exchange,
    Finding,
    Item,
    Mechanism,
    Metric,
    Review,
    Scope,
)
from ecocanvas.canvas.review import (
    ENTRY_SECTIONS,
    Accept,
    Add,
    AddComment,
    Batch,
    Dismiss,
    Edit,
    EntrySection,
    Merge,
    Reject,
    Reopen,
    Resolve,
    Restore,
    ReviewAction,
    SetText,
    Undo,
    apply_review,
    keep_reviewed,
    parse_review_action,
    section_entries,
)
from ecocanvas.errors import InputError, NotFoundError


def cite(quote: str = "as agreed") -> list[Citation]:
    return [Citation(document="memo.md", document_id="d1", start=5, end=5 + len(quote), quote=quote)]


def build() -> Canvas:
    """One entry in every identified section, all cited and in draft."""
    return Canvas(
        title="Lumio",
        scope=Scope(
            summary="Card payments for small merchants.",
            objectives=[Item(id="obj-1", text="Onboard 500 merchants", sources=cite())],
            in_scope=[Item(id="in-1", text="Card acquiring", sources=cite())],
            out_of_scope=[Item(id="out-1", text="Lending", sources=cite())],
        ),
        actors=[
            Actor(id="lumio", name="Lumio Pay", kind="platform", sources=cite()),
            Actor(id="bank", name="Brenmark Bank", kind="partner", sources=cite()),
            Actor(id="care", name="Merchant Care", kind="internal_team", sources=cite()),
            Actor(id="gone", name="Old Vendor", kind="supplier", status="rejected", sources=cite()),
        ],
        value_exchanges=[Exchange(id="x1", provider="bank", receiver="lumio", value="card acquiring", sources=cite())],
        activities=[
            Activity(id="onb", name="Onboarding", owner="lumio", supporters=["care"], sources=cite()),
            Activity(id="kyc", name="KYC review", owner="bank", depends_on=["onb"], sources=cite()),
        ],
        governance=[Mechanism(id="g1", kind="escalation_path", description="Escalate to the board", sources=cite())],
        metrics=[Metric(id="m1", name="Merchants live", owner="lumio", sources=cite())],
        review=Review(
            cadence="monthly",
            cadence_sources=cite("monthly"),
            stakeholders=["lumio"],
            open_questions=[Item(id="q1", text="Who approves pricing?", sources=cite())],
        ),
    )


def findings() -> list[Finding]:
    return [
        Finding(id="f1", rule="unowned-activity", severity="error", section="activities", message="m"),
        Finding(id="f2", rule="no-forum", severity="warning", section="governance", message="m", status="resolved"),
    ]


def entry(canvas: Canvas, entry_id: str) -> Any:
    return next(e for e in canvas.entries() if e.id == entry_id)


SECTION_IDS = {
    "objectives": "obj-1",
    "in_scope": "in-1",
    "out_of_scope": "out-1",
    "actors": "bank",
    "value_exchanges": "x1",
    "activities": "onb",
    "governance": "g1",
    "metrics": "m1",
    "open_questions": "q1",
}


# -- accept, reject ----------------------------------------------------------------------------


@pytest.mark.parametrize("entry_id", SECTION_IDS.values())
def test_accept_and_reject_reach_every_section_and_leave_the_input_alone(entry_id: str) -> None:
    canvas, found = build(), findings()
    before = canvas.model_dump()
    accepted, same_findings = apply_review(canvas, found, Accept(entry_id=entry_id))
    assert entry(accepted, entry_id).status == "accepted"
    assert same_findings == found and same_findings is not found
    rejected, _ = apply_review(accepted, found, Reject(entry_id=entry_id))
    assert entry(rejected, entry_id).status == "rejected"
    assert len(rejected.entries()) == len(canvas.entries()), "a rejected entry stays, marked"
    assert canvas.model_dump() == before
    assert entry(canvas, entry_id).status == "draft"


def test_accept_is_idempotent() -> None:
    once, _ = apply_review(build(), [], Accept(entry_id="bank"))
    twice, _ = apply_review(once, [], Accept(entry_id="bank"))
    assert twice == once


def test_an_unknown_entry_or_finding_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="nope"):
        apply_review(build(), findings(), Accept(entry_id="nope"))
    with pytest.raises(NotFoundError, match="nope"):
        apply_review(build(), findings(), Edit(entry_id="nope", changes={"name": "x"}))
    with pytest.raises(NotFoundError, match="f9"):
        apply_review(build(), findings(), Dismiss(finding_id="f9", reason="no"))


# -- edit --------------------------------------------------------------------------------------


def test_edit_changes_the_field_and_status_and_leaves_the_input_untouched() -> None:
    canvas = build()
    before = canvas.model_dump()
    out, _ = apply_review(canvas, [], Edit(entry_id="onb", changes={"owner": "bank", "approvers": ["lumio"]}))
    edited = entry(out, "onb")
    assert (edited.owner, edited.approvers, edited.status) == ("bank", ["lumio"], "edited")
    assert edited.sources == entry(canvas, "onb").sources and edited.name == "Onboarding"
    assert canvas.model_dump() == before
    assert [e.id for e in out.activities] == ["onb", "kyc"], "the entry keeps its place"


@pytest.mark.parametrize("field", ["id", "sources", "status"])
def test_edit_cannot_change_id_sources_or_status(field: str) -> None:
    with pytest.raises(InputError, match=field):
        apply_review(build(), [], Edit(entry_id="bank", changes={field: "accepted" if field == "status" else []}))


def test_edit_names_the_allowed_fields_when_one_is_unknown() -> None:
    with pytest.raises(InputError) as err:
        apply_review(build(), [], Edit(entry_id="bank", changes={"colour": "red"}))
    message = str(err.value)
    assert "colour" in message
    for allowed in ("name", "aliases", "kind", "role"):
        assert allowed in message


def test_a_bad_value_is_an_input_error_with_pydantics_reason() -> None:
    with pytest.raises(InputError, match=r"kind.*Input should be"):
        apply_review(build(), [], Edit(entry_id="bank", changes={"kind": "spaceship"}))
    with pytest.raises(InputError, match="supporters"):
        apply_review(build(), [], Edit(entry_id="onb", changes={"supporters": "care"}))
    with pytest.raises(InputError, match="blank"):
        apply_review(build(), [], Edit(entry_id="bank", changes={"name": "   "}))


@pytest.mark.parametrize(
    ("entry_id", "changes"),
    [
        ("onb", {"owner": "actor-nobody"}),
        ("onb", {"supporters": ["care", "actor-nobody"]}),
        ("onb", {"approvers": ["gone"]}),  # a rejected actor counts as absent
        ("x1", {"provider": "actor-nobody"}),
        ("x1", {"receiver": "gone"}),
        ("g1", {"participants": ["actor-nobody"]}),
        ("g1", {"owner": "actor-nobody"}),
        ("m1", {"actors": ["actor-nobody"]}),
        ("kyc", {"depends_on": ["act-nobody"]}),
        ("kyc", {"depends_on": ["kyc"]}),
    ],
)
def test_edit_refuses_references_to_missing_entries(entry_id: str, changes: dict[str, Any]) -> None:
    canvas = build()
    with pytest.raises(InputError, match=next(iter(changes))):
        apply_review(canvas, [], Edit(entry_id=entry_id, changes=changes))


def test_edit_accepts_references_to_existing_entries() -> None:
    out, _ = apply_review(build(), [], Edit(entry_id="onb", changes={"depends_on": ["kyc"], "owner": None}))
    assert (entry(out, "onb").depends_on, entry(out, "onb").owner) == (["kyc"], None)


# -- add ---------------------------------------------------------------------------------------

NEW_ENTRIES: dict[str, dict[str, Any]] = {
    "objectives": {"text": "Cut churn"},
    "in_scope": {"text": "Refunds"},
    "out_of_scope": {"text": "Crypto"},
    "actors": {"name": "Tessaro Systems", "kind": "supplier"},
    "value_exchanges": {"provider": "lumio", "receiver": "care", "value": "budget", "kind": "revenue"},
    "activities": {"name": "Chargebacks", "owner": "care", "depends_on": ["onb"]},
    "governance": {"kind": "forum", "description": "Weekly ops call", "participants": ["bank"]},
    "metrics": {"name": "Churn", "actors": ["lumio"]},
    "open_questions": {"text": "Who pays for refunds?"},
}


@pytest.mark.parametrize("section", ENTRY_SECTIONS)
def test_add_puts_an_accepted_uncited_entry_in_its_section(section: EntrySection) -> None:
    canvas = build()
    out, _ = apply_review(canvas, [], Add(section=section, entry=NEW_ENTRIES[section]))
    added = section_entries(out, section)[-1]
    assert len(section_entries(out, section)) == len(section_entries(canvas, section)) + 1
    assert (added.status, added.sources) == ("accepted", [])
    for field, value in NEW_ENTRIES[section].items():
        assert getattr(added, field) == value
    assert added.id not in {e.id for e in canvas.entries()}
    assert len(out.entries()) == len(canvas.entries()) + 1


def test_added_ids_are_stable_and_never_those_the_generator_would_give() -> None:
    first, _ = apply_review(build(), [], Add(section="actors", entry={"name": "Tessaro Systems"}))
    again, _ = apply_review(build(), [], Add(section="actors", entry={"name": "Tessaro Systems"}))
    new_id = first.actors[-1].id
    assert new_id == again.actors[-1].id
    assert new_id != stable_id("actor", "Tessaro Systems")
    twice, _ = apply_review(first, [], Add(section="actors", entry={"name": "Tessaro Systems"}))
    assert len({a.id for a in twice.actors}) == len(twice.actors), "adding the same name twice gives two ids"


def test_add_does_not_reuse_an_id_the_canvas_already_holds() -> None:
    probe, _ = apply_review(build(), [], Add(section="open_questions", entry={"text": "Who signs?"}))
    taken = probe.review.open_questions[-1].id
    canvas = build()
    canvas.review.open_questions.append(Item(id=taken, text="something else"))
    out, _ = apply_review(canvas, [], Add(section="open_questions", entry={"text": "Who signs?"}))
    assert out.review.open_questions[-1].id != taken


@pytest.mark.parametrize(
    ("section", "fields", "word"),
    [
        ("actors", {"name": "X", "id": "mine"}, "id"),
        ("actors", {"name": "X", "status": "draft"}, "status"),
        ("actors", {"name": "X", "sources": []}, "sources"),
        ("actors", {"name": "X", "colour": "red"}, "colour"),
        ("actors", {"kind": "partner"}, "name"),
        ("actors", {"name": ""}, "blank"),
        ("value_exchanges", {"provider": "lumio", "receiver": "actor-nobody", "value": "v"}, "receiver"),
        ("activities", {"name": "A", "owner": "gone"}, "owner"),
        ("activities", {"name": "A", "depends_on": ["act-nobody"]}, "depends_on"),
        ("governance", {"kind": "séance", "description": "d"}, "kind"),
    ],
)
def test_add_refuses_what_an_edit_would_refuse(section: EntrySection, fields: dict[str, Any], word: str) -> None:
    canvas = build()
    with pytest.raises(InputError, match=word):
        apply_review(canvas, [], Add(section=section, entry=fields))
    assert canvas == build()


# -- set ---------------------------------------------------------------------------------------


def test_set_changes_canvas_texts_and_drops_citations_of_a_changed_cadence() -> None:
    canvas = build()
    out, _ = apply_review(canvas, [], SetText(field="title", value="Lumio ecosystem"))
    out, _ = apply_review(out, [], SetText(field="scope.summary", value="Payments."))
    assert (out.title, out.scope.summary) == ("Lumio ecosystem", "Payments.")
    same, _ = apply_review(out, [], SetText(field="review.cadence", value="monthly"))
    assert same.review.cadence_sources == canvas.review.cadence_sources
    changed, _ = apply_review(out, [], SetText(field="review.cadence", value="quarterly"))
    assert (changed.review.cadence, changed.review.cadence_sources) == ("quarterly", [])
    cleared, _ = apply_review(out, [], SetText(field="review.cadence", value=None))
    assert cleared.review.cadence is None
    assert canvas == build()


def test_set_stakeholders_takes_live_actor_ids_and_marks_every_set_field_as_the_persons() -> None:
    out, _ = apply_review(build(), [], SetText(field="review.stakeholders", value=["bank", "care", "bank"]))
    assert out.review.stakeholders == ["bank", "care"]
    assert out.reviewed_fields == ["review.stakeholders"]
    out, _ = apply_review(out, [], SetText(field="title", value="Lumio"))
    assert out.reviewed_fields == ["review.stakeholders", "title"], "set even when the value did not change"
    for refs, word in ((["gone"], "gone"), (["nobody"], "nobody")):
        with pytest.raises(InputError, match=word):
            apply_review(build(), [], SetText(field="review.stakeholders", value=refs))


@pytest.mark.parametrize(
    "data",
    [
        {"action": "set", "field": "review.stakeholders", "value": "bank"},
        {"action": "set", "field": "title", "value": ["bank"]},
        {"action": "set", "field": "title", "value": "x" * (MAX_TITLE_CHARS + 1)},
        {"action": "set", "field": "review.cadence", "value": "x" * (MAX_LABEL_CHARS + 1)},
        {"action": "set", "field": "scope.summary", "value": "x" * (MAX_SUMMARY_CHARS + 1)},
        {"action": "reject", "entry_id": "bank", "reason": "x" * 2001},
        {"action": "comment", "entry_id": "bank", "text": ""},
        {"action": "comment", "entry_id": "bank", "finding_id": "f1", "text": "both"},
        {"action": "comment", "text": "neither"},
        {"action": "batch", "actions": []},
        {"action": "batch", "actions": [{"action": "undo"}]},
        {"action": "restore", "version": 0},
        {"action": "add", "section": "actors", "entry": {"name": "A"}, "ref": "bank"},
    ],
)
def test_malformed_or_oversized_actions_are_input_errors(data: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        parse_review_action(data)


# -- reject with a reason, comments --------------------------------------------------------------


def test_a_rejection_keeps_its_reason_and_accepting_clears_it() -> None:
    out, _ = apply_review(build(), [], Reject(entry_id="bank", reason="  The contract ended in 2023.  "))
    assert (entry(out, "bank").status, entry(out, "bank").reason) == ("rejected", "The contract ended in 2023.")
    again, _ = apply_review(out, [], Accept(entry_id="bank"))
    assert (entry(again, "bank").status, entry(again, "bank").reason) == ("accepted", None)
    with pytest.raises(InputError, match="reason"):
        apply_review(build(), [], Edit(entry_id="bank", changes={"reason": "sneaky"}))


def test_comments_go_on_entries_and_findings_with_their_time() -> None:
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    canvas, found = build(), findings()
    out, found2 = apply_review(canvas, found, AddComment(entry_id="onb", text="Ask the bank."), now=when)
    out, found2 = apply_review(out, found2, AddComment(entry_id="onb", text="Done."), now=when)
    out, found2 = apply_review(out, found2, AddComment(finding_id="f1", text="Owner on leave."), now=when)
    assert [(c.text, c.at) for c in entry(out, "onb").comments] == [("Ask the bank.", when), ("Done.", when)]
    assert entry(out, "onb").status == "draft", "a comment is not a decision"
    assert [c.text for c in found2[0].comments] == ["Owner on leave."] and found2[0].status == "open"
    assert canvas == build() and found == findings()
    with pytest.raises(NotFoundError):
        apply_review(canvas, found, AddComment(finding_id="f9", text="x"))
    with pytest.raises(InputError, match="comments"):
        apply_review(canvas, found, Edit(entry_id="onb", changes={"comments": []}))


# -- merge ---------------------------------------------------------------------------------------


def merge_canvas() -> Canvas:
    canvas = build()
    canvas.actors.append(
        Actor(
            id="bank2",
            name="BB",
            aliases=["Brenmark", "brenmark bank"],
            kind="partner",
            role="acquirer",
            sources=cite("BB acquires"),
        )
    )
    canvas.value_exchanges.append(Exchange(id="x2", provider="lumio", receiver="bank2", value="fees", sources=cite()))
    canvas.activities[0].approvers = ["bank2", "bank"]
    canvas.activities[1].supporters = ["bank2"]
    canvas.activities.append(Activity(id="kyc2", name="KYC checks", depends_on=["kyc"], sources=cite("KYC checks")))
    canvas.review.stakeholders = ["bank2", "lumio"]
    return canvas


def test_merging_two_actors_combines_citations_and_points_every_reference_at_the_one_that_stays() -> None:
    canvas = merge_canvas()
    out, _ = apply_review(canvas, [], Merge(entry_id="bank", other_id="bank2"))
    assert [a.id for a in out.actors] == ["lumio", "bank", "care", "gone"]
    bank = entry(out, "bank")
    assert bank.status == "edited" and bank.merged_from == ["bank2"]
    assert bank.name == "Brenmark Bank" and bank.aliases == ["BB", "Brenmark"], "names become aliases, once"
    assert bank.role == "acquirer", "an empty field takes the other's value"
    assert [c.quote for c in bank.sources] == ["as agreed", "BB acquires"], "citations combined, no duplicate"
    assert entry(out, "x2").receiver == "bank"
    assert entry(out, "onb").approvers == ["bank"], "one list entry per actor"
    assert entry(out, "kyc").supporters == [], "the owner is not also a supporter"
    assert out.review.stakeholders == ["bank", "lumio"]
    assert canvas == merge_canvas()


def test_merging_activities_rewrites_dependencies_without_a_self_loop() -> None:
    out, _ = apply_review(merge_canvas(), [], Merge(entry_id="kyc", other_id="kyc2"))
    assert [a.id for a in out.activities] == ["onb", "kyc"]
    assert entry(out, "kyc").depends_on == ["onb"], "kyc2 depended on kyc: no loop onto itself"


@pytest.mark.parametrize(("keep", "other", "word"), [("bank", "bank", "itself"), ("bank", "x1", "same section")])
def test_merge_refuses_an_entry_with_itself_or_across_sections(keep: str, other: str, word: str) -> None:
    with pytest.raises(InputError, match=word):
        apply_review(build(), [], Merge(entry_id=keep, other_id=other))


# -- batch ---------------------------------------------------------------------------------------


def test_a_batch_applies_in_order_and_later_actions_use_the_ids_it_added() -> None:
    canvas = build()
    batch = Batch(
        actions=[
            Add(section="actors", entry={"name": "Kestrel Group", "kind": "partner"}, ref="new:kestrel"),
            Edit(entry_id="kyc", changes={"owner": "new:kestrel", "supporters": ["new:kestrel", "care"]}),
            Accept(entry_id="new:kestrel"),
            Accept(entry_id="x1"),
            Reject(entry_id="m1", reason="duplicate"),
        ]
    )
    out, _ = apply_review(canvas, [], batch)
    (kestrel,) = [a for a in out.actors if a.name == "Kestrel Group"]
    assert kestrel.id.startswith("actor-added-") and kestrel.status == "accepted"
    assert (entry(out, "kyc").owner, entry(out, "kyc").supporters) == (kestrel.id, [kestrel.id, "care"])
    assert entry(out, "x1").status == "accepted" and entry(out, "m1").status == "rejected"
    assert canvas == build()


def test_a_batch_with_one_bad_action_changes_nothing() -> None:
    canvas = build()
    with pytest.raises(NotFoundError):
        apply_review(canvas, [], Batch(actions=[Accept(entry_id="x1"), Accept(entry_id="nope")]))
    assert canvas == build()


def test_restore_and_undo_are_not_applied_here() -> None:
    for action in (Restore(version=1), Undo()):
        with pytest.raises(InputError, match="API"):
            apply_review(build(), [], action)


# -- findings ----------------------------------------------------------------------------------


def test_dismiss_resolve_and_reopen_change_status_and_reason_only() -> None:
    canvas, found = build(), findings()
    _, dismissed = apply_review(canvas, found, Dismiss(finding_id="f1", reason="owned off-canvas"))
    assert (dismissed[0].status, dismissed[0].reason) == ("dismissed", "owned off-canvas")
    assert dismissed[1] == found[1]
    assert (found[0].status, found[0].reason) == ("open", None)
    _, resolved = apply_review(canvas, dismissed, Resolve(finding_id="f1", reason="owner named"))
    assert (resolved[0].status, resolved[0].reason) == ("resolved", "owner named")
    _, reopened = apply_review(canvas, resolved, Reopen(finding_id="f1"))
    assert (reopened[0].status, reopened[0].reason) == ("open", None)
    _, quiet = apply_review(canvas, found, Resolve(finding_id="f1"))
    assert (quiet[0].status, quiet[0].reason) == ("resolved", None)


def test_a_dismissal_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        Dismiss(finding_id="f1", reason="   ")
    with pytest.raises(InputError, match="reason"):
        parse_review_action({"action": "dismiss", "finding_id": "f1"})


# -- parsing and schema ------------------------------------------------------------------------


def test_actions_parse_from_json_by_their_action_field() -> None:
    assert parse_review_action({"action": "accept", "entry_id": "a"}) == Accept(entry_id="a")
    assert isinstance(parse_review_action({"action": "set", "field": "title", "value": "T"}), SetText)
    for bad in ({"action": "explode"}, {"entry_id": "a"}, {"action": "accept", "entry_id": "a", "extra": 1}):
        with pytest.raises(InputError):
            parse_review_action(bad)


def test_every_action_has_a_valid_example_in_its_schema() -> None:
    schema = TypeAdapter(ReviewAction).json_schema()
    models = get_args(get_args(ReviewAction)[0])
    assert len(models) == 13
    for model in models:
        definition = schema["$defs"][model.__name__]
        assert "action" in definition["required"]
        (example,) = definition["examples"]
        assert isinstance(parse_review_action(example), model)


# -- keep_reviewed -----------------------------------------------------------------------------


def reviewed(canvas: Canvas, *actions: ReviewAction) -> Canvas:
    for action in actions:
        canvas, _ = apply_review(canvas, [], action)
    return canvas


def test_keep_reviewed_carries_decisions_into_a_regenerated_canvas() -> None:
    previous = reviewed(
        build(),
        Edit(entry_id="onb", changes={"owner": "bank"}),  # its id vanishes from the regeneration
        Accept(entry_id="bank"),  # regenerated in draft with a different role
        Reject(entry_id="x1"),  # comes back
        Reject(entry_id="m1"),  # vanishes
        Accept(entry_id="q1"),
        Add(section="objectives", entry={"text": "Cut churn"}),
    )
    new = build()
    new.title, new.review.stakeholders = "Lumio 2", ["bank"]
    new.review.cadence = "weekly"
    new.activities = [a for a in new.activities if a.id != "onb"]
    new.actors[1].role = "acquirer"
    new.metrics = []
    new.scope.objectives.append(Item(id="obj-2", text="Expand to Spain", sources=cite()))
    snapshot_new, snapshot_prev = new.model_dump(), previous.model_dump()

    merged = keep_reviewed(new, previous)

    assert [a.id for a in merged.activities] == ["kyc", "onb"]
    assert entry(merged, "onb") == entry(previous, "onb")
    assert entry(merged, "bank").status == "accepted" and entry(merged, "bank").role == ""
    assert entry(merged, "x1").status == "rejected"
    assert merged.metrics == []
    assert entry(merged, "q1").status == "accepted"
    assert [o.text for o in merged.scope.objectives] == ["Onboard 500 merchants", "Expand to Spain", "Cut churn"]
    assert (merged.title, merged.review.stakeholders, merged.review.cadence) == ("Lumio 2", ["bank"], "weekly")
    assert entry(merged, "care") == entry(new, "care"), "a draft in previous does not override the new draft"
    assert new.model_dump() == snapshot_new and previous.model_dump() == snapshot_prev


def test_keep_reviewed_of_an_unreviewed_canvas_is_the_new_canvas() -> None:
    new = build()
    new.actors[0].name = "Lumio Payments"
    assert keep_reviewed(new, build()) == new


def test_keep_reviewed_keeps_the_canvas_fields_a_person_set_and_only_those() -> None:
    previous = reviewed(
        build(),
        SetText(field="title", value="Lumio merchant network"),
        SetText(field="review.stakeholders", value=["bank", "care"]),
    )
    new = build()
    new.title, new.scope.summary, new.review.stakeholders = "Partner memo", "New summary.", ["lumio"]
    merged = keep_reviewed(new, previous)
    assert merged.title == "Lumio merchant network"
    assert merged.review.stakeholders == ["bank", "care"]
    assert merged.scope.summary == "New summary.", "a field nobody set follows the documents"
    assert merged.reviewed_fields == ["title", "review.stakeholders"]
    # A stakeholder whose actor the regeneration no longer has at all is dropped, not left dangling.
    new.actors = [a for a in new.actors if a.id != "care"]
    assert keep_reviewed(new, previous).review.stakeholders == ["bank"]


def test_keep_reviewed_keeps_merges_reasons_and_comments() -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    previous, _ = apply_review(merge_canvas(), [], Merge(entry_id="bank", other_id="bank2"))
    previous, _ = apply_review(previous, [], Reject(entry_id="x1", reason="not in the contract"))
    previous, _ = apply_review(previous, [], AddComment(entry_id="care", text="Check the team name."), now=when)
    new = merge_canvas()  # the documents still name BB on its own
    merged = keep_reviewed(new, previous)
    assert "bank2" not in {a.id for a in merged.actors}
    assert entry(merged, "x2").receiver == "bank" and entry(merged, "onb").approvers == ["bank"]
    assert merged.review.stakeholders == ["bank", "lumio"]
    assert (entry(merged, "x1").status, entry(merged, "x1").reason) == ("rejected", "not in the contract")
    care = entry(merged, "care")
    assert care.status == "draft" and [c.text for c in care.comments] == ["Check the team name."]
