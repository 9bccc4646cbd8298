"""The diff between two canvas versions: entries matched by id, field by field, and findings opened or closed."""

from __future__ import annotations

from datetime import UTC, datetime

from ecocanvas.canvas.diff import CanvasDiff, EntryChange, diff
from ecocanvas.canvas.model import (
    Activity,
    Actor,
    Canvas,
    CanvasResult,
    Citation,
    Finding,
    GeneratorInfo,
    Item,
    Review,
    Scope,
)
from ecocanvas.canvas.review import Accept, AddComment, Edit, Reject, apply_review


def cite(start: int) -> Citation:
    return Citation(document="memo.md", document_id="d1", start=start, end=start + 4, quote="abcd")


def version(**changes: object) -> CanvasResult:
    canvas = Canvas(
        title="Lumio",
        scope=Scope(objectives=[Item(id="obj-1", text="Onboard merchants", sources=[cite(0)])]),
        actors=[
            Actor(id="lumio", name="Lumio Pay", kind="platform", sources=[cite(0)]),
            Actor(id="bank", name="Brenmark Bank", sources=[cite(10)]),
        ],
        activities=[Activity(id="onb", name="Onboarding", owner="lumio", sources=[cite(20)])],
        review=Review(stakeholders=["lumio"], open_questions=[Item(id="q1", text="Who approves pricing?")]),
    )
    findings = [
        Finding(id="f1", rule="r1", severity="error", section="activities", message="one"),
        Finding(id="f2", rule="r2", severity="warning", section="actors", message="two"),
        Finding(id="f3", rule="r3", severity="info", section="review", message="three", status="dismissed", reason="x"),
    ]
    return CanvasResult(canvas=canvas, findings=findings).model_copy(update=changes)


def only(d: CanvasDiff) -> EntryChange:
    assert len(d.entries) == 1, d.entries
    return d.entries[0]


def test_identical_versions_have_an_empty_diff_even_when_generator_info_differs() -> None:
    old, new = version(), version()
    new.canvas.generator = GeneratorInfo(backend="llm", model="m", calls=7, cost_usd=0.3)
    d = diff(old, new)
    assert d.empty and d == CanvasDiff()


def test_a_status_change_is_reported_with_the_entry_label() -> None:
    old = version()
    canvas, _ = apply_review(old.canvas, old.findings, Accept(entry_id="bank"))
    change = only(diff(old, version(canvas=canvas)))
    assert (change.section, change.id, change.label, change.change) == ("actors", "bank", "Brenmark Bank", "changed")
    assert [(f.field, f.before, f.after) for f in change.fields] == [("status", "draft", "accepted")]


def test_an_edit_reports_each_changed_field() -> None:
    old = version()
    canvas, _ = apply_review(
        old.canvas, [], Edit(entry_id="onb", changes={"owner": "bank", "name": "Merchant onboarding"})
    )
    change = only(diff(old, version(canvas=canvas)))
    assert change.label == "Merchant onboarding"
    assert {f.field: (f.before, f.after) for f in change.fields} == {
        "name": ("Onboarding", "Merchant onboarding"),
        "owner": ("lumio", "bank"),
        "status": ("draft", "edited"),
    }


def test_added_and_removed_entries_in_any_section() -> None:
    old, new = version(), version()
    new.canvas.actors.pop()
    new.canvas.review.open_questions.append(Item(id="q2", text="Who pays refunds?"))
    new.canvas.scope.objectives = []
    changes = {(c.section, c.id, c.change): c for c in diff(old, new).entries}
    assert set(changes) == {
        ("actors", "bank", "removed"),
        ("open_questions", "q2", "added"),
        ("objectives", "obj-1", "removed"),
    }
    added = changes[("open_questions", "q2", "added")]
    assert added.label == "Who pays refunds?"
    assert ("text", None, "Who pays refunds?") in [(f.field, f.before, f.after) for f in added.fields]
    removed = changes[("actors", "bank", "removed")]
    assert ("name", "Brenmark Bank", None) in [(f.field, f.before, f.after) for f in removed.fields]


def test_source_changes_read_as_document_and_span() -> None:
    old, new = version(), version()
    new.canvas.actors[0].sources = [cite(0), cite(40)]
    (field,) = only(diff(old, new)).fields
    assert (field.field, field.before, field.after) == (
        "sources",
        ["memo.md [0-4]"],
        ["memo.md [0-4]", "memo.md [40-44]"],
    )


def test_canvas_level_fields() -> None:
    old, new = version(), version()
    new.canvas.title = "Lumio 2"
    new.canvas.review.cadence = "monthly"
    new.canvas.review.stakeholders = ["lumio", "bank"]
    d = diff(old, new)
    assert d.entries == []
    assert [(f.field, f.before, f.after) for f in d.canvas_fields] == [
        ("title", "Lumio", "Lumio 2"),
        ("review.cadence", None, "monthly"),
        ("review.stakeholders", ["lumio"], ["lumio", "bank"]),
    ]


def test_findings_opened_and_closed() -> None:
    old, new = version(), version()
    f1, _, f3 = new.findings
    f1.status, f1.reason = "dismissed", "owned elsewhere"  # closed, and shown with its reason
    f3.status, f3.reason = "open", None  # reopened
    f4 = Finding(id="f4", rule="r4", severity="error", section="metrics", message="four")
    new.findings = [f1, f3, f4]  # f2 is gone: closed
    d = diff(old, new)
    assert [f.id for f in d.findings_opened] == ["f3", "f4"]
    assert [(f.id, f.status, f.reason) for f in d.findings_closed] == [
        ("f1", "dismissed", "owned elsewhere"),
        ("f2", "open", None),
    ]
    back = diff(new, old)
    assert {f.id for f in back.findings_opened} == {"f1", "f2"}
    assert {f.id for f in back.findings_closed} == {"f3", "f4"}


def test_comments_on_entries_and_findings_are_listed_once_not_as_field_changes() -> None:
    old = version()
    when = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    canvas, findings = apply_review(old.canvas, old.findings, AddComment(entry_id="onb", text="Ask the bank."), when)
    canvas, findings = apply_review(canvas, findings, AddComment(finding_id="f2", text="Known gap."), when)
    d = diff(old, version(canvas=canvas, findings=findings))
    assert d.entries == [], "a comment alone does not make the entry changed"
    assert [(c.on, c.id, c.label, c.comment.text, c.comment.at) for c in d.comments] == [
        ("entry", "onb", "Onboarding", "Ask the bank.", when),
        ("finding", "f2", "two", "Known gap.", when),
    ]
    # Between the commented version and a later one, the old comments are not new again.
    later = version(canvas=canvas, findings=findings)
    assert diff(later, later).empty


def test_a_rejection_reason_reads_as_a_field_change() -> None:
    old = version()
    canvas, _ = apply_review(old.canvas, old.findings, Reject(entry_id="bank", reason="left in 2023"))
    change = only(diff(old, version(canvas=canvas)))
    assert {(f.field, f.before, f.after) for f in change.fields} == {
        ("status", "draft", "rejected"),
        ("reason", None, "left in 2023"),
    }
