"""Where a canvas's citations are, and whether each is the text at its offsets in the document it names.

The contract's promise (`docs/canvas-contract.md`): `quote == text[start:end]` of the cited document.
The evals score it; an imported canvas is refused where it is broken.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ecocanvas.canvas.model import Canvas, Citation, Entry
from ecocanvas.canvas.registry import LISTS

# Field path inside the canvas (as pydantic writes a `loc`), the entry it belongs to, the citation.
Located = tuple[tuple[str | int, ...], str | None, Citation]

_LISTS: tuple[tuple[str | None, str], ...] = tuple((spec.parent, name) for name, spec in LISTS.items())


def citations(canvas: Canvas) -> Iterator[Located]:
    """Every citation of the canvas with its place: the entries' sources, then the review cadence's."""
    for parent, name in _LISTS:
        holder = getattr(canvas, parent) if parent else canvas
        entries: list[Entry] = getattr(holder, name)
        prefix: tuple[str | int, ...] = (parent, name) if parent else (name,)
        for i, entry in enumerate(entries):
            for j, citation in enumerate(entry.sources):
                yield (*prefix, i, "sources", j), entry.id, citation
    for j, citation in enumerate(canvas.review.cadence_sources):
        yield ("review", "cadence_sources", j), None, citation


def citation_problem(citation: Citation, texts: Mapping[str, str]) -> str | None:
    """Why the citation is not the text at its offsets in `texts[document_id]`, or None when it is."""
    text = texts.get(citation.document_id)
    if text is None:
        return f"cites unknown document id {citation.document_id}"
    if citation.end > len(text):
        return f"ends past the document's {len(text)} characters"
    actual = text[citation.start : citation.end]
    if actual != citation.quote:
        return f"quote {citation.quote[:60]!r} but the text there is {actual[:60]!r}"
    return None
