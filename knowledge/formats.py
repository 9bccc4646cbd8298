"""Text extraction per format (PDF, DOCX, HTML) into the shared layout of `textblocks`.

Each extractor takes bytes and returns text; damaged or locked files raise CorruptDocumentError.
The parsers are third-party code fed untrusted bytes, so any exception they raise means "damaged".
They run inside the parse workers of `knowledge.sandbox`, which bound their time and memory.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ecocanvas.errors import CorruptDocumentError
from knowledge.archives import check_inflated_sizes
from knowledge.textblocks import TextBuilder, clean_inline

# pypdf reports every recoverable oddity of a malformed file as a warning; we report the outcome.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def pdf_text(data: bytes) -> str:
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
    pages: list[str] = []
    try:
        for page in reader.pages:
            raw = page.extract_text() or ""
            lines = [line.rstrip() for line in raw.replace("\r", "\n").split("\n")]
            pages.append("\n".join(lines).strip())
    except Exception as exc:
        raise CorruptDocumentError(f"damaged PDF: {exc}") from exc
    return _EXTRA_BLANK_LINES.sub("\n\n", "\n\n".join(p for p in pages if p))


def pdf_page_count(data: bytes) -> int:
    """Pages of a readable PDF (used by the benchmark's pages/s); 0 when it cannot be read."""
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return 0


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


def _docx_rows(table: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(cell.text)
        rows.append(cells)
    return rows


def docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table

    check_inflated_sizes(data)
    try:
        document = docx.Document(io.BytesIO(data))
        builder = TextBuilder()
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
    return builder.render()


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
        self.builder = TextBuilder()
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
        rows: list[list[str]] = []
        for tr in node.find_all("tr"):
            if tr.find_parent("table") is not node:
                continue  # rows of a nested table belong to that table's cell text
            rows.append([clean_inline(cell.get_text(" ")) for cell in tr.find_all(["th", "td"], recursive=False)])
        self.builder.table(rows)


def html_text(data: bytes | str) -> str:
    try:
        # Given bytes, BeautifulSoup honours a BOM or a <meta charset>, which a browser would too.
        soup = BeautifulSoup(data, "lxml")
        walker = _HtmlWalker()
        walker.walk(soup)
        walker.flush()
    except Exception as exc:
        raise CorruptDocumentError(f"damaged HTML: {exc}") from exc
    return walker.builder.render()
