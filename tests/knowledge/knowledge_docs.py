"""Builders for the documents the knowledge tests read: real DOCX, PDF and HTML files, made on the fly."""

from __future__ import annotations

import io

import docx
from fpdf import FPDF
from pypdf import PdfWriter

MINUTES_DOCX_DATE = "18 June 2025"


def make_docx() -> bytes:
    """Minutes with a title, headings, a bullet list (two levels) and a responsibilities table."""
    document = docx.Document()
    document.add_heading("Steering Committee Minutes", level=0)
    document.add_paragraph(f"The meeting was held on {MINUTES_DOCX_DATE} in Rotterdam.")
    document.add_heading("Attendees", level=1)
    document.add_paragraph("ChargeCo", style="List Bullet")
    document.add_paragraph("GridPay", style="List Bullet")
    document.add_paragraph("GridPay finance team", style="List Bullet 2")
    document.add_heading("Responsibilities", level=1)
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("Activity", "Lead", "Support"), ("Onboarding", "ChargeCo", "GridPay"), ("Billing", "GridPay", "")],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Decisions", level=2)
    document.add_paragraph("The roaming pilot starts in the third quarter.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINUTES_HTML = b"""<!DOCTYPE html>
<html><head><title>Memo</title><style>p { color: red }</style><script>var x = 1;</script></head>
<body>
<h1>Partnership memo</h1>
<p>Date: 2025-03-02</p>
<p>This memo records how the <b>charging</b>
partners split the work.</p>
<h2>Open points</h2>
<ul><li>Tariff model<ul><li>peak hours</li></ul></li><li>Signage</li></ul>
<table>
<thead><tr><th>Activity</th><th>Owner</th></tr></thead>
<tbody><tr><td>Onboarding</td><td>ChargeCo</td></tr><tr><td>Settlement</td><td>GridPay</td></tr></tbody>
</table>
<!-- a comment that is not text -->
</body></html>
"""
