"""Word lists that tell an actor's name from a title, a document, a forum or a table column.

The actor readers consult them before a capitalised phrase enters the lexicon; the scope reader
uses the same first words to reject a title that is not a name.
"""

from __future__ import annotations

import re

from ecocanvas.generator.offline import patterns as p
from ecocanvas.generator.offline.lexicon import STOP_FIRST, is_name_like

TITLES = {
    "COO",
    "CEO",
    "CFO",
    "CTO",
    "CIO",
    "CISO",
    "CMO",
    "CRO",
    "VP",
    "MD",
    "SVP",
    "EVP",
    "GM",
    "PM",
    "PMO",
    "HR",
    "IT",
    "AOB",
    "KPI",
    "KPIS",
    "RACI",
    "SLA",
    "API",
    "FAQ",
    "TBD",
    "TBC",
    "NDA",
    "MOU",
    "RFP",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "EU",
    "UK",
    "US",
    "EUR",
    "USD",
    "CET",
    "UTC",
}


# First words that never start an organisation's name: the lexicon's stop words, plus adjectives and
# common nouns that open phrases like "Joint Operations Review" or "Data Platform".
NOT_ORG_FIRST = STOP_FIRST | {
    "annual",
    "customer",
    "data",
    "digital",
    "joint",
    "key",
    "monthly",
    "network",
    "operations",
    "platform",
    "quarterly",
    "service",
    "services",
    "shared",
    "weekly",
}


FORUM_WORDS = {"committee", "board", "council", "forum", "meeting", "review", "group", "sync", "call"}
DOC_WORDS = {
    "agreement",
    "memo",
    "minutes",
    "charter",
    "policy",
    "plan",
    "report",
    "notes",
    "schedule",
    "annex",
    "appendix",
    "terms",
    "contract",
    "strategy",
    "sla",
    "framework",
    "model",
    "scorecard",
    "dashboard",
    "tracker",
    "register",
    "log",
    "runbook",
    "playbook",
    "handbook",
    "manual",
    "wiki",
    "sheet",
    "paper",
    "proposal",
    "kpis",
    "kpi",
    "review",
    "pilot",
    "programme",
    "program",
    "project",
}


_ALIAS_LEAD = re.compile(
    r"^(?:hereinafter|hereafter|below|together|also|jointly|or|and|known as|referred to as|called|trading as|"
    r"formerly|previously|t/a|aka|a\.k\.a\.)\s+",
    re.I,
)


_PRONOUN_ALIASES = {"we", "us", "our", "ours", "they", "them", "it", "you"}


def aliases_in(inner: str) -> list[str]:
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
            if q.lower() in _PRONOUN_ALIASES:  # ("Hollowpine", "we", "us"): the writer, read from "we" itself
                continue
            if q.lower().startswith("the ") or (quoted.group("the") and q[:1].islower()) or q.islower():
                q = q if q.lower().startswith("the ") else f"the {q}"
                if len(q.split()) <= 4:
                    out.append(q.lower())
            elif is_name_like(q) and q not in TITLES:
                out.append(q)
        elif (re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", part) and part not in TITLES) or re.fullmatch(
            r"the\s+[a-z][a-z\-]+(?:\s+[a-z][a-z\-]+){0,2}", part
        ):
            out.append(part)
    return out


def title_case(name: str) -> bool:
    """'Kestrel Channel Group' is a name; 'Price per tonne from Brackwater' is a value."""
    return all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in {"of", "for", "and", "&", "de", "the", "la"}
        for w in name.split()
    )


def is_document_phrase(name: str) -> bool:
    return any(w.lower() in DOC_WORDS for w in name.split())


def role_of(header: str) -> str | None:
    for role, names in p.ROLE_COLUMNS.items():
        if header in names:
            return role
    for role, names in p.ROLE_COLUMNS.items():
        if any(
            len(n) > 2 and (header.startswith(n + " ") or header.endswith(" " + n) or header.startswith(n + "s"))
            for n in names
        ):
            return role
    return None
