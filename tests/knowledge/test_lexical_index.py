"""The BM25 index scores queries from bm25s's postings itself: bm25s's scores, a stable order, an exact top n."""

from __future__ import annotations

import bm25s
import numpy as np

from ecocanvas.knowledge.chunking import chunk_id
from ecocanvas.knowledge.lexical import LexicalIndex, best_positions, retrieval_text, tokenize
from ecocanvas.knowledge.models import Chunk

TEXTS = {
    "doc-a": [
        "GridPay settles the roaming invoices every quarter.",
        "ChargeCo runs the chargers and reports uptime to GridPay.",
        "The municipality grants the permits for new sites.",
    ],
    "doc-b": [
        "GridPay and ChargeCo review the tariff together.",
        "Installer training is led by the research institute.",
        "Roaming integration with FleetOne starts in spring.",
    ],
    "doc-c": [
        "The utility approves tariff changes.",
        "GridPay GridPay GridPay: the settlement partner.",
    ],
}


def _chunks() -> list[Chunk]:
    return [
        Chunk(id=chunk_id(doc, n), document_id=doc, document=f"{doc}.md", start=0, end=len(text), text=text)
        for doc, texts in TEXTS.items()
        for n, text in enumerate(texts)
    ]


def test_scores_are_bm25s_scores_for_every_chunk() -> None:
    chunks = _chunks()
    index = LexicalIndex(chunks)
    reference = bm25s.BM25()
    reference.index([tokenize(retrieval_text(c)) for c in chunks], show_progress=False)
    for query in ("GridPay roaming", "tariff tariff changes", "who trains installers", "ChargeCo uptime GridPay"):
        ours = index.scores(query)
        assert ours is not None
        expected = reference.get_scores(tokenize(query))
        # bm25s sums in float32, the index in float64: equal but for the last bit of float32.
        np.testing.assert_allclose(ours, expected, rtol=1e-6)


def test_search_ranks_best_first_with_ties_in_corpus_order() -> None:
    chunks = _chunks()
    index = LexicalIndex(chunks)
    hits = index.search("GridPay", 10)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert {c.id for c, _ in hits} == {c.id for c in chunks if "GridPay" in c.text}
    assert all(s > 0 for s in scores)
    # Two chunks with the same text score alike; the earlier one in the corpus comes first.
    twins = LexicalIndex([*chunks, chunks[0].model_copy(update={"id": "doc-z-0000", "document_id": "doc-z"})])
    order = [c.id for c, _ in twins.search("roaming invoices quarter", 2)]
    assert order == [chunks[0].id, "doc-z-0000"]


def test_search_keeps_to_the_documents_asked_for() -> None:
    index = LexicalIndex(_chunks())
    hits = index.search("GridPay tariff", 10, document_ids=["doc-b", "doc-c"])
    assert hits and {c.document_id for c, _ in hits} == {"doc-b", "doc-c"}
    assert index.search("GridPay", 10, document_ids=["unknown"]) == []
    assert index.search("GridPay", 10, document_ids=[]) == []


def test_no_known_word_finds_nothing() -> None:
    index = LexicalIndex(_chunks())
    assert index.scores("zebra xylophone") is None
    assert index.search("zebra xylophone", 5) == []
    assert index.search("the of and", 5) == []
    assert LexicalIndex([]).search("GridPay", 5) == []


def _full_sort(scores: np.ndarray, n: int) -> list[int]:
    return sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:n]


def test_best_positions_is_the_exact_top_n_of_a_full_sort() -> None:
    rng = np.random.default_rng(3)
    for size in (1, 7, 64, 65, 500, 5000):
        for n in (1, 5, 8, 40):
            continuous = rng.random(size) * (rng.random(size) < 0.7)
            few_values = rng.integers(0, 4, size).astype(np.float64)  # ties everywhere, zeros too
            rare = np.zeros(size)
            rare[rng.choice(size, min(size, 3), replace=False)] = rng.random(min(size, 3)) + 0.1
            for scores in (continuous, few_values, rare, np.zeros(size)):
                assert best_positions(scores, n).tolist() == _full_sort(scores, n), (size, n)
