"""Review actions a person takes on a canvas, how each one applies, and how reviews survive regeneration.

`apply_review` never mutates what it is given: the API stores every review step as a new version,
so the previous version must stay exactly as it was. `Restore` and `Undo` are review actions too,
but they read other stored versions, so the API's service applies them, not `apply_review`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, model_validator

from ecocanvas.canvas.ids import normalise_key, stable_id
from ecocanvas.canvas.model import (
    MAX_LABEL_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    Activity,
    Actor,
    Canvas,
    CanvasField,
    Citation,
    Comment,
    Entry,
    Exchange,
    Finding,
    Mechanism,
)
from ecocanvas.canvas.registry import ENTRY_SECTIONS as ENTRY_SECTIONS  # re-exported: review's readers import it here
from ecocanvas.canvas.registry import LISTS
from ecocanvas.canvas.registry import EntrySection as EntrySection
from ecocanvas.errors import InputError, NotFoundError

ENTRY_MODELS: dict[EntrySection, type[Entry]] = {name: spec.model for name, spec in LISTS.items()}
# Where each section's list lives in a Canvas: (parent attribute or None, attribute).
_PLACES: dict[EntrySection, tuple[str | None, str]] = {name: (spec.parent, name) for name, spec in LISTS.items()}
# The generator's id prefixes; entries a person adds get `<prefix>-added` so the two never share an id.
_PREFIXES: dict[EntrySection, str] = {name: spec.prefix for name, spec in LISTS.items()}
# Fields only review actions of their own change: an edit may not set them.
_FIXED = ("id", "sources", "status", "reason", "comments", "merged_from")
_ACTOR_REFS = ("owner", "supporters", "approvers", "provider", "receiver", "participants", "actors")
_ACTIVITY_REFS = ("depends_on",)
_LABELS = ("name", "text", "description", "value")

# Lengths a person's text may have: a note is a paragraph, a title a line. Longer is a 422, not a
# version that every later version copies again.
MAX_ID = 200
MAX_NOTE = 2_000
# A canvas field a person sets takes what the model's field holds: one cap each, defined in canvas.model,
# also what the API tells the page (`GET /v1/workspace`, `text_limits`) for its inputs' maxlength.
MAX_TEXT: dict[str, int] = {
    "title": MAX_TITLE_CHARS,
    "scope.summary": MAX_SUMMARY_CHARS,
    "review.cadence": MAX_LABEL_CHARS,
}
MAX_BATCH = 500

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE)]
OptionalNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE)]
Ref = Annotated[str, StringConstraints(pattern=r"^new:[A-Za-z0-9_-]{1,40}$")]


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
    model_config = _config(
        {"action": "reject", "entry_id": "flow-actor-a-actor-b-fees-4d5e6f", "reason": "the contract ended in 2023"}
    )
    action: Literal["reject"] = "reject"
    entry_id: NonBlank
    reason: OptionalNote | None = Field(None, description="Why it is wrong; kept with the entry.")


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
    ref: Ref | None = Field(
        None,
        description="In a batch: a name (`new:<word>`) later actions of the batch use for this entry's id, "
        "e.g. an activity's owner that the same batch adds as an actor.",
    )


class SetText(BaseModel):
    model_config = _config({"action": "set", "field": "review.cadence", "value": "quarterly"})
    action: Literal["set"] = "set"
    field: CanvasField
    value: str | list[Annotated[str, StringConstraints(max_length=MAX_ID)]] | None = Field(
        description="Text for title, scope.summary and review.cadence; a list of actor ids for review.stakeholders."
    )

    @model_validator(mode="after")
    def _shape(self) -> SetText:
        if self.field == "review.stakeholders":
            if not isinstance(self.value, list):
                raise ValueError("review.stakeholders takes a list of actor ids")
            if len(self.value) > 1000:
                raise ValueError("review.stakeholders takes at most 1000 actor ids")
        elif isinstance(self.value, list):
            raise ValueError(f"{self.field} takes a string or null")
        elif self.value is not None and len(self.value.strip()) > MAX_TEXT[self.field]:
            raise ValueError(f"{self.field} takes at most {MAX_TEXT[self.field]} characters")
        return self


class Merge(BaseModel):
    model_config = _config(
        {"action": "merge", "entry_id": "actor-chargeco-1a2b3c", "other_id": "actor-charge-co-4d5e6f"}
    )
    action: Literal["merge"] = "merge"
    entry_id: NonBlank = Field(description="The entry that stays.")
    other_id: NonBlank = Field(description="The entry merged into it and removed; references to it are rewritten.")


class AddComment(BaseModel):
    model_config = _config({"action": "comment", "entry_id": "act-onboarding-7a8b9c", "text": "Check with legal."})
    action: Literal["comment"] = "comment"
    entry_id: NonBlank | None = None
    finding_id: NonBlank | None = None
    text: Note

    @model_validator(mode="after")
    def _one_subject(self) -> AddComment:
        if (self.entry_id is None) == (self.finding_id is None):
            raise ValueError("name exactly one of entry_id and finding_id")
        return self


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


# What changes one canvas version into the next by itself (a batch holds only these).
CanvasAction = Annotated[
    Accept | Reject | Edit | Add | SetText | Merge | AddComment | Dismiss | Resolve | Reopen,
    Field(discriminator="action"),
]


class Batch(BaseModel):
    model_config = _config(
        {
            "action": "batch",
            "actions": [
                {"action": "add", "section": "actors", "entry": {"name": "Brenmark Bank"}, "ref": "new:bank"},
                {"action": "edit", "entry_id": "act-onboarding-7a8b9c", "changes": {"owner": "new:bank"}},
                {"action": "accept", "entry_id": "act-onboarding-7a8b9c"},
            ],
        }
    )
    action: Literal["batch"] = "batch"
    actions: list[CanvasAction] = Field(
        min_length=1, max_length=MAX_BATCH, description="Applied in order as one version: all of them or none."
    )


class Restore(BaseModel):
    model_config = _config({"action": "restore", "version": 3})
    action: Literal["restore"] = "restore"
    version: int = Field(ge=1, le=2**31 - 1, description="The version whose canvas and findings come back.")


class Undo(BaseModel):
    model_config = _config({"action": "undo"})
    action: Literal["undo"] = "undo"


ReviewAction = Annotated[
    Accept | Reject | Edit | Add | SetText | Merge | AddComment | Dismiss | Resolve | Reopen | Batch | Restore | Undo,
    Field(discriminator="action"),
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


def added_by_hand(section: EntrySection, entry_id: str) -> bool:
    """Whether the entry is one a person added (`add` gives it the `<prefix>-added` id), not a drafted one."""
    return entry_id.startswith(f"{_PREFIXES[section]}-added-")


def entry_label(entry: Entry) -> str:
    """What a person calls the entry: its name, text, description or value."""
    return next((str(v) for f in _LABELS if isinstance(v := getattr(entry, f, None), str)), entry.id)


def apply_review(
    canvas: Canvas, findings: list[Finding], action: ReviewAction, now: datetime | None = None
) -> tuple[Canvas, list[Finding]]:
    """The canvas and findings after one review action, as new objects. `now` dates comments."""
    if isinstance(action, Restore | Undo):
        raise InputError(f"{action.action} reads other versions of the canvas: the API applies it, not apply_review")
    out = containers_copied(canvas)
    found = list(findings)
    when = now or datetime.now(UTC)
    if isinstance(action, Batch):
        refs: dict[str, str] = {}
        for step in action.actions:
            added = _apply(out, found, _with_refs(step, refs), when)
            if isinstance(step, Add) and step.ref is not None and added is not None:
                refs[step.ref] = added
    else:
        _apply(out, found, action, when)
    return out, found


def _apply(canvas: Canvas, findings: list[Finding], action: BaseModel, now: datetime) -> str | None:
    """Apply one action to `canvas` (whose containers are already copies) and `findings`; an added entry's id."""
    if isinstance(action, Accept | Reject):
        entries, i = _locate(canvas, action.entry_id)
        if isinstance(action, Accept):
            decision: dict[str, Any] = {"status": "accepted", "reason": None}
        else:
            decision = {"status": "rejected", "reason": (action.reason or "").strip() or None}
        entries[i] = entries[i].model_copy(update=decision)
    elif isinstance(action, Edit):
        entries, i = _locate(canvas, action.entry_id)
        entries[i] = _edited(canvas, entries[i], action.changes)
    elif isinstance(action, Add):
        return _add(canvas, action.section, action.entry)
    elif isinstance(action, SetText):
        _set_text(canvas, action.field, action.value)
    elif isinstance(action, Merge):
        _merge(canvas, action.entry_id, action.other_id)
    elif isinstance(action, AddComment):
        comment = Comment(text=action.text, at=now)
        if action.entry_id is not None:
            entries, i = _locate(canvas, action.entry_id)
            entries[i] = entries[i].model_copy(update={"comments": [*entries[i].comments, comment]})
        else:
            at = _finding_at(findings, cast(str, action.finding_id))
            findings[at] = findings[at].model_copy(update={"comments": [*findings[at].comments, comment]})
    elif isinstance(action, Dismiss | Resolve | Reopen):
        at = _finding_at(findings, action.finding_id)
        if isinstance(action, Dismiss):
            decision = {"status": "dismissed", "reason": action.reason}
        elif isinstance(action, Resolve):
            decision = {"status": "resolved", "reason": (action.reason or "").strip() or None}
        else:
            decision = {"status": "open", "reason": None}
        findings[at] = findings[at].model_copy(update=decision)
    else:  # pragma: no cover - the union is closed
        raise InputError(f"unknown review action {type(action).__name__}")
    return None


def _finding_at(findings: list[Finding], finding_id: str) -> int:
    at = next((i for i, f in enumerate(findings) if f.id == finding_id), None)
    if at is None:
        raise NotFoundError(f"no finding with id {finding_id!r}")
    return at


def _with_refs(action: BaseModel, refs: dict[str, str]) -> BaseModel:
    """`action` with the batch's `new:<word>` names replaced by the ids the batch gave those entries."""
    if not refs:
        return action

    def sub(value: Any) -> Any:
        if isinstance(value, str):
            return refs.get(value, value)
        if isinstance(value, list):
            return [refs.get(v, v) if isinstance(v, str) else v for v in value]
        return value

    update: dict[str, Any] = {}
    for name in ("entry_id", "other_id"):
        if isinstance(getattr(action, name, None), str):
            update[name] = sub(getattr(action, name))
    refs_in = (*_ACTOR_REFS, *_ACTIVITY_REFS)
    if isinstance(action, Edit):
        update["changes"] = {k: sub(v) if k in refs_in else v for k, v in action.changes.items()}
    elif isinstance(action, Add):
        update["entry"] = {k: sub(v) if k in refs_in else v for k, v in action.entry.items()}
    elif isinstance(action, SetText) and action.field == "review.stakeholders":
        update["value"] = sub(action.value)
    return action.model_copy(update=update)


def containers_copied(canvas: Canvas) -> Canvas:
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
    longer finds them; a rejected entry that comes back stays rejected (with its reason); a rejected
    one that vanished is dropped. Comments on a draft move to its regenerated twin. Entries a person
    merged stay merged: the regenerated twin of a merged-away entry is dropped and references to it
    point at the entry it was merged into. Canvas-level fields come from `new` unless a person set
    them (`reviewed_fields`).
    """
    merged = new.model_copy(deep=True)
    for section in ENTRY_SECTIONS:
        current = section_entries(merged, section)
        index: dict[str, int] = {}
        for i, entry in enumerate(current):
            index.setdefault(entry.id, i)
        for old in section_entries(previous, section):
            if old.status == "draft":
                if old.comments and old.id in index:
                    twin = current[index[old.id]]
                    current[index[old.id]] = twin.model_copy(update={"comments": [*old.comments]})
                continue
            if old.id in index:
                current[index[old.id]] = old.model_copy(deep=True)
            elif old.status != "rejected":
                index[old.id] = len(current)
                current.append(old.model_copy(deep=True))
    _keep_merges(merged)
    _keep_fields(merged, previous)
    return merged


def _keep_merges(canvas: Canvas) -> None:
    """Drop regenerated twins of entries a person merged away, and point references at what they merged into."""
    into: dict[str, str] = {}
    for entry in canvas.entries():
        for gone in entry.merged_from:
            into.setdefault(gone, entry.id)
    if not into:
        return
    for section in ENTRY_SECTIONS:
        entries = section_entries(canvas, section)
        entries[:] = [e for e in entries if e.id not in into]
    _rewrite_refs(canvas, into)


def _keep_fields(merged: Canvas, previous: Canvas) -> None:
    fields = list(dict.fromkeys([*merged.reviewed_fields, *previous.reviewed_fields]))
    for field in previous.reviewed_fields:
        if field == "title":
            merged.title = previous.title
        elif field == "scope.summary":
            merged.scope.summary = previous.scope.summary
        elif field == "review.cadence":
            merged.review.cadence = previous.review.cadence
            merged.review.cadence_sources = [c.model_copy() for c in previous.review.cadence_sources]
        else:
            # An actor the person chose that no longer exists at all would be a dangling id.
            known = merged.actor_ids()
            merged.review.stakeholders = [s for s in previous.review.stakeholders if s in known]
    merged.reviewed_fields = fields


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


def _add(canvas: Canvas, section: EntrySection, fields: dict[str, Any]) -> str:
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
    return entry.id


def _set_text(canvas: Canvas, field: CanvasField, value: str | list[str] | None) -> None:
    if field == "review.stakeholders":
        live = {a.id for a in canvas.actors if a.status != "rejected"}
        ids = list(dict.fromkeys(cast(list[str], value or [])))
        for ref in ids:
            if ref not in live:
                raise InputError(
                    f"review.stakeholders: {ref!r} is not the id of an actor in this canvas (or it was rejected)"
                )
        canvas.review.stakeholders = ids
    else:
        text = cast(str | None, value)
        text = (text or "").strip()
        _set_one_text(canvas, field, text)
    if field not in canvas.reviewed_fields:
        canvas.reviewed_fields = [*canvas.reviewed_fields, field]


def _set_one_text(canvas: Canvas, field: CanvasField, text: str) -> None:
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


def _merge(canvas: Canvas, keep_id: str, other_id: str) -> None:
    """Merge entry `other_id` into `keep_id` (same section): one entry with both entries' citations."""
    if keep_id == other_id:
        raise InputError("an entry cannot be merged with itself")
    entries, i = _locate(canvas, keep_id)
    others, j = _locate(canvas, other_id)
    if others is not entries:
        raise InputError("only two entries of the same section can be merged")
    keep, other = entries[i], entries[j]
    update: dict[str, Any] = {}
    for name in type(keep).model_fields:
        if name in _FIXED:
            continue
        mine, theirs = getattr(keep, name), getattr(other, name)
        if isinstance(mine, list):
            update[name] = list(dict.fromkeys([*mine, *theirs]))
        elif mine in (None, "") and theirs not in (None, ""):
            update[name] = theirs
    if isinstance(keep, Actor) and isinstance(other, Actor):
        # The merged-away actor's name is one more name the documents use for the actor that stays.
        names = [other.name, *other.aliases, *keep.aliases]
        seen = {normalise_key(keep.name)}
        aliases = []
        for alias in names:
            if normalise_key(alias) not in seen:
                seen.add(normalise_key(alias))
                aliases.append(alias)
        update["aliases"] = aliases
    cited = {(c.document_id, c.start, c.end) for c in keep.sources}
    sources: list[Citation] = [
        *keep.sources,
        *(c for c in other.sources if (c.document_id, c.start, c.end) not in cited),
    ]
    update |= {
        "sources": sources,
        "status": "edited",
        "reason": None,
        "comments": sorted([*keep.comments, *other.comments], key=lambda c: c.at or datetime.min.replace(tzinfo=UTC)),
        "merged_from": list(dict.fromkeys([*keep.merged_from, other.id, *other.merged_from])),
    }
    entries[i] = type(keep).model_validate({**keep.model_dump(), **update})
    del entries[j]
    _rewrite_refs(canvas, {other.id: keep.id})


def _rewrite_refs(canvas: Canvas, into: dict[str, str]) -> None:
    """Point every actor and activity reference in `into`'s keys at its value (one list entry per id)."""
    for section in ENTRY_SECTIONS:
        entries = section_entries(canvas, section)
        for i, entry in enumerate(entries):
            update: dict[str, Any] = {}
            for name in (*_ACTOR_REFS, *_ACTIVITY_REFS):
                value = getattr(entry, name, None)
                if isinstance(value, str) and value in into:
                    update[name] = into[value]
                elif isinstance(value, list) and any(v in into for v in value):
                    update[name] = list(dict.fromkeys(into.get(v, v) for v in value))
            if isinstance(entry, Activity):
                owner = update.get("owner", entry.owner)
                supporters = update.get("supporters", entry.supporters)
                if owner in supporters:
                    update["supporters"] = [s for s in supporters if s != owner]
                depends = update.get("depends_on", entry.depends_on)
                if entry.id in depends:
                    update["depends_on"] = [d for d in depends if d != entry.id]
            if update:
                entries[i] = entry.model_copy(update=update)
    stakeholders = canvas.review.stakeholders
    if any(s in into for s in stakeholders):
        canvas.review.stakeholders = list(dict.fromkeys(into.get(s, s) for s in stakeholders))


def _messages(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors())
