"""What scoring one ecosystem produces, and the catalogue of metric names.

Every scalar lands in `EcosystemScore.scores` under a name from `METRICS`, so tables, the
baseline gate and `--compare` treat all metrics alike; the section objects keep the detail a
person needs to see why (every match, miss and false positive by name).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ecocanvas.canvas.model import Usage

# name -> one-line meaning; docs/evals.md gives the precise definitions.
METRICS: dict[str, str] = {
    "actor_precision": "canvas actors matched one-to-one to a gold actor / canvas actors",
    "actor_recall": "gold actors matched / gold actors",
    "actor_f1": "harmonic mean of actor precision and recall",
    "activity_recall": "gold activities whose keywords a canvas activity name contains / gold activities",
    "activity_precision": "canvas activities matched to a gold activity / canvas activities",
    "owner_accuracy": "gold activities found with the gold owner / all gold activities (a miss counts as wrong)",
    "owner_accuracy_found": "found gold activities whose canvas owner is the gold owner / found gold activities",
    "activity_duplicates": "canvas activities matching a gold activity that another canvas activity already matches",
    "actor_duplicates": "canvas actors naming a gold actor that another canvas actor already names (unmerged aliases)",
    "exchange_precision": "canvas exchanges matched (direction and value) / canvas exchanges",
    "exchange_recall": "gold exchanges matched / gold exchanges",
    "exchange_f1": "harmonic mean of exchange precision and recall",
    "metric_recall": "gold metrics whose keywords a canvas metric name contains / gold metrics",
    "metric_precision": "canvas metrics matched to a gold metric / canvas metrics",
    "governance_coverage": "gold mechanism kinds present among canvas mechanism kinds / gold mechanism kinds",
    "governance_recall": "gold mechanisms matched by kind and keywords / gold mechanisms",
    "review_cadence_found": "1 when the gold states a review cadence and the canvas has one",
    "findings_recall": "expected findings matched by an open canvas finding / expected findings",
    "findings_precision": "canvas findings of listed rules that match an expected finding / those findings",
    "citation_validity": "citations whose quote is the document text at their offsets / citations",
    "quotes_not_verbatim": "citations whose quote a reader cannot find in the file as a reader sees it",
    "forbidden_actors": "must_not_appear actors present in the canvas (must be 0)",
    "forbidden_entries": "must_not_appear activities, exchanges, metrics and mechanisms present in the canvas",
    "uncited_entries": "generated entries with no citation",
    "calls": "LLM calls made",
    "prompt_tokens": "prompt tokens sent",
    "completion_tokens": "completion tokens received",
    "tokens": "prompt + completion tokens",
    "cost_usd": "cost in US dollars by litellm's cost map",
    "seconds": "wall time of the pipeline",
}

# The gate: each must not drop by more than the tolerance below the committed baseline.
HEADLINE_METRICS: tuple[str, ...] = (
    "actor_f1",
    "activity_recall",
    "owner_accuracy",
    "exchange_f1",
    "metric_recall",
    "governance_coverage",
    "findings_recall",
    "findings_precision",
    "citation_validity",
)
# Summed (not averaged) across ecosystems; higher is worse for all of them.
COUNT_METRICS: frozenset[str] = frozenset(
    {
        "forbidden_actors",
        "forbidden_entries",
        "uncited_entries",
        "activity_duplicates",
        "actor_duplicates",
        "quotes_not_verbatim",
        "calls",
        "prompt_tokens",
        "completion_tokens",
        "tokens",
        "cost_usd",
        "seconds",
    }
)

Scores = dict[str, float | None]


class Pair(BaseModel):
    gold: str
    canvas: str


class SectionScore(BaseModel):
    """One-to-one matching of gold entries to canvas entries in one section."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    matches: list[Pair] = Field(default_factory=list)
    misses: list[str] = Field(default_factory=list, description="Gold entries nothing matched.")
    false_positives: list[str] = Field(default_factory=list, description="Canvas entries matching no gold entry.")


class OwnerError(BaseModel):
    activity: str
    canvas_activity: str
    expected: str | None
    got: str | None


class GovernanceScore(BaseModel):
    gold_kinds: list[str] = Field(default_factory=list)
    canvas_kinds: list[str] = Field(default_factory=list)
    missing_kinds: list[str] = Field(default_factory=list)
    coverage: float | None = None
    mechanisms: SectionScore = Field(default_factory=SectionScore)


class RuleScore(BaseModel):
    rule: str
    expected: int = 0
    matched: int = 0
    predicted: int = 0
    true_positives: int = 0
    precision: float | None = None
    recall: float | None = None


class FindingsScore(BaseModel):
    expected: int = 0
    matched: int = 0
    counted: int = Field(0, description="Open canvas findings of a rule the gold lists.")
    true_positives: int = 0
    precision: float | None = None
    recall: float | None = None
    rules: list[RuleScore] = Field(default_factory=list)
    misses: list[str] = Field(default_factory=list)
    false_positives: list[str] = Field(default_factory=list)
    other_rules: dict[str, int] = Field(default_factory=dict, description="Findings of rules the gold does not list.")


class CitationScore(BaseModel):
    total: int = 0
    valid: int = 0
    validity: float | None = None
    invalid: list[str] = Field(default_factory=list)
    not_verbatim: list[str] = Field(default_factory=list, description="Quotes not in the file as a reader sees it.")
    uncited_entries: list[str] = Field(default_factory=list)


class Cost(Usage):
    """What drafting the ecosystem's canvas spent (the canvas's `Usage`) and how long it took."""

    seconds: float = 0.0


class EcosystemScore(BaseModel):
    name: str
    title: str = ""
    backend: str = ""
    model: str = ""
    error: str | None = Field(None, description="Why generation failed; the canvas was then scored as empty.")
    scores: Scores = Field(default_factory=dict)
    actors: SectionScore = Field(default_factory=SectionScore)
    activities: SectionScore = Field(default_factory=SectionScore)
    activity_duplicates: list[str] = Field(default_factory=list, description="Second entries for one gold activity.")
    actor_duplicates: list[str] = Field(default_factory=list, description="Second actors for one gold actor.")
    owner_errors: list[OwnerError] = Field(default_factory=list)
    exchanges: SectionScore = Field(default_factory=SectionScore)
    metrics: SectionScore = Field(default_factory=SectionScore)
    governance: GovernanceScore = Field(default_factory=GovernanceScore)
    review_cadence: str | None = Field(None, description="The canvas's review cadence.")
    gold_review_cadence: str | None = None
    findings: FindingsScore = Field(default_factory=FindingsScore)
    citations: CitationScore = Field(default_factory=CitationScore)
    forbidden: list[str] = Field(default_factory=list)
    forbidden_entries: list[str] = Field(
        default_factory=list, description="must_not_appear entries other than actors present in the canvas."
    )
    cost: Cost = Field(default_factory=Cost)


def aggregate(ecosystems: list[EcosystemScore]) -> Scores:
    """Rates are averaged over the ecosystems where they apply; counts are summed."""
    out: Scores = {}
    for name in METRICS:
        values = [e.scores[name] for e in ecosystems if e.scores.get(name) is not None]
        clean = [float(v) for v in values if v is not None]
        if not clean:
            out[name] = None
        elif name in COUNT_METRICS:
            out[name] = sum(clean)
        else:
            out[name] = sum(clean) / len(clean)
    return out
