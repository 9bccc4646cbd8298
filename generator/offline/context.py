"""What every reader of the offline extractor shares: the units, the lexicon, and citations.

Units carrying injected instructions are set aside at once, so no reader takes a relation from
them; only the exclusion reader looks at them, to name the parties they try to smuggle in.
"""

from __future__ import annotations

import re

from generator.drafts import Evidence
from generator.offline import patterns as p
from generator.offline.lexicon import ActorEntry, Lexicon, lower_words
from generator.offline.phrases import phrase, split_names
from generator.offline.text import Unit

_QUOTE_MAX = 600


def evidence_of(unit: Unit) -> Evidence:
    return Evidence(document_id=unit.document.id, start=unit.start)


def quote_of(unit: Unit) -> str:
    return unit.raw[:_QUOTE_MAX]


class Context:
    """The units in evidence order, the lexicon built from them, and where each actor was first seen."""

    def __init__(self, all_units: list[Unit]) -> None:
        self.injected = [u for u in all_units if p.INJECTION.search(u.text)]
        self.units = [u for u in all_units if not p.INJECTION.search(u.text)]
        self._index = {id(u): i for i, u in enumerate(self.units)}
        self.lexicon = Lexicon()
        self._recurrence: dict[str, int] = {}
        self.lowered = lower_words([u.text for u in self.units])
        self.first_seen: dict[int, Unit] = {}

    def note(self, entry: ActorEntry, unit: Unit) -> None:
        self.first_seen.setdefault(id(entry), unit)

    def recurs(self, name: str) -> bool:
        """A bare capitalised subject counts as an actor once it is named in at least two units."""
        if name not in self._recurrence:
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            self._recurrence[name] = sum(1 for u in self.units if pattern.search(u.text))
        return self._recurrence[name] >= 2

    def mentions(self, text: str) -> list[tuple[int, int, ActorEntry]]:
        return self.lexicon.mentions(text)

    def resolve_cell(self, value: str) -> list[ActorEntry]:
        out: list[ActorEntry] = []
        for name in split_names(value):
            entry = self.lexicon.get(name)
            if entry is None:
                found = self.mentions(name)
                entry = found[0][2] if found else None
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
