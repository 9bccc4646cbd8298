"""A document's structure, kept beside its text: blocks, tables with their column headers, pages.

The text is what the user has (a Markdown file's own characters) or what a reader sees (an
HTML page, a Word document or a PDF in reading order). Structure is never written into that
text: a heading carries no '#', a table row is its cells separated by tabs with no header names
inserted. Instead every heading, paragraph, list item and table row is a `Block` with offsets
into the text, and a table row's cells are spans too, so readers (chunking, retrieval, both
extractors) know which column says "Lead" and which "Signs off" while a citation quotes only the
document's own characters.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]

# Bumped whenever parsing produces different text or structure for the same bytes, so a stored
# document made by older code is parsed again when its file comes back (see KnowledgeBase.add_bytes).
PARSER_VERSION = 2


class Cell(BaseModel):
    """One cell of a table row: its text is `text[start:end]` (empty when start == end)."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    column: int = Field(ge=0, description="The first grid column the cell covers.")
    span: int = Field(1, ge=1, description="How many grid columns it covers (merged cells).")
    carried: bool = Field(False, description="A cell merged down from a row above: its text stands in that row.")


class Block(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: BlockKind
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    level: int = Field(0, ge=0, description="Heading level (1 = top) or list depth (0 = top).")
    table: int | None = Field(None, description="For a table row: the index of its table in Document.tables.")
    header: bool = Field(False, description="A header row of its table.")
    cells: list[Cell] = Field(default_factory=list)


class Table(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    columns: list[str] = Field(
        default_factory=list,
        description="One label per grid column; a two-level header reads 'Target 2025'.",
    )
    header_rows: int = Field(0, ge=0)


class Layout(BaseModel):
    """What a parser returns: the text and its structure."""

    text: str
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    pages: list[int] = Field(default_factory=list, description="Offset where each page starts (PDF only).")


class RowContext(BaseModel):
    """A table row inside a chunk: its span and its cells with the column each falls under."""

    start: int
    end: int
    header: bool = False
    cells: list[Cell] = Field(default_factory=list)


class TableContext(BaseModel):
    columns: list[str] = Field(default_factory=list)
    rows: list[RowContext] = Field(default_factory=list)

    def label(self, cell: Cell) -> str:
        return self.columns[cell.column] if cell.column < len(self.columns) else ""


def page_at(pages: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding `offset`, or None for a document without pages."""
    if not pages:
        return None
    return max(1, bisect.bisect_right(pages, offset))


def table_context(layout_blocks: Sequence[Block], tables: Sequence[Table], start: int, end: int) -> list[TableContext]:
    """The tables whose rows fall inside [start, end), each with only those rows."""
    out: dict[int, TableContext] = {}
    # Blocks are in text order: start at the first one that can reach into the span.
    first = bisect.bisect_left(layout_blocks, start, key=lambda b: b.end)
    for block in layout_blocks[first:]:
        if block.start >= end:
            break
        if block.kind != "table_row" or block.table is None or block.end <= start:
            continue
        if block.table >= len(tables):
            continue
        ctx = out.setdefault(block.table, TableContext(columns=list(tables[block.table].columns)))
        ctx.rows.append(RowContext(start=block.start, end=block.end, header=block.header, cells=list(block.cells)))
    return list(out.values())


# -- building text and structure together (HTML, DOCX, PDF) ------------------------------------------

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_inline(text: str) -> str:
    """Collapse all whitespace (line breaks too): for headings, list items and table cells."""
    return _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


def clean_paragraph(text: str) -> str:
    """Collapse spaces but keep single line breaks; a blank line would split the paragraph in two."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


@dataclass
class GridCell:
    """A cell as a table reader found it: its text and how many columns and rows it covers."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    merged_up: bool = False  # Word's "continue" of a vertical merge: the cell above covers it


@dataclass
class LayoutBuilder:
    """Collects blocks in reading order and renders text and structure at once.

    Blocks of one list or one table sit on consecutive lines; other blocks are separated by a
    blank line. Table cells are separated by a tab, as a reader copying the row would get them.
    """

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    _length: int = 0
    _previous: BlockKind | None = None

    def _open(self, kind: BlockKind) -> int:
        if self._length:
            grouped = kind == self._previous and kind in ("list_item", "table_row")
            self._write("\n" if grouped else "\n\n")
        self._previous = kind
        return self._length

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self._length += len(text)

    def page(self) -> None:
        """The next block starts a new page."""
        self._previous = None
        self.pages.append(self._length + (2 if self._length else 0))

    def heading(self, text: str, level: int) -> None:
        text = clean_inline(text)
        if text:
            start = self._open("heading")
            self._write(text)
            self.blocks.append(Block(kind="heading", start=start, end=self._length, level=max(1, min(level, 6))))

    def paragraph(self, text: str) -> None:
        text = clean_paragraph(text)
        if text:
            start = self._open("paragraph")
            self._write(text)
            self.blocks.append(Block(kind="paragraph", start=start, end=self._length))

    def list_item(self, text: str, depth: int = 0) -> None:
        text = clean_inline(text)
        if text:
            start = self._open("list_item")
            self._write(text)
            self.blocks.append(Block(kind="list_item", start=start, end=self._length, level=max(0, depth)))

    def table(self, rows: Sequence[Sequence[GridCell]], header_rows: int | None = None) -> None:
        """A table from its rows of cells (merged cells given once, with their spans)."""
        grid = _place(rows)
        if not grid:
            return
        headers = _header_rows(rows, grid) if header_rows is None else min(header_rows, len(grid))
        if len(grid) == 1:
            headers = 0
        table_index = len(self.tables)
        first_block = len(self.blocks)
        start_of_table: int | None = None
        for r, placed in enumerate(grid):
            own = [p for p in placed if not p.carried]
            if not any(p.text for p in own):
                continue
            start = self._open("table_row")
            if start_of_table is None:
                start_of_table = start
            cells: list[Cell] = []
            for i, p in enumerate(own):
                if i:
                    self._write("\t")
                at = self._length
                self._write(p.text)
                cells.append(Cell(start=at, end=self._length, column=p.column, span=p.colspan))
                p.start, p.end = at, self._length
            # The origin's row was written first, so its offsets are known by now.
            cells += [
                Cell(start=p.source.start, end=p.source.end, column=p.column, span=p.colspan, carried=True)
                for p in placed
                if p.carried and p.source.end > p.source.start
            ]
            cells.sort(key=lambda c: c.column)
            self.blocks.append(
                Block(
                    kind="table_row",
                    start=start,
                    end=self._length,
                    table=table_index,
                    header=r < headers,
                    cells=cells,
                )
            )
        if start_of_table is None:
            return
        width = max((p.column + p.colspan for row in grid for p in row), default=0)
        self.tables.append(
            Table(
                start=start_of_table,
                end=self._length,
                columns=_column_labels(grid[:headers], width),
                header_rows=sum(1 for b in self.blocks[first_block:] if b.header),
            )
        )

    def build(self) -> Layout:
        return Layout(text="".join(self.parts), blocks=self.blocks, tables=self.tables, pages=self.pages)


@dataclass
class _Placed:
    text: str
    column: int
    colspan: int
    header: bool
    origin: _Placed | None = None  # set on a copy of a cell merged down from a row above
    start: int = 0
    end: int = 0

    @property
    def carried(self) -> bool:
        return self.origin is not None

    @property
    def source(self) -> _Placed:
        return self.origin or self


def _place(rows: Sequence[Sequence[GridCell]]) -> list[list[_Placed]]:
    """Put cells on the grid: a cell merged down from above is carried into the rows it covers."""
    grid: list[list[_Placed]] = []
    pending: dict[int, tuple[_Placed, int]] = {}  # column -> (cell from above, rows still covered)
    for row in rows:
        placed: list[_Placed] = []
        column = 0
        cells = list(row)
        while cells or any(c >= column for c in pending):
            if column in pending:
                origin, left = pending.pop(column)
                placed.append(_Placed(origin.text, column, origin.colspan, origin.header, origin=origin))
                if left > 1:
                    pending[column] = (origin, left - 1)
                column += origin.colspan
                continue
            if not cells:
                column += 1
                continue
            cell = cells.pop(0)
            above = next((p for p in grid[-1] if p.column == column), None) if grid and cell.merged_up else None
            if above is not None:
                placed.append(_Placed(above.text, column, above.colspan, above.header, origin=above.source))
                column += above.colspan
                continue
            text = clean_inline(cell.text)
            item = _Placed(text, column, max(1, cell.colspan), cell.header)
            placed.append(item)
            if cell.rowspan > 1:
                pending[column] = (item, cell.rowspan - 1)
            column += item.colspan
        grid.append(placed)
    return [row for row in grid if row]


def _header_rows(rows: Sequence[Sequence[GridCell]], grid: list[list[_Placed]]) -> int:
    """How many leading rows are headers: marked ones (<th>, Word's repeat-header), else the first row,
    plus a second when the first merges cells across columns (a two-level header)."""
    marked = 0
    for row in rows:
        if row and all(c.header for c in row):
            marked += 1
        else:
            break
    if marked:
        return marked
    if len(grid) > 2 and any(p.colspan > 1 for p in grid[0]):
        return 2
    return 1


def _column_labels(header: list[list[_Placed]], width: int) -> list[str]:
    labels: list[list[str]] = [[] for _ in range(width)]
    for row in header:
        for p in row:
            source = p.source
            for c in range(p.column, min(width, p.column + p.colspan)):
                if source.text and (not labels[c] or labels[c][-1] != source.text):
                    labels[c].append(source.text)
    return [" ".join(parts) for parts in labels]
