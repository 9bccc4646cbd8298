"""Deterministic extraction: read units of the evidence and fill a `CanvasDraft`.

Order matters: injected instructions are set aside first, then the actor lexicon is built from
what is left, then relations (ownership, exchanges, governance, metrics) are read with it.
Sentences that negate or put participation in the past create no relation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from generator.drafts import (
    ActivityDraft,
    ActorDraft,
    CanvasDraft,
    Evidence,
    ExchangeDraft,
    ExclusionDraft,
    ItemDraft,
    MechanismDraft,
    MetricDraft,
    ScopeDraft,
)
from generator.offline import patterns as p
from generator.offline.lexicon import (
    NAME,
    ORG_WORDS,
    ActorEntry,
    Lexicon,
    classify,
    clean_name,
    is_name_like,
    lower_words,
    org_signal,
)
from generator.offline.text import Unit, units
from knowledge import Chunk, Document

_QUOTE_MAX = 600
_PHRASE_CUT = re.compile(
    r"\s*(?:[;:!?()\[\]—–]|\.(?!\d)|,\s|\s-\s|\s+(?:while|whereas|but|with|from|by|until|starting|effective|as of|so that|"
    r"in order|because|which|who|whom|together|alongside|on behalf|through|via|using|unless|once|after|before|"
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
    r"jointly|responsibility for|ownership of|accountability for|work on|delivery of)\s+)+", re.I)
_TRAILING = re.compile(r"(?:\s+(?:also|yet|so far|at the moment|today|either|currently|anymore|any more|for now|"
                       r"as well|too|again|itself|each|accordingly))+\s*$", re.I)
_PRONOUN = re.compile(r"^(?:it|this|that|these|those|they|them|he|she|we|us|which|what|who|everything|anything|"
                      r"something|nothing|there|here)\b", re.I)
_HEADER_LINE = re.compile(r"^\W*(?:present|attendees|apologies|cc|to|from|sent|subject|chair|minutes|date|by)\W*:", re.I)
_TITLES = {"COO", "CEO", "CFO", "CTO", "CIO", "CISO", "CMO", "CRO", "VP", "MD", "SVP", "EVP", "GM", "PM", "PMO",
           "HR", "IT", "AOB", "KPI", "KPIS", "RACI", "SLA", "API", "FAQ", "TBD", "TBC", "NDA", "MOU", "RFP",
           "Q1", "Q2", "Q3", "Q4", "EU", "UK", "US", "EUR", "USD", "CET", "UTC"}
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}|[A-Z][a-z]+[A-Z][A-Za-z]+")
_VERBISH = re.compile(r"^(?:is|are|was|were|be|been|has|have|had|will|shall|must|can|should|would)$", re.I)


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
    return _Extractor(selected).run()


def _evidence(unit: Unit) -> Evidence:
    return Evidence(document_id=unit.document.id, start=unit.start)


def _quote(unit: Unit) -> str:
    return unit.text[:_QUOTE_MAX]


def phrase(text: str, max_words: int = 12) -> str:
    """The noun phrase at the start of `text`: cut at the first clause boundary, determiners dropped."""
    cut = _PHRASE_CUT.search(text)
    head = text[: cut.start()] if cut else text
    head = _LEADING.sub("", head.strip().strip("*_\"'“”`")).strip()
    words = head.split()
    if len(words) > max_words:
        words = words[:max_words]
    out = _TRAILING.sub("", " ".join(words)).strip(" ,.;:-")
    if not out or _PRONOUN.match(out) or not re.search(r"[A-Za-z]{3,}", out):
        return ""
    if words and _VERBISH.match(words[0]):
        return ""
    return out


class _Extractor:
    def __init__(self, all_units: list[Unit]) -> None:
        self.injected = [u for u in all_units if p.INJECTION.search(u.text)]
        self.units = [u for u in all_units if not p.INJECTION.search(u.text)]
        self._index = {id(u): i for i, u in enumerate(self.units)}
        self.lexicon = Lexicon()
        self._recurrence: dict[str, int] = {}
        self._lowered = lower_words([u.text for u in self.units])
        self.first_seen: dict[int, Unit] = {}
        self.used: Counter[int] = Counter()

    # -- actors ---------------------------------------------------------------------------------

    def _note(self, entry: ActorEntry, unit: Unit) -> None:
        self.first_seen.setdefault(id(entry), unit)

    def build_lexicon(self) -> None:
        lex = self.lexicon
        definition = re.compile(rf"(?P<name>{NAME})\s*\((?P<inner>[^()]{{1,90}})\)")
        hereinafter = re.compile(
            rf"(?P<name>{NAME}),?\s+(?:hereinafter|hereafter|below)\s+(?:referred to as\s+|called\s+)?"
            r"(?P<alias>(?:the\s+)?[“\"‘'][^”\"’']{2,30}[”\"’'])"
        )
        appositive = re.compile(
            rf"(?P<name>{NAME}),\s+(?:(?:a|an|the|our|its|their)\s+)(?P<desc>[a-z][a-z0-9 \-/&]{{3,60}}?)(?:,|\.|;|\s+that\s|\s+which\s|\s+who\s)"
        )
        prefixed = re.compile(
            r"\b(?:our|the|a|an)\s+(?P<desc>(?:[a-z][a-z\-]+\s+){0,3}(?:partner|provider|vendor|supplier|operator|"
            r"bank|lab|laboratory|installer|distributor|carrier|retailer|platform|insurer|regulator|authority|"
            r"integrator|reseller|processor|acquirer|host|manufacturer|wholesaler|cooperative|body|agency|"
            rf"consultancy|startup|start-up|firm|company)),?\s+(?P<name>{NAME})"
        )
        org_name = re.compile(rf"(?:\b(?:the|our|its|their)\s+)?(?P<name>{NAME})")
        # "Chargemesh gives ...", "... is run by Halvard": the subjects and agents of relation verbs.
        subject = re.compile(
            rf"(?:^|[,;(]\s*|\b(?:and|while|then|in return,?|by|with|from|to)\s+)(?:the\s+)?(?P<name>{NAME})"
            r"(?:[’']s)?\s+(?:(?:will|shall|must|also|now|still|currently|jointly|then)\s+)*"
            r"(?:leads?|owns?|runs?|manages?|operates?|handles?|provides?|supplies|delivers?|gives?|grants?|"
            r"offers?|shares?|sends?|pays?|receives?|supports?|approves?|signs? off|hosts?|installs?|"
            r"maintains?|certifies|audits?|takes? over|is responsible|are responsible|is accountable)\b"
        )
        for unit in self.units:
            text = _plain(unit.text)
            for m in definition.finditer(text):
                name = clean_name(m.group("name"))
                if not is_name_like(name) or name in _TITLES or p.NEGATION.search(text[: m.start()][-30:]):
                    continue
                for alias in _aliases_in(m.group("inner")):
                    self._note(lex.add(name, "defined", alias=alias), unit)
            for m in hereinafter.finditer(text):
                name = clean_name(m.group("name"))
                if is_name_like(name):
                    alias = m.group("alias").strip("“\"‘'”’ ")
                    self._note(lex.add(name, "defined", alias=alias.replace("“", "").replace("”", "")), unit)
            for m in appositive.finditer(text):
                name = clean_name(m.group("name"))
                if is_name_like(name) and (org_signal(name) or lex.get(name)):
                    self._note(lex.add(name, "described", descriptor=m.group("desc")), unit)
            for m in prefixed.finditer(text):
                name = clean_name(m.group("name"))
                if is_name_like(name) and len(name) > 2:
                    self._note(lex.add(name, "described", descriptor=m.group("desc")), unit)
            if unit.kind == "row":
                self._lexicon_from_row(unit)
            for m in org_name.finditer(text):
                name = clean_name(m.group("name"))
                words = name.split()
                if not words or not is_name_like(name) or words[0].lower() in _NOT_ORG_FIRST:
                    continue
                last = words[-1].lower()
                if last in _FORUM_WORDS or len(words) > 5:
                    continue
                if org_signal(name, brands=False) and not _is_document_phrase(name):
                    self._note(lex.add(name, "org"), unit)
            for m in subject.finditer(text):
                name = clean_name(m.group("name"))
                single = len(name.split()) == 1
                if single and (name.lower() in ORG_WORDS or name.lower() in self._lowered):
                    continue
                if (is_name_like(name) and name.split()[0].lower() not in _NOT_ORG_FIRST and name not in _TITLES
                        and not _is_document_phrase(name) and self._recurs(name)):
                    self._note(lex.add(name, "relation"), unit)
        lex.merge_abbreviations()
        lex.finalize([u.text for u in self.units], _TITLES)

    def _recurs(self, name: str) -> bool:
        """A bare capitalised subject counts as an actor once it is named in at least two units."""
        if name not in self._recurrence:
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            self._recurrence[name] = sum(1 for u in self.units if pattern.search(u.text))
        return self._recurrence[name] >= 2

    def _lexicon_from_row(self, unit: Unit) -> None:
        for header, value in unit.cells.items():
            role = _role_of(header)
            if role is None and header not in p.PROVIDER_COLUMNS + p.RECEIVER_COLUMNS + ("partner", "party",
                                                                                       "organisation", "organization",
                                                                                       "actor", "who", "owner"):
                continue
            for name in _split_names(value):
                if is_name_like(name) and _title_case(name) and not p.EMPTY_CELL.match(name):
                    self._note(self.lexicon.add(name, "table"), unit)

    # -- relations --------------------------------------------------------------------------------

    def mentions(self, text: str) -> list[tuple[int, int, ActorEntry]]:
        return self.lexicon.mentions(text)

    def resolve_cell(self, value: str) -> list[ActorEntry]:
        out: list[ActorEntry] = []
        for name in _split_names(value):
            entry = self.lexicon.get(name)
            if entry is None:
                found = self.mentions(name)
                entry = found[0][2] if found else None
            if entry is not None and entry not in out:
                out.append(entry)
        return out

    def activities(self) -> list[ActivityDraft]:
        out: list[ActivityDraft] = []
        for unit in self.units:
            if unit.kind == "row":
                out += self._activity_rows(unit)
            elif unit.kind == "sentence":
                out += self._activity_sentence(unit)
        return out

    def _activity_rows(self, unit: Unit) -> list[ActivityDraft]:
        cells = unit.cells
        if p.column(cells, p.METRIC_COLUMNS) is not None:
            return []
        name_cell = p.column(cells, p.ACTIVITY_COLUMNS)
        if name_cell is None:
            return []
        name = phrase(name_cell, max_words=14) or name_cell.strip()
        if not name or p.EMPTY_CELL.match(name):
            return []
        owners: list[ActorEntry] = []
        supporters: list[ActorEntry] = []
        approvers: list[ActorEntry] = []
        saw_owner_column = False
        for header, value in cells.items():
            role = _role_of(header)
            if role == "lead":
                saw_owner_column = True
                owners += self.resolve_cell(value)
            elif role == "support":
                supporters += self.resolve_cell(value)
            elif role == "approve":
                approvers += self.resolve_cell(value)
            elif role is None and re.fullmatch(r"[RACIS](?:\s*[/,]\s*[RACIS])*", value.strip()):
                entry = self.lexicon.get(header)
                if entry is None:
                    continue
                letters = set(re.findall(r"[RACIS]", value.upper()))
                saw_owner_column = True
                if "R" in letters:
                    owners.append(entry)
                if "A" in letters:
                    approvers.append(entry)
                if letters & {"C", "S"}:
                    supporters.append(entry)
        if not saw_owner_column:
            return []
        owner = owners[0] if owners else None
        approvers = [a for a in approvers if a is not owner] or ([owner] if owner and owner in approvers else [])
        return [
            ActivityDraft(
                quote=_quote(unit), at=_evidence(unit), name=name, owner=owner.name if owner else None,
                supporters=_names([*owners[1:], *supporters], exclude=owner),
                approvers=_names(approvers, exclude=None),
            )
        ]

    def _activity_sentence(self, unit: Unit) -> list[ActivityDraft]:
        text = unit.text
        if _HEADER_LINE.match(text):
            return []
        out: list[ActivityDraft] = []
        found = self.mentions(text)
        # A transfer names the new owner even in a sentence that also mentions the old one.
        for i, (s, e, entry) in enumerate(found):
            transfer = p.TRANSFER.search(text[:s])
            if transfer:
                act = _tail_phrase(transfer.group("act"))
                if act:
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=entry.name))
                    continue
            take = p.TAKE_OVER.match(text[e:])
            if take:
                act = phrase(take.group("rest"))
                if act:
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=entry.name))
            del i
        if out:
            return out
        for pattern in p.UNOWNED:
            m = pattern.search(text)
            if not m:
                continue
            raw = m.group("act") or ""
            act = (_tail_phrase(raw) if m.start("act") == m.start() else phrase(raw)) if raw else ""
            act = act or (phrase(raw) if raw else "")
            if not act or _PRONOUN.match(raw.strip()):
                # "Still not assigned to anyone." names its activity in the heading or lead-in above.
                act = self.topic(unit)
            if act and not self.mentions(act):
                return [ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=None)]
        if p.NEGATION.search(text):
            return []
        support_names = self._role_names(text, found, p.WITH_SUPPORT)
        approve_names = self._role_names(text, found, p.WITH_APPROVAL)
        groups = _subject_groups(text, found)
        for s, e, entry, partners in groups:
            rest = text[e:]
            lead = p.LEAD_VERB.match(rest)
            if lead:
                act = phrase(lead.group("rest"))
                if act and not _is_actor_phrase(act, self):
                    out.append(ActivityDraft(
                        quote=_quote(unit), at=_evidence(unit), name=act, owner=entry.name,
                        supporters=_unique([*partners, *support_names], exclude=entry.name),
                        approvers=_unique(approve_names, exclude=None),
                    ))
                continue
            support = p.SUPPORT_VERB.match(rest)
            if support:
                act = phrase(support.group("rest"))
                if act and not _is_actor_phrase(act, self):
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=None,
                                             supporters=_unique([entry.name, *partners], exclude=None)))
                continue
            approve = p.APPROVE_VERB.match(rest)
            if approve:
                act = phrase(approve.group("rest"))
                if act and not _is_actor_phrase(act, self):
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=None,
                                             approvers=_unique([entry.name, *partners], exclude=None)))
                continue
        for s, _e, entry in found:
            prefix = text[:s]
            for regex, role in ((p.PASSIVE_LEAD, "lead"), (p.SITS_WITH, "lead"),
                                (p.PASSIVE_SUPPORT, "support"), (p.PASSIVE_APPROVE, "approve")):
                m = regex.search(prefix)
                if not m:
                    continue
                act = _tail_phrase(m.group("act"))
                if not act or _is_actor_phrase(act, self):
                    break
                if role == "lead":
                    out.append(ActivityDraft(
                        quote=_quote(unit), at=_evidence(unit), name=act, owner=entry.name,
                        supporters=_unique(support_names, exclude=entry.name),
                        approvers=_unique(approve_names, exclude=None)))
                elif role == "support":
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=None,
                                             supporters=[entry.name]))
                else:
                    out.append(ActivityDraft(quote=_quote(unit), at=_evidence(unit), name=act, owner=None,
                                             approvers=[entry.name]))
                break
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

    def _role_names(self, text: str, found: list[tuple[int, int, ActorEntry]], marker: re.Pattern[str]) -> list[str]:
        names: list[str] = []
        for s, _e, entry in found:
            window = text[max(0, s - 60) : s]
            if marker.search(window) or (names and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", window[-7:] or "")):
                names.append(entry.name)
        return names

    def exchanges(self) -> list[ExchangeDraft]:
        out: list[ExchangeDraft] = []
        for unit in self.units:
            if unit.kind == "row":
                out += self._exchange_row(unit)
                continue
            if unit.kind != "sentence" or p.NEGATION.search(unit.text):
                continue
            out += self._exchange_sentence(unit)
        return out

    def _exchange_row(self, unit: Unit) -> list[ExchangeDraft]:
        cells = unit.cells
        provider_cell = p.column(cells, p.PROVIDER_COLUMNS)
        receiver_cell = p.column(cells, p.RECEIVER_COLUMNS)
        value = p.column(cells, p.VALUE_COLUMNS)
        if not (provider_cell and receiver_cell and value):
            return []
        providers, receivers = self.resolve_cell(provider_cell), self.resolve_cell(receiver_cell)
        if not providers or not receivers or providers[0] is receivers[0]:
            return []
        return [ExchangeDraft(quote=_quote(unit), at=_evidence(unit), provider=providers[0].name,
                              receiver=receivers[0].name, value=value.strip()[:200], kind=p.exchange_kind(value))]

    def _exchange_sentence(self, unit: Unit) -> list[ExchangeDraft]:
        text = unit.text
        found = self.mentions(text)
        if len(found) < 2:
            return []
        out: list[ExchangeDraft] = []
        for v in p.EXCHANGE_VERB.finditer(text):
            verb = v.group("verb").lower()
            before = [m for m in found if m[1] <= v.start() and _same_clause(text[m[1] : v.start()])]
            if not before:
                continue
            subject = before[-1]
            after = [m for m in found if m[0] >= v.end()]
            if not after:
                continue
            clause_end = _clause_end(text, v.end())
            after = [m for m in after if m[0] < clause_end]
            if not after:
                continue
            if verb in p.RECEIVE_VERBS:
                src = next((m for m in after if re.search(r"\bfrom\s+(?:the\s+)?$", text[v.end() : m[0]])), None)
                if src is None:
                    continue
                value = phrase(text[v.end() : src[0]].rsplit(" from", 1)[0])
                provider, receiver = src[2], subject[2]
            else:
                first = after[0]
                gap = text[v.end() : first[0]]
                if re.fullmatch(r"\s*(?:the\s+|each\s+|every\s+|all\s+)?", gap):
                    receiver = first[2]
                    value = phrase(re.sub(r"^\s*(?:with|to)\s+", "", text[first[1] : clause_end]))
                else:
                    target = next((m for m in after if re.search(r"\b(?:to|with|for|towards)\s+(?:the\s+|each\s+|all\s+)?$",
                                                                 text[v.end() : m[0]])), None)
                    if target is None:
                        continue
                    receiver = target[2]
                    value = phrase(re.sub(r"\s+(?:to|with|for|towards)\s+(?:the\s+|each\s+|all\s+)?$", "",
                                          text[v.end() : target[0]]), max_words=14)
                provider = subject[2]
            if not value or provider is receiver:
                continue
            kind = "revenue" if verb in p.PAY_VERBS else p.exchange_kind(value)
            out.append(ExchangeDraft(quote=_quote(unit), at=_evidence(unit), provider=provider.name,
                                     receiver=receiver.name, value=value, kind=kind))
        return out

    def governance(self) -> list[MechanismDraft]:
        out: list[MechanismDraft] = []
        per_kind: Counter[str] = Counter()
        for unit in self.units:
            if unit.kind == "heading":
                continue
            text = unit.text
            context = f"{unit.headings[-1] if unit.headings else ''} :: {text}"
            if p.GAP_NEGATION.search(text):
                continue
            kinds = []
            for kind, regex in p.GOVERNANCE_WORDS:
                if not regex.search(text) and not (kind != "forum" and regex.search(context.split(" :: ")[0])
                                                   and len(text) < 300 and unit.kind == "sentence"
                                                   and _has_modal(text)):
                    continue
                if kind == "forum" and not p.FORUM_ACTIVE.search(text):
                    continue
                kinds.append(kind)
            if not kinds:
                continue
            found = self.mentions(text)
            cadence = p.CADENCE.search(text)
            owner = None
            if found and re.search(r"\b(?:chairs?|chaired by|owns?|decides?|approves?|hosts?|facilitates?|runs?|"
                                   r"convenes?|arbitrates?|has the final|has final)\b", text, re.I):
                owner = found[0][2].name
                chaired = re.search(r"chaired by\s+(?:the\s+)?", text, re.I)
                if chaired:
                    after = [m for m in found if m[0] >= chaired.end()]
                    owner = after[0][2].name if after else owner
            for kind in kinds[:2]:
                if per_kind[kind] >= 5:
                    continue
                per_kind[kind] += 1
                out.append(MechanismDraft(
                    quote=_quote(unit), at=_evidence(unit), kind=kind, description=text[:300], owner=owner,
                    participants=_unique([m[2].name for m in found], exclude=None)[:10],
                    cadence=cadence.group(0).lower() if cadence else None,
                ))
        return out

    def metrics(self) -> list[MetricDraft]:
        out: list[MetricDraft] = []
        for unit in self.units:
            if unit.kind == "row":
                name = p.column(unit.cells, p.METRIC_COLUMNS)
                if not name or p.EMPTY_CELL.match(name):
                    continue
                owner_cell = p.column(unit.cells, ("owner", "owned by", "responsible", "accountable", "lead"))
                owners = self.resolve_cell(owner_cell) if owner_cell and not p.EMPTY_CELL.match(owner_cell) else []
                out.append(MetricDraft(
                    quote=_quote(unit), at=_evidence(unit), name=name.strip()[:160],
                    owner=owners[0].name if owners else None,
                    target=_cell(p.column(unit.cells, p.TARGET_COLUMNS)),
                    cadence=_cell(p.column(unit.cells, p.CADENCE_COLUMNS)),
                    data_source=_cell(p.column(unit.cells, p.SOURCE_COLUMNS)),
                    actors=_unique([m[2].name for m in self.mentions(name)]
                                   + [e.name for e in self.resolve_cell(p.column(unit.cells, ("partner", "actor", "party", "measured actor", "who")) or "")], exclude=None),
                ))
            elif unit.kind == "sentence" and unit.headings and re.search(r"\b(?:kpis?|metrics?|measures?|scorecard|indicators?)\b", unit.headings[-1], re.I):
                m = re.match(r"^(?P<name>[^:.;]{3,80}?)\s*(?::|—|–| - )\s*(?P<rest>.+)$", unit.text)
                if not m:
                    continue
                rest = m.group("rest")
                name_words = m.group("name").split()
                if not 2 <= len(name_words) <= 8 or re.search(r"\b(?:has|have|is|are|was|were|will)\b", m.group("name")):
                    continue
                if not re.search(r"\btarget|\bowner|\d", rest, re.I):
                    continue
                target = re.search(r"\btarget(?:s|ed)?\b(?:\s+(?:of|is|at|:))?\s*(?P<t>[^,;()]+)", rest, re.I)
                owner = None
                owned = re.search(r"\b(?:owned by|owner:?|responsible:?|led by)\s+", rest, re.I)
                found = self.mentions(rest)
                if owned:
                    after = [f for f in found if f[0] >= owned.end()]
                    owner = after[0][2].name if after else None
                out.append(MetricDraft(
                    quote=_quote(unit), at=_evidence(unit), name=m.group("name").strip()[:160], owner=owner,
                    target=target.group("t").strip()[:120] if target and re.search(r"\d", target.group("t")) else None,
                    cadence=(c.group(0).lower() if (c := p.CADENCE.search(rest)) else None),
                    actors=_unique([f[2].name for f in self.mentions(m.group("name"))], exclude=None),
                ))
        return out

    def review(self) -> tuple[str | None, Unit | None, list[str]]:
        best: tuple[str, Unit] | None = None
        for unit in self.units:
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
        return best[0], best[1], _unique([m[2].name for m in self.mentions(best[1].text)], exclude=None)

    def exclusions(self) -> list[ExclusionDraft]:
        out: list[ExclusionDraft] = []
        for unit in self.units + self.injected:
            for regex in p.EXCLUSION:
                for m in regex.finditer(unit.text):
                    segment = m.group("name")
                    found = self.mentions(segment)
                    names = [f[2].name for f in found[-1:]] if found else []
                    if not names:
                        cand = re.findall(NAME, segment)
                        names = [clean_name(cand[-1])] if cand and is_name_like(clean_name(cand[-1])) else []
                    for name in names:
                        out.append(ExclusionDraft(quote=_quote(unit), at=_evidence(unit), name=name))
        for unit in self.injected:
            for m in re.finditer(NAME, unit.text):
                name = clean_name(m.group(0))
                if org_signal(name) and is_name_like(name) and not self.lexicon.get(name):
                    out.append(ExclusionDraft(quote=_quote(unit), at=_evidence(unit), name=name))
        return out

    def scope(self) -> ScopeDraft:
        objectives: list[ItemDraft] = []
        in_scope: list[ItemDraft] = []
        out_scope: list[ItemDraft] = []
        for unit in self.units:
            if unit.kind != "sentence":
                continue
            heading = unit.headings[-1] if unit.headings else ""
            text = unit.text
            m = p.OBJECTIVE_SENTENCE.search(text)
            if p.OUT_SCOPE_HEADING.search(heading) or p.OUT_OF_SCOPE_SENTENCE.search(text):
                out_scope.append(ItemDraft(quote=_quote(unit), at=_evidence(unit), text=text[:300]))
            elif p.SCOPE_HEADING.search(heading) or m:
                item = (m.group("obj") if m else text).strip().rstrip(".")
                objectives.append(ItemDraft(quote=_quote(unit), at=_evidence(unit), text=item[:300]))
            elif p.IN_SCOPE_HEADING.search(heading):
                in_scope.append(ItemDraft(quote=_quote(unit), at=_evidence(unit), text=text[:300]))
        return ScopeDraft(
            title=self.title(), summary=self.summary(),
            objectives=objectives[:8], in_scope=in_scope[:8], out_of_scope=out_scope[:8],
        )

    def title(self) -> str | None:
        counts: Counter[str] = Counter()
        for unit in self.units:
            for m in p.ECOSYSTEM_NAME.finditer(unit.text):
                name = clean_name(m.group(0))
                if name.split()[0].lower() not in _NOT_ORG_FIRST:
                    counts[name] += 3 if unit.kind == "heading" else 1
        if counts:
            return counts.most_common(1)[0][0]
        heading = next((u for u in self.units if u.kind == "heading"), None)
        return heading.text.lstrip("# ").strip()[:160] if heading else None

    def summary(self) -> str:
        """The first real sentence of the evidence: long enough, ending like prose, not a breadcrumb."""
        for unit in self.units:
            text = unit.text
            if (unit.kind == "sentence" and len(text.split()) >= 10 and text.endswith(".")
                    and ">" not in text and not _HEADER_LINE.match(text)):
                return text[:600]
        return ""

    def actors(self, referenced: set[str], excluded: set[str]) -> list[ActorDraft]:
        out: list[ActorDraft] = []
        for entry in self.lexicon.entries:
            signals = entry.signals
            keep = entry.name in referenced or bool(signals & {"defined", "table"})
            keep = keep or ("described" in signals and org_signal(entry.name))
            if not keep or entry.name in excluded:
                continue
            unit = self.first_seen.get(id(entry))
            if unit is None:
                continue
            role = entry.descriptors[0] if entry.descriptors else ""
            out.append(ActorDraft(
                quote=_quote(unit), at=_evidence(unit), name=entry.name, aliases=sorted(entry.aliases)[:6],
                kind=classify(entry.name, entry.descriptors), role=role[:200],
            ))
        return out

    def run(self) -> CanvasDraft:
        self.build_lexicon()
        exclusions = self.exclusions()
        activities = self.activities()
        exchanges = self.exchanges()
        governance = self.governance()
        metrics = self.metrics()
        cadence, cadence_unit, stakeholders = self.review()
        referenced: set[str] = set()
        for a in activities:
            referenced |= {n for n in (a.owner, *a.supporters, *a.approvers) if n}
        for x in exchanges:
            referenced |= {x.provider, x.receiver}
        for g in governance:
            referenced |= {n for n in (g.owner, *g.participants) if n}
        for k in metrics:
            referenced |= {n for n in (k.owner, *k.actors) if n}
        excluded_names = {e.name for e in exclusions} - referenced
        draft = CanvasDraft()
        draft.scope = self.scope()
        draft.actors.actors = self.actors(referenced, excluded_names)[:25]
        draft.actors.excluded = exclusions[:10]
        draft.activities.activities = activities[:30]
        draft.value_exchanges.value_exchanges = exchanges[:30]
        draft.governance.governance = governance[:20]
        draft.metrics.metrics = metrics[:20]
        draft.review.cadence = cadence
        if cadence_unit is not None:
            draft.review.cadence_quote = _quote(cadence_unit)
            draft.review.cadence_at = _evidence(cadence_unit)
        draft.review.stakeholders = stakeholders[:10]
        return draft


import datetime as _dt  # noqa: E402  (kept next to its only use)

_MIN_DATE = _dt.date.min
_NOT_ORG_FIRST = {
    "the", "a", "an", "our", "their", "its", "this", "that", "each", "every", "all", "any", "from", "as", "in",
    "on", "at", "by", "for", "to", "with", "if", "when", "and", "or", "but", "we", "they", "minutes", "agenda",
    "draft", "final", "new", "annual", "monthly", "quarterly", "weekly", "joint", "shared", "partner", "partners",
    "data", "service", "services", "support", "platform", "network", "digital", "customer", "operations",
    "action", "decision", "next", "open", "key", "kpi", "total", "pilot", "phase", "status", "note",
}
_FORUM_WORDS = {"committee", "board", "council", "forum", "meeting", "review", "group", "sync", "call"}
_DOC_WORDS = {"agreement", "memo", "minutes", "charter", "policy", "plan", "report", "notes", "schedule",
              "annex", "appendix", "terms", "contract", "strategy", "sla", "framework", "model", "scorecard",
              "dashboard", "tracker", "register", "log", "runbook", "playbook", "handbook", "manual", "wiki",
              "sheet", "paper", "proposal", "kpis", "kpi", "review", "pilot", "programme", "program", "project"}


_ALIAS_LEAD = re.compile(
    r"^(?:hereinafter|hereafter|below|together|also|jointly|or|and|known as|referred to as|called|trading as|"
    r"formerly|previously|t/a|aka|a\.k\.a\.)\s+", re.I)


def _aliases_in(inner: str) -> list[str]:
    """Aliases a parenthesis defines: '(NHM)', '("VoltHaven", the operator)', '(the "Utility")'.

    A bare capitalised name is not taken: "Dami Osei (Quillguard Analytics)" gives an employer."""
    out: list[str] = []
    for part in re.split(r"\s*[,;]\s*|\s+or\s+", inner.strip()):
        part = part.strip()
        while _ALIAS_LEAD.match(part):
            part = _ALIAS_LEAD.sub("", part)
        quoted = re.fullmatch(r"(?P<the>the\s+)?[“\"‘'](?P<q>[^”\"’']{2,40})[”\"’']", part, re.I)
        if quoted:
            q = quoted.group("q").strip()
            if q.lower().startswith("the ") or (quoted.group("the") and q[:1].islower()) or q.islower():
                q = q if q.lower().startswith("the ") else f"the {q}"
                if len(q.split()) <= 4:
                    out.append(q.lower())
            elif is_name_like(q) and q not in _TITLES:
                out.append(q)
        elif re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", part) and part not in _TITLES:
            out.append(part)
        elif re.fullmatch(r"the\s+[a-z][a-z\-]+(?:\s+[a-z][a-z\-]+){0,2}", part):
            out.append(part)
    return out


def _plain(text: str) -> str:
    """Text without markdown emphasis, for name patterns only (quotes keep the original offsets)."""
    return re.sub(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)", "", text)


def _title_case(name: str) -> bool:
    """'Kestrel Channel Group' is a name; 'Price per tonne from Brackwater' is a value."""
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in {"of", "for", "and", "&", "de", "the", "la"}
               for w in name.split())


def _is_document_phrase(name: str) -> bool:
    return any(w.lower() in _DOC_WORDS for w in name.split())


def _role_of(header: str) -> str | None:
    for role, names in p.ROLE_COLUMNS.items():
        if header in names:
            return role
    for role, names in p.ROLE_COLUMNS.items():
        if any(len(n) > 2 and (header.startswith(n + " ") or header.endswith(" " + n) or header.startswith(n + "s"))
               for n in names):
            return role
    return None


def _split_names(value: str) -> list[str]:
    value = re.sub(r"\([^)]*\)", "", value)
    parts = re.split(r"\s*(?:,|;|/|\+|\band\b|\bwith\b)\s*", value)
    return [clean_name(x) for x in parts if clean_name(x)]


def _cell(value: str | None) -> str | None:
    if value is None or p.EMPTY_CELL.match(value):
        return None
    return value.strip()[:120]


def _names(entries: Iterable[ActorEntry], exclude: ActorEntry | None) -> list[str]:
    return _unique([e.name for e in entries if e is not exclude], exclude=None)


def _unique(names: Iterable[str], exclude: str | None) -> list[str]:
    out: list[str] = []
    for n in names:
        if n and n != exclude and n not in out:
            out.append(n)
    return out


def _tail_phrase(text: str) -> str:
    """The subject at the end of a clause: what follows the last boundary before the verb."""
    parts = re.split(r"(?:[;:.!?]|,\s|\bthat\b|\bwhich\b|\bwhile\b|\bbut\b|\bwhereas\b|\bso\b|\band\s+(?=the\b))",
                     text)
    tail = parts[-1] if parts else text
    tail = re.sub(r"^\s*(?:from|as of|effective|starting|beginning|after|in)\s+[^,]{1,40}?(?:\d{4}|Q[1-4])\s*",
                  "", tail.strip(), flags=re.I)
    return phrase(tail, max_words=14)


def _is_actor_phrase(act: str, ex: _Extractor) -> bool:
    found = ex.mentions(act)
    return bool(found) and sum(e - s for s, e, _ in found) >= len(act) * 0.6


def _subject_groups(text: str, found: list[tuple[int, int, ActorEntry]]) -> list[tuple[int, int, ActorEntry, list[str]]]:
    """'A and B jointly lead X': the verb follows B, but A leads and B supports."""
    out: list[tuple[int, int, ActorEntry, list[str]]] = []
    for i, (s, e, entry) in enumerate(found):
        group = [entry]
        j = i
        while j > 0 and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[found[j - 1][1] : found[j][0]]):
            j -= 1
            group.insert(0, found[j][2])
        lead = group[0]
        out.append((found[j][0], e, lead, [g.name for g in group[1:] if g is not lead]))
    return out


def _same_clause(gap: str) -> bool:
    return len(gap) <= 60 and not re.search(r"[;.]", gap) and gap.count(",") <= 2


def _clause_end(text: str, start: int) -> int:
    m = re.compile(r"[;.]\s|[;.]$|\bwhile\b|\bwhereas\b|\bbut\b").search(text, start)
    return m.start() if m else len(text)


def _has_modal(text: str) -> bool:
    return bool(re.search(r"\b(?:must|shall|will|are|is|go(?:es)? to|goes|raised|handled|resolved)\b", text, re.I))
