"""Metrics and feedback loops (seed 000, step 6): clear KPIs, owned, targeted, fed by data."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ecocanvas.canvas.model import ACTOR_KINDS, Metric, Severity
from ecocanvas.rules.index import CanvasIndex, actor_display, entry_label, is_unset
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, Rule, RuleSpec, rule

_STEP_6 = Principle(
    seed="000",
    says="Step 6: select KPIs that reflect ecosystem health, performance and partner contribution; "
    "feedback loops enable continuous improvement.",
)


def _missing(
    rule_id: str,
    severity: Severity,
    description: str,
    principle: Principle,
    lacks: Callable[[CanvasIndex, Metric], bool],
    message: str,
    suggestion: str,
) -> Rule:
    """A rule that flags every live metric for which `lacks` holds; `{metric}` names it."""

    def check(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
        for met in ix.metrics:
            if lacks(ix, met):
                label = entry_label(met, ix)
                yield Gap(
                    subjects=(met.id,),
                    message=message.format(metric=label),
                    suggestion=suggestion.format(metric=label),
                )

    spec = RuleSpec(id=rule_id, severity=severity, section="metrics", description=description, principle=principle)
    return rule(spec)(check)


metric_without_owner = _missing(
    "metric-without-owner",
    "warning",
    "A metric has no owner who answers for it.",
    Principle(seed="000", says="Step 4: clarify ownership for critical activities, decisions and outcomes."),
    lambda ix, m: not ix.names_owner(m.owner),
    "Nobody owns {metric}.",
    "Name who tracks {metric} and acts when it goes off course.",
)
metric_without_target = _missing(
    "metric-without-target",
    "warning",
    "A metric has no target (or only a placeholder such as TBD), so nobody can tell whether it is met.",
    Principle(
        seed="001",
        says="Clear metrics/objectives: you have to know what you are striving for in order to meet or "
        "exceed your target.",
    ),
    lambda ix, m: is_unset(m.target),
    "No target is set for {metric}.",
    "Agree a target for {metric} (a value and a date), or a baseline to set one from.",
)
metric_without_data_source = _missing(
    "metric-without-data-source",
    "info",
    "A metric does not say where its figures come from.",
    Principle(
        seed="002",
        says="Data-driven decisions: use data to measure performance; ignoring data and fragmented tools are pitfalls.",
    ),
    lambda ix, m: is_unset(m.data_source),
    "The canvas does not say where the figures for {metric} come from.",
    "Record the system or report that {metric} is computed from.",
)
metric_without_cadence = _missing(
    "metric-without-cadence",
    "info",
    "A metric has no cadence, so it feeds no regular feedback loop.",
    _STEP_6,
    lambda ix, m: is_unset(m.cadence),
    "No cadence is recorded for {metric}.",
    "Record how often {metric} is measured and reviewed.",
)


@rule(
    RuleSpec(
        id="unmeasured-partner",
        severity="warning",
        section="metrics",
        description="No metric measures a partner's contribution (the partner is in no metric's actors and owns none).",
        principle=_STEP_6,
        params=(
            ParamSpec(
                name="kinds",
                default=["partner"],
                choices=ACTOR_KINDS,
                description="Actor kinds whose contribution a metric should measure.",
            ),
        ),
    )
)
def unmeasured_partner(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    kinds = params.strings("kinds")
    for actor in ix.actor_by_id.values():
        if actor.kind in kinds and actor.id not in ix.measured:
            name = actor_display(actor)
            yield Gap(
                subjects=(actor.id,),
                # Worded so it reads right for any name: "Project maintainers" is plural and ends in s.
                message=f"No metric measures the contribution of {name}.",
                suggestion=f"Add a KPI for the contribution of {name}, or list {name} among the actors an "
                "existing metric measures.",
            )


@rule(
    RuleSpec(
        id="no-metrics",
        severity="warning",
        section="metrics",
        description="The canvas defines no metrics at all.",
        principle=Principle(
            seed="001",
            says="Clear metrics/objectives: it would be hard to have success without clear metrics for the ecosystem.",
        ),
    )
)
def no_metrics(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    if not ix.metrics:
        yield Gap(
            subjects=(),
            message="The canvas defines no metrics, so nobody can tell whether the ecosystem is on track.",
            suggestion="Select a few KPIs for ecosystem health and partner contribution, each with an owner "
            "and a target.",
        )


RULES = (
    metric_without_owner,
    metric_without_target,
    metric_without_data_source,
    metric_without_cadence,
    unmeasured_partner,
    no_metrics,
)
