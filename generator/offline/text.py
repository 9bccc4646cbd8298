"""Split document text into units the patterns read: sentences, list items, headings and table rows.

Offsets always point into the document's extracted text, so a unit's text is a valid quote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from knowledge import Document

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV_END = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|incl|no|Mr|Ms|Dr|St|Inc|Ltd|Co|Corp|cf|p\.a)\.$", re.I)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,2}[.)])\s+")
_KV_CELL = re.compile(r"^\s*([A-Za-z][\w /&().%'-]{0,40}?)\s*:\s*(.*?)\s*$")
_PSEUDO_HEADING = re.compile(r"^(?:\*\*)?(?:\d{1,2}[.)]\s+)?(?P<title>[A-Z][^.!?;:|]{1,70}?)(?:\*\*)?\s*:?\s*$")
# A line that starts a new block even without a blank line before it: "Present:", "From:", "Re:".
_STARTS_BLOCK = re.compile(r"^(?:[A-Z][\w /&-]{1,30}:\s|>|\d{1,2}[.)]\s)")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


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

    @property
    def raw(self) -> str:
        """The unit exactly as it stands in the document (what a citation quotes)."""
        return self.document.text[self.start : self.end]

    @property
    def date(self) -> dt.date | None:
        return self.document.date


def _norm_header(text: str) -> str:
    return re.sub(r"[^a-z0-9 /&%]+", " ", text.lower()).strip()


def _split_md_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner.removeprefix("|")
    inner = inner.removesuffix("|")
    return [c.strip().strip("*_ ") for c in inner.split("|")]


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


def _tab_row(line: str) -> list[str] | None:
    parts = [p.strip() for p in re.split(r"\t+| {3,}", line.strip())]
    return parts if len(parts) >= 2 and "\t" in line else None


def units(doc: Document) -> list[Unit]:
    """All units of a document in order, with the heading path above each.

    Hard-wrapped lines are joined into paragraphs before sentences are split, so a sentence that
    runs over a line break stays one unit (its quote then spans the break, as the text does).
    """
    out: list[Unit] = []
    text = doc.text
    headings: list[tuple[int, str]] = []
    md_header: list[str] | None = None
    tab_header: list[str] | None = None
    para: list[int] = []  # [start, end] of the paragraph being collected

    def flush() -> None:
        if para:
            out.extend(_sentences(doc, para[0], para[1], tuple(h for _, h in headings)))
            para.clear()

    pos = 0
    for raw in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(raw)
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped or set(stripped) <= set("-=_*~ "):
            flush()
            md_header = None
            tab_header = None
            continue
        lead = line_start + (len(line) - len(line.lstrip()))
        end = line_start + len(line.rstrip())
        path = tuple(h for _, h in headings)
        heading = _HEADING.match(line)
        if heading:
            flush()
            level, title = len(heading.group(1)), heading.group(2)
            headings = [(lv, h) for lv, h in headings if lv < level] + [(level, title)]
            out.append(Unit(doc, lead, end, stripped, "heading", path))
            continue
        if stripped.startswith("|") and stripped.count("|") >= 2:
            flush()
            if _MD_SEPARATOR.match(stripped):
                continue
            cells = _split_md_row(stripped)
            if md_header is None:
                md_header = [_norm_header(c) for c in cells]
                continue
            row = {md_header[i] if i < len(md_header) else str(i): c for i, c in enumerate(cells)}
            out.append(Unit(doc, lead, end, stripped, "row", path, row))
            continue
        kv = _kv_row(stripped)
        if kv is not None:
            flush()
            out.append(Unit(doc, lead, end, stripped, "row", path, kv))
            continue
        tabs = _tab_row(line)
        if tabs is not None:
            flush()
            if tab_header is None:
                tab_header = [_norm_header(c) for c in tabs]
                continue
            row = {tab_header[i] if i < len(tab_header) else str(i): c for i, c in enumerate(tabs)}
            out.append(Unit(doc, lead, end, stripped, "row", path, row))
            continue
        md_header = None
        tab_header = None
        pseudo = _PSEUDO_HEADING.match(stripped)
        if pseudo and not para:
            # "2. First-line support" or "**Scope**" on a line of its own titles what follows.
            title = pseudo.group("title").strip(" *")
            headings = [(lv, h) for lv, h in headings if lv < 7] + [(7, title)]
            out.append(Unit(doc, lead, end, stripped, "heading", path))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            para.extend([line_start + bullet.end(), end])
            continue
        if para and line[:1].isspace() is False and _STARTS_BLOCK.match(stripped):
            flush()
        if para:
            para[1] = end
        else:
            para.extend([lead, end])
    flush()
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
    # Matching reads the sentence with its line breaks folded; quotes come from `raw`.
    return Unit(doc, start, end, " ".join(doc.text[start:end].split()), "sentence", path)
