"""`carry_over`: what a person said about a finding survives a re-check, on review edits and regenerations."""

from __future__ import annotations

from datetime import UTC, datetime

from rules_canvases import activity, lumio

from ecocanvas.canvas.model import Comment
from ecocanvas.rules import carry_over, check


def test_dismissed_and_resolved_findings_keep_their_status_note_and_comments() -> None:
    c = lumio()
    activity(c, "kyc").owner = None
    activity(c, "onb").owner = None
    first, second = [f for f in check(c) if f.rule == "unowned-activity"][:2]
    note = Comment(text="Owner named in the June minutes.", at=datetime(2026, 6, 1, tzinfo=UTC))
    previous = [
        first.model_copy(update={"status": "resolved", "reason": "agreed at the June board", "comments": [note]}),
        second.model_copy(update={"comments": [note]}),
    ]
    again = {f.id: f for f in carry_over(check(c), previous)}
    assert (again[first.id].status, again[first.id].reason) == ("resolved", "agreed at the June board")
    assert again[first.id].comments == [note]
    assert again[second.id].status == "open" and again[second.id].comments == [note]


def test_keep_limits_which_decisions_carry_over() -> None:
    c = lumio()
    activity(c, "kyc").owner = None
    (gap,) = [f for f in check(c) if f.rule == "unowned-activity"]
    previous = [gap.model_copy(update={"status": "resolved", "reason": "done"})]
    (only_dismissals,) = [f for f in carry_over(check(c), previous, keep=("dismissed",)) if f.id == gap.id]
    assert (only_dismissals.status, only_dismissals.reason) == ("open", None)
