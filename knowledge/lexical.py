"""The lexical half of retrieval: a BM25 index (bm25s) over every chunk of a workspace.

Built from the document store when first searched and kept in memory, keyed by the store's
version, so repeated searches cost a lookup and any ingest or delete triggers one rebuild.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np

from knowledge.models import Chunk

# bm25s logs each index build at debug level through its own handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"\w+")
_STOPWORD_TEXT = """a about above after again all also am an and any are as at be because been before
    being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    """Plural folding only: aggressive stemming merges names in ecosystem documents."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    folded = text.lower()
    if not folded.isascii():  # fold accents so "Café" matches "cafe"; ASCII text skips the slow path
        folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return [_stem(w) for w in _WORD.findall(folded) if w not in _STOPWORDS]


def retrieval_text(chunk: Chunk) -> str:
    """What is indexed for a chunk: the headings it sits under, then its text with each table row
    read with its column headers ("Lead: Brightwire"), so a row cut from its header is still found
    by what its columns mean. Only the index sees this; citations quote the chunk's own text."""
    text = chunk.text
    for table in reversed(chunk.tables):
        for row in reversed(table.rows):
            if row.header or not table.columns:
                continue
            parts = []
            for cell in row.cells:
                inside = cell.start >= chunk.start
                value = chunk.text[cell.start - chunk.start : cell.end - chunk.start] if inside else ""
                label = table.label(cell)
                if value.strip():
                    parts.append(f"{label}: {value}" if label and label != value else value)
            start, end = row.start - chunk.start, row.end - chunk.start
            if 0 <= start <= end <= len(text) and parts:
                text = text[:start] + " | ".join(parts) + text[end:]
    first_line = chunk.text.lstrip("# ").split("\n", 1)[0].strip()
    if chunk.heading_path and first_line != chunk.heading_path[-1]:
        return " > ".join(chunk.heading_path) + "\n" + text
    return text


class LexicalIndex:
    """BM25 over a fixed list of chunks, which also serves as the id -> Chunk catalog."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        self.positions = {chunk.id: i for i, chunk in enumerate(self.chunks)}
        self._document_of = np.array([chunk.document_id for chunk in self.chunks], dtype=object)
        self._retriever: bm25s.BM25 | None = None
        corpus = [tokenize(retrieval_text(chunk)) for chunk in self.chunks]
        if any(corpus):
            self._retriever = bm25s.BM25()
            self._retriever.index(corpus, show_progress=False)
        self._lock = threading.Lock()

    def search(self, query: str, n: int, document_ids: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        tokens = tokenize(query)
        if self._retriever is None or not tokens or n <= 0:
            return []
        mask = None
        if document_ids is not None:
            mask = np.isin(self._document_of, list(document_ids)).astype(np.float32)
            if not mask.any():
                return []
        n = min(n, len(self.chunks))
        with self._lock:  # bm25s keeps per-call state on the retriever
            docs, scores = self._retriever.retrieve([tokens], k=n, show_progress=False, weight_mask=mask, n_threads=0)
        return [(self.chunks[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if float(s) > 0.0]
