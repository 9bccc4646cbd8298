"""Parsing: every format from generated files, magic-byte sniffing, and a clear error for bad input."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from knowledge_docs import MINUTES_DOCX_DATE, MINUTES_HTML, make_docx, make_encrypted_pdf, make_pdf

from ecocanvas.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    InputError,
    UnsupportedDocumentError,
)
from ecocanvas.knowledge import Document, parse_bytes
from ecocanvas.knowledge.parsing import MEDIA_TYPES, ParseLimits, document_id

LIMITS = ParseLimits(max_file_bytes=1_000_000)


def _blocks(doc: Document, kind: str) -> list[tuple[str, int]]:
    """(text, level) of each block of one kind, read through its offsets."""
    return [(doc.text[b.start : b.end], b.level) for b in doc.blocks if b.kind == kind]


def _rows(doc: Document) -> list[dict[str, str]]:
    """Each body row of each table as {column header: cell text}, read through the cell offsets."""
    out = []
    for block in doc.blocks:
        if block.kind == "table_row" and not block.header and block.table is not None:
            columns = doc.tables[block.table].columns
            out.append({columns[c.column]: doc.text[c.start : c.end] for c in block.cells})
    return out


def test_docx_text_is_what_a_reader_sees_and_structure_rides_beside_it() -> None:
    doc = parse_bytes("minutes.docx", make_docx(), LIMITS)
    assert doc.media_type == MEDIA_TYPES["docx"]
    lines = doc.text.split("\n")
    assert "Steering Committee Minutes" in lines
    assert "ChargeCo" in lines and "GridPay finance team" in lines
    assert not any(line.startswith(("#", "- ")) for line in lines), "no markup is written into the text"
    assert ("Steering Committee Minutes", 1) in _blocks(doc, "heading")
    assert ("Decisions", 2) in _blocks(doc, "heading")
    assert ("GridPay finance team", 1) in _blocks(doc, "list_item")
    # A table row is its cells in order, separated by tabs; the headers are structure, not text.
    assert "Onboarding\tChargeCo\tGridPay" in lines
    assert "Activity" not in doc.text.split("Onboarding")[1]
    assert {"Activity": "Onboarding", "Lead": "ChargeCo", "Support": "GridPay"} in _rows(doc)
    assert {"Activity": "Billing", "Lead": "GridPay", "Support": ""} in _rows(doc)
    assert doc.date == dt.date(2025, 6, 18)
    assert MINUTES_DOCX_DATE in doc.text


def test_html_text_is_what_a_reader_sees_without_scripts_styles_or_comments() -> None:
    doc = parse_bytes("memo.html", MINUTES_HTML, LIMITS)
    assert doc.media_type == "text/html"
    assert doc.text == (
        "Partnership memo\n\n"
        "Date: 2025-03-02\n\n"
        "This memo records how the charging partners split the work.\n\n"
        "Open points\n\n"
        "Tariff model\n"
        "peak hours\n"
        "Signage\n\n"
        "Activity\tOwner\n"
        "Onboarding\tChargeCo\n"
        "Settlement\tGridPay"
    )
    assert _blocks(doc, "heading") == [("Partnership memo", 1), ("Open points", 2)]
    assert _blocks(doc, "list_item") == [("Tariff model", 0), ("peak hours", 1), ("Signage", 0)]
    assert _rows(doc) == [
        {"Activity": "Onboarding", "Owner": "ChargeCo"},
        {"Activity": "Settlement", "Owner": "GridPay"},
    ]
    assert doc.date == dt.date(2025, 3, 2)


def test_pdf_text_of_every_page() -> None:
    data = make_pdf(["Minutes of the partner board, held on 3 March 2025.", "Second page: GridPay settles fees."])
    doc = parse_bytes("board.pdf", data, LIMITS)
    assert doc.media_type == "application/pdf"
    assert "held on 3 March 2025" in doc.text
    assert "GridPay settles fees" in doc.text
    assert doc.text.index("Minutes") < doc.text.index("Second page")
    assert doc.date == dt.date(2025, 3, 3)


def test_markdown_text_is_the_files_own_and_tables_are_read_from_it() -> None:
    data = b"# Plan\n\n| Activity | Owner |\n|---|:---:|\n| Onboarding | ChargeCo |\n| Billing | GridPay |\n"
    doc = parse_bytes("plan.md", data, LIMITS)
    assert doc.media_type == "text/markdown"
    assert doc.text == data.decode()
    assert _blocks(doc, "heading") == [("Plan", 1)]
    assert _rows(doc) == [{"Activity": "Onboarding", "Owner": "ChargeCo"}, {"Activity": "Billing", "Owner": "GridPay"}]
    row = next(b for b in doc.blocks if b.kind == "table_row" and not b.header)
    assert doc.text[row.start : row.end] == "| Onboarding | ChargeCo |"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "Café notes\r\nline two  \r\n".encode(), "Café notes\nline two  \n"),
        (codecs.BOM_UTF16_LE + "Café notes".encode("utf-16-le"), "Café notes"),
        (codecs.BOM_UTF16_BE + "Café notes".encode("utf-16-be"), "Café notes"),
        ("plain UTF-8 — ok".encode(), "plain UTF-8 — ok"),
    ],
)
def test_text_encodings(data: bytes, expected: str) -> None:
    doc = parse_bytes("notes.txt", data, LIMITS)
    assert doc.text == expected
    assert doc.media_type == "text/plain"


def test_magic_bytes_not_the_name_choose_the_parser() -> None:
    pdf = make_pdf(["A PDF that calls itself a text file."])
    assert parse_bytes("notes.txt", pdf, LIMITS).media_type == "application/pdf"
    assert parse_bytes("page.txt", MINUTES_HTML, LIMITS).media_type == "text/html"
    assert parse_bytes("report.pdf", b"# Just markdown\n\ntext", LIMITS).media_type == "text/markdown"
    assert parse_bytes("minutes.bin", make_docx(), LIMITS).media_type == MEDIA_TYPES["docx"]
    assert parse_bytes("howto.pdf", b"Save the file as %PDF-1.7 please.", LIMITS).media_type == "text/plain"


def test_html_behind_a_utf16_bom() -> None:
    data = codecs.BOM_UTF16_LE + "<html><body><h1>Café plan</h1><p>Text</p></body></html>".encode("utf-16-le")
    doc = parse_bytes("page.htm", data, LIMITS)
    assert doc.media_type == "text/html"
    assert doc.text == "Café plan\n\nText"


def test_same_bytes_same_id_whatever_the_name() -> None:
    a = parse_bytes("a.md", b"same content", LIMITS)
    b = parse_bytes("b.txt", b"same content", LIMITS)
    assert a.id == b.id == document_id(b"same content")
    assert a.name == "a.md"
    assert parse_bytes("a.md", b"other content", LIMITS).id != a.id


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), UnsupportedDocumentError, "PNG"),
        (b"PK\x03\x04" + b"\x00" * 40, CorruptDocumentError, "zip"),
        (b"", EmptyDocumentError, "empty"),
        (b"  \n\t\n", EmptyDocumentError, "empty"),
        (b"caf\xe9 latin-1 text", CorruptDocumentError, "UTF-8"),
        (b"\x00\x01\x02binary\x00\x00", UnsupportedDocumentError, "binary"),
        (b"%PDF-1.7\n this is not really a pdf \x00\x01", CorruptDocumentError, "PDF"),
    ],
)
def test_bad_input_raises_a_clear_input_error(data: bytes, error: type[InputError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_bytes("bad.txt", data, LIMITS)


def test_encrypted_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(CorruptDocumentError, match="encrypted"):
        parse_bytes("locked.pdf", make_encrypted_pdf(), LIMITS)


def test_pdf_without_text_is_empty() -> None:
    with pytest.raises(EmptyDocumentError, match="OCR"):
        parse_bytes("scan.pdf", make_pdf([""]), LIMITS)


def test_size_limit() -> None:
    with pytest.raises(DocumentTooLargeError, match="over the limit"):
        parse_bytes("big.txt", b"x" * 101, ParseLimits(max_file_bytes=100))
    assert parse_bytes("ok.txt", b"x" * 100, ParseLimits(max_file_bytes=100)).size == 100


def test_zip_that_is_not_a_word_document_is_unsupported() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(UnsupportedDocumentError, match="zip"):
        parse_bytes("data.docx", buffer.getvalue(), LIMITS)


def test_a_pdf_header_cell_merged_down_keeps_its_own_label_under_a_two_level_header() -> None:
    # "KPI" spans "Area | Measure"; "Owner" and "Target" span both header rows. pdfplumber leaves the
    # slots a merged cell covers empty in either direction; the ones under "Owner" are "Owner" itself.
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, "KPIs for 2025")
    with pdf.table(num_heading_rows=2) as table:
        row = table.row()
        row.cell("KPI", colspan=2)
        row.cell("Owner", rowspan=2)
        row.cell("Target", rowspan=2)
        row = table.row()
        row.cell("Area")
        row.cell("Measure")
        for cells in (
            ("Audience", "Admissions", "Lanternfield", "18,000"),
            ("Audience", "Occupancy", "Partner cinemas", "40%"),
            ("Access", "Captioned screenings", "Lanternfield", "TBD"),
        ):
            row = table.row()
            for text in cells:
                row.cell(text)
    doc = parse_bytes("kpis.pdf", bytes(pdf.output()), ParseLimits())
    assert [t.columns for t in doc.layout().tables] == [["KPI Area", "KPI Measure", "Owner", "Target"]]
