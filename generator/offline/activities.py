"""Activities and who leads, supports or approves them, from table rows and sentences.

Rows give roles by column (Lead / Support / Approves) or by RACI letters under an actor's column.
Sentences give them by a transfer ("moving to X"), an unowned marker ("nobody owns ..."), an
active verb after the subject, or a passive one before the agent. Negated sentences give none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ecocanvas.generator.drafts import ActivityDraft
from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of, without_leading_date
from ecocanvas.generator.offline.lexicon import ActorEntry
from ecocanvas.generator.offline.names import FORUM_WORDS, role_of
from ecocanvas.generator.offline.nlp import parse
from ecocanvas.generator.offline.phrases import HEADER_LINE, PRONOUN, names_of, phrase, tail_phrase, unique
from ecocanvas.generator.offline.vocabulary import header_is, vocabulary
from ecocanvas.generator.units import Unit, tables

if TYPE_CHECKING:
    from spacy.tokens import Doc

_ROW_CODE = re.compile(
    r"^(?![QH][1-4]\b)(?:[A-Z]{1,2}-?\d{1,3}(?:\.\d{1,2})*|\d{1,3}(?:\.\d{1,2})*)[.):]?\s+(?=[A-Za-z])"
)


# A name ending in these reads as a measure of the work, not the work: "Returns KPI".
_MEASURE_LAST = {"kpi", "kpis", "metric", "metrics", "target", "targets"}
_FORUM_HEADS = frozenset(FORUM_WORDS - {"review"})


def well_named(activities: list[ActivityDraft]) -> list[ActivityDraft]:
    """Every activity, by whichever reader it came, named as a phrase a reviewer would keep.

    A leading date says when, not what ("From 1 May 2025 the mock recall exercise" is the mock
    recall exercise, which keeps its date through the draft's citation). Then the tagger decides: a
    name that opens with a preposition or a bracket ("Re the old links", "[Ruben's correction"),
    ends in an adverb, particle, auxiliary, article or pronoun ("LOI only", "Personal data is
    not"), holds "is", "has" or a modal, or ends in a measure word is a fragment."""
    for a in activities:
        a.name = without_leading_date(a.name)
    names = list(dict.fromkeys(a.name for a in activities))
    fragments = {name for name, doc in zip(names, parse(names), strict=True) if _fragment(doc)}
    return [a for a in activities if a.name not in fragments]


def _fragment(doc: Doc) -> bool:
    tokens = [t for t in doc if not t.is_space]
    if not tokens:
        return True
    first, last = tokens[0], tokens[-1]
    if (first.is_punct and first.text not in "\"'“‘") or first.pos_ == "ADP":
        return True
    if last.pos_ in ("ADV", "PART", "AUX", "DET", "ADP", "CCONJ", "PRON"):
        return True
    # Chairing a forum ("Codeshare Working Group chairing") is governance, not work. (Names ending in
    # the forum itself, "Weekly ops call", cost the check set activities a reviewer keeps.)
    heads = [t.lower_ for t in tokens if not t.is_punct]
    if heads and heads[-1] in ("chairing", "chair") and set(heads) & _FORUM_HEADS:
        return True
    # Only "be", "have" and modals: the small model tags many nouns of a name as verbs
    # ("Merchant onboarding and KYB checks", "Sponsored listings campaigns").
    if any((t.lemma_ in ("be", "have") and t.pos_ == "AUX") or t.tag_ == "MD" for t in tokens):
        return True
    return last.lower_ in _MEASURE_LAST


def read_activities(ctx: Context) -> list[ActivityDraft]:
    by_unit: dict[int, list[ActivityDraft]] = {}
    for table in tables(ctx.units):
        rows = [(unit, draft) for unit in table for draft in _activity_rows(ctx, unit)]
        _dependencies(rows)
        for unit, draft in rows:
            by_unit.setdefault(id(unit), []).append(draft)
            ctx.from_table.add(id(draft))
    # In document order: resolution lets the later of two statements win.
    out: list[ActivityDraft] = []
    for unit in ctx.units:
        out += by_unit.get(id(unit), []) if unit.kind == "row" else []
        out += _activity_sentence(ctx, unit) if unit.kind == "sentence" else []
    return out


_REFERENCES = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*")
_ROW_KEY_COLUMNS = frozenset({"#", "no", "no.", "nr", "id", "ref", "row", "number", "item", "step"})


def _dependencies(rows: list[tuple[Unit, ActivityDraft]]) -> None:
    """A "Depends on" column names the rows this one waits for, by their number or code ("11",
    "A6") or by name; each becomes the name of that row's activity. A reference that names no row
    of the table is left out: it may be work outside the table, and guessing would invent a link."""
    columns = vocabulary().columns
    keys: dict[str, str] = {}
    for unit, draft in rows:
        keys[draft.name.lower()] = draft.name
        for header, value in unit.cells.items():
            # "#" has no letters left once headers are normalised: such a column gets its position.
            if header.strip(" .") in _ROW_KEY_COLUMNS or header.isdigit() or header == "":
                keys.setdefault(value.strip(" .").lower(), draft.name)
        code = _ROW_CODE.match(p.column(unit.cells, p.ACTIVITY_COLUMNS) or "")
        if code:
            keys.setdefault(code.group(0).strip(" .):").lower(), draft.name)
    for unit, draft in rows:
        cell = next((v for h, v in unit.cells.items() if header_is(h, columns.depends)), None)
        if not cell or p.EMPTY_CELL.match(cell):
            continue
        for ref in _REFERENCES.split(cell):
            ref = re.sub(r"^(?:row|rows|step|item|no\.?|#)\s*", "", ref.strip(" .()"), flags=re.I).lower()
            target = keys.get(ref)
            if target and target != draft.name and target not in draft.depends_on:
                draft.depends_on.append(target)


_DUE_COLUMNS = frozenset({"due", "due date", "deadline", "by when", "date due", "due by", "target date", "by"})


def _activity_rows(ctx: Context, unit: Unit) -> list[ActivityDraft]:
    cells = unit.cells
    if any(header_is(header, vocabulary().columns.metric) for header in cells):
        return []  # a KPI table's row (read as a metric)
    name_cell = p.column(cells, p.ACTIVITY_COLUMNS)
    if name_cell is None:
        return []
    if any(header_is(header, vocabulary().columns.receiver) for header in cells):
        return []  # "Item | Provided by | Provided to": what flows between parties, read as exchanges
    name = phrase(name_cell, max_words=14) or name_cell.strip()
    # A row's own number or code is no part of the work's name: "A6 Investigator training", "3. Audits".
    name = _ROW_CODE.sub("", name) or name
    if len(name.split()) == 1 and name != name_cell.strip():
        return []  # "Hosting" of "Hosting, distribution, malware scanning": a list, not one piece of work
    if not any(c.isalpha() for c in name) or p.EMPTY_CELL.match(name):
        return []  # "Step | Who | When to move on" numbers the rungs of a ladder: a number names no work
    if any(header in _DUE_COLUMNS for header in cells):
        return []  # "Action | Who | Due": a one-off action item from the minutes, not ongoing work
    if name.lower().split()[-1] in FORUM_WORDS and any(p.CADENCE.search(v) for v in cells.values()):
        return []  # "Creator ops sync | Weekly, Thursdays": a forum and when it meets (read as governance)
    owners: list[ActorEntry] = []
    supporters: list[ActorEntry] = []
    approvers: list[ActorEntry] = []
    saw_owner_column = False
    for header, value in cells.items():
        role = role_of(header)
        if role == "lead":
            saw_owner_column = True
            owners += ctx.resolve_cell(value)
        elif role is None and header_is(header, vocabulary().columns.weak_lead):
            named = ctx.resolve_cell(value)
            saw_owner_column = saw_owner_column or bool(named)
            owners += named
        elif role == "support":
            supporters += ctx.resolve_cell(value)
        elif role == "approve":
            approvers += ctx.resolve_cell(value)
        elif role is None and re.fullmatch(r"[RACIS](?:\s*[/,]\s*[RACIS])*", value.strip()):
            entry = ctx.lexicon.get(header)
            if entry is None:
                continue
            letters = set(re.findall(r"[RACIS]", value.upper()))
            saw_owner_column = True
            if "R" in letters:
                owners.append(entry)
            if "A" in letters:
                approvers.append(entry)
            if letters & {"C", "S"}:
                supporters.append(entry)
    if not saw_owner_column:
        owners = _doer_column(ctx, cells, name_cell)
        saw_owner_column = bool(owners)
    if not saw_owner_column:
        return []
    owner = owners[0] if owners else None
    approvers = [a for a in approvers if a is not owner] or ([owner] if owner and owner in approvers else [])
    return [
        ActivityDraft(
            quote=quote_of(unit),
            at=evidence_of(unit),
            name=name,
            owner=owner.name if owner else None,
            supporters=names_of([*owners[1:], *supporters], exclude=owner),
            approvers=names_of(approvers, exclude=None),
        )
    ]


def _doer_column(ctx: Context, cells: dict[str, str], name_cell: str) -> list[ActorEntry]:
    """'Activity | Does the work | Signs off': with no column named as the lead's, the parties named
    in the column right after the activity's own, when its header is no other known column and the
    table names helpers or approvers (a table of sites and their hosts is no responsibility table)."""
    headers = list(cells)
    at = next((i for i, h in enumerate(headers) if cells[h] == name_cell), None)
    if at is None or at + 1 >= len(headers):
        return []
    header = headers[at + 1]
    c = vocabulary().columns
    known = (c.metric, c.target, c.source, c.cadence, c.provider, c.receiver, c.value, c.gives, c.gets, c.depends)
    if role_of(header) is not None or header in _DUE_COLUMNS or any(header_is(header, k) for k in known):
        return []
    if not any(role_of(h) in ("support", "approve") for h in headers):
        return []
    return ctx.resolve_cell(cells[header])


def _activity_sentence(ctx: Context, unit: Unit) -> list[ActivityDraft]:
    text = unit.text
    if HEADER_LINE.match(text):
        return []
    out: list[ActivityDraft] = []
    found = ctx.mentions(text)
    # A transfer names the new owner even in a sentence that also mentions the old one.
    for s, e, entry in found:
        transfer = p.TRANSFER.search(text[:s])
        if transfer:
            # Named as any activity is ("Menu publishing", no scrap or markup), not as the regex cut it.
            act = ctx.activity_name(tail_phrase(transfer.group("act")))
            if act:
                out.append(ActivityDraft(quote=quote_of(unit), at=evidence_of(unit), name=act, owner=entry.name))
                continue
        take = p.TAKE_OVER.match(text[e:])
        if take:
            act = ctx.activity_name(phrase(take.group("rest")))
            if act:
                out.append(ActivityDraft(quote=quote_of(unit), at=evidence_of(unit), name=act, owner=entry.name))
    if out:
        return out
    for pattern in p.UNOWNED:
        m = pattern.search(text)
        if not m:
            continue
        raw = m.group("act") or ""
        act = (tail_phrase(raw) if m.start("act") == m.start() else phrase(raw)) if raw else ""
        act = act or (phrase(raw) if raw else "")
        if not act or PRONOUN.match(raw.strip()):
            # "Still not assigned to anyone." names its activity in the heading or lead-in above.
            act = ctx.topic(unit)
        act = ctx.activity_name(act) if act else ""
        if act and not ctx.mentions(act):
            return [ActivityDraft(quote=quote_of(unit), at=evidence_of(unit), name=act, owner=None)]
    return out


def _role_draft(
    unit: Unit,
    act: str,
    role: str,
    actor: str,
    partners: list[str],
    support_names: list[str],
    approve_names: list[str],
) -> ActivityDraft:
    """One activity draft for `actor` in `role`; `partners` share the subject ("A and B jointly lead")."""
    draft = ActivityDraft(quote=quote_of(unit), at=evidence_of(unit), name=act)
    if role == "lead":
        draft.owner = actor
        draft.supporters = unique([*partners, *support_names], exclude=actor)
        draft.approvers = unique(approve_names, exclude=None)
    elif role == "support":
        draft.supporters = unique([actor, *partners], exclude=None)
    else:
        draft.approvers = unique([actor, *partners], exclude=None)
    return draft


def _role_names(text: str, found: list[tuple[int, int, ActorEntry]], marker: re.Pattern[str]) -> list[str]:
    names: list[str] = []
    for s, _e, entry in found:
        window = text[max(0, s - 60) : s]
        if marker.search(window) or (names and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", window[-7:] or "")):
            names.append(entry.name)
    return names


def _subject_groups(
    text: str, found: list[tuple[int, int, ActorEntry]]
) -> list[tuple[int, int, ActorEntry, list[str]]]:
    """'A and B jointly lead X': the verb follows B, but A leads and B supports."""
    out: list[tuple[int, int, ActorEntry, list[str]]] = []
    for i, (_s, e, entry) in enumerate(found):
        group = [entry]
        j = i
        while j > 0 and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[found[j - 1][1] : found[j][0]]):
            j -= 1
            group.insert(0, found[j][2])
        lead = group[0]
        out.append((found[j][0], e, lead, [g.name for g in group[1:] if g is not lead]))
    return out
