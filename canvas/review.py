"""Review actions a person takes on a canvas, how each one applies, and how reviews survive regeneration.

`apply_review` never mutates what it is given: the API stores every review step as a new version,
so the previous version must stay exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from canvas.ids import stable_id
from canvas.model import (
    MAX_SUMMARY_CHARS,
    MAX_TEXT_CHARS,
    Activity,
    Actor,
    Canvas,
    Entry,
    Exchange,
    Finding,
    Item,
    Mechanism,
    Metric,
)
from ecocanvas.errors import InputError, NotFoundError

EntrySection = Literal[
    "objectives",
    "in_scope",
    "out_of_scope",
    "actors",
    "value_exchanges",
    "activities",
    "governance",
    "metrics",
    "open_questions",
]
ENTRY_SECTIONS: tuple[EntrySection, ...] = get_args(EntrySection)
ENTRY_MODELS: dict[EntrySection, type[Entry]] = {
    "objectives": Item,
    "in_scope": Item,
    "out_of_scope": Item,
    "actors": Actor,
    "value_exchanges": Exchange,
    "activities": Activity,
    "governance": Mechanism,
    "metrics": Metric,
    "open_questions": Item,
}
# Where each section's list lives in a Canvas: (parent attribute or None, attribute).
_PLACES: dict[EntrySection, tuple[str | None, str]] = {
    "objectives": ("scope", "objectives"),
    "in_scope": ("scope", "in_scope"),
    "out_of_scope": ("scope", "out_of_scope"),
    "actors": (None, "actors"),
    "value_exchanges": (None, "value_exchanges"),
    "activities": (None, "activities"),
    "governance": (None, "governance"),
    "metrics": (None, "metrics"),
    "open_questions": ("review", "open_questions"),
}
# The generator's id prefixes; entries a person adds get `<prefix>-added` so the two never share an id.
_PREFIXES: dict[EntrySection, str] = {
    "objectives": "objective",
    "in_scope": "in-scope",
    "out_of_scope": "out-of-scope",
    "actors": "actor",
    "value_exchanges": "flow",
    "activities": "act",
    "governance": "gov",
    "metrics": "kpi",
    "open_questions": "question",
}
_FIXED = ("id", "sources", "status")
_ACTOR_REFS = ("owner", "supporters", "approvers", "provider", "receiver", "participants", "actors")
_LABELS = ("name", "text", "description", "value")

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _config(example: dict[str, Any]) -> ConfigDict:
    def extra(schema: dict[str, Any]) -> None:
        # `action` has a default for Python callers, but a JSON body must name it (it picks the model).
        schema["required"] = ["action", *(r for r in schema.get("required", []) if r != "action")]
        schema["examples"] = [example]

    return ConfigDict(extra="forbid", json_schema_extra=extra)


class Accept(BaseModel):
    model_config = _config({"action": "accept", "entry_id": "actor-chargeco-1a2b3c"})
    action: Literal["accept"] = "accept"
    entry_id: NonBlank


class Reject(BaseModel):
    model_config = _config({"action": "reject", "entry_id": "flow-actor-a-actor-b-fees-4d5e6f"})
    action: Literal["reject"] = "reject"
    entry_id: NonBlank


class Edit(BaseModel):
    model_config = _config(
        {"action": "edit", "entry_id": "act-onboarding-7a8b9c", "changes": {"owner": "actor-chargeco-1a2b3c"}}
    )
    action: Literal["edit"] = "edit"
    entry_id: NonBlank
    changes: dict[str, Any] = Field(min_length=1, description="Field name to its new value.")


class Add(BaseModel):
    model_config = _config(
        {
            "action": "add",
            "section": "actors",
            "entry": {"name": "Brenmark Bank", "kind": "partner", "role": "acquirer"},
        }
    )
    action: Literal["add"] = "add"
    section: EntrySection
    entry: dict[str, Any] = Field(description="The entry's fields without id, sources and status.")


class SetText(BaseModel):
    model_config = _config({"action": "set", "field": "review.cadence", "value": "quarterly"})
    action: Literal["set"] = "set"
    field: Literal["title", "scope.summary", "review.cadence"]
    # The longest field's cap; each field's own (title, cadence) is checked when it is set.
    value: str | None = Field(max_length=MAX_SUMMARY_CHARS)


class Dismiss(BaseModel):
    model_config = _config({"action": "dismiss", "finding_id": "f-unowned-activity-1", "reason": "owned off-canvas"})
    action: Literal["dismiss"] = "dismiss"
    finding_id: NonBlank
    reason: Annotated[NonBlank, Field(max_length=MAX_TEXT_CHARS)]


class Resolve(BaseModel):
    model_config = _config({"action": "resolve", "finding_id": "f-unowned-activity-1", "reason": "owner agreed"})
    action: Literal["resolve"] = "resolve"
    finding_id: NonBlank
    reason: str | None = Field(None, max_length=MAX_TEXT_CHARS)


class Reopen(BaseModel):
    model_config = _config({"action": "reopen", "finding_id": "f-unowned-activity-1"})
    action: Literal["reopen"] = "reopen"
    finding_id: NonBlank


ReviewAction = Annotated[
    Accept | Reject | Edit | Add | SetText | Dismiss | Resolve | Reopen, Field(discriminator="action")
]
_ACTION_ADAPTER: TypeAdapter[ReviewAction] = TypeAdapter(ReviewAction)


def parse_review_action(data: object) -> ReviewAction:
    """A review action from decoded JSON; a malformed one is an InputError."""
    try:
        return _ACTION_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InputError(f"invalid review action: {_messages(exc)}") from None


def section_entries(canvas: Canvas, section: EntrySection) -> list[Entry]:
    """The canvas's own list for a section (not a copy): appending to it changes the canvas."""
    parent, attr = _PLACES[section]
    holder = getattr(canvas, parent) if parent else canvas
    return cast(list[Entry], getattr(holder, attr))


def entry_label(entry: Entry) -> str:
    """What a person calls the entry: its name, text, description or value."""
    return next((str(v) for f in _LABELS if isinstance(v := getattr(entry, f, None), str)), entry.id)


def apply_review(canvas: Canvas, findings: list[Finding], action: ReviewAction) -> tuple[Canvas, list[Finding]]:
    """The canvas and findings after one review action, as new objects."""
    out = _containers_copied(canvas)
    found = list(findings)
    if isinstance(action, Accept | Reject | Edit):
        entries, i = _locate(out, action.entry_id)
        if isinstance(action, Edit):
            entries[i] = _edited(out, entries[i], action.changes)
        else:
            entries[i] = entries[i].model_copy(
                update={"status": "accepted" if isinstance(action, Accept) else "rejected"}
            )
    elif isinstance(action, Add):
        _add(out, action.section, action.entry)
    elif isinstance(action, SetText):
        _set_text(out, action.field, action.value)
    else:
        at = next((i for i, f in enumerate(found) if f.id == action.finding_id), None)
        if at is None:
            raise NotFoundError(f"no finding with id {action.finding_id!r}")
        if isinstance(action, Dismiss):
            decision: dict[str, Any] = {"status": "dismissed", "reason": action.reason}
        elif isinstance(action, Resolve):
            decision = {"status": "resolved", "reason": (action.reason or "").strip() or None}
        else:
            decision = {"status": "open", "reason": None}
        found[at] = found[at].model_copy(update=decision)
    return out, found


def _containers_copied(canvas: Canvas) -> Canvas:
    """A copy with new lists and section objects but the same entries.

    Cheaper than a deep copy by an order of magnitude on a large canvas, and as safe: a review
    action replaces the entry it changes and never mutates one in place.
    """
    scope, review = canvas.scope, canvas.review
    return canvas.model_copy(
        update={
            "scope": scope.model_copy(
                update={
                    "objectives": [*scope.objectives],
                    "in_scope": [*scope.in_scope],
                    "out_of_scope": [*scope.out_of_scope],
                }
            ),
            "review": review.model_copy(
                update={
                    "open_questions": [*review.open_questions],
                    "stakeholders": [*review.stakeholders],
                    "cadence_sources": [*review.cadence_sources],
                }
            ),
            "actors": [*canvas.actors],
            "value_exchanges": [*canvas.value_exchanges],
            "activities": [*canvas.activities],
            "governance": [*canvas.governance],
            "metrics": [*canvas.metrics],
        }
    )


def keep_reviewed(new: Canvas, previous: Canvas) -> Canvas:
    """Carry a person's decisions from `previous` into a regenerated canvas `new`.

    Accepted and edited entries win over their regenerated twin, and survive when regeneration no
    longer finds them; a rejected entry that comes back stays rejected; a rejected one that vanished
    is dropped. Canvas-level texts and stakeholders come from `new`.
    """
    merged = new.model_copy(deep=True)
    for section in ENTRY_SECTIONS:
        current = section_entries(merged, section)
        index: dict[str, int] = {}
        for i, entry in enumerate(current):
            index.setdefault(entry.id, i)
        for old in section_entries(previous, section):
            if old.status == "draft":
                continue
            if old.id in index:
                current[index[old.id]] = old.model_copy(deep=True)
            elif old.status != "rejected":
                index[old.id] = len(current)
                current.append(old.model_copy(deep=True))
    return merged


def _locate(canvas: Canvas, entry_id: str) -> tuple[list[Entry], int]:
    for section in ENTRY_SECTIONS:
        entries = section_entries(canvas, section)
        for i, entry in enumerate(entries):
            if entry.id == entry_id:
                return entries, i
    raise NotFoundError(f"no entry with id {entry_id!r}")


def _check_fields(model: type[Entry], names: Iterable[str]) -> None:
    allowed = [f for f in model.model_fields if f not in _FIXED]
    names = list(names)
    for name in names:
        if name in _FIXED:
            raise InputError(f"field {name!r} cannot be set by a review action")
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)} for {model.__name__}; allowed: {', '.join(allowed)}")


def _validated(canvas: Canvas, model: type[Entry], data: dict[str, Any], checked: Iterable[str]) -> Entry:
    """`data` as a `model`, with its label non-blank and the references in `checked` pointing at live entries."""
    try:
        entry = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid {model.__name__}: {_messages(exc)}") from None
    for field in _LABELS:
        if field in model.model_fields and not str(getattr(entry, field)).strip():
            raise InputError(f"{model.__name__} {field} must not be blank")
    checked = set(checked)
    actors = {a.id for a in canvas.actors if a.status != "rejected"}
    for field in (f for f in _ACTOR_REFS if f in checked and f in model.model_fields):
        value = getattr(entry, field)
        for ref in value if isinstance(value, list) else [value] if value is not None else []:
            if ref not in actors:
                raise InputError(f"{field}: {ref!r} is not the id of an actor in this canvas (or it was rejected)")
    if "depends_on" in checked and isinstance(entry, Activity):
        activities = {a.id for a in canvas.activities if a.status != "rejected"} - {entry.id}
        for ref in entry.depends_on:
            if ref not in activities:
                raise InputError(f"depends_on: {ref!r} is not the id of another activity in this canvas")
    return entry


def _edited(canvas: Canvas, entry: Entry, changes: dict[str, Any]) -> Entry:
    model = type(entry)
    _check_fields(model, changes)
    return _validated(canvas, model, {**entry.model_dump(), **changes, "status": "edited"}, changes)


def _add(canvas: Canvas, section: EntrySection, fields: dict[str, Any]) -> None:
    model = ENTRY_MODELS[section]
    _check_fields(model, fields)
    entry = _validated(canvas, model, {**fields, "id": "new", "sources": [], "status": "accepted"}, model.model_fields)
    key = entry_label(entry)
    if isinstance(entry, Exchange):
        key = f"{entry.provider} {entry.receiver} {entry.value}"
    elif isinstance(entry, Mechanism):
        key = f"{entry.kind} {entry.description}"
    taken = {e.id for e in canvas.entries()}
    prefix, n = f"{_PREFIXES[section]}-added", 1
    entry.id = stable_id(prefix, key)
    while entry.id in taken:
        n += 1
        entry.id = stable_id(prefix, f"{key} {n}")
    section_entries(canvas, section).append(entry)


def _set_text(canvas: Canvas, field: str, value: str | None) -> None:
    text = (value or "").strip()
    try:
        if field == "title":
            canvas.title = text
        elif field == "scope.summary":
            canvas.scope.summary = text
        elif (text or None) != canvas.review.cadence:
            # The old citations supported the old wording, not what the person wrote.
            canvas.review.cadence, canvas.review.cadence_sources = text or None, []
    except ValidationError as exc:  # the field's own cap (assignments are validated)
        raise InputError(f"{field}: " + "; ".join(e["msg"] for e in exc.errors())) from None


def _messages(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors())
