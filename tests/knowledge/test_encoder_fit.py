"""Chunks cut to the encoder's window: every token of every chunk is embedded, spans stay the document's text."""

from __future__ import annotations

import itertools

import pytest

from ecocanvas.knowledge import KnowledgeBase, chunk_document
from ecocanvas.knowledge.chunking import chunk_id
from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.knowledge.encoder_fit import fit_to_encoder
from ecocanvas.knowledge.lexical import retrieval_text
from ecocanvas.knowledge.models import Chunk, Document
from ecocanvas.knowledge.parsing import ParseLimits, parse_bytes

SENTENCE = (
    "The regional charging consortium reviews interoperability certificates, tariff disputes and "
    "maintenance backlogs with every accredited installer before the quarterly steering meeting."
)
TABLE = "\n".join(
    ["| Activity | Lead | Support | Approver |", "|---|---|---|---|"]
    + [f"| Roaming settlement batch {n} | GridPay | ChargeCo | The steering committee |" for n in range(14)]
)
MARKDOWN = (
    "# Operations handbook\n\n## Maintenance and certification\n\n"
    + " ".join([SENTENCE] * 9)
    + "\n\n## Settlement responsibilities\n\n"
    + TABLE
    + "\n\n## Identifiers\n\n"
    + "x" * 3000  # no space anywhere: only a hard cut can make it fit
    + "\n\nA short closing note on signage."
)


def _document(text: str) -> Document:
    return parse_bytes("handbook.md", text.encode(), ParseLimits(max_file_bytes=1_000_000))


def _non_blank(text: str) -> str:
    return "".join(text.split())


def _check_spans(doc: Document, chunks: list[Chunk]) -> None:
    assert [c.id for c in chunks] == [chunk_id(doc.id, n) for n in range(len(chunks))]
    for chunk in chunks:
        assert chunk.text == doc.text[chunk.start : chunk.end] and chunk.text.strip() == chunk.text
    for left, right in itertools.pairwise(chunks):
        assert left.end <= right.start
    # Together they still hold every non-blank character of the document once.
    assert "".join(_non_blank(c.text) for c in chunks) == _non_blank(doc.text)


def test_every_chunk_fits_the_window_and_the_spans_cover_the_document() -> None:
    embedder = get_embedder("minilm")
    doc = _document(MARKDOWN)
    chunks = chunk_document(doc, 1200)
    window = embedder.max_tokens
    assert window == 256
    before = embedder.count_tokens([retrieval_text(c) for c in chunks])
    assert max(before) > window  # the chunker alone leaves chunks whose tails the encoder would drop

    fitted = fit_to_encoder(doc, chunks, embedder)

    after = embedder.count_tokens([retrieval_text(c) for c in fitted])
    assert max(after) <= window, after
    assert len(fitted) > len(chunks)
    _check_spans(doc, fitted)
    # Pieces of a split chunk keep its headings, and table rows keep their column labels.
    maintenance = [c for c in fitted if SENTENCE[:40] in c.text]
    assert len(maintenance) >= 2
    assert all(c.heading_path == ["Operations handbook", "Maintenance and certification"] for c in maintenance)
    rows = [c for c in fitted if "Roaming settlement batch" in c.text]
    assert len(rows) >= 2 and all(c.tables for c in rows)
    assert all("Lead: GridPay" in retrieval_text(c) for c in rows)


def test_chunks_that_fit_are_returned_unchanged() -> None:
    embedder = get_embedder("minilm")
    doc = _document("# Notes\n\nVoltHub maintains the chargers.\n\n## More\n\nGridPay settles roaming fees.")
    chunks = chunk_document(doc, 1200)
    assert fit_to_encoder(doc, chunks, embedder) == chunks


def test_an_embedder_without_a_window_keeps_the_chunker_sizes() -> None:
    doc = _document(MARKDOWN)
    chunks = chunk_document(doc, 1200)
    assert fit_to_encoder(doc, chunks, get_embedder("hash")) == chunks


@pytest.mark.parametrize("chunk_chars", [400, 1200, 4000])
def test_ingest_stores_only_chunks_the_encoder_sees_whole(kb: KnowledgeBase, chunk_chars: int) -> None:
    kb.settings = kb.settings.model_copy(update={"chunk_chars": chunk_chars})
    doc = kb.ingest_bytes("handbook.md", MARKDOWN.encode())
    chunks = kb.chunks(doc.id)
    embedder = get_embedder("minilm")
    assert max(embedder.count_tokens([retrieval_text(c) for c in chunks])) <= 256
    _check_spans(kb.get(doc.id), chunks)
