"""Prose that orders work: which activity waits for which.

"TrialGrid will not freeze the build until Axial signs off the specification", "Customs certifies
the interface only after the end-to-end test", "onboarding waits for certification". Each side of
the ordering is matched to an activity already read, by the words of its name. A side that names no
activity, or two equally well, gives nothing: guessing would invent a link, and a loop of invented
links is an error a reviewer would have to disprove.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from spacy.tokens import Doc, Token

from ecocanvas.generator.drafts import ActivityDraft, max_items
from ecocanvas.generator.offline.clauses import negated
from ecocanvas.generator.offline.context import Context
from ecocanvas.generator.offline.phrases import content_words, fold
from ecocanvas.generator.offline.vocabulary import vocabulary

_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "X"})
# Children of a verb that start another clause: their words say nothing of this clause's work.
_OTHER_CLAUSE = frozenset({"advcl", "conj", "cc", "parataxis", "mark", "punct"})

Side = list[Token]


def add_dependencies(ctx: Context, activities: Sequence[ActivityDraft]) -> None:
    """Each ordering a sentence states between two activities becomes the later one's `depends_on`."""
    most = max_items(ActivityDraft, "depends_on")
    names = _Names([a.name for a in activities])
    by_name: dict[str, list[ActivityDraft]] = {}
    for a in activities:
        by_name.setdefault(a.name, []).append(a)
    for unit in ctx.units:
        doc = ctx.parse_of(unit) if unit.kind == "sentence" else None
        if doc is None:
            continue
        pairs = list(orderings(doc))
        if not pairs:
            continue  # most sentences order nothing: no need to find their actors
        named = {t.i for m in ctx.unit_mentions(unit) for t in doc.char_span(m.start, m.end, "expand") or ()}
        for later, first in pairs:
            waits, needed = names.named_by(later, named), names.named_by(first, named)
            if waits is None or needed is None or waits == needed:
                continue
            for draft in by_name[waits]:
                if needed not in draft.depends_on and len(draft.depends_on) < most:
                    draft.depends_on.append(needed)


class _Names:
    """The activities' names as words: all of each name's, the ones it is about (the last word of
    each part: "build" and "validation" of "eCRF build and validation"), and how many names share each."""

    def __init__(self, names: Sequence[str]) -> None:
        light = {fold(w) for w in vocabulary().light_work}
        self.words: dict[str, set[str]] = {}
        self.heads: dict[str, set[str]] = {}
        for name in names:
            if name in self.words:
                continue
            self.words[name] = content_words(name) - light
            parts = [part.split() for part in re.split(r"\s+(?:and|or)\s+|[,&/]", name.lower())]
            self.heads[name] = {fold(part[-1]) for part in parts if part}
        self.spread: dict[str, int] = {}
        for words in self.words.values():
            for w in words:
                self.spread[w] = self.spread.get(w, 0) + 1

    def named_by(self, side: Side, named: set[int]) -> str | None:
        """The activity a side names: the most distinctive share of its words, one clear winner or
        none. The word the side is about must be one the name is about, or two words shared ("publish
        data" is not "Lab data transfer specification"). An actor's name in the side says who, not what."""
        if not side:
            return None
        head = _head(side, named)
        # A verb with no object found (a misparsed "freeze the eCRF build") leaves the other shared words
        # to decide; the verb alone ("before it is opened") names no work.
        verb_only = head.pos_ in ("VERB", "AUX")
        about = set() if verb_only else {fold(head.lower_), fold(head.lemma_.lower())}
        said: set[str] = set()
        for t in side:
            if t.i in named or t.is_stop or t.pos_ not in _CONTENT_POS or (verb_only and t is head):
                continue
            said |= {fold(t.lower_), fold(t.lemma_.lower())}
        scores: list[tuple[float, str]] = []
        for name, words in self.words.items():
            shared = words & said
            if shared and (not about or about & self.heads[name] or len(shared) >= 2):
                scores.append((sum(1 / self.spread[w] for w in shared), name))
        scores.sort(reverse=True)
        if not scores or scores[0][0] < 1 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
            return None
        return scores[0][1]


def orderings(doc: Doc) -> Iterator[tuple[Side, Side]]:
    """(the words of the work that waits, the words of the work it waits for), per ordering stated."""
    for tok in doc:
        word = tok.lower_
        if word in ("until", "till", "before", "after", "once") and tok.dep_ in ("mark", "prep", "advmod"):
            pair = _around(tok)
            if pair is None:
                continue
            main, sub = pair
            mine = _clause(main, without=set(sub) | {tok})
            only = any(c.lower_ == "only" for c in tok.children) or (tok.i > 0 and doc[tok.i - 1].lower_ == "only")
            is_negated = negated(main)
            if word in ("until", "till"):
                # "continues until the report is accepted" only says how long; "will not freeze until" orders.
                if is_negated:
                    yield mine, sub
            elif word == "before":
                # "shall not open the flow before Customs has certified it"; "checks X before a berth is given".
                yield (mine, sub) if is_negated else (sub, mine)
            elif word == "once" or only:
                # "starts only after Customs certifies"; "once the specification is signed off, X freezes the build".
                yield mine, sub
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in ("depend", "wait", "block"):
            subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            preps = ("by",) if tok.lemma_.lower() == "block" else ("on", "upon", "for")
            prep = next((c for c in tok.children if c.dep_ in ("prep", "agent") and c.lower_ in preps), None)
            if subject is not None and prep is not None:
                yield list(subject.subtree), [t for t in prep.subtree if t is not prep]


def _around(marker: Token) -> tuple[Token, Side] | None:
    """The verb an ordering word hangs from and the words on its other side."""
    if marker.dep_ == "mark":
        sub = marker.head
        if sub.dep_ != "advcl" or sub.head is sub:
            return None
        main = sub.head
        side = _clause(sub)
    else:
        main = marker.head
        side = [t for t in marker.subtree if t is not marker and t.lower_ != "only"]
    if main.pos_ not in ("VERB", "AUX") or not side:
        return None
    return main, side


def _clause(verb: Token, without: set[Token] | None = None) -> Side:
    """The verb with its own arguments, without the clauses hanging from it (nor `without`)."""
    out = [verb]
    for child in verb.children:
        if child.dep_ not in _OTHER_CLAUSE and (without is None or child not in without):
            out += [t for t in child.subtree if without is None or t not in without]
    return out


def _head(side: Side, named: set[int]) -> Token:
    """The word a side is about: a clause's object or passive subject, a subject that is no party
    ("the build is frozen", "onboarding starts"), else its verb; a phrase's noun."""
    inside = set(side)
    root = next((t for t in side if t.head not in inside or t.head is t), side[0])
    if root.pos_ in ("VERB", "AUX"):
        for dep in ("dobj", "nsubjpass", "attr", "nsubj"):
            found = next((c for c in root.children if c.dep_ == dep and c in inside), None)
            if found is not None and found.i not in named and found.pos_ != "PRON":
                return found
    return root
