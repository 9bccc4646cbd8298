"""Scope, review and provenance (seed 000, steps 1 and 7): a living canvas, validated, traceable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ecocanvas.canvas.model import Activity, Exchange, Mechanism, Metric
from ecocanvas.rules.index import CanvasIndex, cap, entry_label, is_blank, is_unset
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, RuleSpec, rule

_LIVING = Principle(
    seed="000",
    says="Do review and update the canvas regularly as the ecosystem evolves; don't treat it as a "
    "one-time exercise rather than an execution tool.",
)


@rule(
    RuleSpec(
        id="no-review-cadence",
        severity="warning",
        section="review",
        description="The canvas does not say how often it is reviewed.",
        principle=_LIVING,
    )
)
def no_review_cadence(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if is_unset(ix.canvas.review.cadence):
        yield Gap(
            subjects=(),
            message="The canvas does not say how often it is reviewed, so it risks becoming a one-time exercise.",
            suggestion="Agree a review cadence (e.g. quarterly) and who takes part.",
        )


@rule(
    RuleSpec(
        id="no-review-stakeholders",
        severity="info",
        section="review",
        description="The review names no stakeholders to validate the canvas.",
        principle=Principle(
            seed="000", says="Step 7: validate the model with key stakeholders and ecosystem partners."
        ),
    )
)
def no_review_stakeholders(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if not any(not is_blank(s) for s in ix.canvas.review.stakeholders):
        yield Gap(
            subjects=(),
            message="The review names no stakeholders who validate the canvas.",
            suggestion="List the partners and teams who should review and confirm the canvas.",
        )


@rule(
    RuleSpec(
        id="no-objectives",
        severity="info",
        section="scope",
        description="The scope states no objectives for the ecosystem.",
        principle=Principle(
            seed="000",
            says="Step 1: define the ecosystem scope; don't assume all partners share the same objectives "
            "without validation (seed 001: clear metrics/objectives).",
        ),
    )
)
def no_objectives(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if not ix.objectives:
        yield Gap(
            subjects=(),
            message="The scope states no objectives, so the actors cannot check they share the same goals.",
            suggestion="Write down the ecosystem's objectives and validate them with the partners.",
        )


@rule(
    RuleSpec(
        id="uncited-entry",
        severity="warning",
        section="any",
        description="A generated (draft) entry cites no source document; entries a person accepted or "
        "edited are reported as info when `include_reviewed` is on.",
        principle=Principle(
            seed="contract",
            says="Sources are empty only for items a person added by hand; seed 000 step 7: validate the "
            "model with key stakeholders, which needs to know where each claim comes from.",
        ),
        params=(
            ParamSpec(
                name="include_reviewed",
                default=False,
                description="Also report accepted or edited entries without sources (as info).",
            ),
        ),
    )
)
def uncited_entry(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    include_reviewed = params.flag("include_reviewed")
    for section, entry in ix.entries:
        if entry.sources:
            continue
        label = entry_label(entry, ix)
        if entry.status == "draft":
            yield Gap(
                subjects=(entry.id,),
                section=section,
                message=f"{cap(label)} was generated but cites no source document.",
                suggestion=f"Cite the passage that supports {label}, or reject it.",
            )
        elif include_reviewed:
            yield Gap(
                subjects=(entry.id,),
                section=section,
                severity_cap="info",
                message=f"{cap(label)} was added or edited by a person and cites no source document.",
                suggestion=f"Cite a document that supports {label} if there is one.",
            )


@rule(
    RuleSpec(
        id="stale-entry",
        severity="info",
        section="any",
        description="An activity, exchange, mechanism or metric is cited only from documents much older than "
        "the newest one, so a later document may have changed it.",
        principle=Principle(
            seed="002",
            says="Static systems, not updated as needs evolve, are a pitfall; seed 000: review and update "
            "the canvas as the ecosystem evolves.",
        ),
        params=(
            ParamSpec(
                name="max_age_days",
                default=365,
                minimum=0,
                description="Flag entries whose newest source is more than this many days older than the "
                "newest document.",
            ),
        ),
    )
)
def stale_entry(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    dates = ix.document_dates
    if not dates:
        return
    newest = max(dates.values())
    max_age = params.integer("max_age_days")
    for section, entry in ix.entries:
        if not isinstance(entry, Activity | Exchange | Mechanism | Metric) or not entry.sources:
            continue
        cited: list[date] = []
        for source in entry.sources:
            when = dates.get(source.document_id)
            if when is None:
                break
            cited.append(when)
        else:
            latest = max(cited)
            if (newest - latest).days > max_age:
                label = entry_label(entry, ix)
                yield Gap(
                    subjects=(entry.id,),
                    section=section,
                    message=(
                        f"{cap(label)} is cited only from documents dated {latest.isoformat()} or earlier, "
                        f"{(newest - latest).days} days before the newest document ({newest.isoformat()})."
                    ),
                    suggestion=f"Check that {label} still holds in the newer documents, and cite them.",
                )


RULES = (no_review_cadence, no_review_stakeholders, no_objectives, uncited_entry, stale_entry)
