"""The actors: the lexicon built from the units, the parties excluded, and the final actor list.

A name enters the lexicon from a definition, a hereinafter clause, an appositive, a descriptor
prefix, a table column, an organisation-like name or the subject of a relation verb; the other
readers then find actors only through it.
"""

from __future__ import annotations

import re

from ecocanvas.canvas.ids import normalise_key
from ecocanvas.generator.actor_names import classify, clean_name, initials
from ecocanvas.generator.drafts import ActorDraft, ExclusionDraft
from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.clauses import singular
from ecocanvas.generator.offline.context import Context, evidence_of, quote_of
from ecocanvas.generator.offline.lexicon import (
    NAME,
    ORG_WORDS,
    ActorEntry,
    Lexicon,
    has_legal_form,
    is_name_like,
    is_person_name,
    org_signal,
)
from ecocanvas.generator.offline.names import (
    FORUM_WORDS,
    NOT_ORG_FIRST,
    TITLES,
    aliases_in,
    is_document_phrase,
    role_of,
    title_case,
)
from ecocanvas.generator.offline.phrases import plain, split_names
from ecocanvas.generator.offline.vocabulary import header_is, vocabulary
from ecocanvas.generator.units import Unit


def build_lexicon(ctx: Context) -> None:
    lex = ctx.lexicon
    definition = re.compile(rf"(?P<name>{NAME})\s*\((?P<inner>[^()]{{1,90}})\)")
    # "Carrow University Hospital, acting as sponsor and coordinating centre ("CUH", "the Sponsor")"
    described = re.compile(rf"(?P<name>{NAME}),\s+[^()\";:]{{3,80}}?\s*\((?P<inner>[^()]{{1,120}}[\"“][^()]*)\)")
    # "(together "the Sites" and each "a Site")": one name for the parties listed before it.
    collective = re.compile(r"\((?:together|collectively|jointly|each|both|all)\b(?P<inner>[^()]{1,90})\)", re.I)
    hereinafter = re.compile(
        rf"(?P<name>{NAME}),?\s+(?:hereinafter|hereafter|below)\s+(?:referred to as\s+|called\s+)?"
        r"(?P<alias>(?:the\s+)?[“\"‘'][^”\"’']{2,30}[”\"’'])"
    )
    appositive = re.compile(
        rf"(?P<name>{NAME}),\s+(?:(?:a|an|the|our|its|their)\s+)(?P<desc>[a-z][a-z0-9 \-/&]{{3,60}}?)"
        r"(?:,|\.|;|\s+that\s|\s+which\s|\s+who\s)"
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
    for unit in ctx.units:
        text = plain(unit.text)
        defined_here: list[ActorEntry] = []
        # "Larkfield GP Federation (LGF): step-up referrals ..." reads as a speaker's line; a speaker
        # named with its own initials is a definition ("Mia Lund (Skerry Air)" is a person's employer)
        said_by = definition.fullmatch(plain(unit.speaker).strip()) if unit.speaker else None
        if said_by is not None:
            name, alias = clean_name(said_by.group("name")), said_by.group("inner").strip()
            if initials(said_by.group("name")) == alias and is_name_like(name):
                ctx.note(lex.add(name, "defined", alias=alias), unit)
        for m in [*definition.finditer(text), *described.finditer(text)]:
            name = clean_name(m.group("name"))
            if not is_name_like(name) or name in TITLES or p.NEGATION.search(text[: m.start()][-30:]):
                continue
            if collective.match(text, m.start("inner") - 1):
                continue
            for alias in aliases_in(m.group("inner")):
                person = re.fullmatch(r"[A-Z]{2,3}", name) is not None and initials(alias) != name
                # "Sam Doyle (LGF)" in an attendee list: the person's organisation, not their alias
                person = person or (is_person_name(name) and initials(name) != alias.upper())
                if person or (lex.get(alias) is not None and lex.get(name) is None and not org_signal(name)):
                    continue  # "JP (OPV)", "Helen Marsh (CUH)": a person and the organisation they belong to
                entry = lex.add(name, "defined", alias=alias)
                ctx.note(entry, unit)
                if entry not in defined_here:
                    defined_here.append(entry)
        for m in collective.finditer(text):
            members = [e for e in defined_here if text.find(e.name) < m.start()] or [
                f[2] for f in ctx.mentions(text[: m.start()])
            ]
            members = [e for i, e in enumerate(members) if all(e is not o for o in members[:i])]
            if len(members) >= 2:
                for alias in re.findall(r"[\"“]([^\"”]{2,40})[\"”]", m.group("inner")):
                    lex.add_group(alias, members)
        for m in hereinafter.finditer(text):
            name = clean_name(m.group("name"))
            if is_name_like(name):
                alias = m.group("alias").strip("“\"‘'”’ ")
                ctx.note(lex.add(name, "defined", alias=alias.replace("“", "").replace("”", "")), unit)
        for m in appositive.finditer(text):
            name = clean_name(m.group("name"))
            if is_name_like(name) and (org_signal(name) or lex.get(name)):
                ctx.note(lex.add(name, "described", descriptor=m.group("desc")), unit)
        for m in prefixed.finditer(text):
            name = clean_name(m.group("name"))
            if is_name_like(name) and len(name) > 2:
                ctx.note(lex.add(name, "described", descriptor=m.group("desc")), unit)
        if unit.kind == "row":
            _lexicon_from_row(ctx, unit)
        for m in org_name.finditer(text):
            name = clean_name(m.group("name"))
            words = name.split()
            if not words or not is_name_like(name) or words[0].lower() in NOT_ORG_FIRST:
                continue
            last = words[-1].lower()
            if last in FORUM_WORDS or last in _ECOSYSTEM_WORDS or len(words) > 5:
                continue
            if name.isupper() and len(words) > 1:
                continue  # a heading in capitals ("PROGRAMME PARTNERS"), not a name
            if _two_companies(name, lex):
                continue
            if org_signal(name, brands=False) and not is_document_phrase(name):
                ctx.note(lex.add(name, "org"), unit)
        for m in subject.finditer(text):
            name = clean_name(m.group("name"))
            single = len(name.split()) == 1
            if (single and (name.lower() in ORG_WORDS or name.lower() in ctx.lowered)) or _two_companies(name, lex):
                continue
            if (
                is_name_like(name)
                and name.split()[0].lower() not in NOT_ORG_FIRST
                and name not in TITLES
                and not is_document_phrase(name)
                and ctx.recurs(name)
            ):
                ctx.note(lex.add(name, "relation"), unit)
    add_named_entities(ctx)
    add_groups(ctx)
    lex.merge_abbreviations()
    _defined_roles(ctx)
    lex.finalize([u.text for u in ctx.units], TITLES)


def _two_companies(name: str, lex: Lexicon) -> bool:
    """'Voltara GmbH and Brightcell Oy', 'the Authority and Customs': two organisations named
    together (by a legal form, or by names already known), not one name."""
    parts = re.split(r"\s+and\s+", name)
    if any(has_legal_form(left) for left in parts[:-1]):
        return True
    return len(parts) > 1 and all(lex.get(part) is not None for part in parts)


# '"Exam-Delivery Provider" means the organisation appointed by MCI ..., currently Paxton Test
# Services Ltd.': an agreement's role term that names one party is that party's alias.
_MEANS = re.compile(
    r"[\"“](?P<term>(?:the\s+)?[A-Z][\w&' -]{1,40})[\"”]\s+means\s+(?P<body>[^;\"“]{3,300}?)"
    # the body ends at a semicolon, a full stop, or where the next defined term starts
    r"(?:;|\.\s|\.?$|(?=,?\s+(?:and\s+)?[\"“]))"
)
_CURRENTLY = re.compile(r"\b(?:currently|at present|presently|namely|i\.e\.|that is)\s*,?\s+", re.I)


def _defined_roles(ctx: Context) -> None:
    lex = ctx.lexicon
    for unit in ctx.units:
        text = plain(unit.text)
        for m in _MEANS.finditer(text):
            body = m.group("body")
            # The party the term stands for is the one named after "currently": the other names in
            # the definition say who appoints it or whom it serves.
            at = _CURRENTLY.search(body)
            if at is not None:
                named = [e for _, _, e in ctx.mentions(body[at.end() :])]
            else:
                # '"Payment Provider" means Tendra Payments, which processes ...': the body opens with the party.
                lead = re.match(r"\s*(?:the\s+)?", body)
                offset = lead.end() if lead else 0
                named = [e for s, _, e in ctx.mentions(body) if s == offset][:1]
            if len({id(e) for e in named}) != 1:
                continue
            term = m.group("term").strip()
            if normalise_key(term) == normalise_key(named[0].name):
                continue
            ctx.note(lex.add(named[0].name, "defined", alias=term), unit)


def _lexicon_from_row(ctx: Context, unit: Unit) -> None:
    columns = vocabulary().columns
    # "Party | Gives | Receives": beside a party column, what it gives and gets are values, not names
    # ("Service Fee of EUR 420,000").
    party_table = any(header_is(h, columns.party) for h in unit.cells) and any(
        header_is(h, columns.gives | columns.gets) for h in unit.cells
    )
    for header, value in unit.cells.items():
        if party_table and header_is(header, columns.gives | columns.gets):
            continue
        role = role_of(header)
        if role is None and header not in p.PROVIDER_COLUMNS + p.RECEIVER_COLUMNS + (
            "partner",
            "party",
            "organisation",
            "organization",
            "actor",
            "who",
            "owner",
        ):
            continue
        for name in split_names(value):
            if name.isupper() and len(name.split()) > 1:
                continue  # a section row in capitals inside the table
            if is_name_like(name) and _named_in_a_cell(name) and not p.EMPTY_CELL.match(name):
                ctx.note(ctx.lexicon.add(name, "table"), unit)


def _named_in_a_cell(name: str) -> bool:
    """A party in a role column: a name in title case, or a team or office named by a capitalised
    word ("Parks team", "Network office", "Customer Care team")."""
    if title_case(name):
        return True
    words = name.split()
    return 2 <= len(words) <= 4 and words[0][:1].isupper() and words[-1].lower() in vocabulary().unit_words


def read_exclusions(ctx: Context) -> list[ExclusionDraft]:
    out: list[ExclusionDraft] = []
    for unit in ctx.units + ctx.injected:
        for regex in p.EXCLUSION:
            for m in regex.finditer(unit.text):
                segment = m.group("name")
                found = ctx.mentions(segment)
                names = [f[2].name for f in found[-1:]] if found else []
                if not names:
                    cand = re.findall(NAME, segment)
                    names = [clean_name(cand[-1])] if cand and is_name_like(clean_name(cand[-1])) else []
                for name in names:
                    out.append(ExclusionDraft(quote=quote_of(unit), at=evidence_of(unit), name=name))
    for unit in ctx.injected:
        for m in re.finditer(NAME, unit.text):
            name = clean_name(m.group(0))
            if org_signal(name) and is_name_like(name) and not ctx.lexicon.get(name):
                out.append(ExclusionDraft(quote=quote_of(unit), at=evidence_of(unit), name=name))
    return out


def actor_drafts(ctx: Context, referenced: set[str], excluded: set[str]) -> list[ActorDraft]:
    out: list[ActorDraft] = []
    for entry in ctx.lexicon.entries:
        signals = entry.signals
        keep = entry.name in referenced or bool(signals & {"defined", "table"})
        # A name described once ("a lockable room, CCTV, an invigilator who ...") is a list item, not
        # a party: a described actor that nothing else keeps is named again somewhere.
        keep = keep or ("described" in signals and org_signal(entry.name) and ctx.recurs(entry.name))
        if signals == {"defined"} and not _organisation_named(entry.name):
            # A defined term and nothing more ('the Meridel Certified Infrastructure Professional
            # ("MCIP")', 'ESTRA-2 ("the Trial")') is a programme, a product or a code.
            keep = False
        if not keep or entry.name in excluded:
            continue
        unit = ctx.first_seen.get(id(entry))
        if unit is None:
            continue
        role = entry.descriptors[0] if entry.descriptors else ""
        out.append(
            ActorDraft(
                quote=quote_of(unit),
                at=evidence_of(unit),
                name=entry.name,
                aliases=sorted(entry.aliases)[:6],
                kind=classify(entry.name, entry.descriptors),
                role=role[:200],
            )
        )
    return out


def _organisation_named(name: str) -> bool:
    """A defined name that reads as an organisation: one word ("Brightwire") or an organisation word
    among several, and neither the programme's own name nor a code with digits."""
    words = name.split()
    if words[-1].lower() in _ECOSYSTEM_WORDS or any(ch.isdigit() for ch in name):
        return False
    return len(words) == 1 or org_signal(name, brands=False)


# -- actors only the parse reveals: lower-case groups, named organisations, "we" ---------------------

_GROUP_SKIP = {
    "all", "other", "others", "new", "some", "many", "several", "existing", "any", "each", "every",
    "more", "most", "few", "such", "these", "those", "our", "their", "its", "both", "various", "two",
    "three", "four", "five", "individual", "relevant", "respective", "current", "future", "potential",
    "interested", "key", "main", "local", "own", "same", "remaining",
}  # fmt: skip
# The last word of the programme's own name ("Heron Alliance"): the ecosystem, not a party to it.
_ECOSYSTEM_WORDS = {
    "alliance", "consortium", "network", "programme", "program", "initiative", "partnership", "coalition",
    "scheme", "collaborative", "community", "ecosystem", "project", "pilot",
}  # fmt: skip
_RELATION_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "dative", "conj", "appos"}
_PARTY_PREPS = {"to", "from", "with", "between", "by"}


def add_groups(ctx: Context) -> None:
    """Lower-case group actors ("member farmers", "participating museums") that take part in relations.

    A plural head from the vocabulary with a modifier of its own, standing as subject, object or
    prepositional object at least once and named at least twice in the evidence.
    """
    v = vocabulary()
    counts: dict[str, int] = {}
    placed: dict[str, Unit] = {}
    for unit in ctx.units:
        doc = ctx.parse_of(unit)
        if doc is None:
            continue
        for chunk in doc.noun_chunks:
            root = chunk.root
            if root.dep_ not in _RELATION_DEPS:
                continue
            mods = [
                t
                for t in chunk
                if t.i < root.i and t.dep_ in ("compound", "amod", "nmod") and t.lower_ not in _GROUP_SKIP
            ]
            if not mods or any(t.is_digit or t.like_num or t.lower_ in v.count_modifiers for t in mods):
                continue
            if root.lower_ not in v.group_heads and not (
                # an open head must act: the subject of a clause, or the party something goes to or
                # comes from ("member accounts", "partner terms" are things)
                root.tag_ == "NNS"
                and mods[0].lower_ in v.group_modifiers
                and (root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ == "pobj" and root.head.lower_ in _PARTY_PREPS))
            ):
                continue
            start = mods[0].i
            span = doc[start : root.i + 1]
            if not root.is_lower or any(not t.is_lower and ctx.lexicon.get(t.text) for t in span):
                continue  # "Marlowe hotels" are an organisation's hotels, not a group
            if not all(t.is_lower or t.pos_ == "PROPN" for t in span):
                continue
            key = span.text if not span.text.islower() else span.text.lower()
            counts[key] = counts.get(key, 0) + 1
            placed.setdefault(key, unit)
    corpus = " ".join(u.text.lower() for u in ctx.units)
    added: list[ActorEntry] = []
    for key, unit in placed.items():
        total = len(re.findall(rf"(?<![\w-]){re.escape(key)}(?![\w-])", corpus))
        if counts[key] >= 1 and total >= 2 and ctx.lexicon.get(key) is None:
            entry = ctx.lexicon.add(key, "group", descriptor=key.split()[-1])
            ctx.note(entry, unit)
            added.append(entry)
    # "Each clinic shall send ...": one member stands for the group when no other group shares its head
    # noun. (The bare plural, "the clinics", was tried as well: it cost the check set actor F1.)
    heads = [e.name.split()[-1].lower() for e in added]
    for entry, head in zip(added, heads, strict=True):
        if heads.count(head) > 1 or not entry.name.islower():
            continue
        one = singular(head)
        for form in (f"each {one}", f"every {one}"):
            if ctx.lexicon.get(form) is None:
                ctx.lexicon.add(entry.name, "group", alias=form)


def add_named_entities(ctx: Context) -> None:
    """Organisations the named-entity recogniser tags, when their name recurs and reads like one."""
    seen: dict[str, tuple[int, Unit]] = {}
    for unit in ctx.units:
        doc = ctx.parse_of(unit)
        if doc is None:
            continue
        for ent in doc.ents:
            if ent.label_ != "ORG":
                continue
            name = clean_name(ent.text)
            words_ = name.split()
            if (
                not is_name_like(name)
                or not org_signal(name, brands=False)
                or "," in name
                or any(ch.isdigit() for ch in name)
                or words_[-1].lower() in _ECOSYSTEM_WORDS
                or name in TITLES
                or words_[0].lower() in NOT_ORG_FIRST
                or words_[-1].lower() in FORUM_WORDS
                or is_document_phrase(name)
                or len(words_) > 5
            ):
                continue
            count, first = seen.get(name, (0, unit))
            seen[name] = (count + 1, first)
    for name, (count, unit) in seen.items():
        if count >= 2 and ctx.lexicon.get(name) is None and (org_signal(name) or ctx.recurs(name)):
            ctx.note(ctx.lexicon.add(name, "org"), unit)


_BYLINE = re.compile(
    r"\b(?:prepared|written|issued|maintained|compiled|produced|drafted|published|circulated|sent|owned)\s+by\b"
    # A header line's field counts too: "Version 1.2 | 14 November 2024 | Owner: ..., Wexcombe Trust".
    r"|(?:^|\|)\W*(?:from|author|authors|owner|document owner|sender|prepared by|issued by|organisation|"
    r"organization|company|on behalf of)\s*:",
    re.I,
)
# A party defined as the writer: 'Harlow Freight Ltd ("Harlow", "we", "us")'.
_WE_DEFINED = re.compile(r"\s*\([^()]*[\"“'‘](?:we|us|our)[\"”'’][^()]*\)", re.I)
_PERSON_AT = re.compile(r"(?P<who>[A-Z][a-z]+(?:\s+[A-Z][\w'’-]+){0,2})\s*\((?P<org>[^)]{2,60})\)")


def _by_document(ctx: Context) -> dict[str, list[Unit]]:
    out: dict[str, list[Unit]] = {}
    for unit in ctx.units:
        out.setdefault(unit.document.id, []).append(unit)
    return out


def find_writers(ctx: Context) -> None:
    """Who "we" is, unit by unit: a byline or sender line sets the writer for what follows it in the
    document, a speaker's organisation for that speaker's lines; the organisation that writes most
    documents stands in where a document names none."""
    people: dict[str, ActorEntry] = {}
    for unit in ctx.units:
        for m in _PERSON_AT.finditer(unit.text):
            org = ctx.mentions(m.group("org"))
            if org:
                people.setdefault(m.group("who").split()[0], org[0][2])
    by_document = _by_document(ctx)
    document_writer: dict[str, ActorEntry] = {}
    for doc_id, units in by_document.items():
        defined = _defined_writer(ctx, units)
        if defined is not None:
            document_writer[doc_id] = defined
            continue
        for unit in units[:15]:
            byline = _BYLINE.search(unit.text)
            if byline:
                found = ctx.mentions(unit.text)
                # "From: X" names the sender last; any other field names it first after the label.
                after = [m for m in found if m[0] >= byline.start()] or found
                if found:
                    document_writer[doc_id] = found[-1][2] if unit.text.lower().startswith("from") else after[0][2]
                    break
    # Where no document names its writer, "we" is most likely the organisation the documents are
    # about: the one named in the most units (the coordinator's own papers).
    fallback = _most_common(list(document_writer.values())) or _most_named(ctx)
    for doc_id, units in by_document.items():
        current = document_writer.get(doc_id, fallback)
        for unit in units:
            if unit.speaker:
                speaker = _speaker_org(ctx, unit.speaker, people)
                if speaker is not None:
                    ctx.writers[id(unit)] = speaker
                    # "Castra Medical Supplies: delivers kit ..." is a party's line, not a person's remark.
                    named = ctx.mentions(unit.speaker)
                    if current is not None and current is not speaker and named and named[0][0] == 0:
                        ctx.addressed[id(unit)] = current
                    continue
            if unit.text.lower().startswith("from") and _BYLINE.search(unit.text):
                found = ctx.mentions(unit.text)
                if found:
                    current = found[-1][2]
                else:
                    person = re.search(r"from\s*:\s*(?P<who>[A-Z][a-z]+)", unit.text, re.I)
                    current = people.get(person.group("who")) if person else current
            if current is not None:
                ctx.writers[id(unit)] = current


# 'between Lumio Pay B.V. ("Lumio") and Brenmark Bank N.V. ("the Bank")', 'by and between A and B'.
_BETWEEN = re.compile(
    r"\bbetween\s+(?P<a>.{2,120}?)\s+and\s+(?P<b>.{2,120}?)(?:[,.;:]\s|\s*$|\s+(?:dated|for|regarding|on|in)\b)"
)


def find_parties(ctx: Context) -> None:
    """The two parties of an agreement, from a "between A and B" in its first units: a clause in
    it that gives or gets with no counterparty named deals with the other party."""
    by_document = _by_document(ctx)
    for doc_id, units in by_document.items():
        for unit in units[:6]:
            m = _BETWEEN.search(plain(unit.text))
            if m is None:
                continue
            a = ctx.mentions(m.group("a"))
            b = ctx.mentions(m.group("b"))
            if len({id(e) for _, _, e in a}) == 1 and len({id(e) for _, _, e in b}) == 1 and a[0][2] is not b[0][2]:
                ctx.parties[doc_id] = (a[0][2], b[0][2])
                break


def _speaker_org(ctx: Context, label: str, people: dict[str, ActorEntry]) -> ActorEntry | None:
    """The organisation a speaker label names ("Mia Lund (Skerry Air, Loyalty)"), or the one that
    person was introduced with elsewhere ("Mia Lund (Skerry Air)" in the attendee list)."""
    inside = re.search(r"\(([^)]*)\)", label)
    if inside:
        found = ctx.mentions(inside.group(1))
        if found:
            people.setdefault(label.split()[0], found[0][2])
            return found[0][2]
    found = ctx.mentions(label)
    if found:
        return found[0][2]
    return people.get(label.split()[0])


def _defined_writer(ctx: Context, units: list[Unit]) -> ActorEntry | None:
    """The party a document defines as "we" (an agreement's parties clause), named right before it."""
    for unit in units:
        for m in _WE_DEFINED.finditer(unit.text):
            before = [entry for _, e, entry in ctx.mentions(unit.text) if m.start() - 12 <= e <= m.start()]
            if before:
                return before[-1]
    return None


def _most_named(ctx: Context) -> ActorEntry | None:
    counts: dict[int, int] = {}
    by_id: dict[int, ActorEntry] = {}
    for unit in ctx.units:
        for entry in {id(e): e for _, _, e in ctx.mentions(unit.text)}.values():
            if "group" in entry.signals:  # "member farmers" do not write the papers
                continue
            counts[id(entry)] = counts.get(id(entry), 0) + 1
            by_id[id(entry)] = entry
    if not counts:
        return None
    return by_id[max(counts, key=lambda k: counts[k])]


def _most_common(entries: list[ActorEntry]) -> ActorEntry | None:
    if not entries:
        return None
    counts: dict[int, int] = {}
    for e in entries:
        counts[id(e)] = counts.get(id(e), 0) + 1
    best = max(entries, key=lambda e: counts[id(e)])
    return best
