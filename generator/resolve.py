"""Resolution: one actor per organisation, every reference an actor of the canvas, one entry per thing.

- Names merge across sections and documents: aliases, abbreviations ("NHM" for "Nordhavn Harbour
  Mobility"), role nouns a document defines ("the utility"), legal suffixes ("Ltd").
- A reference to a name that is not an actor becomes an actor only when the documents contain
  that name; otherwise the reference is dropped (no phantom actors). With
  `references_create_actors=False` (the LLM path, whose entries refer to its own actor list) a
  reference never creates one: an actor dropped for an injected or missing quote stays dropped.
- Organisations the documents exclude (not selected, contract ended) take no part unless a
  relation positively involves them.
- Where documents disagree (two owners for one activity, two targets for one metric) the most
  recent dated document wins and the disagreement becomes an open question citing both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import Citation
from ecocanvas.generator.actor_names import classify, clean_name, initials
from ecocanvas.generator.drafts import ActivityDraft, ActorDraft, CanvasDraft, EntryDraft, MetricDraft
from ecocanvas.knowledge import Document

_SUFFIXES = re.compile(
    r"\s+(?:ltd|limited|inc|incorporated|plc|llc|gmbh|ag|sa|nv|bv|oy|ab|a/s|as|co|corp|corporation|group|"
    r"holding|holdings)\.?$",
    re.I,
)
_GENERIC = {
    "partner",
    "partners",
    "team",
    "company",
    "organisation",
    "organization",
    "provider",
    "vendor",
    "we",
    "us",
    "our",
    "they",
    "all",
    "everyone",
    "none",
    "tbd",
    "n/a",
}


class OpenQuestion(BaseModel):
    text: str
    sources: list[Citation] = Field(default_factory=list)


class Resolution(BaseModel):
    draft: CanvasDraft
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    dropped_references: int = 0
    dropped_injected: int = 0


def _keys(name: str) -> set[str]:
    base = clean_name(name)
    keys = {normalise_key(name), normalise_key(base), normalise_key(_SUFFIXES.sub("", base))}
    return {k for k in keys if k and k not in _GENERIC}


class _Actors:
    def __init__(self, documents: Sequence[Document], create: bool = True) -> None:
        self.documents = documents
        self.create = create
        self.actors: list[ActorDraft] = []
        self.by_key: dict[str, ActorDraft] = {}
        self.excluded: set[str] = set()

    def add(self, actor: ActorDraft) -> ActorDraft:
        names = [actor.name, *actor.aliases]
        existing = next((self.by_key[k] for n in names for k in _keys(n) if k in self.by_key), None)
        if existing is None:
            existing = actor.model_copy(deep=True)
            existing.aliases = []
            self.actors.append(existing)
        elif actor.citation and not existing.citation:
            existing.citation = actor.citation
        for n in names:
            if normalise_key(n) != normalise_key(existing.name) and n not in existing.aliases:
                existing.aliases.append(n)
            for k in _keys(n):
                self.by_key.setdefault(k, existing)
        if not existing.role and actor.role:
            existing.role = actor.role
        return existing

    def merge_abbreviations(self) -> None:
        for short in list(self.actors):
            if not re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", short.name):
                continue
            full = next(
                (
                    a
                    for a in self.actors
                    if a is not short and initials(a.name) == short.name and len(a.name.split()) >= 2
                ),
                None,
            )
            if full is None:
                continue
            self.actors.remove(short)
            for n in [short.name, *short.aliases]:
                if n not in full.aliases:
                    full.aliases.append(n)
            for k, v in list(self.by_key.items()):
                if v is short:
                    self.by_key[k] = full

    def find(self, name: str | None) -> ActorDraft | None:
        if not name:
            return None
        for k in _keys(name):
            if k in self.by_key:
                return self.by_key[k]
        key = normalise_key(name)
        if re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", name.strip()):
            hit = [a for a in self.actors if initials(a.name) == name.strip()]
            if len(hit) == 1:
                return hit[0]
        # "Kestrel" for "Kestrel Logistics": a unique word-prefix match.
        words = key.split()
        if words and len(key) >= 4:
            hit = [
                a
                for a in self.actors
                if any(normalise_key(n).split()[: len(words)] == words for n in [a.name, *a.aliases])
            ]
            if len(hit) == 1:
                return hit[0]
        return None

    def resolve(self, name: str | None, evidence: str = "") -> str | None:
        """The canonical name for a reference, creating an actor only if the documents name it.

        An excluded organisation keeps a relation only when that relation's own evidence names it
        ("Support: Aldane, Sorrel"): the exclusion said it takes no part, so anything less is a guess.
        """
        if not name or not name.strip():
            return None
        found = self.find(name)
        if found is not None:
            if self.is_excluded(found) and not _names_in(found, evidence):
                return None
            return found.name
        if not self.create:
            return None
        clean = clean_name(name)
        if not clean or normalise_key(clean) in _GENERIC or _keys(clean) & self.excluded:
            return None
        citation = self._mention(clean)
        if citation is None:
            return None
        actor = ActorDraft(quote=citation.quote, name=clean, kind=classify(clean, []))
        actor.citation = citation
        return self.add(actor).name

    def is_excluded(self, actor: ActorDraft) -> bool:
        return any(k in self.excluded for n in [actor.name, *actor.aliases] for k in _keys(n))

    def _mention(self, name: str) -> Citation | None:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.I)
        for doc in self.documents:
            m = pattern.search(doc.text)
            if m:
                return Citation(
                    document=doc.name,
                    document_id=doc.id,
                    start=m.start(),
                    end=m.end(),
                    quote=doc.text[m.start() : m.end()],
                    page=doc.page_at(m.start()),
                )
        return None


def _names_in(actor: ActorDraft, text: str) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in (actor.name, *actor.aliases) if len(n) > 2)


def _date(citation: Citation | None, dates: dict[str, dt.date | None]) -> dt.date:
    if citation is None:
        return dt.date.min
    return dates.get(citation.document_id) or dt.date.min


def _name_key(name: str) -> str:
    words = [w for w in normalise_key(name).split() if w not in {"the", "a", "an", "of", "for", "and", "all"}]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words)


def resolve(
    draft: CanvasDraft, documents: Sequence[Document], tainted: set[int], *, references_create_actors: bool = True
) -> Resolution:
    """`tainted` holds id()s of drafts whose evidence is an injected instruction; they are dropped."""
    dates = {d.id: d.date for d in documents}
    out = draft.model_copy(deep=True)
    res = Resolution(draft=out)
    actors = _Actors(documents, create=references_create_actors)

    def keep(item: EntryDraft) -> bool:
        if id(item) in tainted:
            res.dropped_injected += 1
            return False
        return True

    for ex in draft.actors.excluded:
        actors.excluded |= _keys(ex.name)
    for actor in draft.actors.actors:
        if keep(actor):
            actors.add(actor)
    actors.merge_abbreviations()

    def ref(name: str | None, item: EntryDraft | None = None) -> str | None:
        resolved = actors.resolve(name, item.quote if item is not None else "")
        if name and resolved is None:
            res.dropped_references += 1
        return resolved

    def refs(names: list[str], item: EntryDraft | None = None, exclude: str | None = None) -> list[str]:
        out_names: list[str] = []
        for n in names:
            r = ref(n, item)
            if r and r != exclude and r not in out_names:
                out_names.append(r)
        return out_names

    activities: list[ActivityDraft] = []
    for a in (x for x in draft.activities.activities if keep(x)):
        a = a.model_copy(deep=True)
        a.owner = ref(a.owner, a)
        a.supporters = refs(a.supporters, a, exclude=a.owner)
        a.approvers = refs(a.approvers, a)
        activities.append(a)
    out.activities.activities = _merge_activities(activities, dates, res)

    exchanges = []
    for x in (x for x in draft.value_exchanges.value_exchanges if keep(x)):
        provider, receiver = ref(x.provider, x), ref(x.receiver, x)
        if provider and receiver and provider != receiver:
            exchanges.append(x.model_copy(update={"provider": provider, "receiver": receiver}))
    out.value_exchanges.value_exchanges = exchanges

    mechanisms = []
    for g in (g for g in draft.governance.governance if keep(g)):
        owner = ref(g.owner, g)
        mechanisms.append(g.model_copy(update={"owner": owner, "participants": refs(g.participants, g)}))
    out.governance.governance = mechanisms

    metrics: list[MetricDraft] = []
    for k in (k for k in draft.metrics.metrics if keep(k)):
        metrics.append(k.model_copy(update={"owner": ref(k.owner, k), "actors": refs(k.actors, k)}))
    out.metrics.metrics = _merge_metrics(metrics, dates, res)

    out.review.stakeholders = refs(draft.review.stakeholders)
    for section in ("objectives", "in_scope", "out_of_scope"):
        setattr(out.scope, section, [i for i in getattr(draft.scope, section) if keep(i)])

    referenced = {n for a in out.activities.activities for n in (a.owner, *a.supporters, *a.approvers) if n}
    referenced |= {n for x in out.value_exchanges.value_exchanges for n in (x.provider, x.receiver)}
    referenced |= {n for g in out.governance.governance for n in (g.owner, *g.participants) if n}
    referenced |= {n for k in out.metrics.metrics for n in (k.owner, *k.actors) if n}
    out.actors.actors = [a for a in actors.actors if a.name in referenced or not actors.is_excluded(a)]
    out.actors.excluded = [e for e in draft.actors.excluded if keep(e)]
    return res


N = TypeVar("N", ActivityDraft, MetricDraft)


def _same_name_oldest_first(items: list[N], dates: dict[str, dt.date | None]) -> list[list[N]]:
    """Entries that name the same thing, grouped, each group ordered by its documents' dates."""
    groups: dict[str, list[N]] = {}
    for item in items:
        groups.setdefault(_name_key(item.name), []).append(item)
    return [sorted(group, key=lambda item: _date(item.citation, dates)) for group in groups.values()]


def _merge_activities(
    items: list[ActivityDraft], dates: dict[str, dt.date | None], res: Resolution
) -> list[ActivityDraft]:
    merged: list[ActivityDraft] = []
    for group in _same_name_oldest_first(items, dates):
        owned = [a for a in group if a.owner]
        winner = owned[-1] if owned else group[-1]
        result = winner.model_copy(deep=True)
        owners = list(dict.fromkeys(a.owner for a in owned))
        if len(owners) > 1:
            older = next(a for a in owned if a.owner != winner.owner)
            res.open_questions.append(
                OpenQuestion(
                    text=(
                        f"Documents disagree on who leads '{winner.name}': {older.owner} in the older text, "
                        f"{winner.owner} in the more recent one, which the draft follows."
                    ),
                    sources=[c for c in (older.citation, winner.citation) if c],
                )
            )
        for a in group:
            result.supporters += [s for s in a.supporters if s not in result.supporters and s != result.owner]
            result.approvers += [s for s in a.approvers if s not in result.approvers]
            result.depends_on += [d for d in a.depends_on if d not in result.depends_on]
        result.supporters = [s for s in result.supporters if s not in (owners if len(owners) > 1 else [result.owner])]
        result.also_cited = [c for a in group if a is not winner for c in (a.citation, *a.also_cited) if c]
        merged.append(result)
    return merged


def _merge_metrics(items: list[MetricDraft], dates: dict[str, dt.date | None], res: Resolution) -> list[MetricDraft]:
    merged: list[MetricDraft] = []
    for group in _same_name_oldest_first(items, dates):
        result = group[-1].model_copy(deep=True)
        for field in ("owner", "target", "cadence", "data_source"):
            values = [getattr(k, field) for k in group if getattr(k, field)]
            if values and not getattr(result, field):
                setattr(result, field, values[-1])
            distinct = list(dict.fromkeys(values))
            if field in ("owner", "target") and len(distinct) > 1:
                first = next(k for k in group if getattr(k, field) == distinct[0])
                last = next(k for k in reversed(group) if getattr(k, field) == distinct[-1])
                res.open_questions.append(
                    OpenQuestion(
                        text=(
                            f"Documents disagree on the {field} of '{result.name}': {distinct[0]} in the older "
                            f"text, {distinct[-1]} in the more recent one, which the draft follows."
                        ),
                        sources=[c for c in (first.citation, last.citation) if c],
                    )
                )
        result.actors = list(dict.fromkeys(a for k in group for a in k.actors))
        result.also_cited = [c for k in group[:-1] for c in (k.citation, *k.also_cited) if c]
        merged.append(result)
    return merged
