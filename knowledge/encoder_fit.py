"""Cut chunks that the encoder would not see whole: a step after `chunk_document`, before embedding.

The chunker sizes chunks in characters; the encoder reads a fixed number of word pieces (256 for
MiniLM) and silently drops the rest, so the end of a long chunk was never embedded and a question
about it could only be found by its words. Here every chunk whose retrieval text (headings, table
labels and text, what the encoder is given) is over the window is split into as few pieces as fit,
cut at sentence ends where there are any, then at spaces. Pieces keep the chunk's headings, stay
spans of the document text and still hold every non-blank character once; ids are renumbered.
"""

from __future__ import annotations

import itertools
import math
import re

from ecocanvas.knowledge.chunking import chunk_id
from ecocanvas.knowledge.embedding import Embedder
from ecocanvas.knowledge.layout import table_context
from ecocanvas.knowledge.lexical import retrieval_text
from ecocanvas.knowledge.models import Chunk, Document

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_SPACE = re.compile(r"\s+")
# Aim a little under the window: pieces are cut at sentence ends near an even split, not exactly.
_HEADROOM = 0.9


def fit_to_encoder(doc: Document, chunks: list[Chunk], embedder: Embedder) -> list[Chunk]:
    """`chunks` with each one over `embedder.max_tokens` split to fit; the others unchanged."""
    window = embedder.max_tokens
    if window is None or not chunks:
        return chunks
    counts = embedder.count_tokens([retrieval_text(chunk) for chunk in chunks])
    if max(counts) <= window:
        return chunks
    fitted: list[Chunk] = []
    for chunk, tokens in zip(chunks, counts, strict=True):
        if tokens <= window:
            fitted.append(chunk)
        else:
            fitted.extend(_split(doc, chunk, tokens, window, embedder))
    return [
        piece.model_copy(update={"id": chunk_id(doc.id, number)}) if piece.id != chunk_id(doc.id, number) else piece
        for number, piece in enumerate(fitted)
    ]


def _span(doc: Document, like: Chunk, start: int, end: int) -> Chunk:
    layout = doc.layout()
    return Chunk(
        id=like.id,
        document_id=doc.id,
        document=doc.name,
        start=start,
        end=end,
        text=doc.text[start:end],
        heading_path=like.heading_path,
        page=doc.page_at(start),
        tables=table_context(layout.blocks, layout.tables, start, end),
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_near(text: str, start: int, end: int, target: int) -> int:
    """A cut inside (start, end) near `target`: the closest sentence end, else space, else `target`."""
    reach = max(1, (end - start) // 4)
    low, high = max(start + 1, target - reach), min(end - 1, target + reach)
    for pattern in (_SENTENCE_END, _SPACE):
        cuts = [m.start() for m in pattern.finditer(text, low, high) if start < m.start() < end]
        if cuts:
            return min(cuts, key=lambda cut: abs(cut - target))
    return target


def _split(doc: Document, chunk: Chunk, tokens: int, window: int, embedder: Embedder) -> list[Chunk]:
    """Even pieces by characters, each checked and split again until all fit."""
    text = doc.text
    parts = max(2, math.ceil(tokens / (window * _HEADROOM)))
    bounds = [chunk.start]
    for n in range(1, parts):
        target = chunk.start + (chunk.end - chunk.start) * n // parts
        bounds.append(max(bounds[-1], _cut_near(text, bounds[-1], chunk.end, target)))
    bounds.append(chunk.end)
    pieces = []
    for left, right in itertools.pairwise(bounds):
        start, end = _trimmed(text, left, right)
        if start < end:
            pieces.append(_span(doc, chunk, start, end))
    if len(pieces) < 2:  # nothing to cut at (one unbroken token run): the encoder truncates it
        return [chunk]
    counts = embedder.count_tokens([retrieval_text(piece) for piece in pieces])
    out: list[Chunk] = []
    for piece, count in zip(pieces, counts, strict=True):
        out.extend(_split(doc, piece, count, window, embedder) if count > window else [piece])
    return out
