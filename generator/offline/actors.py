"""The actors: the lexicon built from the units, the parties excluded, and the final actor list.

A name enters the lexicon from a definition, a hereinafter clause, an appositive, a descriptor
prefix, a table column, an organisation-like name or the subject of a relation verb; the other
readers then find actors only through it.
"""

from __future__ import annotations

import re

from generator.drafts import ActorDraft, ExclusionDraft
from generator.offline import patterns as p
from generator.offline.context import Context, evidence_of, quote_of
from generator.offline.lexicon import NAME, ORG_WORDS, classify, clean_name, is_name_like, org_signal
from generator.offline.names import (
    FORUM_WORDS,
    NOT_ORG_FIRST,
    TITLES,
    aliases_in,
    is_document_phrase,
    role_of,
    title_case,
)
from generator.offline.phrases import plain, split_names
from generator.offline.text import Unit


def build_lexicon(ctx: Context) -> None:
    lex = ctx.lexicon
    definition = re.compile(rf"(?P<name>{NAME})\s*\((?P<inner>[^()]{{1,90}})\)")
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
        for m in definition.finditer(text):
            name = clean_name(m.group("name"))
            if not is_name_like(name) or name in TITLES or p.NEGATION.search(text[: m.start()][-30:]):
                continue
            for alias in aliases_in(m.group("inner")):
                ctx.note(lex.add(name, "defined", alias=alias), unit)
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
            if last in FORUM_WORDS or len(words) > 5:
                continue
            if org_signal(name, brands=False) and not is_document_phrase(name):
                ctx.note(lex.add(name, "org"), unit)
        for m in subject.finditer(text):
            name = clean_name(m.group("name"))
            single = len(name.split()) == 1
            if single and (name.lower() in ORG_WORDS or name.lower() in ctx.lowered):
                continue
            if (
                is_name_like(name)
                and name.split()[0].lower() not in NOT_ORG_FIRST
                and name not in TITLES
                and not is_document_phrase(name)
                and ctx.recurs(name)
            ):
                ctx.note(lex.add(name, "relation"), unit)
    lex.merge_abbreviations()
    lex.finalize([u.text for u in ctx.units], TITLES)


def _lexicon_from_row(ctx: Context, unit: Unit) -> None:
    for header, value in unit.cells.items():
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
            if is_name_like(name) and title_case(name) and not p.EMPTY_CELL.match(name):
                ctx.note(ctx.lexicon.add(name, "table"), unit)


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
        keep = keep or ("described" in signals and org_signal(entry.name))
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
