"""Deterministic extraction: read units of the evidence and fill a `CanvasDraft`.

Order matters: injected instructions are set aside first, then the actor lexicon is built from
what is left, then relations (ownership, exchanges, governance, metrics) are read with it.
Sentences that negate or put participation in the past create no relation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ecocanvas.generator.drafts import ActivityDraft, CanvasDraft
from ecocanvas.generator.offline.activities import read_activities, well_named
from ecocanvas.generator.offline.actors import actor_drafts, build_lexicon, find_parties, find_writers, read_exclusions
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of
from ecocanvas.generator.offline.dependencies import add_dependencies
from ecocanvas.generator.offline.exchanges import read_exchanges
from ecocanvas.generator.offline.governance import read_governance, read_metrics, read_review, read_scope
from ecocanvas.generator.offline.nlp import parse, parse_named
from ecocanvas.generator.offline.phrases import content_words, fold
from ecocanvas.generator.offline.relations import read_relations
from ecocanvas.generator.offline.vocabulary import vocabulary, words
from ecocanvas.generator.units import Unit, units
from ecocanvas.knowledge import Chunk, Document


def extract_offline(documents: Sequence[Document], evidence: Iterable[Chunk]) -> CanvasDraft:
    spans: dict[str, list[tuple[int, int]]] = {}
    for chunk in evidence:
        spans.setdefault(chunk.document_id, []).append((chunk.start, chunk.end))
    selected: list[Unit] = []
    for doc in documents:
        ranges = spans.get(doc.id)
        if not ranges:
            continue
        selected += [u for u in units(doc) if any(u.start < e and s < u.end for s, e in ranges)]
    return _draft(Context(selected))


def _draft(ctx: Context) -> CanvasDraft:
    sentences = [u for u in ctx.units if u.kind == "sentence"]
    for unit, doc in zip(sentences, parse([u.text for u in sentences]), strict=True):
        ctx.parses[id(unit)] = doc
    build_lexicon(ctx)
    find_writers(ctx)
    find_parties(ctx)
    # Parsed again now that the actors are known: their invented names mislead the parser.
    named = [(ctx.parses[id(u)], [(s, e) for s, e, _ in ctx.mentions(u.text)]) for u in sentences]
    for unit, doc in zip(sentences, parse_named(named), strict=True):
        ctx.parses[id(unit)] = doc
    exclusions = read_exclusions(ctx)
    related_activities, related_exchanges = read_relations(ctx)
    activities = _led_somewhere(ctx, _same_work_one_name(well_named(read_activities(ctx) + related_activities)))
    activities = _listed_work(ctx, activities)
    exchanges = [x for x in read_exchanges(ctx) + related_exchanges if not _a_role(x.value)]
    governance = read_governance(ctx)
    metrics = read_metrics(ctx)
    # A KPI is measured, not done: "Trace-back time" read as work is the metric of that name.
    measured = {frozenset(content_words(k.name)) for k in metrics}
    activities = [a for a in activities if frozenset(content_words(a.name)) not in measured]
    add_dependencies(ctx, activities)
    cadence, cadence_unit, stakeholders = read_review(ctx)
    referenced: set[str] = set()
    for a in activities:
        referenced |= {n for n in (a.owner, *a.supporters, *a.approvers) if n}
    for x in exchanges:
        referenced |= {x.provider, x.receiver}
    for g in governance:
        if id(g) in ctx.cue_only:
            continue  # a rule found by its cue words alone does not make its parties actors
        referenced |= {n for n in (g.owner, *g.participants) if n}
    for k in metrics:
        referenced |= {n for n in (k.owner, *k.actors) if n}
    # An excluded party that a relation still names stays an actor: the relation is the stronger evidence.
    excluded_names = {e.name for e in exclusions} - referenced
    draft = CanvasDraft()
    draft.scope = read_scope(ctx)
    draft.actors.actors = actor_drafts(ctx, referenced, excluded_names)[:25]
    draft.actors.excluded = exclusions[:10]
    kept = {a.name for a in draft.actors.actors}
    for g in governance:
        if id(g) in ctx.cue_only:
            g.owner = g.owner if g.owner in kept else None
            g.participants = [n for n in g.participants if n in kept]
    draft.activities.activities = activities[:30]
    draft.value_exchanges.value_exchanges = exchanges[:30]
    draft.governance.governance = governance[:20]
    draft.metrics.metrics = metrics[:20]
    draft.review.cadence = cadence
    if cadence_unit is not None:
        draft.review.cadence_quote = quote_of(cadence_unit)
        draft.review.cadence_at = evidence_of(cadence_unit)
    draft.review.stakeholders = stakeholders[:10]
    return draft


def _a_role(value: str) -> bool:
    """A value that is a seat or a role ("chair of the Codeshare Working Group", "joint marketing
    lead") is who someone is, not what they give."""
    v = vocabulary()
    head = words(value).split(" of ")[0].split()
    return bool(head) and head[-1] in v.lead_nouns | v.approve_nouns | v.support_nouns | v.seat_nouns


def _led_somewhere(ctx: Context, activities: list[ActivityDraft]) -> list[ActivityDraft]:
    """Drop work that prose names only through who supports or approves it ("we sign off the
    high-risk ones"): such a clause qualifies an activity named elsewhere. A table row or an
    unowned marker still names work on its own."""
    named = {a.name.lower() for a in activities if id(a) not in ctx.helper_only}
    return [a for a in activities if id(a) not in ctx.helper_only or a.name.lower() in named]


# Rows of responsibility tables that make the tables the list of work: a typical list of key
# activities. (3 and 6 also cut activities a reviewer keeps on the check set; 12 cut almost nothing.)
_TABLE_ROWS = 9


def _listed_work(ctx: Context, activities: list[ActivityDraft]) -> list[ActivityDraft]:
    """Where the documents list the work in a responsibility table, that table is the list: an owner
    read once from prose ("Ferrowatt handles connection applications") is a passing mention, kept
    only when the work is named again (a later hand-over of a listed activity, a second document)
    or the sentence also says who supports or approves it (a RACI written out). A sentence saying
    work has no owner stays: that is a gap a reviewer must see."""
    if sum(id(a) in ctx.from_table for a in activities) < _TABLE_ROWS:
        return activities
    named = Counter(a.name.lower() for a in activities)
    return [
        a
        for a in activities
        if id(a) in ctx.from_table or named[a.name.lower()] > 1 or a.owner is None or a.supporters or a.approvers
    ]


def _same_work_one_name(activities: list[ActivityDraft]) -> list[ActivityDraft]:
    """Two names for one piece of work get the first one's name, so resolution merges them with
    every citation kept and the later owner wins. Whoever the owners, when the names differ only in
    words that frame work ("Surge buffer operation", "Surge buffer management"), or, in different
    documents, by one word ("Creator support", "First-line creator support"). When the owners agree
    (or one is unknown), also when one name's words hold the other's or they share most words."""
    light = {fold(w) for w in vocabulary().light_work}
    for i, later in enumerate(activities):
        mine = content_words(later.name)
        if not mine:
            continue
        for earlier in activities[:i]:
            theirs = content_words(earlier.name)
            if not theirs:
                continue
            core, their_core = mine - light, theirs - light
            small = min(core, their_core, key=len)
            elsewhere = later.at is None or earlier.at is None or later.at.document_id != earlier.at.document_id
            if (core and core == their_core and (len(core) >= 2 or core in (mine, theirs))) or (
                len(small) >= 2
                and small <= core
                and small <= their_core
                and elsewhere
                and len(core | their_core) - len(small) <= 1
            ):
                # The same work framed two ways: one activity whoever the two statements name, so
                # resolution can let the later owner win ("coordination of investigator training").
                later.name = earlier.name
                break
            if later.owner and earlier.owner and later.owner != earlier.owner:
                continue
            shared = mine & theirs
            if len(shared) >= 2 and (shared in (mine, theirs) or len(shared) / len(mine | theirs) >= 0.6):
                later.name = earlier.name
                break
    return activities
