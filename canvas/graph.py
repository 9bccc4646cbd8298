"""The value-flow graph every export draws: the actors and exchanges a person has not rejected."""

from __future__ import annotations

import re

from ecocanvas.canvas.model import Actor, ActorKind, Canvas, Exchange

# (fill, stroke) per actor kind; light fills keep dark text readable.
KIND_COLOURS: dict[ActorKind, tuple[str, str]] = {
    "partner": ("#ddf4ff", "#0969da"),
    "internal_team": ("#dafbe1", "#1a7f37"),
    "platform": ("#fbefff", "#8250df"),
    "supplier": ("#fff8c5", "#9a6700"),
    "customer": ("#ffebe9", "#cf222e"),
    "regulator": ("#eaeef2", "#57606a"),
    "third_party": ("#e0f7f7", "#1b7c83"),
}
# Characters XML 1.0 cannot hold at all, not even escaped; documents may still contain them.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def live_actors(canvas: Canvas) -> list[Actor]:
    """Actors in canvas order, rejected ones and repeated ids left out."""
    seen: set[str] = set()
    out = []
    for a in canvas.actors:
        if a.status != "rejected" and a.id not in seen:
            seen.add(a.id)
            out.append(a)
    return out


def live_exchanges(canvas: Canvas, actor_ids: set[str]) -> list[Exchange]:
    """Exchanges between the given actors, rejected ones left out."""
    return [
        x
        for x in canvas.value_exchanges
        if x.status != "rejected" and x.provider in actor_ids and x.receiver in actor_ids
    ]


def short(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
