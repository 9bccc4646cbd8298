"""Governance and coordination (seed 000, step 5): decision rights, escalation, forums, disputes, change.

The `no-*` rules concern the section as a whole, so their findings have no subjects.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecocanvas.canvas.model import ACTOR_KINDS, MechanismKind, Severity
from ecocanvas.rules.index import CanvasIndex, actor_display, entry_label, is_unset
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, Rule, RuleSpec, rule

_STEP_5 = (
    "Step 5: document decision rights, escalation paths and coordination forums; define how conflicts are "
    "resolved and changes are managed."
)


def _absent(
    kind: MechanismKind,
    rule_id: str,
    severity: Severity,
    description: str,
    says: str,
    message: str,
    suggestion: str,
) -> Rule:
    """A rule that fires once when the canvas has no live mechanism of `kind`."""

    def check(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
        if not ix.mechanisms_by_kind.get(kind):
            yield Gap(subjects=(), message=message, suggestion=suggestion)

    spec = RuleSpec(
        id=rule_id,
        severity=severity,
        section="governance",
        description=description,
        principle=Principle(seed="000", says=says),
    )
    return rule(spec)(check)


no_escalation_path = _absent(
    "escalation_path",
    "no-escalation-path",
    "error",
    "The canvas records no escalation path.",
    _STEP_5,
    "The canvas has no escalation path, so nobody knows where an issue goes when the people involved cannot settle it.",
    "Record who escalates to whom, after how long, and who decides at the top.",
)
no_decision_rights = _absent(
    "decision_right",
    "no-decision-rights",
    "error",
    "The canvas records no decision rights.",
    _STEP_5,
    "The canvas records no decision rights, so it does not say who has the final say on what.",
    "Record who decides what (admitting partners, pricing, rule changes) and who must be consulted.",
)
no_conflict_resolution = _absent(
    "conflict_resolution",
    "no-conflict-resolution",
    "warning",
    "The canvas records no way to resolve conflicts between actors.",
    _STEP_5 + " Seed 003: a fair, transparent governance model includes a process for resolving disputes.",
    "The canvas has no procedure for resolving disputes between the actors.",
    "Agree how disputes are settled: who meets first, within what time, and what follows if they still "
    "disagree (mediation, arbitration).",
)
no_coordination_forum = _absent(
    "forum",
    "no-coordination-forum",
    "warning",
    "The canvas names no coordination forum where the actors meet.",
    _STEP_5 + " Seed 001: regular touch points at executive, management and field level.",
    "The canvas names no coordination forum where the actors meet regularly.",
    "Set up a forum (a steering committee, an operations call) with its participants and cadence.",
)
no_change_management = _absent(
    "change_management",
    "no-change-management",
    "warning",
    "The canvas does not say how changes are proposed and agreed.",
    _STEP_5 + " Seed 002 names static systems, not updated as needs evolve, as a pitfall.",
    "The canvas does not say how changes to terms, fees, rules or roles are proposed and agreed.",
    "Record a change procedure: who may propose a change, who approves it, and how the actors are told.",
)


@rule(
    RuleSpec(
        id="forum-without-cadence",
        severity="info",
        section="governance",
        description="A coordination forum has no cadence, so nobody knows when it meets.",
        principle=Principle(
            seed="001",
            says="Regular touch points: the alliance team should have regular touchpoints with its "
            "counterparts at multiple levels.",
        ),
    )
)
def forum_without_cadence(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    for mech in ix.mechanisms_by_kind.get("forum", []):
        if is_unset(mech.cadence):
            label = entry_label(mech, ix)
            yield Gap(
                subjects=(mech.id,),
                message=f"No cadence is recorded for {label}.",
                suggestion=f"Record how often {label} meets.",
            )


@rule(
    RuleSpec(
        id="partner-without-forum",
        severity="info",
        section="governance",
        description="A partner takes part in none of the coordination forums (checked only when the canvas "
        "has a forum).",
        principle=Principle(
            seed="001",
            says="Regular touch points with counterparts; seed 000: involve representatives from key "
            "partners early to validate roles and incentives.",
        ),
        params=(
            ParamSpec(
                name="kinds",
                default=["partner"],
                choices=ACTOR_KINDS,
                description="Actor kinds expected to sit in at least one forum.",
            ),
        ),
        # Off by default: drafts rarely list every participant of a forum, so it mostly flags noise.
        enabled=False,
    )
)
def partner_without_forum(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if not ix.mechanisms_by_kind.get("forum"):
        return
    kinds = params.strings("kinds")
    for actor in ix.actor_by_id.values():
        if actor.kind in kinds and actor.id not in ix.forum_members:
            name = actor_display(actor)
            yield Gap(
                subjects=(actor.id,),
                message=f"None of the coordination forums includes {name}.",
                suggestion=f"Invite {name} to a forum, or record how else they are kept informed.",
            )


RULES = (
    no_escalation_path,
    no_decision_rights,
    no_conflict_resolution,
    no_coordination_forum,
    no_change_management,
    forum_without_cadence,
    partner_without_forum,
)
