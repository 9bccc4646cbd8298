"""What changed between two versions of a canvas: entries field by field, canvas texts, findings, comments.

Entries are matched by id within their section, which works because ids are stable across
regeneration and review. Generator information (costs, timings) is not part of a diff.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ecocanvas.canvas.model import Canvas, CanvasResult, Citation, Comment, Entry, Finding
from ecocanvas.canvas.review import ENTRY_SECTIONS, EntrySection, entry_label, section_entries


class FieldChange(BaseModel):
    field: str
    before: Any = None
    after: Any = None


class EntryChange(BaseModel):
    section: EntrySection
    id: str
    label: str = Field(description="The entry's name, text, description or value (the newer one when changed).")
    change: Literal["added", "removed", "changed"]
    fields: list[FieldChange] = Field(
        default_factory=list, description="Changed fields; for an added or removed entry, its non-empty fields."
    )


class CommentAdded(BaseModel):
    on: Literal["entry", "finding"]
    id: str = Field(description="The entry's or the finding's id.")
    label: str = Field(description="The entry's label, or the finding's message.")
    comment: Comment


class CanvasDiff(BaseModel):
    entries: list[EntryChange] = Field(default_factory=list)
    canvas_fields: list[FieldChange] = Field(default_factory=list)
    findings_opened: list[Finding] = Field(default_factory=list)
    findings_closed: list[Finding] = Field(default_factory=list)
    comments: list[CommentAdded] = Field(
        default_factory=list, description="Comments written on entries and findings between the two versions."
    )

    @property
    def empty(self) -> bool:
        return not (self.entries or self.canvas_fields or self.findings_opened or self.findings_closed or self.comments)


_EMPTY: tuple[Any, ...] = (None, "", [])


def _cite(c: Citation) -> str:
    return f"{c.document} [{c.start}-{c.end}]"


def _fields(entry: Entry) -> dict[str, Any]:
    """The entry's comparable values; citations as `document [start-end]` so a change reads in one line.

    Comments are left out: the diff lists new comments on their own, by entry.
    """
    data = entry.model_dump(mode="json", exclude={"id", "sources", "comments"})
    data["sources"] = [_cite(c) for c in entry.sources]
    return data


def _first_by_id(entries: list[Entry]) -> dict[str, Entry]:
    """Entries by id in canvas order; when ids repeat the first wins, as in the rules."""
    out: dict[str, Entry] = {}
    for e in entries:
        out.setdefault(e.id, e)
    return out


def _entry_changes(section: EntrySection, old: list[Entry], new: list[Entry]) -> list[EntryChange]:
    before, after = _first_by_id(old), _first_by_id(new)
    out: list[EntryChange] = []

    def note(entry: Entry, change: Literal["added", "removed", "changed"], fields: list[FieldChange]) -> None:
        out.append(EntryChange(section=section, id=entry.id, label=entry_label(entry), change=change, fields=fields))

    for entry_id, entry in after.items():
        if entry_id not in before:
            note(entry, "added", [FieldChange(field=k, after=v) for k, v in _fields(entry).items() if v not in _EMPTY])
            continue
        was, now = _fields(before[entry_id]), _fields(entry)
        changed = [FieldChange(field=k, before=was.get(k), after=v) for k, v in now.items() if was.get(k) != v]
        if changed:
            note(entry, "changed", changed)
    for entry_id, entry in before.items():
        if entry_id not in after:
            note(
                entry, "removed", [FieldChange(field=k, before=v) for k, v in _fields(entry).items() if v not in _EMPTY]
            )
    return out


def _canvas_fields(old: Canvas, new: Canvas) -> list[FieldChange]:
    pairs: list[tuple[str, Any, Any]] = [
        ("title", old.title, new.title),
        ("scope.summary", old.scope.summary, new.scope.summary),
        ("review.cadence", old.review.cadence, new.review.cadence),
        ("review.stakeholders", old.review.stakeholders, new.review.stakeholders),
    ]
    return [FieldChange(field=name, before=a, after=b) for name, a, b in pairs if a != b]


def _new_comments(
    on: Literal["entry", "finding"], old: dict[str, list[Comment]], new: list[tuple[str, str, list[Comment]]]
) -> list[CommentAdded]:
    out = []
    for subject, label, comments in new:
        seen = {(c.text, c.at) for c in old.get(subject, [])}
        out += [CommentAdded(on=on, id=subject, label=label, comment=c) for c in comments if (c.text, c.at) not in seen]
    return out


def diff(old: CanvasResult, new: CanvasResult) -> CanvasDiff:
    """What a reader of `old` needs to know to understand `new`."""
    entries: list[EntryChange] = []
    for section in ENTRY_SECTIONS:
        entries += _entry_changes(section, section_entries(old.canvas, section), section_entries(new.canvas, section))
    was_open = {f.id for f in old.findings if f.status == "open"}
    now_open = {f.id for f in new.findings if f.status == "open"}
    latest: dict[str, Finding] = {}
    for f in new.findings:
        latest.setdefault(f.id, f)
    closed = [f for f in old.findings if f.status == "open" and f.id not in now_open]
    comments = _new_comments(
        "entry",
        {e.id: e.comments for e in old.canvas.entries()},
        [(e.id, entry_label(e), e.comments) for e in new.canvas.entries()],
    )
    comments += _new_comments(
        "finding", {f.id: f.comments for f in old.findings}, [(f.id, f.message, f.comments) for f in new.findings]
    )
    return CanvasDiff(
        entries=entries,
        canvas_fields=_canvas_fields(old.canvas, new.canvas),
        findings_opened=[f for f in new.findings if f.status == "open" and f.id not in was_open],
        # A closed finding is shown as it is now (with its reason) when it still exists.
        findings_closed=[latest.get(f.id, f) for f in closed],
        comments=comments,
    )
