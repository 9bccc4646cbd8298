"""The independent verbatim check the eval counts `quotes_not_verbatim` with."""

from __future__ import annotations

from ecocanvas.canvas.model import Citation
from ecocanvas.evals.verbatim import found, visible_text

MARKDOWN = b"""# Roles

| Activity | Lead | Support |
|---|---|---|
| Installation and commissioning | Brightwire | ChargeCo |

Harvest lots are
registered by the co-op.
"""

HTML = (
    b"<html><head><style>p{}</style></head><body><p>The QTT marks it <code>verified</code>; Tracewell"
    b" supports.</p><script>var x = 'hidden';</script></body></html>"
)


def cite(quote: str) -> Citation:
    return Citation(document="d", document_id="d", start=0, end=len(quote), quote=quote)


def test_a_table_row_is_found_cell_by_cell_and_a_rewritten_row_is_not() -> None:
    visible = visible_text(MARKDOWN)
    assert found(cite("Installation and commissioning\tBrightwire\tChargeCo"), visible)
    assert not found(cite("Activity: Installation and commissioning | Lead: Brightwire"), visible)


def test_a_line_break_in_the_file_may_be_a_space_in_the_quote() -> None:
    assert found(cite("Harvest lots are registered by the co-op."), visible_text(MARKDOWN))


def test_html_is_read_as_a_reader_sees_it() -> None:
    visible = visible_text(HTML)
    # The inline <code> element does not break the sentence apart.
    assert found(cite("The QTT marks it verified; Tracewell supports."), visible)
    assert not found(cite("var x = 'hidden'"), visible)
    assert not found(cite("The QTT marks it approved"), visible)
