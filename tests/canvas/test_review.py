"""Review actions: each changes exactly what it says, refuses what would break the canvas, never mutates
its inputs; and keep_reviewed carries a person's decisions across a regeneration."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from canvas.ids import stable_id
from canvas.model import (
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
from canvas.review import (
    ENTRY_SECTIONS,
    Accept,
    Add,
    Dismiss,
    Edit,
    EntrySection,
    Reject,
    Reopen,
    Resolve,
    ReviewAction,
    SetText,
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
    assert len(models) == 8
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
