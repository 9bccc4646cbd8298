"""How the ecosystem is framed and steered: scope, governance mechanisms, metrics, review cadence."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ecocanvas.canvas.model import MechanismKind
from ecocanvas.generator.actor_names import clean_name
from ecocanvas.generator.drafts import ItemDraft, MechanismDraft, MetricDraft, ScopeDraft
from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of
from ecocanvas.generator.offline.names import NOT_ORG_FIRST
from ecocanvas.generator.offline.phrases import HEADER_LINE, cell, plain, unique
from ecocanvas.generator.offline.vocabulary import vocabulary, words
from ecocanvas.generator.units import Unit

_MIN_DATE = dt.date.min


def read_governance(ctx: Context) -> list[MechanismDraft]:
    out: list[MechanismDraft] = []
    per_kind: Counter[str] = Counter()
    for unit in ctx.units:
        if unit.kind == "heading":
            continue
        text = unit.text
        context = f"{unit.headings[-1] if unit.headings else ''} :: {text}"
        if p.GAP_NEGATION.search(text):
            continue
        kinds = []
        cued: set[MechanismKind] = set()
        said = f" {words(text)} "
        for kind, regex in p.GOVERNANCE_WORDS:
            if not regex.search(text) and not (
                kind != "forum"
                and regex.search(context.split(" :: ")[0])
                and len(text) < 300
                and unit.kind == "sentence"
                and _has_modal(text)
            ):
                if not _cued(kind, said, text, unit):
                    continue
                cued.add(kind)
            if kind == "forum" and not p.FORUM_ACTIVE.search(text):
                continue
            at = _where(kind, regex, text)
            if at is not None and _said_missing(ctx, unit, at, kind):
                continue  # "does not provide a way to settle disagreements": a gap, not a mechanism
            kinds.append(kind)
        if not kinds:
            continue
        found = ctx.mentions(text)
        cadence = p.CADENCE.search(text)
        owner = None
        if found and re.search(
            r"\b(?:chairs?|chaired by|owns?|decides?|approves?|hosts?|facilitates?|runs?|"
            r"convenes?|arbitrates?|has the final|has final)\b",
            text,
            re.I,
        ):
            owner = found[0][2].name
            chaired = re.search(r"chaired by\s+(?:the\s+)?", text, re.I)
            if chaired:
                after = [m for m in found if m[0] >= chaired.end()]
                owner = after[0][2].name if after else owner
        for kind in kinds[:2]:
            if per_kind[kind] >= 5:
                continue
            per_kind[kind] += 1
            mechanism = MechanismDraft(
                quote=quote_of(unit),
                at=evidence_of(unit),
                kind=kind,
                description=text[:300],
                owner=owner,
                participants=unique([m[2].name for m in found], exclude=None)[:10],
                cadence=cadence.group(0).lower() if cadence else None,
            )
            if kind in cued:
                ctx.cue_only.add(id(mechanism))
            out.append(mechanism)
    return out


def _where(kind: MechanismKind, regex: re.Pattern[str], text: str) -> int | None:
    """Where the sentence names its mechanism: the pattern's match, else the first cue word."""
    match = regex.search(text)
    if match is not None:
        return match.start()
    lowered = text.lower()
    found = [
        m.start() for cue in dict(vocabulary().governance)[kind] if (m := re.search(rf"\b{re.escape(cue)}\b", lowered))
    ]
    return min(found) if found else None


def _said_missing(ctx: Context, unit: Unit, at: int, kind: MechanismKind) -> bool:
    """The mechanism named at `at` is said to be absent: a verb above it in the parse is negated
    ("does not provide a way to settle", "neither the agreement nor the charter says how"), removes
    it ("Clause 13 ... was deleted") or asks about it. A policy is often a prohibition ("no party
    may sell scheme data"), so only a question makes one absent."""
    if unit.text.rstrip().endswith("?"):
        return True  # "Who settles a dispute between members?" asks for the mechanism
    if kind == "policy":
        return False
    doc = ctx.parse_of(unit)
    if doc is None or doc.text != unit.text:
        return False
    token = next((t for t in doc if t.idx <= at < t.idx + len(t.text)), None)
    if token is None:
        return False
    gone = vocabulary().negating_heads | _ABSENT
    for verb in (t for t in [token, *token.ancestors] if t.pos_ in ("VERB", "AUX")):
        if verb.lemma_.lower() in gone:
            return True
        for child in verb.children:
            if child.dep_ == "neg" or child.lower_ in ("never", "neither"):
                return True
            if child.dep_ in ("nsubj", "nsubjpass") and any(
                t.lower_ in ("neither", "no", "nothing") for t in child.subtree
            ):
                return True
    return False


# Verbs that say a mechanism is gone or not there yet: removed, or only asked about ("He asked how a
# disagreement is supposed to be settled").
_ABSENT = frozenset({"delete", "remove", "drop", "abolish", "scrap", "lack", "ask", "wonder"})


def _cued(kind: MechanismKind, said: str, text: str, unit: Unit) -> bool:
    """The vocabulary file's cues for a kind, in a short sentence that states a rule (a modal or
    a verb of deciding or handling): the file lists more of the ways people write about each kind
    than the patterns do."""
    if kind not in _CUE_KINDS or unit.kind != "sentence" or len(text) >= 300 or not _has_modal(text):
        return False
    if kind == "conflict_resolution" and not _SETTLING.search(said):
        return False  # "Conflicts of interest are declared": a conflict named, none settled
    return any(f" {cue} " in said for cue in dict(vocabulary().governance)[kind])


_SETTLING = re.compile(r" (?:resolv|settl|refer|mediat|arbitrat|decid|escalat|handl)\w* ")


# Kinds whose cues measured well on the check set; the escalation cues add nothing to the pattern.
# (The conflict-resolution cues cost findings recall until sentences that say the mechanism is
# missing, or ask for it, were told apart: `_said_missing`.)
_CUE_KINDS: frozenset[MechanismKind] = frozenset(
    {"decision_right", "change_management", "forum", "policy", "conflict_resolution"}
)


def _has_modal(text: str) -> bool:
    return bool(re.search(r"\b(?:must|shall|will|are|is|go(?:es)? to|goes|raised|handled|resolved)\b", text, re.I))


def _metric_groups(cells: dict[str, str]) -> list[dict[str, str]]:
    """A row of side-by-side KPI groups ("Quality" and "Flow", each over Metric | Owner | Target) is
    one row per group, each keyed by the group's own column names."""
    metric_words = vocabulary().columns.metric
    prefixes = list(
        dict.fromkeys(h.rsplit(" ", 1)[0] for h in cells if " " in h and h.rsplit(" ", 1)[1] in metric_words)
    )
    if len(prefixes) < 2:
        return [cells]
    return [{h[len(pre) + 1 :]: v for h, v in cells.items() if h.startswith(pre + " ")} for pre in prefixes]


def read_metrics(ctx: Context) -> list[MetricDraft]:
    out: list[MetricDraft] = []
    columns = vocabulary().columns
    for unit in ctx.units:
        if unit.kind == "row":
            for cells in _metric_groups(unit.cells):
                name = p.column(cells, columns.metric)
                if not name or p.EMPTY_CELL.match(name):
                    continue
                owner_cell = p.column(cells, columns.metric_owner)
                target_cell = p.column(cells, columns.target)
                # both cells empty: a row of figures ("Samples received - October") under a KPI table
                if owner_cell is not None and target_cell is not None and not (owner_cell + target_cell).strip():
                    continue
                owners = ctx.resolve_cell(owner_cell) if owner_cell and not p.EMPTY_CELL.match(owner_cell) else []
                out.append(
                    MetricDraft(
                        quote=quote_of(unit),
                        at=evidence_of(unit),
                        name=plain(name).strip(" *_")[:160],
                        owner=owners[0].name if owners else None,
                        target=cell(target_cell),
                        cadence=cell(p.column(cells, columns.cadence)),
                        data_source=cell(p.column(cells, columns.source)),
                        actors=unique(
                            [m[2].name for m in ctx.mentions(name)]
                            + [
                                e.name
                                for e in ctx.resolve_cell(
                                    p.column(cells, ("partner", "actor", "party", "measured actor", "who")) or ""
                                )
                            ],
                            exclude=None,
                        ),
                    )
                )
        elif unit.kind == "sentence":
            m = re.match(r"^(?P<name>[^:.;]{3,80}?)\s*(?::|—|–| - )\s*(?P<rest>.+)$", unit.text)
            if not m:
                continue
            # under a KPI heading, or a line that states its own target ("Tool library loans: target 500")
            kpi_heading = (
                unit.headings
                and re.search(r"\b(?:kpis?|metrics?|measures?|scorecard|indicators?)\b", unit.headings[-1], re.I)
                and not re.search(r"\b(?:not|non)[- ](?:a\s+)?(?:kpis?|metrics?)\b", unit.headings[-1], re.I)
            )
            if not kpi_heading and not re.match(r"\s*target(?:s|ed)?\b", m.group("rest"), re.I):
                continue
            rest = m.group("rest")
            name_words = m.group("name").split()
            if not 2 <= len(name_words) <= 8 or re.search(r"\b(?:has|have|is|are|was|were|will)\b", m.group("name")):
                continue
            if not re.search(r"\btarget|\bowner|\d", rest, re.I):
                continue
            # (a comma between digits is a thousands separator: "target 1,200 a year, Kelby to report")
            target = re.search(
                r"\btarget(?:s|ed)?\b(?:\s+(?:of|is|at|:))?\s*(?P<t>(?:[^,;()]|(?<=\d),(?=\d))+)", rest, re.I
            )
            # "Flexibility delivered: 4 MW by end 2025": a KPI line that opens with its figure states the aim.
            target = target or _LEADING_FIGURE.match(rest)
            owner = None
            owned = re.search(r"\b(?:owned by|owner:?|responsible:?|led by)\s+", rest, re.I)
            found = ctx.mentions(rest)
            if owned:
                after = [f for f in found if f[0] >= owned.end()]
                owner = after[0][2].name if after else None
            elif target is not None:
                # "target 12 t a year, Riverside to report": the party the next part opens with
                tail = rest[target.end() :]
                nxt = re.match(r"(\s*[,;]\s*)(?:the\s+)?", tail)
                starts = {target.end() + nxt.end(1), target.end() + nxt.end()} if nxt else set()
                owner = next((f[2].name for f in found if f[0] in starts), None)
            out.append(
                MetricDraft(
                    quote=quote_of(unit),
                    at=evidence_of(unit),
                    name=plain(m.group("name")).strip(" *_")[:160],
                    owner=owner,
                    target=target.group("t").strip()[:120] if target and re.search(r"\d", target.group("t")) else None,
                    cadence=(c.group(0).lower() if (c := p.CADENCE.search(rest)) else None),
                    actors=unique([f[2].name for f in ctx.mentions(m.group("name"))], exclude=None),
                )
            )
    return out


_LEADING_FIGURE = re.compile(
    r"(?P<t>(?:[<>≤≥]=?\s*|(?:at least|at most|under|over|below|above|up to|no more than|within)\s+)?"
    r"(?:EUR|USD|GBP|[€$£])?\s*\d(?:[\d.,]*\d)?[^,;()]*)",
    re.I,
)


def read_review(ctx: Context) -> tuple[str | None, Unit | None, list[str]]:
    best: tuple[str, Unit] | None = None
    for unit in ctx.units:
        text = unit.text
        if not (p.REVIEW_VERB.search(text) and p.REVIEW_SUBJECT.search(text)):
            continue
        cadence = p.CADENCE.search(text)
        if cadence is None or p.GAP_NEGATION.search(text):
            continue
        if best is None or (unit.date or _MIN_DATE) > (best[1].date or _MIN_DATE):
            best = (cadence.group(0).lower(), unit)
    if best is None:
        return None, None, []
    return best[0], best[1], unique([m[2].name for m in ctx.mentions(best[1].text)], exclude=None)


def read_scope(ctx: Context) -> ScopeDraft:
    objectives: list[ItemDraft] = []
    in_scope: list[ItemDraft] = []
    out_scope: list[ItemDraft] = []
    for unit in ctx.units:
        if unit.kind != "sentence":
            continue
        heading = unit.headings[-1] if unit.headings else ""
        text = unit.text
        m = p.OBJECTIVE_SENTENCE.search(text)
        if p.OUT_SCOPE_HEADING.search(heading) or p.OUT_OF_SCOPE_SENTENCE.search(text):
            out_scope.append(ItemDraft(quote=quote_of(unit), at=evidence_of(unit), text=text[:300]))
        elif p.SCOPE_HEADING.search(heading) or m:
            item = (m.group("obj") if m else text).strip().rstrip(".")
            objectives.append(ItemDraft(quote=quote_of(unit), at=evidence_of(unit), text=item[:300]))
        elif p.IN_SCOPE_HEADING.search(heading):
            in_scope.append(ItemDraft(quote=quote_of(unit), at=evidence_of(unit), text=text[:300]))
    return ScopeDraft(
        title=_title(ctx),
        summary=_summary(ctx),
        objectives=objectives[:8],
        in_scope=in_scope[:8],
        out_of_scope=out_scope[:8],
    )


def _title(ctx: Context) -> str | None:
    counts: Counter[str] = Counter()
    for unit in ctx.units:
        for m in p.ECOSYSTEM_NAME.finditer(unit.text):
            name = clean_name(m.group(0))
            if name.split()[0].lower() not in NOT_ORG_FIRST:
                counts[name] += 3 if unit.kind == "heading" else 1
    if counts:
        return counts.most_common(1)[0][0]
    heading = next((u for u in ctx.units if u.kind == "heading"), None)
    return heading.text.lstrip("# ").strip()[:160] if heading else None


def _summary(ctx: Context) -> str:
    """The first real sentence of the evidence: long enough, ending like prose, not a breadcrumb."""
    for unit in ctx.units:
        text = unit.text
        if (
            unit.kind == "sentence"
            and len(text.split()) >= 10
            and text.endswith(".")
            and ">" not in text
            and not HEADER_LINE.match(text)
        ):
            return text[:600]
    return ""
