"""Evidence: the passages each call reads, how calls are planned by size, and how passages are fenced.

A passage is a chunk with a short id (`P7`) that the model returns with every entry, so grounding
starts from the passage the model quoted. Ids are numbered once per plan in document order, so
the same chunk has the same id in every call of a canvas (and in the call log).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecocanvas.canvas.model import SECTIONS, SectionName
from ecocanvas.generator.sections import CALLS, QUERIES, SINGLE_CALL, CallSpec
from ecocanvas.knowledge import Chunk, Document, KnowledgeBase


@dataclass(frozen=True)
class Passage:
    id: str
    chunk: Chunk


@dataclass(frozen=True)
class PlannedCall:
    """One request to plan: the sections it drafts, the prompts that ask for them, what it reads."""

    name: str
    sections: tuple[SectionName, ...]
    prompts: tuple[str, ...]
    passages: tuple[Passage, ...]

    @property
    def evidence_tokens(self) -> int:
        return sum(estimate_tokens(p.chunk.text) for p in self.passages)


def estimate_tokens(text: str) -> int:
    """About four characters per token for English prose; used to plan, never to bill."""
    return math.ceil(len(text) / 4)


def retrieve(kb: KnowledgeBase, spec: CallSpec, document_ids: Sequence[str], k: int) -> list[Chunk]:
    """The union of the top-k chunks for every query of the call's sections, in document order."""
    seen: dict[str, Chunk] = {}
    for section in spec.sections:
        for query in QUERIES[section]:
            for hit in kb.search(query, k=k, document_ids=list(document_ids)):
                seen.setdefault(hit.chunk.id, hit.chunk)
    return _in_document_order(seen.values(), document_ids)


def plan_calls(kb: KnowledgeBase, document_ids: Sequence[str], k: int, single_call_tokens: int) -> list[PlannedCall]:
    """One call for every section when the evidence fits `single_call_tokens`, else one call per group.

    When the whole corpus fits, the single call reads all of it: retrieval exists to choose under a
    limit, and with none to respect it can only lose passages. Otherwise each group of sections
    reads the union of its own queries' top-k chunks; a passage several groups need goes to each
    of them (sending it once would starve the groups it ranked second for).
    """
    every = [c for doc_id in document_ids for c in kb.chunks(doc_id)]
    per_call = {spec.name: retrieve(kb, spec, document_ids, k) for spec in CALLS}
    retrieved = _in_document_order({c.id: c for cs in per_call.values() for c in cs}.values(), document_ids)
    if _tokens(every) <= single_call_tokens:
        chosen: list[Chunk] | None = every
    elif _tokens(retrieved) <= single_call_tokens:
        chosen = retrieved
    else:
        chosen = None
    ids = {c.id: f"P{i}" for i, c in enumerate(chosen if chosen is not None else retrieved, start=1)}
    if chosen is not None:
        prompts = tuple(spec.prompt for spec in CALLS)
        return [PlannedCall(SINGLE_CALL, SECTIONS, prompts, tuple(Passage(ids[c.id], c) for c in chosen))]
    return [
        PlannedCall(spec.name, spec.sections, (spec.prompt,), tuple(Passage(ids[c.id], c) for c in per_call[spec.name]))
        for spec in CALLS
    ]


def _tokens(chunks: Iterable[Chunk]) -> int:
    return sum(estimate_tokens(c.text) for c in chunks)


def _in_document_order(chunks: Iterable[Chunk], document_ids: Sequence[str]) -> list[Chunk]:
    order = {doc_id: i for i, doc_id in enumerate(document_ids)}
    return sorted(chunks, key=lambda c: (order.get(c.document_id, len(order)), c.start))


def _safe(text: str) -> str:
    return text.replace("<<<", "< < <").replace(">>>", "> > >")


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"[ \t]{2,}")
# A Markdown table's delimiter row (`|---|:---:|`): it says nothing a reader needs. (A rule or a
# heading's underline, `-----`, is kept: it marks a section or a heading.)
_DELIMITER_ROWS = re.compile(r"^(?=[^\n]*-)(?=[^\n]*\|)[ \t|:\-]+$\n?", re.M)


def _shown(text: str) -> str:
    """A passage as the model reads it: blank lines, runs of spaces and table delimiter rows are
    noise it need not pay for.

    Quotes are located again in the stored text with whitespace normalised, and a quote is a
    sentence or a row, never a delimiter row, so this loses nothing.
    """
    return _SPACES.sub(" ", _BLANK_LINES.sub("\n", _DELIMITER_ROWS.sub("", text))).strip()


def _attr(value: str) -> str:
    """A value inside a marker attribute: no quote, marker or line end can close it early."""
    return _safe(value).replace('"', "'").replace("\n", " ")


def _opens_with_heading(chunk: Chunk) -> bool:
    """The passage starts with its own heading line, so the model reads where it is without a marker."""
    if not chunk.heading_path:
        return False
    first = chunk.text.lstrip().split("\n", 1)[0].lstrip("#").strip()
    return first == chunk.heading_path[-1].strip()


def _without_header_rows(chunk: Chunk) -> str:
    """The chunk's text without the header rows of its labelled tables (the marker shows the labels).

    Nothing is lost: a header row is never an entry's quote, and the support checks read a row's
    headers from the chunk's tables, not from the text shown.
    """
    rows = [r for t in chunk.tables if any(t.columns) for r in t.rows if r.header]
    spans = sorted((r.start - chunk.start, r.end - chunk.start) for r in rows)
    kept, at = [], 0
    for start, end in spans:
        kept.append(chunk.text[at : max(at, start)])
        at = max(at, end)
    kept.append(chunk.text[at:])
    return "".join(kept)


def fence(passages: Sequence[Passage], documents: dict[str, Document]) -> str:
    """Render passages for a prompt, as untrusted data (the system prompt says so, once).

    One `<<<DOCUMENT name, date>>>` marker per run of passages from the same file carries the file's
    name and date (when it states one); it also ends the document before it, so there is no end marker.
    Each passage opens with `<<<P7 ...>>>`, whose attributes say where in the document it sits: its
    heading path, shown when it changes and the passage does not open with its own heading (the
    text already says it then), and its tables' column headers, shown when they differ from the
    previous passage's (a table cut into several passages is read in order, as its heading is).
    Per-passage attributes such as a page number belong on the passage marker too. Marker text
    inside the documents is defused, so a document cannot open or close a passage of its own.
    """
    current: str | None = None
    heading: str | None = None
    shown_columns = ""
    lines: list[str] = []
    for passage in passages:
        chunk = passage.chunk
        if chunk.document_id != current:
            doc = documents.get(chunk.document_id)
            date = f", {doc.date.isoformat()}" if doc and doc.date else ""
            lines.append(f"<<<DOCUMENT {_attr(chunk.document)}{date}>>>")
            current, heading, shown_columns = chunk.document_id, None, ""
        attrs = ""
        path = " > ".join(chunk.heading_path)
        if path and path != heading and not _opens_with_heading(chunk):
            attrs += f' section="{_attr(path)}"'
        heading = path
        # Table rows are quoted as they stand; their column headers ride on the passage marker so a
        # row cut from its header still says which cell is which.
        columns = "; ".join(" | ".join(t.columns) for t in chunk.tables if any(t.columns))
        text = chunk.text
        if columns and columns != shown_columns:
            attrs += f' columns="{_attr(columns)}"'
            text = _without_header_rows(chunk)  # the marker says them, merged labels included
        shown_columns = columns
        if chunk.page:
            attrs += f' page="{chunk.page}"'
        lines.append(f"<<<{passage.id}{attrs}>>>\n{_safe(_shown(text))}")
    return "\n".join(lines)
