"""Pure string helpers of the offline extractor: noun phrases, name lists, table cells.

They know nothing of the lexicon or the units around a sentence, so every reader can share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ecocanvas.generator.actor_names import clean_name
from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.lexicon import ActorEntry

_PHRASE_CUT = re.compile(
    r"\s*(?:[;:!?()\[\]—–]|\.(?!\d)|,\s|\s-\s|\s+(?:while|whereas|but|with|from|by|until|starting|effective|"
    r"as of|so that|in order|because|which|who|whom|together|alongside|on behalf|through|via|using|unless|"
    r"once|after|before|"
    r"when|where|and (?:the|is|are|will|also|then|its|their|reports?|leads?|owns?|runs?|manages?|handles?|"
    r"provides?|supports?|approves?|pays?|shares?|gives?|receives?|signs?)|in (?:Q[1-4]|\d{4}|(?:january|"
    r"february|march|april|may|june|july|august|september|october|november|december))|"
    r"to (?:ensure|make|keep|help|enable|reduce|improve|avoid|guarantee|protect|meet)|"
    r"(?:is|are|will be|must be|has been|have been|remains?) (?:owned|led|run|managed|approved|signed|supported|"
    r"handled|coordinated|operated|overseen|responsible|accountable|moving|moved|transferred)))\b",
    re.I,
)
_LEADING = re.compile(
    r"^(?:(?:the|all|our|any|its|their|a|an|each|every|of|for|on|day-to-day|overall|also|now|both|"
    r"jointly|responsibility for|ownership of|accountability for|work on|delivery of)\s+)+",
    re.I,
)
_TRAILING = re.compile(
    r"(?:\s+(?:also|yet|so far|at the moment|today|either|currently|anymore|any more|for now|"
    r"as well|too|again|itself|each|accordingly))+\s*$",
    re.I,
)
PRONOUN = re.compile(
    r"^(?:it|this|that|these|those|they|them|he|she|we|us|which|what|who|everything|anything|"
    r"something|nothing|there|here)\b",
    re.I,
)
HEADER_LINE = re.compile(r"^\W*(?:present|attendees|apologies|cc|to|from|sent|subject|chair|minutes|date|by)\W*:", re.I)
_VERBISH = re.compile(r"^(?:is|are|was|were|be|been|has|have|had|will|shall|must|can|should|would)$", re.I)


def phrase(text: str, max_words: int = 12) -> str:
    """The noun phrase at the start of `text`: cut at the first clause boundary, determiners dropped."""
    cut = _PHRASE_CUT.search(text)
    head = text[: cut.start()] if cut else text
    head = _LEADING.sub("", head.strip().strip("*_\"'“”`")).strip()
    words = head.split()
    if len(words) > max_words:
        words = words[:max_words]
    out = _TRAILING.sub("", " ".join(words)).strip(" ,.;:-")
    if not out or PRONOUN.match(out) or not re.search(r"[A-Za-z]{3,}", out):
        return ""
    if words and _VERBISH.match(words[0]):
        return ""
    if len(out.split()) == 1 and (out.lower().endswith("ly") or len(out) < 4):
        return ""  # "partly", "all": an adverb or a scrap is not an activity
    return out


def tail_phrase(text: str) -> str:
    """The subject at the end of a clause: what follows the last boundary before the verb."""
    parts = re.split(r"(?:[;:.!?]|,\s|\bthat\b|\bwhich\b|\bwhile\b|\bbut\b|\bwhereas\b|\bso\b|\band\s+(?=the\b))", text)
    tail = parts[-1] if parts else text
    tail = re.sub(
        r"^\s*(?:from|as of|effective|starting|beginning|after|in)\s+[^,]{1,40}?(?:\d{4}|Q[1-4])\s*",
        "",
        tail.strip(),
        flags=re.I,
    )
    return phrase(tail, max_words=14)


def plain(text: str) -> str:
    """Text without markdown emphasis, for name patterns only (quotes keep the original offsets)."""
    return re.sub(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)", "", text)


def split_names(value: str) -> list[str]:
    value = re.sub(r"\([^)]*\)", "", value)
    parts = re.split(r"\s*(?:,|;|/|\+|\band\b|\bwith\b)\s*", value)
    return [clean_name(x) for x in parts if clean_name(x)]


def cell(value: str | None) -> str | None:
    if value is None or p.EMPTY_CELL.match(value):
        return None
    return value.strip()[:120]


def names_of(entries: Iterable[ActorEntry], exclude: ActorEntry | None) -> list[str]:
    return unique([e.name for e in entries if e is not exclude], exclude=None)


def unique(names: Iterable[str], exclude: str | None) -> list[str]:
    out: list[str] = []
    for n in names:
        if n and n != exclude and n not in out:
            out.append(n)
    return out


_FILLER = {
    "the", "a", "an", "of", "for", "and", "to", "on", "onto", "in", "into", "at", "with", "all", "every", "each", "&",
}  # fmt: skip


def content_words(name: str) -> set[str]:
    """The words of a name that say what it is, each in its folded form (articles and joiners dropped)."""
    words = {w.strip(".,;:()").lower() for w in re.split(r"[\s/]+", name)} - _FILLER
    return {fold(w) for w in words if w}


def fold(word: str) -> str:
    """One form for a word's inflections, so "Demand forecasting" meets "Demand forecast" and
    "Quarterly compliance reporting" meets "Quarterly compliance reports". (A hyphenated word stays
    whole: splitting at hyphens as well lowered activity precision on the check set.)"""
    if word.endswith("s") and len(word) > 4 and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 6:
        word = word[:-3]
    return word
