"""Grounding: find each quote in the source text and turn it into a Citation with exact offsets.

Three tries, strictest first: the exact text; the text after normalising whitespace, case, quote
marks and dashes; a fuzzy alignment above a threshold, widened to whole words and refused when its
numbers differ from the quote's (a citation never starts mid-word or turns "40" into "400").
Whatever matched, the citation's quote is the document's own text at the offsets, so
`quote == text[start:end]` holds by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from ecocanvas.canvas.model import Citation
from ecocanvas.generator.support import numbers
from ecocanvas.knowledge import Document

FUZZY_THRESHOLD = 90.0
_MIN_QUOTE = 8

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "`": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u2026": ".",
    }
)
_SPACE = re.compile(r"\s+")
_TRIM = " \t\r\n.,;:'\"*-_|#>"


@dataclass(frozen=True)
class _Normalised:
    text: str
    offsets: list[int]  # offsets[i] = index in the original text of normalised char i


def _normalise(text: str) -> _Normalised:
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace() or ch in "*_|#>":
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(i - 1)
            pending_space = False
        chars.append(ch.lower())
        offsets.append(i)
    return _Normalised("".join(chars), offsets)


def _normalise_quote(quote: str) -> str:
    text = quote.translate(_FOLD).replace("*", " ").replace("_", " ").replace("|", " ").replace("#", " ")
    text = text.replace(">", " ")
    return _SPACE.sub(" ", text).strip(_TRIM).lower()


def _whole_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The fuzzy span widened to whole words, or None when it would change a number.

    An alignment can start or end inside a word ("tHaven Charging" for "VoltHaven Charging") or a
    number ("some 40" inside "some 400"); a citation must not. The caller rescores the widened span.
    """
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return (start, end) if end > start else None


def _same_numbers(quote: str, found: str) -> bool:
    return numbers(quote) == numbers(found)


class Grounder:
    """Locates quotes in a fixed set of documents; caches each document's normalised text."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents = {d.id: d for d in documents}
        self._norm: dict[str, _Normalised] = {}

    def _normalised(self, doc: Document) -> _Normalised:
        if doc.id not in self._norm:
            self._norm[doc.id] = _normalise(doc.text)
        return self._norm[doc.id]

    def cite(self, doc: Document, start: int, end: int) -> Citation:
        # Trim surrounding whitespace/markup so the citation reads as the sentence itself.
        while start < end and doc.text[start] in " \t\r\n":
            start += 1
        while end > start and doc.text[end - 1] in " \t\r\n":
            end -= 1
        return Citation(
            document=doc.name,
            document_id=doc.id,
            start=start,
            end=end,
            quote=doc.text[start:end],
            page=doc.page_at(start),
        )

    def locate(self, quote: str, prefer: Iterable[str] = (), hint: tuple[str, int] | None = None) -> Citation | None:
        """The citation for `quote`, searching preferred documents first; None if it is not there."""
        if hint is not None:
            doc = self.documents.get(hint[0])
            if doc is not None and doc.text.startswith(quote, hint[1]) and quote:
                return self.cite(doc, hint[1], hint[1] + len(quote))
        needle = _normalise_quote(quote)
        if len(needle) < _MIN_QUOTE:
            return None
        preferred = [d for d in dict.fromkeys(prefer) if d in self.documents]
        order = [self.documents[d] for d in preferred] + [d for i, d in self.documents.items() if i not in preferred]
        for exact in dict.fromkeys((quote.strip(), quote.strip(_TRIM))):
            for doc in order:
                at = doc.text.find(exact) if exact else -1
                if at >= 0:
                    return self.cite(doc, at, at + len(exact))
        for doc in order:
            norm = self._normalised(doc)
            at = norm.text.find(needle)
            if at >= 0:
                return self.cite(doc, norm.offsets[at], norm.offsets[at + len(needle) - 1] + 1)
        best: tuple[float, Document, int, int] | None = None
        for doc in order:
            norm = self._normalised(doc)
            if len(norm.text) < len(needle) * 0.5:
                continue
            aligned = fuzz.partial_ratio_alignment(needle, norm.text, score_cutoff=FUZZY_THRESHOLD)
            if aligned is None or aligned.dest_end <= aligned.dest_start:
                continue
            span = _whole_words(norm.text, aligned.dest_start, aligned.dest_end)
            if span is None:
                continue
            found = norm.text[span[0] : span[1]]
            score = fuzz.ratio(needle, found)
            if score >= FUZZY_THRESHOLD and _same_numbers(needle, found) and (best is None or score > best[0]):
                best = (score, doc, span[0], span[1])
        if best is None:
            return None
        _, doc, s, e = best
        offsets = self._normalised(doc).offsets
        return self.cite(doc, offsets[s], offsets[e - 1] + 1)
