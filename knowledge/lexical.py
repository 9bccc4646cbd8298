"""The lexical half of retrieval: a BM25 index (bm25s) over every chunk of a workspace.

Built from the document store when first searched and kept in memory, keyed by the store's
version, so repeated searches cost a lookup and any ingest or delete triggers one rebuild.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

from ecocanvas.knowledge.models import Chunk

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


# A search ranks a strided sample of the scores first (1 in 64 chunks): its n-th best bounds the
# corpus's n-th best from below, so only the chunks scoring at least that are ranked. At 100k chunks
# that is ~0.1 ms where a selection over every score (np.argpartition) took ~0.8 ms.
_SAMPLE_STRIDE = 64


def best_positions(scores: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.intp]:
    """Positions of the `n` highest positive scores, best first; equal scores in position order."""
    floor = 0.0
    sample = scores[::_SAMPLE_STRIDE]
    if len(sample) >= n:
        floor = float(np.partition(sample, len(sample) - n)[len(sample) - n])
    # Every score at least the n-th best of a subset includes every score of the true top n.
    candidates = np.flatnonzero(scores >= floor) if floor > 0.0 else np.flatnonzero(scores > 0.0)
    if len(candidates) > n:
        values = scores[candidates]
        nth = np.partition(values, len(values) - n)[len(values) - n]
        above = candidates[values > nth]
        tied = candidates[values == nth][: n - len(above)]  # flatnonzero keeps position order
        candidates = np.concatenate([above, tied])
    return candidates[np.lexsort((candidates, -scores[candidates]))]


class LexicalIndex:
    """BM25 over a fixed list of chunks, which also serves as the id -> Chunk catalog.

    bm25s builds the index (its precomputed per-term scores, a CSC matrix); queries are scored
    here from those postings. bm25s's own `retrieve` adds each term's postings with `np.add.at`
    into float32 and selects over every chunk's score, behind a lock for its per-call state; here
    the postings of all query terms are summed in one `np.bincount` (float64, so a sum can differ
    from bm25s's float32 one in the last bit) and only the likely best are ranked
    (`best_positions`): ~0.5 ms of CPU at 100k chunks against ~1.6, and no shared state, so no lock.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        self.positions = {chunk.id: i for i, chunk in enumerate(self.chunks)}
        # Each document's chunk positions: a scoped search masks by these (np.isin over an object
        # array of document ids cost ~20 ms at 100k chunks).
        self._positions_of: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.chunks):
            self._positions_of.setdefault(chunk.document_id, []).append(i)
        self._vocabulary: dict[str, int] = {}
        corpus = [tokenize(retrieval_text(chunk)) for chunk in self.chunks]
        if any(corpus):
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            self._vocabulary = dict(retriever.vocab_dict)
            self._data = np.asarray(retriever.scores["data"], dtype=np.float32)
            self._indices = np.asarray(retriever.scores["indices"])
            self._indptr = np.asarray(retriever.scores["indptr"])

    def scores(self, query: str) -> npt.NDArray[np.float64] | None:
        """Every chunk's BM25 score for `query`, or None when no query word is in the index."""
        terms = [self._vocabulary[t] for t in tokenize(query) if t in self._vocabulary]
        if not terms:
            return None
        # A repeated query word counts again, as in bm25s.
        spans = [slice(self._indptr[t], self._indptr[t + 1]) for t in terms]
        summed = np.bincount(
            np.concatenate([self._indices[span] for span in spans]),
            weights=np.concatenate([self._data[span] for span in spans]),
            minlength=len(self.chunks),
        )
        return np.asarray(summed, dtype=np.float64)  # float64 already with weights; the stubs say int

    def search(self, query: str, n: int, document_ids: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        if n <= 0:
            return []
        scores = self.scores(query)
        if scores is None:
            return []
        if document_ids is not None:
            inside = np.zeros(len(self.chunks), dtype=bool)
            for document_id in document_ids:
                inside[self._positions_of.get(document_id, [])] = True
            scores *= inside
        return [(self.chunks[int(i)], float(scores[i])) for i in best_positions(scores, n)]
