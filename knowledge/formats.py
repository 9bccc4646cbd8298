"""Text and structure per format (PDF, DOCX, HTML): what a reader sees, in reading order.

Each extractor takes bytes and returns a `Layout` (text plus blocks, tables and pages, see
`ecocanvas.knowledge.layout`); damaged or locked files raise CorruptDocumentError.
The parsers are third-party code fed untrusted bytes, so any exception they raise means "damaged".
They run inside the parse workers of `ecocanvas.knowledge.sandbox`, which bound their time and memory.
"""

from __future__ import annotations

import io
import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ecocanvas.errors import CorruptDocumentError
from ecocanvas.knowledge.archives import check_inflated_sizes
from ecocanvas.knowledge.layout import GridCell, Layout, LayoutBuilder

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_LIST_STYLE_LEVEL = re.compile(r"^list\b.*?(\d)?$", re.IGNORECASE)


def _docx_list_depth(paragraph: Any) -> int | None:
    """Depth of a list item (0 = top), or None when the paragraph is not in a list."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.numPr if p_pr is not None else None
    if num_pr is not None and num_pr.numId is not None:
        ilvl = num_pr.ilvl
        return int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
    style = paragraph.style.name if paragraph.style is not None else ""
    match = _LIST_STYLE_LEVEL.match(style or "")
    if match and style.lower() != "list paragraph":
        return int(match.group(1)) - 1 if match.group(1) else 0
    return None


def _docx_rows(table: Any) -> list[list[GridCell]]:
    """Rows of real cells: a cell merged across columns comes once with its span; one merged down
    from above is marked so the grid carries the upper cell's text into it."""
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows: list[list[GridCell]] = []
    for tr in table._tbl.tr_lst:
        header = bool(tr.xpath("./w:trPr/w:tblHeader"))
        cells: list[GridCell] = []
        for tc in tr.tc_lst:
            v_merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            merged_up = v_merge is not None and v_merge.get(qn("w:val")) in (None, "continue")
            text = "" if merged_up else _Cell(tc, table).text
            cells.append(GridCell(text=text, colspan=tc.grid_span, header=header, merged_up=merged_up))
        rows.append(cells)
    return rows


def docx_layout(data: bytes) -> Layout:
    import docx
    from docx.table import Table

    check_inflated_sizes(data)
    try:
        document = docx.Document(io.BytesIO(data))
        builder = LayoutBuilder()
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.table(_docx_rows(block))
                continue
            style = (block.style.name if block.style is not None else "") or ""
            heading = _HEADING_STYLE.match(style)
            if heading or style.lower() == "title":
                builder.heading(block.text, int(heading.group(1)) if heading else 1)
                continue
            depth = _docx_list_depth(block)
            if depth is not None:
                builder.list_item(block.text, depth)
            else:
                builder.paragraph(block.text)
    except Exception as exc:
        raise CorruptDocumentError(f"damaged DOCX: {exc}") from exc
    return builder.build()


_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "head", "select"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote",
        "pre", "address", "figure", "figcaption", "form", "fieldset", "details", "summary", "dl", "dt",
        "dd", "hr", "body", "html", "li", "caption",
    }
)  # fmt: skip
_NON_TEXT = (Comment, Declaration, Doctype, CData, ProcessingInstruction)


class _HtmlWalker:
    """Walks the DOM in reading order, turning block structure into the shared layout."""

    def __init__(self) -> None:
        self.builder = LayoutBuilder()
        self._buffer: list[str] = []

    def flush(self) -> None:
        if self._buffer:
            self.builder.paragraph("".join(self._buffer))
            self._buffer.clear()

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _NON_TEXT):
                    # Source line breaks mean nothing in HTML; only <br> and blocks break lines.
                    self._buffer.append(str(child).replace("\n", " "))
                continue
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if name in _SKIP_TAGS:
                continue
            if len(name) == 2 and name[0] == "h" and name[1] in "123456":
                self.flush()
                self.builder.heading(child.get_text(" "), int(name[1]))
            elif name in ("ul", "ol"):
                self.flush()
                self.list(child, 0)
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "br":
                self._buffer.append("\n")
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def list(self, node: Tag, depth: int) -> None:
        for item in node.find_all("li", recursive=False):
            nested = item.find_all(["ul", "ol"], recursive=False)
            for sub in nested:
                sub.extract()
            self.builder.list_item(item.get_text(" "), depth)
            for sub in nested:
                self.list(sub, depth + 1)

    def table(self, node: Tag) -> None:
        rows: list[list[GridCell]] = []
        for tr in node.find_all("tr"):
            if tr.find_parent("table") is not node:
                continue  # rows of a nested table belong to that table's cell text
            in_head = tr.find_parent("thead") is not None
            rows.append(
                [
                    GridCell(
                        text=cell.get_text(" "),
                        colspan=_span(cell.get("colspan")),
                        rowspan=_span(cell.get("rowspan")),
                        header=in_head or cell.name == "th",
                    )
                    for cell in tr.find_all(["th", "td"], recursive=False)
                ]
            )
        self.builder.table(rows)


def _span(value: object) -> int:
    """A colspan/rowspan attribute as a sane count (hostile pages say 0, -3 or 10**9)."""
    try:
        return max(1, min(int(str(value)), 1000)) if value is not None else 1
    except ValueError:
        return 1


def html_layout(data: bytes | str) -> Layout:
    try:
        # Given bytes, BeautifulSoup honours a BOM or a <meta charset>, which a browser would too.
        soup = BeautifulSoup(data, "lxml")
        walker = _HtmlWalker()
        walker.walk(soup)
        walker.flush()
    except Exception as exc:
        raise CorruptDocumentError(f"damaged HTML: {exc}") from exc
    return walker.builder.build()
