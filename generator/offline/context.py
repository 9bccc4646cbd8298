"""What every reader of the offline extractor shares: the units, the lexicon, and citations.

Units carrying injected instructions are set aside at once, so no reader takes a relation from
them; only the exclusion reader looks at them, to name the parties they try to smuggle in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from ecocanvas.generator.drafts import Evidence
from ecocanvas.generator.guard import INJECTION
from ecocanvas.generator.offline.lexicon import ActorEntry, Lexicon, lower_words
from ecocanvas.generator.offline.phrases import phrase, plain, split_names
from ecocanvas.generator.offline.vocabulary import vocabulary
from ecocanvas.generator.units import Unit
from ecocanvas.knowledge import MONTHS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ecocanvas.generator.offline.clauses import Mention

_WE = re.compile(r"(?<![\w-])(?:we|us|our|ours)(?![\w-])", re.I)
_GENERIC_ACTIVITY = re.compile(
    r"^(?:work|things?|it|this|that|everything|anything|stuff|role|roles|part|parts|job|jobs|task|tasks|"
    r"activities|activity|process|processes|responsibility|responsibilities|item|items|area|areas|lot|rest|"
    r"same|other|others|one|ones|point|points|issue|issues|case|cases|question|questions|matter|matters|"
    r"way|ways|time|detail|details|list|table|section|document|agreement|plan|budget|meeting|call)$",
    re.I,
)

# Phrases a reviewer would never keep as an activity name: a question, a negation, a page or
# document part, a time, a clause with its own finite verb.
_NOT_A_NAME = re.compile(
    r"^(?:how|what|when|where|why|who|which|whether|none|no|not|owner|owners|for|first|last|next|"
    r"item|clause|section|page|annex|appendix)(?![\w-])|\b(?:is|are|was|were|has|have|had|will|would|should)\b",
    re.I,
)

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_LEADING_DATE = re.compile(
    rf"^(?:(?:from|as of|since|starting|on|by|until)\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?(?:\s+\d{{4}})?"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?|(?:{_MONTH})\s+\d{{4}}|q[1-4](?:\s+\d{{4}})?)\b[\s,:]*(?:the\s+)?",
    re.I,
)
# A count or a date left in front ("Four enterprise implementations", "12 March operation").
_NUMBER_FIRST = re.compile(
    r"^(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred)\b)", re.I
)


def _head(name: str) -> str:
    """The head noun of a name: the last word before its complement ("site onboarding for hosts")."""
    head = re.split(r"\s(?:for|of|on|across|within|with|to|in|at|from)\s", name, maxsplit=1)[0]
    return head.split()[-1].lower().strip(".,;:()") if head.split() else ""


_QUOTE_MAX = 600


def without_leading_date(name: str) -> str:
    """'From 1 May 2025 the mock recall exercise' -> 'Mock recall exercise'."""
    rest = _LEADING_DATE.sub("", name).strip()
    return rest[0].upper() + rest[1:] if rest and rest != name else name


def evidence_of(unit: Unit) -> Evidence:
    return Evidence(document_id=unit.document.id, start=unit.start)


def quote_of(unit: Unit) -> str:
    return unit.raw[:_QUOTE_MAX]


class Context:
    """The units in evidence order, the lexicon built from them, and where each actor was first seen."""

    def __init__(self, all_units: list[Unit]) -> None:
        self.injected = [u for u in all_units if INJECTION.search(u.text)]
        self.units = [u for u in all_units if not INJECTION.search(u.text)]
        self._index = {id(u): i for i, u in enumerate(self.units)}
        self.lexicon = Lexicon()
        self._recurrence: dict[str, int] = {}
        self.lowered = lower_words([u.text for u in self.units])
        self.first_seen: dict[int, Unit] = {}
        self.parses: dict[int, Doc] = {}
        self.writers: dict[int, ActorEntry] = {}  # id(unit) -> the organisation "we" stands for there
        # id(unit) -> for a speaker's line, the organisation the document is otherwise written by: who
        # the speaker deals with when a clause names no counterparty ("Castra: delivers kit ...").
        self.addressed: dict[int, ActorEntry] = {}
        # document id -> the two parties of the agreement it is ("between A and B")
        self.parties: dict[str, tuple[ActorEntry, ActorEntry]] = {}
        # Per draft (by id()): the date a relation takes effect, and whether it is a hand-over.
        self.effective: dict[int, dt.date] = {}
        self.transfers: set[int] = set()
        # Drafts read from a prose clause that only supports or approves: work named by its helpers.
        self.helper_only: set[int] = set()
        # Drafts read from a row of a responsibility table.
        self.from_table: set[int] = set()
        # Mechanisms found only by the vocabulary file's cues: weaker evidence that a party is in the ecosystem.
        self.cue_only: set[int] = set()

    def other_party(self, unit: Unit, party: ActorEntry) -> ActorEntry | None:
        """In a two-party agreement, the party a clause of `party` deals with when it names none."""
        pair = self.parties.get(unit.document.id)
        if pair is None or party not in pair:
            return None
        return pair[1] if pair[0] is party else pair[0]

    def parse_of(self, unit: Unit) -> Doc | None:
        return self.parses.get(id(unit))

    def unit_mentions(self, unit: Unit) -> list[Mention]:
        """Actor mentions in the unit's text, "we"/"us"/"our" standing for the document's writer."""
        from ecocanvas.generator.offline.clauses import Mention

        found = [Mention(s, e, entry) for s, e, entry in self.mentions(unit.text)]
        writer = self.writers.get(id(unit))
        if writer is not None:
            taken = [(m.start, m.end) for m in found]
            for m in _WE.finditer(unit.text):
                if not any(s < m.end() and m.start() < e for s, e in taken):
                    found.append(Mention(m.start(), m.end(), writer))
            found.sort(key=lambda m: m.start)
        return found

    def activity_name(self, theme: str) -> str:
        """A reviewer's name for an activity: no markup, a capital first letter, not an actor or a scrap."""
        text = plain(theme).strip(" -:;,.*_#>|")
        text = re.sub(r"\s+", " ", text)
        if not text or _GENERIC_ACTIVITY.match(text) or len(text) < 4 or self.is_actor_phrase(text):
            return ""
        if _NOT_A_NAME.search(text):
            return ""
        # A date in front says when, not what: "1 June 2025 central imaging review".
        text = without_leading_date(text)
        if _NUMBER_FIRST.match(text) or _head(text) in vocabulary().not_work_heads:
            return ""
        if len(text.split()) > 10:
            text = " ".join(text.split()[:10])
        return text[0].upper() + text[1:]

    def note(self, entry: ActorEntry, unit: Unit) -> None:
        self.first_seen.setdefault(id(entry), unit)

    def recurs(self, name: str) -> bool:
        """A bare capitalised subject counts as an actor once it is named in at least two units."""
        if name not in self._recurrence:
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            self._recurrence[name] = sum(1 for u in self.units if pattern.search(u.text))
        return self._recurrence[name] >= 2

    def _group_member(self, name: str) -> ActorEntry | None:
        """A cell naming one member of a group ("Partner" in a table of the training-partner
        agreement) stands for the group whose name ends in its plural, when exactly one does."""
        word = re.sub(r"^(?:the|a|an|each|every|any)\s+", "", name.strip(), flags=re.I).lower()
        if not re.fullmatch(r"[a-z][a-z-]+", word):
            return None
        plurals = {word + "s", word + "es", word[:-1] + "ies"} if not word.endswith("s") else {word}
        groups = [e for e in self.lexicon.entries if "group" in e.signals and e.name.lower().split()[-1] in plurals]
        return groups[0] if len(groups) == 1 else None

    def mentions(self, text: str) -> list[tuple[int, int, ActorEntry]]:
        return self.lexicon.mentions(text)

    def resolve_cell(self, value: str, groups: bool = False) -> list[ActorEntry]:
        """The actors a table cell names; with `groups`, a member's title stands for its group."""
        out: list[ActorEntry] = []
        for name in split_names(value):
            # A cell drops the article of a defined role: "CRO" is "the CRO" of the agreement.
            entry = self.lexicon.get(name) or self.lexicon.get_role(name)
            if entry is None:
                found = self.mentions(name)
                entry = found[0][2] if found else None
            entry = entry or (self._group_member(name) if groups else None)
            if entry is not None and entry not in out:
                out.append(entry)
        return out

    def topic(self, unit: Unit) -> str:
        """What a sentence without a subject is about: a short lead-in on its line, else its heading."""
        i = self._index.get(id(unit), -1)
        if i > 0:
            prev = self.units[i - 1]
            gap = unit.document.text[prev.end : unit.start]
            if prev.document is unit.document and "\n" not in gap and len(prev.text.split()) <= 4:
                return phrase(re.sub(r"^[\d.)\s*#]+", "", prev.text).strip(" *.:"), max_words=8)
        if unit.headings:
            return phrase(re.sub(r"^[\d.)\s*#]+", "", unit.headings[-1]).strip(" *.:"), max_words=8)
        return ""

    def is_actor_phrase(self, act: str) -> bool:
        """A phrase made mostly of actor names lists parties; it is not an activity."""
        found = self.mentions(act)
        return bool(found) and sum(e - s for s, e, _ in found) >= len(act) * 0.6
