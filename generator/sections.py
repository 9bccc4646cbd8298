"""The canvas sections, how evidence is retrieved for each, and how they are grouped into calls.

Seven sections, one call when all the evidence fits one request (`Settings.single_call_tokens`),
three calls above that: sending every section its own copy of the evidence would cost several
times the source documents in tokens, so sections that read the same passages share one call. A
call is the unit of failure: when it fails, its sections are marked failed and the others are
kept, which is what splitting buys on large corpora.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecocanvas.canvas.model import SECTIONS, SectionName


@dataclass(frozen=True)
class SectionPlan:
    """The generator's side of one canvas section (`canvas.registry.SECTION_SPECS` is the canvas's side)."""

    section: SectionName
    words: str  # the section in a progress sentence: "Drafting scope, actors and review"
    queries: tuple[str, ...]  # what retrieval asks for its evidence
    # The lists of quoted entries under the section's attribute of a `CanvasDraft`, which grounding
    # checks one by one (review's cadence quote is a field, grounded on its own).
    drafts: tuple[str, ...]


PLANS: tuple[SectionPlan, ...] = (
    SectionPlan(
        "scope",
        "scope",
        (
            "objectives and goals of the ecosystem initiative",
            "what is in scope and out of scope",
            "strategy purpose markets and participants",
        ),
        ("objectives", "in_scope", "out_of_scope"),
    ),
    SectionPlan(
        "actors",
        "actors",
        (
            "partners organisations and teams taking part and their roles",
            "agreement between parties, defined terms and abbreviations",
            "supplier platform provider regulator customer",
        ),
        ("actors", "excluded"),
    ),
    SectionPlan(
        "value_exchanges",
        "value exchanges",
        (
            "provides to in return pays fees revenue share",
            "shares data with, gives access to customers, referrals, leads",
            "supplies products services capabilities to partner",
        ),
        ("value_exchanges",),
    ),
    SectionPlan(
        "activities",
        "responsibilities",
        (
            "who leads owns is responsible for the activity",
            "supports approves signs off responsibilities table",
            "ownership moves transfers takes over from",
        ),
        ("activities",),
    ),
    SectionPlan(
        "governance",
        "governance",
        (
            "decision rights approval authority final say",
            "escalation path disputes conflict resolution arbitration",
            "steering committee forum meeting cadence change requests",
        ),
        ("governance",),
    ),
    SectionPlan(
        "metrics",
        "metrics",
        (
            "KPI metric target owner data source",
            "measured tracked reported monthly quarterly dashboard",
        ),
        ("metrics",),
    ),
    SectionPlan(
        "review",
        "review",
        (
            "the canvas is reviewed regularly review cadence",
            "stakeholders validate review meeting",
        ),
        (),
    ),
)
QUERIES: dict[SectionName, tuple[str, ...]] = {p.section: p.queries for p in PLANS}
SECTION_WORDS: dict[SectionName, str] = {p.section: p.words for p in PLANS}


@dataclass(frozen=True)
class CallSpec:
    """A group of sections drafted together when the evidence is too large for one call."""

    name: str
    prompt: str
    sections: tuple[SectionName, ...]


CALLS: tuple[CallSpec, ...] = (
    CallSpec("actors", "actors", ("scope", "actors", "review")),
    CallSpec("responsibilities", "responsibilities", ("activities", "value_exchanges")),
    CallSpec("governance", "governance", ("governance", "metrics")),
)
# The call that drafts every section at once when all the evidence fits one request.
SINGLE_CALL = "canvas"

# Every section has its plan, in the canvas's order, and every call grouping covers each section once.
if tuple(p.section for p in PLANS) != SECTIONS or sorted(s for c in CALLS for s in c.sections) != sorted(SECTIONS):
    raise AssertionError("generator.sections and the canvas sections disagree")
