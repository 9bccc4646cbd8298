"""Score the rule engine's findings against the gaps a person recorded in the gold.

- An expected finding `{rule, subject}` is **matched** by an open canvas finding of the same
  rule one of whose subjects (canvas entry ids) is an entry that matches the subject:
  - a subject naming a gold actor matches a canvas entry with a name or alias equal to any of
    that actor's names (as in actor matching);
  - a subject naming a gold activity, metric, exchange value or mechanism description matches
    an entry whose name/value/description is equal to it after normalisation or contains that
    gold entry's keywords (2/3 for activities and metrics, half for exchanges and mechanisms);
  - any other subject: equality, or 2/3 of the subject's own content words;
  - a subject that is a mechanism kind (`escalation_path`, ...) or `review_cadence` concerns a
    whole section, so any open finding of that rule matches it.
- **Recall** = matched expected findings / expected findings.
- **Precision** = canvas findings that match at least one expected finding / open canvas
  findings whose rule appears among the ecosystem's expected rules. The gold lists only some
  gaps, so findings of rules it does not mention are reported (`other_rules`) but not counted.
- Per rule, the same two ratios restricted to that rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from ecocanvas.canvas.model import Canvas, CanvasResult, Finding
from ecocanvas.evals.dataset import Gold, is_section_subject
from ecocanvas.evals.matching import (
    ONE_HALF,
    TWO_THIRDS,
    has_keywords,
    name_variants,
    precision_recall_f1,
    ratio,
    tokens,
)
from ecocanvas.evals.scores import FindingsScore, RuleScore

_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "for",
        "with",
        "in",
        "on",
        "by",
        "from",
        "at",
        "between",
        "is",
    }
)


@dataclass(frozen=True)
class _Entry:
    names: tuple[str, ...]
    variants: frozenset[str]


Matcher = Callable[[_Entry], bool]


def _entry_index(canvas: Canvas) -> dict[str, _Entry]:
    named: list[tuple[str, tuple[str, ...]]] = [(a.id, (a.name, *a.aliases)) for a in canvas.actors]
    named += [(a.id, (a.name,)) for a in canvas.activities]
    named += [(m.id, (m.name,)) for m in canvas.metrics]
    named += [(e.id, (e.value,)) for e in canvas.value_exchanges]
    named += [(m.id, (m.description,)) for m in canvas.governance]
    named += [
        (i.id, (i.text,))
        for i in [
            *canvas.scope.objectives,
            *canvas.scope.in_scope,
            *canvas.scope.out_of_scope,
            *canvas.review.open_questions,
        ]
    ]
    return {eid: _Entry(names, name_variants(*names)) for eid, names in named}


def _keywords_for(gold: Gold, subject: str) -> tuple[list[str], Fraction]:
    """The keywords of the gold entry the subject names, else the subject's own content words."""
    key = name_variants(subject)
    labelled: list[tuple[str, list[str], Fraction]] = [
        *((a.name, a.keywords, TWO_THIRDS) for a in gold.activities),
        *((m.name, m.keywords, TWO_THIRDS) for m in gold.metrics),
        *((e.value, e.keywords, ONE_HALF) for e in gold.value_exchanges),
        *((m.description, m.keywords, ONE_HALF) for m in gold.governance),
    ]
    for label, keywords, share in labelled:
        if not key.isdisjoint(name_variants(label)):
            return keywords, share
    words = tokens(subject)
    return [w for w in words if w not in _STOPWORDS] or words, TWO_THIRDS


def subject_matcher(gold: Gold, subject: str) -> Matcher | None:
    """How to recognise the subject among a finding's entries; None means any finding of the rule."""
    if is_section_subject(subject):
        return None
    actor = gold.actor_named(subject)
    if actor is not None:
        actor_names = name_variants(*actor.names)
        return lambda e: not actor_names.isdisjoint(e.variants)
    subject_names = name_variants(subject)
    keywords, share = _keywords_for(gold, subject)
    return lambda e: not subject_names.isdisjoint(e.variants) or any(has_keywords(keywords, n, share) for n in e.names)


def score_findings(gold: Gold, result: CanvasResult) -> FindingsScore:
    index = _entry_index(result.canvas)
    expected = gold.expected_findings
    listed = {f.rule for f in expected}
    live = [f for f in result.findings if f.status == "open"]
    counted = [f for f in live if f.rule in listed]
    matchers = [subject_matcher(gold, e.subject) for e in expected]

    def hits(i: int, finding: Finding) -> bool:
        if finding.rule != expected[i].rule:
            return False
        matcher = matchers[i]
        return matcher is None or any(matcher(index[s]) for s in finding.subjects if s in index)

    found = [any(hits(i, f) for f in counted) for i in range(len(expected))]
    true_positive = [any(hits(i, f) for i in range(len(expected))) for f in counted]

    rules: list[RuleScore] = []
    for rule in sorted(listed):
        exp = [i for i, e in enumerate(expected) if e.rule == rule]
        pred = [k for k, f in enumerate(counted) if f.rule == rule]
        matched = sum(found[i] for i in exp)
        tp = sum(true_positive[k] for k in pred)
        precision, _, _ = precision_recall_f1(tp, len(pred), len(exp))
        rules.append(
            RuleScore(
                rule=rule,
                expected=len(exp),
                matched=matched,
                predicted=len(pred),
                true_positives=tp,
                precision=precision,
                recall=ratio(matched, len(exp)),
            )
        )
    n_matched, n_tp = sum(found), sum(true_positive)
    precision, _, _ = precision_recall_f1(n_tp, len(counted), len(expected))
    return FindingsScore(
        expected=len(expected),
        matched=n_matched,
        counted=len(counted),
        true_positives=n_tp,
        precision=precision,
        recall=ratio(n_matched, len(expected)),
        rules=rules,
        misses=[e.label for e, ok in zip(expected, found, strict=True) if not ok],
        false_positives=[_label(f, index) for f, ok in zip(counted, true_positive, strict=True) if not ok],
        other_rules=dict(sorted(Counter(f.rule for f in live if f.rule not in listed).items())),
    )


def _label(finding: Finding, index: dict[str, _Entry]) -> str:
    names = [index[s].names[0] if s in index else s for s in finding.subjects]
    return f"{finding.rule}: {', '.join(names) or finding.message}"
