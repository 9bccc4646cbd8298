"""Draft acceptance: drafted entries counted by what review made of them, per section and per generator."""

from __future__ import annotations

from ecocanvas.canvas.acceptance import canvas_acceptance, workspace_acceptance
from ecocanvas.canvas.model import Activity, Actor, Canvas, GeneratorInfo, Item, Metric
from ecocanvas.canvas.review import Accept, Add, Batch, Edit, Merge, Reject, apply_review


def drafted(prompt_version: str = "p@1", model: str = "openai/m") -> Canvas:
    return Canvas(
        title="T",
        actors=[Actor(id=f"actor-{n}", name=n) for n in ("ann", "bo", "cy", "dee")],
        activities=[Activity(id=f"act-{n}", name=f"do {n}") for n in ("one", "two")],
        metrics=[Metric(id="kpi-uptime", name="uptime")],
        scope={"objectives": [Item(id="objective-grow", text="grow")]},
        generator=GeneratorInfo(backend="llm", model=model, prompt_version=prompt_version),
    )


def reviewed(canvas: Canvas) -> Canvas:
    actions = Batch(
        actions=[
            Accept(entry_id="actor-ann"),
            Reject(entry_id="actor-bo", reason="gone"),
            Merge(entry_id="actor-cy", other_id="actor-dee"),
            Edit(entry_id="act-one", changes={"owner": "actor-ann"}),
            Add(section="activities", entry={"name": "do three"}),
            Add(section="metrics", entry={"name": "churn"}),
        ]
    )
    return apply_review(canvas, [], actions)[0]


def test_each_drafted_entry_counts_once_by_what_review_made_of_it() -> None:
    report = canvas_acceptance(reviewed(drafted()), "c1", 4)
    assert (report.canvas_id, report.version, report.generator.model) == ("c1", 4, "openai/m")
    actors = report.sections["actors"]
    # ann accepted, bo rejected, dee merged into cy (which the merge edits): four drafted, none pending.
    assert actors.model_dump(exclude_none=True) == {
        "drafted": 4,
        "accepted": 1,
        "edited": 1,
        "merged": 1,
        "rejected": 1,
        "pending": 0,
        "added": 0,
        "accepted_share": 0.25,
        "edited_share": 0.5,
        "rejected_share": 0.25,
        "pending_share": 0.0,
    }
    activities = report.sections["activities"]
    assert (activities.drafted, activities.edited, activities.pending, activities.added) == (2, 1, 1, 1)
    # An added entry is not a drafted one: it says what the draft missed.
    metrics = report.sections["metrics"]
    assert (metrics.drafted, metrics.pending, metrics.added, metrics.accepted_share) == (1, 1, 1, 0.0)
    assert report.sections["objectives"].pending == 1
    assert report.sections["governance"].drafted == 0 and report.sections["governance"].accepted_share is None
    assert report.total.drafted == 4 + 2 + 1 + 1 and report.total.added == 2


def test_an_entry_added_then_edited_stays_added() -> None:
    canvas = apply_review(drafted(), [], Add(section="actors", entry={"name": "eve"}))[0]
    added = next(a for a in canvas.actors if a.name == "eve")
    canvas = apply_review(canvas, [], Edit(entry_id=added.id, changes={"role": "host"}))[0]
    actors = canvas_acceptance(canvas).sections["actors"]
    assert (actors.added, actors.edited, actors.drafted, actors.pending) == (1, 0, 4, 4)


def test_a_workspace_report_sums_canvases_and_splits_them_by_backend_model_and_prompt() -> None:
    old = [canvas_acceptance(reviewed(drafted("p@1")), "a"), canvas_acceptance(drafted("p@1"), "b")]
    new = canvas_acceptance(drafted("p@2"), "c")
    report = workspace_acceptance([old[0], new, old[1]])
    assert [c.canvas_id for c in report.canvases] == ["a", "c", "b"]
    assert [(g.generator.prompt_version, g.canvases) for g in report.generators] == [("p@1", 2), ("p@2", 1)]
    first, second = report.generators
    assert first.total == old[0].total + old[1].total and second.total == new.total
    assert first.sections["actors"].accepted == 1 and first.sections["actors"].pending == 4
    assert report.total.drafted == 3 * 8 and report.sections["actors"].drafted == 12
    assert workspace_acceptance([]).total.drafted == 0
