"""Score one generated canvas against an ecosystem's gold. Pure: no I/O, no model.

Definitions (docs/evals.md repeats them with examples):

- Entries whose status is `rejected` are ignored everywhere except citation validity.
- **Actors**: a canvas actor and a gold actor match when any name or alias of one equals any
  name or alias of the other after `ecocanvas.evals.matching.name_variants` (normalise_key, a leading
  "the" dropped, legal-form suffixes dropped, "X (ABC)" also read as "X" and "ABC"). Matching
  is one-to-one (maximum matching), so a duplicate canvas actor is a false positive.
  Precision = matched / canvas actors, recall = matched / gold actors, F1 their harmonic mean.
- **Activities**: a gold activity is found when a canvas activity *name* contains at least
  ceil(2/3 x n) of its n keywords (case-insensitive; a word matches exactly or by a shared
  prefix of >= 5 characters; a multi-word keyword must appear as consecutive words). Names
  only, not quotes: a quote mentions everything near it. One-to-one.
- **Owner accuracy**: over found gold activities, the share whose matched canvas activity's
  owner is an actor matching the gold owner by name (a gold owner of null needs a null owner;
  a dangling owner id is wrong). 0 when gold has activities but none was found.
- **Exchanges**: a canvas exchange matches a gold one when its provider matches the gold
  provider, its receiver matches the gold receiver (reversed does not count) and its value
  contains at least ceil(n/2) of the keywords. One-to-one; precision, recall, F1.
- **Metrics**: as activities (2/3 of the keywords in the canvas metric's name).
- **Governance coverage**: distinct gold mechanism kinds present among the canvas's mechanism
  kinds / distinct gold kinds.
- **Findings**: see `ecocanvas.evals.findings`.
- **Citation validity**: every citation of every entry (and of the review cadence) is valid
  when its document_id is one of the ecosystem's documents and that document's text at
  [start:end] equals the quote. A canvas with no citations scores 0.
- **Forbidden actors**: must_not_appear actors that match a canvas actor by name.
- **Forbidden entries**: other must_not_appear entries (activities, exchanges, metrics, mechanisms:
  what a person rejected in review) whose keywords a live canvas entry of that section holds.

Conventions when a side is empty: recall is None (not applicable) when the gold section is
empty; precision is 0 when the canvas section is empty but the gold is not. None is left out
of means. An empty canvas thus scores 0 on every headline metric against a non-empty gold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from ecocanvas.canvas.citations import citation_problem
from ecocanvas.canvas.ids import normalise_key
from ecocanvas.canvas.model import Actor, CanvasResult, Citation, Mechanism
from ecocanvas.evals.dataset import Gold, GoldActor
from ecocanvas.evals.findings import score_findings
from ecocanvas.evals.matching import (
    ONE_HALF,
    TWO_THIRDS,
    has_keywords,
    keyword_hits,
    match_one_to_one,
    name_variants,
    precision_recall_f1,
    ratio,
)
from ecocanvas.evals.scores import (
    CitationScore,
    Cost,
    EcosystemScore,
    GovernanceScore,
    OwnerError,
    Pair,
    Scores,
    SectionScore,
)
from ecocanvas.evals.verbatim import found
from ecocanvas.knowledge.models import Document


class _Actors:
    """The canvas's live actors with their name variants, looked up by id."""

    def __init__(self, actors: Sequence[Actor]) -> None:
        self.list = list(actors)
        self.by_id = {a.id: a for a in self.list}
        self.variants = {a.id: name_variants(a.name, *a.aliases) for a in self.list}

    def matches(self, actor_id: str | None, gold_names: frozenset[str]) -> bool:
        return actor_id in self.variants and not self.variants[actor_id].isdisjoint(gold_names)

    def label(self, actor_id: str | None) -> str | None:
        if actor_id is None:
            return None
        actor = self.by_id.get(actor_id)
        return actor.name if actor else f"<unknown id {actor_id}>"


def _gold_names(gold: Gold, name: str) -> frozenset[str]:
    """Variants of the gold actor a gold field names (or of the bare name if it is no actor)."""
    actor: GoldActor | None = gold.actor_named(name)
    return name_variants(*actor.names) if actor else name_variants(name)


def _keyword_section(
    gold_labels: list[str],
    gold_keywords: list[list[str]],
    canvas_labels: list[str],
    canvas_texts: list[str],
    share: Fraction,
    allowed: Callable[[int, int], bool] = lambda i, j: True,
) -> tuple[SectionScore, dict[int, int]]:
    """One-to-one matching where gold i may pair with canvas j when j's text holds enough of
    i's keywords (and `allowed(i, j)`); candidates with more keyword hits are preferred."""

    def candidates(i: int) -> list[int]:
        keywords = gold_keywords[i]
        need = -((-len(keywords) * share.numerator) // share.denominator)
        hits = [(len(keyword_hits(keywords, t)), j) for j, t in enumerate(canvas_texts)]
        return [j for n, j in sorted(hits, key=lambda h: (-h[0], h[1])) if n >= need and allowed(i, j)]

    pairs = match_one_to_one(len(gold_labels), len(canvas_labels), candidates)
    return _section(gold_labels, canvas_labels, pairs), pairs


def _duplicates(
    pairs: dict[int, int], canvas_labels: list[str], candidates: Callable[[int], Sequence[int]]
) -> list[str]:
    """Unmatched canvas entries that would match a gold entry another canvas entry already matched:
    one real thing drafted twice."""
    matched = set(pairs.values())
    extra = {j for i in pairs for j in candidates(i) if j not in matched}
    return [canvas_labels[j] for j in sorted(extra)]


def _section(gold_labels: list[str], canvas_labels: list[str], pairs: dict[int, int]) -> SectionScore:
    matched_canvas = set(pairs.values())
    p, r, f = precision_recall_f1(len(pairs), len(canvas_labels), len(gold_labels))
    return SectionScore(
        gold=len(gold_labels),
        predicted=len(canvas_labels),
        matched=len(pairs),
        precision=p,
        recall=r,
        f1=f,
        matches=[Pair(gold=gold_labels[i], canvas=canvas_labels[j]) for i, j in sorted(pairs.items())],
        misses=[g for i, g in enumerate(gold_labels) if i not in pairs],
        false_positives=[c for j, c in enumerate(canvas_labels) if j not in matched_canvas],
    )


def score_actors(gold: Gold, actors: _Actors) -> tuple[SectionScore, list[str]]:
    gold_variants = [name_variants(*a.names) for a in gold.actors]

    def candidates(i: int) -> list[int]:
        primary = normalise_key(gold.actors[i].name)
        hits = [j for j, a in enumerate(actors.list) if not gold_variants[i].isdisjoint(actors.variants[a.id])]
        # Prefer the canvas actor whose own name is the gold name over one that merely shares an alias.
        return sorted(hits, key=lambda j: normalise_key(actors.list[j].name) != primary)

    pairs = match_one_to_one(len(gold.actors), len(actors.list), candidates)
    canvas_labels = [", ".join([a.name, *a.aliases]) for a in actors.list]
    return _section([a.name for a in gold.actors], canvas_labels, pairs), _duplicates(pairs, canvas_labels, candidates)


def score(
    gold: Gold,
    result: CanvasResult,
    documents: Sequence[Document],
    name: str = "",
    seconds: float | None = None,
    visible: dict[str, str] | None = None,
) -> EcosystemScore:
    """Score `result` against `gold`; `documents` are the ecosystem's parsed inputs and `visible`
    (document id -> `ecocanvas.evals.verbatim.visible_text` of its file) the files as a reader sees them."""
    canvas = result.canvas
    actors = _Actors([a for a in canvas.actors if a.status != "rejected"])
    activities = [a for a in canvas.activities if a.status != "rejected"]
    exchanges = [e for e in canvas.value_exchanges if e.status != "rejected"]
    metrics = [m for m in canvas.metrics if m.status != "rejected"]
    mechanisms = [m for m in canvas.governance if m.status != "rejected"]

    actor_score, actor_duplicates = score_actors(gold, actors)

    activity_score, activity_pairs = _keyword_section(
        [a.name for a in gold.activities],
        [a.keywords for a in gold.activities],
        [a.name for a in activities],
        [a.name for a in activities],
        TWO_THIRDS,
    )
    activity_duplicates = _duplicates(
        activity_pairs,
        [a.name for a in activities],
        lambda i: [
            j for j, a in enumerate(activities) if has_keywords(gold.activities[i].keywords, a.name, TWO_THIRDS)
        ],
    )
    owner_errors: list[OwnerError] = []
    for i, j in sorted(activity_pairs.items()):
        expected, got = gold.activities[i].owner, activities[j].owner
        right = got is None if expected is None else actors.matches(got, _gold_names(gold, expected))
        if not right:
            owner_errors.append(
                OwnerError(
                    activity=gold.activities[i].name,
                    canvas_activity=activities[j].name,
                    expected=expected,
                    got=actors.label(got),
                )
            )
    right_owners = len(activity_pairs) - len(owner_errors)
    owner_accuracy_found = None if not gold.activities else (ratio(right_owners, len(activity_pairs)) or 0.0)
    # The headline counts a missed activity as a wrong owner: the reviewer has to supply both.
    owner_accuracy = ratio(right_owners, len(gold.activities))

    def exchange_allowed(i: int, j: int) -> bool:
        g, c = gold.value_exchanges[i], exchanges[j]
        return actors.matches(c.provider, _gold_names(gold, g.provider)) and actors.matches(
            c.receiver, _gold_names(gold, g.receiver)
        )

    exchange_score, _ = _keyword_section(
        [e.label for e in gold.value_exchanges],
        [e.keywords for e in gold.value_exchanges],
        [f"{actors.label(e.provider)} → {actors.label(e.receiver)}: {e.value}" for e in exchanges],
        [e.value for e in exchanges],
        ONE_HALF,
        exchange_allowed,
    )
    metric_score, _ = _keyword_section(
        [m.name for m in gold.metrics],
        [m.keywords for m in gold.metrics],
        [m.name for m in metrics],
        [m.name for m in metrics],
        TWO_THIRDS,
    )
    governance = score_governance(gold, mechanisms)
    findings = score_findings(gold, result)
    citations = score_citations(result, documents, visible)
    forbidden = [
        f.name
        for f in gold.must_not_appear
        if f.type == "actor" and any(actors.matches(a.id, name_variants(f.name)) for a in actors.list)
    ]
    live_labels: dict[str, list[str]] = {
        "activity": [a.name for a in activities],
        "metric": [m.name for m in metrics],
        "value_exchange": [e.value for e in exchanges],
        "mechanism": [m.description for m in mechanisms],
    }
    forbidden_entries = [
        f"{f.type}: {f.name}"
        for f in gold.must_not_appear
        if f.type != "actor" and any(has_keywords(f.keywords, t, f.share) for t in live_labels[f.type])
    ]
    gen = canvas.generator
    cost = Cost(**gen.usage().model_dump(), seconds=gen.seconds if seconds is None else seconds)
    cadence_found = None if gold.review_cadence is None else float(canvas.review.cadence is not None)
    scores: Scores = {
        "actor_precision": actor_score.precision,
        "actor_recall": actor_score.recall,
        "actor_f1": actor_score.f1,
        "activity_recall": activity_score.recall,
        "activity_precision": activity_score.precision,
        "owner_accuracy": owner_accuracy,
        "owner_accuracy_found": owner_accuracy_found,
        "activity_duplicates": float(len(activity_duplicates)),
        "actor_duplicates": float(len(actor_duplicates)),
        "exchange_precision": exchange_score.precision,
        "exchange_recall": exchange_score.recall,
        "exchange_f1": exchange_score.f1,
        "metric_recall": metric_score.recall,
        "metric_precision": metric_score.precision,
        "governance_coverage": governance.coverage,
        "governance_recall": governance.mechanisms.recall,
        "review_cadence_found": cadence_found,
        "findings_recall": findings.recall,
        "findings_precision": findings.precision,
        "citation_validity": citations.validity,
        "quotes_not_verbatim": float(len(citations.not_verbatim)),
        "forbidden_actors": float(len(forbidden)),
        "forbidden_entries": float(len(forbidden_entries)),
        "uncited_entries": float(len(citations.uncited_entries)),
        "calls": float(cost.calls),
        "prompt_tokens": float(cost.prompt_tokens),
        "completion_tokens": float(cost.completion_tokens),
        "tokens": float(cost.total_tokens),
        "cost_usd": cost.cost_usd,
        "seconds": cost.seconds,
    }
    return EcosystemScore(
        name=name,
        title=gold.title,
        backend=gen.backend,
        model=gen.model,
        scores=scores,
        actors=actor_score,
        activities=activity_score,
        activity_duplicates=activity_duplicates,
        actor_duplicates=actor_duplicates,
        owner_errors=owner_errors,
        exchanges=exchange_score,
        metrics=metric_score,
        governance=governance,
        review_cadence=canvas.review.cadence,
        gold_review_cadence=gold.review_cadence,
        findings=findings,
        citations=citations,
        forbidden=forbidden,
        forbidden_entries=forbidden_entries,
        cost=cost,
    )


def score_governance(gold: Gold, live: Sequence[Mechanism]) -> GovernanceScore:
    gold_kinds = sorted({m.kind for m in gold.governance})
    canvas_kinds = sorted({m.kind for m in live})
    missing = [k for k in gold_kinds if k not in canvas_kinds]
    coverage = ratio(len(gold_kinds) - len(missing), len(gold_kinds))
    section, _ = _keyword_section(
        [f"{m.kind}: {m.description}" for m in gold.governance],
        [m.keywords for m in gold.governance],
        [f"{m.kind}: {m.description}" for m in live],
        [m.description for m in live],
        ONE_HALF,
        lambda i, j: gold.governance[i].kind == live[j].kind,
    )
    return GovernanceScore(
        gold_kinds=gold_kinds,
        canvas_kinds=canvas_kinds,
        missing_kinds=missing,
        coverage=coverage,
        mechanisms=section,
    )


def score_citations(
    result: CanvasResult, documents: Sequence[Document], visible: dict[str, str] | None = None
) -> CitationScore:
    texts = {d.id: d.text for d in documents}
    canvas = result.canvas
    citations: list[Citation] = [c for e in canvas.entries() for c in e.sources]
    citations += canvas.review.cadence_sources
    invalid = [f"{c.document} [{c.start}:{c.end}] {why}" for c in citations if (why := citation_problem(c, texts))]
    not_verbatim = [
        f"{c.document} [{c.start}:{c.end}] {c.quote[:80]!r}"
        for c in citations
        if visible is not None and c.document_id in visible and not found(c, visible[c.document_id])
    ]
    uncited = [e.id for e in canvas.entries() if not e.sources and e.status != "rejected"]
    valid = len(citations) - len(invalid)
    return CitationScore(
        total=len(citations),
        valid=valid,
        validity=ratio(valid, len(citations)) or 0.0,
        invalid=invalid,
        not_verbatim=not_verbatim,
        uncited_entries=uncited,
    )
