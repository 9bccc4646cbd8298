"""Content negotiation: which of the media types a route offers the `Accept` header prefers."""

from __future__ import annotations

from collections.abc import Sequence


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that covers `offer` (RFC 9110, 12.5.1), 0 when none does."""
    kind = offer.split("/", 1)[0]
    for pattern in (offer, f"{kind}/*", "*/*"):
        qualities = [q for media, q in ranges if media == pattern]
        if qualities:
            return max(qualities)
    return 0.0


def best_match(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (the first offer on a tie or without `Accept`), or None if it takes none."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None
