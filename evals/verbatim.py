"""Can a reader find a quote in their own file? Checked against the file read independently of
`knowledge`'s parsers, so a quote the parser rewrote (say, header names written into a table row)
is caught even where `quote == text[start:end]` holds.

The file as a reader sees it: a text or Markdown file's own characters; an HTML page's text
without scripts, styles and comments; a Word document's paragraphs and table cells in order; a
PDF's text by pypdf's plain extraction. Whitespace is left out of the comparison: a line break
in the file may be a space in the quote, and an independent HTML reader puts spaces around inline
elements (`<code>`, `<b>`) that the page does not show. A quote of a table row (cells separated by tabs) is found when
each of its cells is.
"""

from __future__ import annotations

import io
import re

from ecocanvas.canvas.model import Citation

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def visible_text(data: bytes) -> str:
    """The file's text as a reader sees it, without whitespace; '' when it cannot be read."""
    from ecocanvas.knowledge.parsing import decode_text, sniff

    try:
        kind = sniff(data)
        if kind == "text":
            return _squash(decode_text(data))
        if kind == "html":
            return _squash(_html(data))
        if kind == "docx":
            return _squash(_docx(data))
        return _squash(_pdf(data))
    except Exception:
        return ""


def _html(data: bytes) -> str:
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "template", "head", "noscript"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return soup.get_text(" ")


def _docx(data: bytes) -> str:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: list[object] = []
                for cell in row.cells:
                    if any(cell._tc is s for s in seen):
                        continue
                    seen.append(cell._tc)
                    parts.append(cell.text)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def found(citation: Citation, visible: str) -> bool:
    """The quote (each cell of it, for a table row) stands in the visible text."""
    pieces = [_squash(p) for p in citation.quote.split("\t")] if "\t" in citation.quote else [_squash(citation.quote)]
    return all(p in visible for p in pieces if p)
