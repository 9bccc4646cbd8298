"""Retrieval quality on paraphrases: hybrid must do at least as well as either retriever alone."""

from __future__ import annotations

from knowledge_paraphrases import DISTRACTORS, PAIRS

from ecocanvas.knowledge import KnowledgeBase


def _recall_at_5(kb: KnowledgeBase, targets: list[str], mode: str) -> float:
    found = 0
    for (query, _), target in zip(PAIRS, targets, strict=True):
        hits = kb.search(query, k=5, mode=mode)  # type: ignore[arg-type]
        assert len(hits) <= 5
        found += any(hit.chunk.document_id == target for hit in hits)
    return found / len(PAIRS)


def test_hybrid_recall_at_5_is_at_least_bm25_and_dense(kb: KnowledgeBase) -> None:
    targets = [kb.ingest_bytes(f"passage-{i:02d}.md", passage.encode()).id for i, (_, passage) in enumerate(PAIRS)]
    for i, passage in enumerate(DISTRACTORS):
        kb.ingest_bytes(f"other-{i:02d}.md", passage.encode())

    recall = {mode: _recall_at_5(kb, targets, mode) for mode in ("bm25", "dense", "hybrid")}

    assert recall["hybrid"] >= recall["bm25"], recall
    assert recall["hybrid"] >= recall["dense"], recall
    # Paraphrases defeat word overlap: the dense half is what makes this set retrievable at all.
    assert recall["bm25"] < recall["dense"], recall
    assert recall["hybrid"] >= 0.8, recall
