"""Value exchanges (seed 000, step 3): every actor gets value out as well as putting value in."""

from __future__ import annotations

from collections.abc import Iterator

from ecocanvas.canvas.model import ACTOR_KINDS, EXCHANGE_KINDS, Exchange
from ecocanvas.rules.index import CanvasIndex, actor_display, join_names, shorten
from ecocanvas.rules.spec import Gap, Params, ParamSpec, Principle, RuleSpec, rule


def _values(exchanges: list[Exchange], limit: int = 3) -> str:
    quoted = list(dict.fromkeys(f'"{shorten(e.value, 40)}"' for e in exchanges if e.value.strip()))
    return join_names(quoted, limit=limit)


@rule(
    RuleSpec(
        id="one-sided-exchange",
        severity="warning",
        section="value_exchanges",
        description="An actor that takes part in exchanges gives value but receives none, or receives "
        "value but gives none.",
        principle=Principle(
            seed="001",
            says="Checking in: all the ecosystem partners need to be getting as much out as they put in; "
            "seed 000 step 3: define the value each actor gives and receives.",
        ),
        params=(
            ParamSpec(
                name="ignore_kinds",
                default=["regulator"],
                choices=ACTOR_KINDS,
                description="Actor kinds exempt from the rule: a regulator's licences and reports are not a trade.",
            ),
        ),
    )
)
def one_sided_exchange(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    ignored = params.strings("ignore_kinds")
    for actor in ix.actor_by_id.values():
        if actor.kind in ignored:
            continue
        gives, receives = ix.gives.get(actor.id, []), ix.receives.get(actor.id, [])
        if bool(gives) == bool(receives):
            continue
        name = actor_display(actor)
        flows = gives or receives
        what = _values(flows)
        detail = f" ({what})" if what else ""
        if gives:
            others = ix.actor_names(list(dict.fromkeys(e.receiver for e in gives)))
            message = f"Value flows from {name} to {others}{detail}, but nothing flows back."
            suggestion = (
                f"Record what goes back to {name} (revenue, data, access or another benefit), "
                "or confirm with them that the imbalance is intended."
            )
        else:
            others = ix.actor_names(list(dict.fromkeys(e.provider for e in receives)))
            message = f"Value flows to {name} from {others}{detail}, but nothing flows back."
            suggestion = f"Record what comes back from {name} in return, or confirm the imbalance is intended."
        yield Gap(subjects=(actor.id,), message=message, suggestion=suggestion)


@rule(
    RuleSpec(
        id="capability-overlap",
        severity="info",
        section="value_exchanges",
        description="Two or more actors provide the same kind of value to the same receiver (its subjects: the "
        "providers, the receiver and the overlapping exchanges).",
        principle=Principle(
            seed="001",
            says="Minimize overlap and competition: many partners competing within the ecosystem causes "
            "conflict; identify the appropriate amount of overlap.",
        ),
        params=(
            ParamSpec(
                name="kinds",
                default=["capability", "service", "product"],
                choices=EXCHANGE_KINDS,
                description="Exchange kinds where two providers to one receiver count as an overlap.",
            ),
        ),
    )
)
def capability_overlap(ix: CanvasIndex, params: Params) -> Iterator[Gap]:
    kinds = params.strings("kinds")
    groups: dict[tuple[str, str], dict[str, list[Exchange]]] = {}
    for ex in ix.exchanges:
        if ex.kind in kinds and ex.provider != ex.receiver:
            groups.setdefault((ex.receiver, ex.kind), {}).setdefault(ex.provider, []).append(ex)
    for (receiver, kind), by_provider in groups.items():
        if len(by_provider) < 2:
            continue
        providers = list(by_provider)
        overlapping = [ex for flows in by_provider.values() for ex in flows]
        what = _values(overlapping)
        verb = "both provide" if len(providers) == 2 else "all provide"
        yield Gap(
            # The exchanges too, so a reader (the review page) can point at the flows that overlap.
            subjects=(*providers, receiver, *(ex.id for ex in overlapping)),
            message=(
                f"{ix.actor_names(providers)} {verb} {kind.replace('_', ' ')} to "
                f"{ix.actor_name(receiver)}{f' ({what})' if what else ''}, which may set them competing."
            ),
            suggestion="Confirm the overlap is intended, or give each provider a distinct contribution.",
        )


RULES = (one_sided_exchange, capability_overlap)
