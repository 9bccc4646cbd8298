"""Who the actors are: discover organisation names, their aliases and kinds, and find mentions.

Names come from definitions ("Nordhavn Motors (NHM)", 'the "Utility"'), from table columns that
hold actors (Lead, Owner, Support, Approves, Provider...), from organisation-shaped proper nouns
("Kestrel Logistics", "the Risk Office") and from the subjects and objects of the relation verbs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.generator.actor_names import clean_name, initials
from ecocanvas.generator.offline.vocabulary import vocabulary
from ecocanvas.knowledge import MONTHS

# A capitalised name of up to six words, allowing inner connectors ("Bank of Nordhavn", "R&D").
# A trailing apostrophe belongs to a name only inside it: "Marrowby Growers' Cooperative".
# A dotted legal form is a word of its own, its last full stop included: "Lumio Pay B.V. (\"Lumio\")".
_WORD = r"(?:[A-Z]\.){2,3}(?![\w])|[A-Z][A-Za-z0-9&'’\-.]*[A-Za-z0-9&](?:(?<=s)['’](?=\s+[A-Z]))?|[A-Z]"
NAME = rf"(?:{_WORD})(?:\s+(?:of|for|and|&|de|la|du|van|der)\s+(?:{_WORD})|\s+(?:{_WORD})){{0,5}}"
# A legal form written in lower case ends a name too: "Skerry Air plc", "Kestrel Logistics gmbh".
NAME += r"(?:\s+(?:plc|ltd|limited|inc|llc|gmbh|ag|sa|nv|bv|oy|ab|a/s|co|corp)\.?(?![\w-]))?"

# Words that make a capitalised name an organisation: the vocabulary's list.
ORG_WORDS = vocabulary().org_words
# Words that start capitalised names which are not organisations (headings, months, documents...).
STOP_FIRST = {
    "the",
    "a",
    "an",
    "our",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "each",
    "every",
    "all",
    "any",
    "from",
    "as",
    "in",
    "on",
    "at",
    "by",
    "for",
    "to",
    "with",
    "after",
    "before",
    "during",
    "until",
    "since",
    "if",
    "when",
    "where",
    "while",
    "and",
    "or",
    "but",
    "so",
    "we",
    "they",
    "it",
    "he",
    "she",
    "i",
    "you",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "q1",
    "q2",
    "q3",
    "q4",
    "note",
    "notes",
    "action",
    "actions",
    "item",
    "items",
    "section",
    "appendix",
    "table",
    "figure",
    "minutes",
    "agenda",
    "attendees",
    "present",
    "date",
    "subject",
    "re",
    "fw",
    "fwd",
    "dear",
    "hi",
    "hello",
    "regards",
    "kpi",
    "kpis",
    "metric",
    "metrics",
    "target",
    "owner",
    "status",
    "decision",
    "decisions",
    "next",
    "open",
    "agreement",
    "memo",
    "memorandum",
    "strategy",
    "objective",
    "objectives",
    "scope",
    "background",
    "summary",
    "overview",
    "purpose",
    "governance",
    "review",
    "roles",
    "responsibilities",
    "activity",
    "activities",
    "lead",
    "support",
    "approves",
    "approval",
    "partner",
    "partners",
    "annex",
    "schedule",
    "clause",
    "article",
    "version",
    "draft",
    "final",
    "new",
    "first",
    "second",
    "third",
    "phase",
    "year",
    "month",
    "week",
    "day",
    "none",
    "no",
    "not",
    "yes",
    "tbd",
    "n/a",
    "total",
    "other",
    "also",
    "however",
    "both",
    "either",
    "there",
    "here",
    "please",
    "thanks",
    "thank",
    "ai",
    "llm",
    "faq",
    "sla",
    "slas",
    "api",
    "apis",
    "eur",
    "usd",
    "gbp",
    "dkk",
    "sek",
    "nok",
    "chf",
    "pilot",
    "launch",
    "programme",
    "program",
    "project",
} | set(MONTHS)  # and every month name or abbreviation
_LEGAL = re.compile(
    r"\s+(?:ltd|limited|inc|plc|llc|gmbh|ag|sa|nv|bv|b\.v\.|n\.v\.|oy|ab|a/s|s\.a\.|co|corp|s\.r\.l|srl|s\.p\.a|spa|sas|"
    r"sarl|kg|llp|cic)\.?$",
    re.I,
)
_PERSON_TITLE = re.compile(
    r"^(?:head|director|vp|vice president|chief|manager|lead|chair|deputy|senior|junior|assistant)\b|"
    r"\b(?:head|director|chief|manager|vice president) of\b|"
    r"\b(?:director|manager|officer|head|chair|chairman|chairwoman|president|secretary|coordinator|lead|"
    r"representative|specialist|analyst|engineer|nurse|physician|sponsor|owner)s?$",
    re.I,
)
# A person, by an honorific or by initials before a surname ("Dr Ruth Callan", "S. Farrell"): people
# act for an organisation and are never actors themselves.
_PERSON_NAME = re.compile(
    r"^(?:(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Sir|Dame)\.?\s+[A-Z]|(?:[A-Z]\.\s?){1,3}[A-Z][a-z'’-]+(?:\b|$))"
)


def is_person_name(name: str) -> bool:
    """'Tom Reyes', 'Aisha': a common given name, then at most two capitalised words that name no
    organisation ('Grace Hospital', 'Victoria Water Ltd' stay organisations)."""
    words = name.split()
    if not 1 <= len(words) <= 3 or words[0].lower() not in vocabulary().given_names:
        return False
    rest = words[1:]
    return all(re.fullmatch(r"[A-Z][a-z'’-]+", w) for w in rest) and not org_signal(name) and not _LEGAL.search(name)


# A work package or action code ("WP4", "WS12", "A-03-02"), not an organisation ("O2" keeps its name).
_CODE = re.compile(r"(?:[A-Z]{2,4}\d+|[A-Z]\d{2,}|[A-Z]-\d+)(?:[-.]\d+)*")


# An e-mail's header fields read as a table's first column ("Cc: | Priya Anand <...>").
_MAIL_HEADERS = frozenset({"cc", "bcc", "to", "from", "subject", "sent", "date", "re", "fw", "fwd"})


def has_legal_form(name: str) -> bool:
    """'Voltara GmbH', 'Harbour Holdings B.V.': the name ends with a company's legal form."""
    return _LEGAL.search(name) is not None


def is_generic_forum(name: str) -> bool:
    """'Steering Board', 'Technical Management Committee': a forum named only by what it does."""
    words = [w.lower().strip(".,()") for w in name.split()]
    vocab = vocabulary()
    return len(words) >= 2 and words[-1] in vocab.forum_heads and all(w in vocab.forum_modifiers for w in words[:-1])


# Lower-case role nouns that documents define as aliases ("the utility", "the bank").
ROLE_NOUN = re.compile(r"^(?:the\s+)?[a-z][a-z\- ]{2,40}$")


@dataclass
class ActorEntry:
    name: str
    aliases: set[str] = field(default_factory=set)
    descriptors: list[str] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)  # "defined", "table", "relation", "org"

    def names(self) -> list[str]:
        return [self.name, *sorted(self.aliases)]


def _abbreviates(acronym: str, tail: list[str], name: str) -> bool:
    """`name` is two or more words whose initials are `acronym`, followed by the words `tail`."""
    words = name.split()
    head = words[: len(words) - len(tail)]
    if len(head) >= 2 and words[len(head) :] == tail and initials(" ".join(head)) == acronym:
        return True
    # "O&V" for "Ostler & Vane Builders": the ampersand's two sides, the kind of business left off.
    sides = acronym.split("&")
    return (
        not tail
        and len(sides) == 2
        and all(len(x) == 1 for x in sides)
        and len(words) >= 3
        and words[1] == "&"
        and (words[0][0], words[2][0]) == (sides[0], sides[1])
    )


def is_name_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 7 or len(text) > 80:
        return False
    first = words[0].lower().strip(".,;:")
    if first in STOP_FIRST and len(words) == 1:
        return False
    return any(c.isalpha() for c in text) and (text[0].isupper() or text[0].isdigit())


def org_signal(name: str, brands: bool = True) -> bool:
    words = [w.lower().strip(".,") for w in name.split()]
    if len(words) >= 2 and any(w in ORG_WORDS for w in words[1:]):
        return True
    # An acronym or a CamelCase brand ("ChargeCo", "NHM", "PayLink") is organisation-shaped, but
    # products are CamelCase too, so callers that only see a bare name pass brands=False.
    return brands and bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", name) or re.search(r"[a-z][A-Z]", name))


_LOWER_WORD = re.compile(r"(?<![@.\w/-])[a-z][a-z\-]+(?![\w@/]|\.[a-z])")


def lower_words(texts: list[str]) -> set[str]:
    """Words used in lower case in running text (e-mail addresses and domains do not count)."""
    return {w for t in texts for w in _LOWER_WORD.findall(t)}


class Lexicon:
    """Actor names with their aliases, and a fast way to find their mentions in a sentence."""

    def __init__(self) -> None:
        self.entries: list[ActorEntry] = []
        self._by_key: dict[str, ActorEntry] = {}
        self._pattern: re.Pattern[str] | None = None
        self._lookup: dict[str, ActorEntry] = {}
        # Collective names a document defines for several parties ("the Sites", "each Site").
        self.groups: dict[str, list[ActorEntry]] = {}

    def add_group(self, alias: str, members: list[ActorEntry]) -> None:
        """'(together "the Sites" and each "a Site")': the plural and the singular both name all of them."""
        head = re.sub(r"^(?:the|a|an|each|every)\s+", "", alias.strip(), flags=re.I)
        singular = head[:-1] if head.endswith("s") and len(head) > 3 else head
        for form in {head, singular, head if head.endswith("s") else head + "s"}:
            if form and normalise_key(form) not in self._by_key:
                self.groups[form.lower()] = list(members)
        self._pattern = None

    def get(self, name: str) -> ActorEntry | None:
        clean = clean_name(name)
        return self._by_key.get(normalise_key(clean)) or self._by_key.get(normalise_key(_LEGAL.sub("", clean)))

    def get_role(self, name: str) -> ActorEntry | None:
        """A defined role named without its article: "CRO" in a table for 'Meridian Ltd ("the CRO")'."""
        return self._by_key.get(normalise_key(f"the {name.strip()}"))

    def add(self, name: str, signal: str, alias: str | None = None, descriptor: str | None = None) -> ActorEntry:
        name = clean_name(name)
        entry = self.get(name) or (self.get(alias) if alias else None)
        if entry is None:
            entry = ActorEntry(name)
            self.entries.append(entry)
            self._by_key[normalise_key(name)] = entry
            self._by_key.setdefault(normalise_key(_LEGAL.sub("", name)), entry)
        elif normalise_key(name) not in self._by_key:
            entry.aliases.add(name)
            self._by_key[normalise_key(name)] = entry
        if alias and alias.strip().lower() in vocabulary().places:
            alias = None  # 'LinguaBridge GmbH, Hamburg, Germany (...)': an address, not a name
        if alias:
            alias = alias.strip().strip("\"'“”‘’").strip()
            key = normalise_key(clean_name(alias)) if not ROLE_NOUN.match(alias) else normalise_key(alias)
            other = self._by_key.get(key)
            if other is not None and other is not entry:
                self._merge(entry, other)
            if alias and normalise_key(alias) != normalise_key(entry.name):
                entry.aliases.add(alias)
                self._by_key[key] = entry
                self._by_key[normalise_key(alias)] = entry
        if descriptor:
            entry.descriptors.append(descriptor)
        entry.signals.add(signal)
        self._pattern = None
        return entry

    def _merge(self, keep: ActorEntry, gone: ActorEntry) -> None:
        places = vocabulary().places
        keep.aliases |= {a for a in gone.aliases | ({gone.name} - {keep.name}) if a.lower() not in places}
        keep.descriptors += gone.descriptors
        keep.signals |= gone.signals
        self.entries = [e for e in self.entries if e is not gone]
        for k, v in list(self._by_key.items()):
            if v is gone:
                self._by_key[k] = keep

    def merge_abbreviations(self) -> None:
        """'NHM' and 'Nordhavn Harbour Mobility' are one actor when the initials match, and so are
        'IG Office' and 'Information Governance Office' (initials, then the same last words). Whole
        acronyms are merged first."""
        for letters, with_tail in ((7, False), (5, True)):
            for short in list(self.entries):
                acronym, *tail = short.name.split()
                if short not in self.entries or bool(tail) != with_tail:
                    continue
                if not re.fullmatch(rf"[A-Z][A-Z0-9&]{{1,{letters}}}", acronym):
                    continue
                full = next((f for f in self.entries if f is not short and _abbreviates(acronym, tail, f.name)), None)
                if full is not None:
                    self._merge(full, short)
                    full.aliases.add(short.name)
        self._pattern = None

    def finalize(self, texts: list[str], drop: set[str]) -> None:
        """Clean-up once every name is known: titles out, short names in, "Lumio Risk Office" folded."""
        corpus_words = lower_words(texts)
        for entry in list(self.entries):
            words = entry.name.split()
            if (
                entry.name in drop
                or entry.name.upper() in drop
                or _PERSON_TITLE.search(entry.name)
                or _PERSON_NAME.match(entry.name)
                or is_person_name(entry.name)
                or is_generic_forum(entry.name)
                or _CODE.fullmatch(entry.name)
                or entry.name.lower() in _MAIL_HEADERS
                or entry.name.lower() in vocabulary().places
                # (a brand with a capital inside, "LinguaBridge", is no common word, whatever a
                # workspace list writes: "Slack Connect: quillon, linguabridge")
                or (len(words) == 1 and words[0].lower() in corpus_words and not re.search(r"[a-z][A-Z]", words[0]))
            ):
                # Job titles and common nouns ("Observations (BP)") are not organisations.
                self.remove(entry)
        corpus = "\n".join(texts)
        lowered = lower_words(texts)
        first_words = {e.name.split()[0] for e in self.entries}
        for entry in list(self.entries):
            words = entry.name.split()
            for cut in range(1, len(words)):
                owner, rest = " ".join(words[:cut]), " ".join(words[cut:])
                left = re.sub(r"(?:\s+(?:and|or)|\s*[&,])$", "", owner)
                if left != owner and self.get(rest) and self.get(left):
                    # "Voltara GmbH and Brightcell Oy": two actors named together, neither's other name.
                    self.remove(entry)
                    break
                target = self.get(rest)
                if target is not None and target is not entry and (self.get(owner) or owner in first_words):
                    self._merge(target, entry)
                    break
        for short in list(self.entries):
            if len(short.name.split()) != 1 or short not in self.entries:
                continue
            longer = [
                e
                for e in self.entries
                if e is not short and len(e.name.split()) >= 2 and e.name.split()[0] == short.name
            ]
            if len(longer) > 1:
                longer = [e for e in longer if e.signals & {"defined", "table"}]
            if len(longer) == 1:
                unit = {w.lower().strip("&") for w in longer[0].name.split()[1:]} - {""}
                if unit & vocabulary().unit_words:
                    # "Modspire" and "Modspire Trust & Safety": the organisation keeps its own name.
                    self._merge(short, longer[0])
                else:
                    self._merge(longer[0], short)
        # "Skerry Air Alliance & Loyalty (team)" and "Calderbrook City Water's Compliance (team)" are
        # parts of Skerry Air and Calderbrook City Water: one organisation, one actor.
        for entry in sorted(self.entries, key=lambda e: len(e.name)):
            if entry not in self.entries:
                continue
            for part in list(self.entries):
                if part is entry or len(part.name) <= len(entry.name):
                    continue
                names = [n for n in (entry.name, *entry.aliases) if len(n) > 3]
                if any(part.name.startswith((n + " ", n + "'s ", n + "’s ")) for n in names):
                    self._merge(entry, part)
        # "the Directorate" for "Civil Aviation Directorate": a head noun only one actor ends with.
        heads: dict[str, list[ActorEntry]] = {}
        for entry in self.entries:
            words = entry.name.split()
            if len(words) >= 2:
                heads.setdefault(words[-1].lower(), []).append(entry)
        for short in list(self.entries):
            words = short.name.split()
            owners = heads.get(short.name.lower(), [])
            if (
                len(words) == 1
                and len(owners) == 1
                and owners[0] is not short
                and short.name.lower()
                not in ORG_WORDS
                - {
                    "directorate",
                    "secretariat",
                    "authority",
                    "regulator",
                    "ministry",
                    "inspectorate",
                    "commission",
                }
            ):
                self._merge(owners[0], short)
        lasts = Counter(e.name.split()[-1] for e in self.entries if len(e.name.split()) >= 2)
        for entry in list(self.entries):
            words = entry.name.split()
            last = words[-1]
            # "Trust" alone (a table cell), where the papers write "the Trust" for the one actor whose
            # name ends with it, is that actor, not one of its own: merged below.
            bare = self.get(last)
            taken = bare is not None and bare is not entry and bare.name != last
            if len(words) < 2 or lasts[last] > 1 or not last[:1].isupper() or len(last) < 5 or taken or bare is entry:
                continue
            # "the Directorate", "the Secretariat": the head noun alone, capitalised, after "the".
            if re.search(rf"\bthe\s+{re.escape(last)}(?![\w-])", corpus) and last.lower() in ORG_WORDS | {
                "directorate",
                "secretariat",
                "facility",
                "foundation",
                "lab",
                "operator",
                "utility",
                "bank",
            }:
                if bare is not None:  # the head noun alone, already an entry of its own
                    self._merge(entry, bare)
                entry.aliases.add(f"the {last}")
                self._by_key[normalise_key(f"the {last}")] = entry
        self._role_nouns(corpus)
        # "Loc team" and "Localisation team", "Ops team" and "Operations team": a clipped first word.
        for short in list(self.entries):
            first, *others = short.name.split()
            if not others or len(first) < 3 or short not in self.entries:
                continue
            longer = [
                e
                for e in self.entries
                if e is not short
                and e.name.split()[1:] == others
                and len(e.name.split()[0]) > len(first)
                and e.name.split()[0].lower().startswith(first.lower())
            ]
            if len(longer) == 1:
                self._merge(longer[0], short)
        firsts = Counter(e.name.split()[0] for e in self.entries if len(e.name.split()) >= 2)
        for entry in self.entries:
            words = entry.name.split()
            first = words[0]
            if (
                len(words) < 2
                or firsts[first] > 1
                or len(first) < 4
                or not first[0].isupper()
                or first.lower() in ORG_WORDS
                or first.lower() in STOP_FIRST
                # (an entry found by its own first word is "Brightcell Oy" without its legal form,
                # which still needs the bare name as an alias for its mentions)
                or self.get(first) not in (None, entry)
                or first.lower() in lowered
            ):
                # A first word that also appears in lower case ("Merchant Care") is a common word.
                continue
            # "Brenmark signs it off": the first word alone names the organisation elsewhere.
            alone = re.compile(rf"(?<![\w-]){re.escape(first)}(?:[’']s)?(?![\w-])(?!\s+{re.escape(words[1])})")
            if alone.search(corpus):
                entry.aliases.add(first)
                self._by_key[normalise_key(first)] = entry
        self._pattern = None

    def _role_nouns(self, corpus: str) -> None:
        """'the co-op', 'the university', 'the platform': the kind of organisation an actor's name
        ends with (or a synonym of it), when no other actor is of that kind."""
        synonyms = vocabulary().synonyms
        owners: dict[str, list[ActorEntry]] = {}
        for entry in self.entries:
            for word in {w.lower().strip(".,'’") for w in entry.name.split()[1:]}:
                for form in synonyms.get(word, ()):
                    owners.setdefault(form, []).append(entry)
        lowered = corpus.lower()
        for form, entries in owners.items():
            unique = [e for i, e in enumerate(entries) if all(e is not o for o in entries[:i])]
            alias = f"the {form}"
            if len(unique) != 1 or normalise_key(alias) in self._by_key:
                continue
            if re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", lowered):
                unique[0].aliases.add(alias)
                self._by_key[normalise_key(alias)] = unique[0]

    def remove(self, entry: ActorEntry) -> None:
        self.entries = [e for e in self.entries if e is not entry]
        self._by_key = {k: v for k, v in self._by_key.items() if v is not entry}
        self._pattern = None

    def _compile(self) -> None:
        self._lookup = {}
        forms: list[str] = []
        for entry in self.entries:
            for form in entry.names():
                if len(form) < 2:
                    continue
                self._lookup[form.lower()] = entry
                forms.append(form)
        forms += [form for form in self.groups if form not in self._lookup]
        forms.sort(key=len, reverse=True)
        if not forms:
            self._pattern = re.compile(r"(?!x)x")
            return
        alternation = "|".join(re.escape(f) for f in forms)
        self._pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?:[’']s)?(?![\w-])", re.I)

    def mentions(self, text: str) -> list[tuple[int, int, ActorEntry]]:
        """Non-overlapping actor mentions, longest name first, in text order."""
        if self._pattern is None:
            self._compile()
        assert self._pattern is not None
        out: list[tuple[int, int, ActorEntry]] = []
        for m in self._pattern.finditer(text):
            surface = re.sub(r"[’']s$", "", m.group(0))
            entry = self._lookup.get(surface.lower())
            if entry is None:
                members = self.groups.get(surface.lower())
                if members and surface[:1].isupper():  # "the Sites", not the word "sites"
                    out.extend((m.start(), m.end(), member) for member in members)
                continue
            # Acronyms and brand names are case-sensitive: "AS" the word is not "AS" the company.
            if surface.isupper() and len(surface) <= 4 and surface not in entry.names():
                continue
            if surface.islower() and not any(f.islower() for f in entry.names() if f.lower() == surface):
                continue
            # The span keeps a possessive "'s" so what follows starts after it.
            out.append((m.start(), m.end(), entry))
        return out
