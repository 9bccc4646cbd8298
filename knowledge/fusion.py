"""Reciprocal rank fusion: merge ranked lists by rank alone, so BM25 and cosine scores need no calibration."""

from __future__ import annotations

from collections.abc import Sequence

# The usual constant from Cormack et al. (2009); it damps the weight of the very first ranks.
RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Ids with their fused score, best first; ties keep the order of first appearance."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))
