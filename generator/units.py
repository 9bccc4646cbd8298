"""Split document text into units the patterns read: sentences, list items, headings and table rows.

Offsets always point into the document's extracted text, so a unit's text is a valid quote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ecocanvas.knowledge import Document

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV_END = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl|no|Mr|Ms|Dr|St|Inc|Ltd|Co|Corp|cf|p\.a)\.$", re.I)
_ENUMERATOR = re.compile(
    r"^(?:[A-Z]?\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)]|\([a-z0-9]{1,3}\)|[a-z][.)]|[A-Z]\d{0,2}\.\d{1,2})\s+"
)
# "[18/08/2025 09:31] Mia Lund (Skerry Air, Loyalty): ", "10:02 PRIYA: ", "Marta (Hotels): "
_SPEAKER = re.compile(
    r"^(?:\[[^\]]{3,30}\]\s*|\d{1,2}:\d{2}(?::\d{2})?\s+)?"
    r"(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}(?:\s*\([^)]{2,60}\))?)\s*:\s+(?=\S)"
)
_KV_CELL = re.compile(r"^\s*([A-Za-z][\w /&().%'-]{0,40}?)\s*:\s*(.*?)\s*$")
_PSEUDO_HEADING = re.compile(r"^(?:\*\*)?(?:\d{1,2}[.)]\s+)?(?P<title>[A-Z][^.!?;:|]{1,70}?)(?:\*\*)?\s*:?\s*$")


@dataclass
class Unit:
    """One sentence, list item, heading or table row of a document."""

    document: Document
    start: int
    end: int
    text: str
    kind: str  # "sentence" | "heading" | "row"
    headings: tuple[str, ...] = ()
    cells: dict[str, str] = field(default_factory=dict)
    speaker: str = ""  # in a chat or transcript: who says it ("Mia Lund (Skerry Air, Loyalty)")

    @property
    def raw(self) -> str:
        """The unit exactly as it stands in the document (what a citation quotes)."""
        return self.document.text[self.start : self.end]

    @property
    def date(self) -> dt.date | None:
        return self.document.date


def _norm_header(text: str) -> str:
    return re.sub(r"[^a-z0-9 /&%]+", " ", text.lower()).strip()


def _kv_row(line: str) -> dict[str, str] | None:
    """'Activity: Onboarding | Lead: ChargeCo' (how tables from HTML/DOCX/PDF are rendered)."""
    if "|" not in line:
        return None
    cells: dict[str, str] = {}
    for part in line.split("|"):
        m = _KV_CELL.match(part)
        if not m:
            return None
        cells[_norm_header(m.group(1))] = m.group(2).strip()
    return cells if len(cells) >= 2 else None


def tables(units: list[Unit]) -> list[list[Unit]]:
    """Runs of rows of one document under the same headers: the rows of one table."""
    out: list[list[Unit]] = []
    for unit in units:
        if unit.kind != "row":
            continue
        last = out[-1][-1] if out else None
        if last is not None and last.document is unit.document and list(last.cells) == list(unit.cells):
            out[-1].append(unit)
        else:
            out.append([unit])
    return out


def units(doc: Document) -> list[Unit]:
    """All units of a document in order, with the heading path above each.

    Read from the document's structure (`Document.layout`): headings, table rows (cells keyed by
    their column header), and paragraphs and list items split into sentences. A sentence that
    runs over a hard line break stays one unit (its quote then spans the break, as the text does).
    """
    out: list[Unit] = []
    text = doc.text
    layout = doc.layout()
    headings: list[tuple[int, str]] = []
    for block in layout.blocks:
        path = tuple(h for _, h in headings)
        raw = text[block.start : block.end]
        stripped = " ".join(raw.split())
        if not stripped:
            continue
        if block.kind == "heading":
            level = max(1, block.level)
            headings = [(lv, h) for lv, h in headings if lv < level] + [(level, stripped)]
            out.append(Unit(doc, block.start, block.end, stripped, "heading", path))
            continue
        if block.kind == "table_row":
            if block.header:
                continue
            table = layout.tables[block.table] if block.table is not None and block.table < len(layout.tables) else None
            cells: dict[str, str] = {}
            for cell in block.cells:
                label = table.columns[cell.column] if table and cell.column < len(table.columns) else ""
                key = _norm_header(label) or str(cell.column)
                value = " ".join(text[cell.start : cell.end].split())
                cells.setdefault(key, value)
            # Read cell by cell: a name must not run from one cell into the next.
            joined = " | ".join(" ".join(text[c.start : c.end].split()) for c in block.cells if not c.carried)
            out.append(Unit(doc, block.start, block.end, joined or stripped, "row", path, cells))
            continue
        kv = _kv_row(stripped)
        if kv is not None:
            out.append(Unit(doc, block.start, block.end, stripped, "row", path, kv))
            continue
        pseudo = _PSEUDO_HEADING.match(stripped)
        if pseudo and block.kind == "paragraph" and "\n" not in raw.strip():
            # "2. First-line support" or "**Scope**" on a line of its own titles what follows.
            title = pseudo.group("title").strip(" *")
            headings = [(lv, h) for lv, h in headings if lv < 7] + [(7, title)]
            out.append(Unit(doc, block.start, block.end, stripped, "heading", path))
            continue
        sentences = _sentences(doc, block.start, block.end, path)
        speaker = _SPEAKER.match(sentences[0].text) if sentences else None
        if speaker is not None:
            # The label is who speaks, not what is said: the parse reads the words after it.
            sentences[0].text = sentences[0].text[speaker.end() :]
            for unit in sentences:
                unit.speaker = speaker.group("who").strip()
        out.extend(u for u in sentences if u.text)
    return out


def _sentences(doc: Document, start: int, end: int, path: tuple[str, ...]) -> list[Unit]:
    text = doc.text[start:end]
    out: list[Unit] = []
    cursor = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[cursor : m.start()]
        if _ABBREV_END.search(candidate.rstrip("\"')]")):
            continue
        out.append(_unit(doc, start + cursor, start + m.start(), path))
        cursor = m.end()
    out.append(_unit(doc, start + cursor, end, path))
    return [u for u in out if u.text]


def _unit(doc: Document, start: int, end: int, path: tuple[str, ...]) -> Unit:
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    # Matching reads the sentence with its line breaks folded and its clause number dropped ("4.2 ",
    # "(b) "); quotes come from `raw`, the document's own text.
    text = _ENUMERATOR.sub("", " ".join(doc.text[start:end].split()))
    return Unit(doc, start, end, text, "sentence", path)
