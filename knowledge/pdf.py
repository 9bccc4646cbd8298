"""PDF to text and structure: lines from positioned text runs, headings by font size, tables by grid.

pypdf reads every page (fast); each text run comes with its position and font size, from which
lines, paragraphs, headings (larger than the body font) and list items are rebuilt. A page whose
lines look tabular (several lines with the same wide column gaps) is read again by pdfplumber,
whose table finder splits ruled or aligned tables into cells; its rows replace those lines. Only
such pages pay for pdfplumber, which is an order of magnitude slower than pypdf.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ecocanvas.errors import CorruptDocumentError
from ecocanvas.knowledge.layout import GridCell, Layout, LayoutBuilder

# pypdf and pdfminer report every recoverable oddity of a malformed file; we report the outcome.
logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_BULLET = re.compile(r"^(?:[\u2022\u25aa\u25cf\u2023\u2043\u25e6*\-\u2013]|\d{1,2}[.)]|[a-z][.)])\s+(?=\S)")
_CLAUSE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|\([a-z0-9]{1,3}\)|[A-Z]\.)\s+\S")
_MIN_TABLE_LINES = 3


@dataclass
class _Run:
    x: float
    y: float
    size: float
    text: str

    @property
    def width(self) -> float:
        # No font metrics at hand: half an em per character is close for Latin proportional fonts.
        return len(self.text) * self.size * 0.5


@dataclass
class _Line:
    y: float
    size: float
    runs: list[_Run] = field(default_factory=list)

    @property
    def x(self) -> float:
        return self.runs[0].x

    @property
    def text(self) -> str:
        out = ""
        for prev, run in zip([None, *self.runs], self.runs, strict=False):
            piece = run.text
            if prev is not None and out and not out.endswith(" ") and not piece.startswith(" "):
                gap = run.x - (prev.x + prev.width)
                out += " " if gap > -prev.size else ""
            out += piece
        return " ".join(out.split())

    def gaps(self) -> list[float]:
        """Where wide horizontal gaps fall (x of the run after each): column boundaries of a table."""
        return [b.x for a, b in zip(self.runs, self.runs[1:], strict=False) if b.x - (a.x + a.width) > 2 * a.size]


def _page_lines(page: Any) -> list[_Line]:
    runs: list[_Run] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (abs(tm[3] * cm[3]) or 1.0) if size else 1.0
        for i, part in enumerate(text.split("\n")):
            if part.strip():
                runs.append(_Run(x, y - i * (size or 10), float(size or 10) * scale, part))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    for run in runs:
        line = next((ln for ln in reversed(lines[-6:]) if abs(ln.y - run.y) <= max(1.5, run.size * 0.25)), None)
        if line is None:
            lines.append(_Line(run.y, run.size, [run]))
        else:
            line.runs.append(run)
            line.size = max(line.size, run.size)
    for line in lines:
        line.runs.sort(key=lambda r: r.x)
    lines.sort(key=lambda ln: -ln.y)
    return [ln for ln in lines if ln.text]


def _looks_tabular(lines: list[_Line]) -> bool:
    """Several lines broken by wide gaps at shared column positions."""
    gapped = [ln for ln in lines if len(ln.gaps()) >= 1]
    if len(gapped) < _MIN_TABLE_LINES:
        return False
    positions = Counter(round(x / 4) for ln in gapped for x in ln.gaps())
    return sum(1 for count in positions.values() if count >= _MIN_TABLE_LINES) >= 1


def _plumber_tables(data: bytes, page_number: int, height: float) -> list[tuple[float, float, list[list[GridCell]]]]:
    """Tables of one page as (top y, bottom y) in pypdf's coordinates and rows of cells."""
    import pdfplumber

    out: list[tuple[float, float, list[list[GridCell]]]] = []
    with pdfplumber.open(io.BytesIO(data), pages=[page_number + 1]) as pdf:
        page = pdf.pages[0]
        found = page.find_tables()
        if not found:
            found = page.find_tables(table_settings={"vertical_strategy": "text", "horizontal_strategy": "lines"})
        for table in found:
            rows: list[list[GridCell]] = []
            above: list[str | None] = []
            for raw in table.extract():
                cells: list[GridCell] = []
                for j, value in enumerate(raw):
                    # pdfplumber leaves the columns a merged cell covers empty, across and down alike: an
                    # empty slot under a real cell is that cell merged down (the second row of a two-level
                    # header under "Owner"), not the cell to its left merged across.
                    down = j < len(above) and above[j] is not None
                    if value is None and cells and not down:
                        cells[-1].colspan += 1
                    else:
                        cells.append(GridCell(text=value or ""))
                rows.append(cells)
                above = list(raw)
            widths = {len(r) for r in rows}
            if len(rows) >= 2 and max(widths) >= 2:
                _x0, top, _x1, bottom = table.bbox
                out.append((height - top, height - bottom, rows))
    return out


def _body_size(lines: list[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _emit(builder: LayoutBuilder, lines: list[_Line], body: float, levels: dict[float, int]) -> None:
    para: list[_Line] = []
    item: list[_Line] = []

    def flush() -> None:
        if para:
            builder.paragraph("\n".join(ln.text for ln in para))
            para.clear()
        if item:
            first = _BULLET.sub("", item[0].text, count=1)
            builder.list_item(" ".join([first, *(ln.text for ln in item[1:])]))
            item.clear()

    previous: _Line | None = None
    for line in lines:
        text = line.text
        gap = (previous.y - line.y) if previous is not None else 0.0
        wide_gap = previous is not None and gap > 1.8 * max(line.size, previous.size)
        if line.size >= body + 1.5 and len(text) <= 140 and not text.endswith((".", ",", ";")):
            flush()
            builder.heading(text, levels.get(round(line.size, 1), 1))
            previous = line
            continue
        if _BULLET.match(text) and not _CLAUSE.match(text):
            flush()
            item.append(line)
        elif item and not wide_gap and line.x > item[0].x + 1:
            item.append(line)  # a wrapped bullet, indented under its text
        else:
            if item or wide_gap or _CLAUSE.match(text):
                flush()
            para.append(line)
        previous = line
    flush()


def pdf_layout(data: bytes) -> Layout:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:
        raise CorruptDocumentError(f"damaged PDF: {exc}") from exc
    if reader.is_encrypted:
        # An owner-password-only PDF opens with an empty user password; anything else stays locked.
        try:
            unlocked = bool(reader.decrypt(""))
        except Exception as exc:
            raise CorruptDocumentError(f"encrypted PDF that cannot be opened: {exc}") from exc
        if not unlocked:
            raise CorruptDocumentError("encrypted PDF: it needs a password, remove the protection first")
    builder = LayoutBuilder()
    try:
        pages = [(page, _page_lines(page)) for page in reader.pages]
    except Exception as exc:
        raise CorruptDocumentError(f"damaged PDF: {exc}") from exc
    body = _body_size([ln for _, lines in pages for ln in lines])
    larger = sorted({round(ln.size, 1) for _, lines in pages for ln in lines if ln.size >= body + 1.5}, reverse=True)
    levels = {size: min(i + 1, 6) for i, size in enumerate(larger)}
    for number, (page, lines) in enumerate(pages):
        if not lines:
            continue
        builder.page()
        tables: list[tuple[float, float, list[list[GridCell]]]] = []
        if _looks_tabular(lines):
            try:
                tables = _plumber_tables(data, number, float(page.mediabox.height))
            except Exception:
                tables = []  # the lines read by pypdf stand; a table finder failing is not a damaged file
        cursor: list[_Line] = []
        for top, bottom, rows in sorted(tables, key=lambda t: -t[0]):
            before = [ln for ln in lines if ln.y > top + 1 and ln not in cursor]
            _emit(builder, [ln for ln in before if all(ln is not c for c in cursor)], body, levels)
            cursor += before
            builder.table(rows)
            cursor += [ln for ln in lines if bottom - 1 <= ln.y <= top + 1]
        _emit(builder, [ln for ln in lines if all(ln is not c for c in cursor)], body, levels)
    return builder.build()


def pdf_page_count(data: bytes) -> int:
    """Pages of a readable PDF (used by the benchmark's pages/s); 0 when it cannot be read."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return 0
