"""The structure of a Markdown or plain-text file, read from its own characters (nothing rewritten).

Blocks: ATX and setext headings, list items (with their continuation lines), pipe tables (with or
without outer pipes), tab- or space-aligned column tables, and paragraphs (consecutive lines,
hard wraps included). A line that opens a field ("From:", "Owner:") or a quoted reply starts a
block of its own, as e-mail and minutes are written. Offsets point into the text as given, so a
heading block is its title without the '#' marks and a list item its text without the bullet.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ecocanvas.knowledge.layout import Block, Cell, Layout, Table

_ATX = re.compile(r"^( {0,3})(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:=[ \t]*){3,}|~{3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^([ \t]*)(?:[-*+\u2022\u25aa\u25cf\u2013]|\d{1,3}[.)]|[a-z][.)])[ \t]+(?=\S)")
# A line that opens a block of its own: a field ("From:", "Owner:"), a quoted reply, or a chat or
# transcript line led by a time stamp ("[18/08/2025 08:52]", "[10:02]", "10:02 ", "2025-08-18 08:52").
_FIELD = re.compile(
    r"^(?:[A-Z][\w /&().-]{0,30}:[ \t]|>|\[[\d/.:\- ,APMapm]{4,24}\]|\d{1,2}:\d{2}(?::\d{2})?\s|"
    r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}|[A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+){0,2}(?: \([^)]{1,40}\))?:[ \t])"
)
_QUOTED = re.compile(r"^[ \t]*>")
_PIPE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+\|?[ \t]*$")
_DASH_RULE = re.compile(r"^[ \t]*[-=+| \t]{3,}$")
_GAP = re.compile(r"\t+| {2,}")


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the line's first character
    end: int  # offset just past its last non-blank character
    text: str  # the line without its newline

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def lead(self) -> int:
        return self.start + len(self.text) - len(self.text.lstrip())


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw.rstrip()), raw))
        pos += len(raw) + 1
    return out


def read_layout(text: str) -> Layout:
    """Blocks and tables of a text file's own text; `text` must already have '\\n' line ends."""
    reader = _Reader(text, _lines(text))
    reader.run()
    return Layout(text=text, blocks=reader.blocks, tables=reader.tables)


class _Reader:
    def __init__(self, text: str, lines: list[_Line]) -> None:
        self.text = text
        self.lines = lines
        self.blocks: list[Block] = []
        self.tables: list[Table] = []

    def run(self) -> None:
        i, n = 0, len(self.lines)
        para: list[_Line] = []

        def flush() -> None:
            if para:
                self.blocks.append(Block(kind="paragraph", start=para[0].lead, end=para[-1].end))
                para.clear()

        while i < n:
            line = self.lines[i]
            if line.blank:
                flush()
                i += 1
                continue
            fence = _FENCE.match(line.text)
            if fence:
                flush()
                j = i + 1
                while j < n and not self.lines[j].text.lstrip().startswith(fence.group(1)):
                    j += 1
                body = [ln for ln in self.lines[i + 1 : j] if not ln.blank]
                if body:
                    self.blocks.append(Block(kind="paragraph", start=body[0].lead, end=body[-1].end))
                i = j + 1
                continue
            atx = _ATX.match(line.text)
            if atx:
                flush()
                title = atx.group(3)
                if title.strip():
                    start = line.start + atx.start(3)
                    self.blocks.append(
                        Block(kind="heading", start=start, end=start + len(title.rstrip()), level=len(atx.group(2)))
                    )
                i += 1
                continue
            if len(para) == 1 and _SETEXT.match(line.text) and not _BULLET.match(para[0].text):
                level = 1 if line.text.strip().startswith("=") else 2
                self.blocks.append(Block(kind="heading", start=para[0].lead, end=para[0].end, level=level))
                para.clear()
                i += 1
                continue
            if _RULE.match(line.text):
                flush()
                i += 1
                continue
            table_end = self._table(i)
            if table_end > i:
                flush()
                i = table_end
                continue
            bullet = _BULLET.match(line.text)
            if bullet:
                flush()
                i = self._list_item(i, bullet)
                continue
            if para and (_FIELD.match(line.text.lstrip()) or _QUOTED.match(line.text) != _QUOTED.match(para[-1].text)):
                flush()
            para.append(line)
            i += 1
        flush()

    def _list_item(self, i: int, bullet: re.Match[str]) -> int:
        line = self.lines[i]
        indent = len(bullet.group(1).expandtabs(4))
        start = line.start + bullet.end()
        end = line.end
        j = i + 1
        while j < len(self.lines):
            nxt = self.lines[j]
            if nxt.blank or _BULLET.match(nxt.text) or _ATX.match(nxt.text) or _RULE.match(nxt.text):
                break
            if len(nxt.text) - len(nxt.text.lstrip()) <= indent and _FIELD.match(nxt.text.lstrip()):
                break
            end = nxt.end
            j += 1
        self.blocks.append(Block(kind="list_item", start=start, end=end, level=indent // 2))
        return j

    # -- tables ----------------------------------------------------------------------------------

    def _table(self, i: int) -> int:
        """Read a table starting at line i; return the line after it (i when there is none)."""
        end = self._pipe_table(i)
        if end > i:
            return end
        return self._aligned_table(i)

    def _pipe_table(self, i: int) -> int:
        lines = self.lines
        if i + 1 >= len(lines) or "|" not in lines[i].text or not _PIPE_RULE.match(lines[i + 1].text):
            if not (i + 1 < len(lines) and "|" in lines[i].text and _DASH_RULE.match(lines[i + 1].text)):
                return i
            if "|" not in lines[i + 1].text and "-" not in lines[i + 1].text:
                return i
        rows = [lines[i]]
        j = i + 2
        while j < len(lines) and not lines[j].blank and "|" in lines[j].text:
            if not _DASH_RULE.match(lines[j].text):
                rows.append(lines[j])
            j += 1
        outer = lines[i].text.strip().startswith("|")
        self._add_table([_pipe_cells(row, outer) for row in rows], rows, header_rows=1)
        return j

    def _aligned_table(self, i: int) -> int:
        """Rows whose fields (split at tabs or runs of 2+ spaces) start at the header's columns."""
        lines = self.lines
        header = _fields(lines[i])
        if len(header) < 2:
            return i
        starts = [s - lines[i].start for s, _ in header]
        uses_tabs = "\t" in lines[i].text
        rows = [lines[i]]
        cells = [header]
        j = i + 1
        while j < len(lines) and not lines[j].blank:
            if _DASH_RULE.match(lines[j].text) and j == i + 1:
                j += 1
                continue
            fields = _fields(lines[j])
            if len(fields) < 2 or not _aligned(fields, lines[j].start, starts, uses_tabs):
                break
            rows.append(lines[j])
            cells.append(fields)
            j += 1
        if len(rows) < 3 and not (len(rows) == 2 and uses_tabs):
            return i
        grid = [
            [(s, e, c if uses_tabs else _column(s - line.start, starts)) for c, (s, e) in enumerate(fields)]
            for line, fields in zip(rows, cells, strict=True)
        ]
        self._add_table(grid, rows, header_rows=1)
        return j

    def _add_table(self, grid: list[list[tuple[int, int, int]]], rows: list[_Line], header_rows: int) -> None:
        index = len(self.tables)
        width = max((c for row in grid for _, _, c in row), default=-1) + 1
        labels = [""] * width
        for s, e, c in grid[0] if header_rows else []:
            labels[c] = _plain(self.text[s:e])
        for r, (line, cells) in enumerate(zip(rows, grid, strict=True)):
            self.blocks.append(
                Block(
                    kind="table_row",
                    start=line.lead,
                    end=line.end,
                    table=index,
                    header=r < header_rows,
                    cells=[Cell(start=s, end=e, column=c) for s, e, c in cells],
                )
            )
        self.tables.append(Table(start=rows[0].lead, end=rows[-1].end, columns=labels, header_rows=header_rows))


def _pipe_cells(line: _Line, outer: bool) -> list[tuple[int, int, int]]:
    """Cell spans of a pipe-table row ('\\|' is an escaped pipe inside a cell)."""
    text = line.text
    bounds = [m.start() for m in re.finditer(r"(?<!\\)\|", text)]
    pieces: list[tuple[int, int]] = []
    edges = [-1, *bounds, len(text)]
    for a, b in itertools.pairwise(edges):
        pieces.append((a + 1, b))
    if outer or text.strip().startswith("|"):
        pieces = pieces[1:] if pieces and not text[: pieces[0][1]].strip() else pieces
    if pieces and not text[pieces[-1][0] : pieces[-1][1]].strip() and text.rstrip().endswith("|"):
        pieces = pieces[:-1]
    out: list[tuple[int, int, int]] = []
    for column, (a, b) in enumerate(pieces):
        cell = text[a:b]
        left = len(cell) - len(cell.lstrip())
        right = len(cell.rstrip())
        s, e = (line.start + a + left, line.start + a + right) if right > left else (line.start + a, line.start + a)
        out.append((s, e, column))
    return out


def _fields(line: _Line) -> list[tuple[int, int]]:
    text = line.text
    lead = len(text) - len(text.lstrip())
    out: list[tuple[int, int]] = []
    pos = lead
    for m in _GAP.finditer(text, lead):
        if m.start() > pos:
            out.append((line.start + pos, line.start + m.start()))
        pos = m.end()
    if len(text.rstrip()) > pos:
        out.append((line.start + pos, line.start + len(text.rstrip())))
    return out


def _aligned(fields: list[tuple[int, int]], line_start: int, starts: list[int], tabs: bool) -> bool:
    if tabs:
        return len(fields) <= len(starts) + 1
    # Each field must start at (or within 2 characters of) a header column start.
    return all(any(abs((s - line_start) - c) <= 2 for c in starts) for s, _ in fields)


def _column(offset: int, starts: list[int]) -> int:
    """The header column a field starting at `offset` (within its line) falls under."""
    return min(range(len(starts)), key=lambda c: abs(starts[c] - offset))


def _plain(cell: str) -> str:
    return re.sub(r"[*_`]+", "", cell).strip()
