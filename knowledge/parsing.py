"""Bytes to Document: magic bytes (never the file name) choose the parser.

PDF starts with %PDF; DOCX is a zip holding word/document.xml; HTML is sniffed from the content;
anything else must be UTF-8 text (a UTF-8 or UTF-16/32 byte-order mark is honoured), read as
Markdown or plain text. Known binary formats and undecodable bytes are refused with a reason.
PDF, DOCX and HTML are read in a sandboxed worker (`ecocanvas.knowledge.sandbox`) under `ParseLimits`;
a DOCX's zip container is checked for bombs first. Plain text is read here: its cost is linear
in a size already capped.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ecocanvas.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UnsupportedDocumentError,
)
from ecocanvas.knowledge.archives import check_declared_sizes, check_entry_count
from ecocanvas.knowledge.dates import document_date
from ecocanvas.knowledge.layout import PARSER_VERSION, Layout
from ecocanvas.knowledge.models import Document
from ecocanvas.knowledge.plaintext import read_layout
from ecocanvas.knowledge.sandbox import extract_layout
from ecocanvas.settings import Settings

Kind = Literal["pdf", "docx", "html", "text"]

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "markdown": "text/markdown",
    "text": "text/plain",
}

# Formats we recognise but do not read, so the error can name what the file really is.
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF media file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls/.ppt)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"OggS", "an audio file"),
    (b"ID3", "an audio file"),
    (b"fLaC", "an audio file"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAGS = re.compile(rb"<(?:p|div|h[1-6]|table|ul|ol|title|meta|span|section|article)\b[^>]*>", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)


# The settings' own defaults (no environment read), so a test's limits match production's.
_DEFAULTS = Settings.model_construct()


class ParseLimits(BaseModel):
    """What one file may cost to parse; `from_settings` in production, built directly in tests."""

    model_config = ConfigDict(frozen=True)

    max_file_bytes: int = Field(_DEFAULTS.max_file_bytes, gt=0)
    max_unzipped_bytes: int = Field(_DEFAULTS.max_unzipped_bytes, gt=0)
    parse_timeout: float = Field(_DEFAULTS.parse_timeout, gt=0)
    parse_memory_mb: int = Field(_DEFAULTS.parse_memory_mb, gt=0)
    max_text_chars: int = Field(_DEFAULTS.max_text_chars, gt=0)

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        # Each limit is the setting of the same name.
        return cls(**settings.model_dump(include=set(cls.model_fields)))


def document_id(data: bytes) -> str:
    """Content hash: the same bytes are the same document whatever the file is called."""
    return hashlib.sha256(data).hexdigest()[:16]


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _is_docx(data: bytes) -> bool:
    check_entry_count(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptDocumentError(f"damaged zip container: {exc}") from exc


def _looks_like_html(head: bytes) -> bool:
    if _HTML_START.match(head):
        return True
    # A fragment starting with a tag and made of block tags is a page too.
    return head.lstrip().startswith(b"<") and len(_HTML_TAGS.findall(head)) >= 2


def sniff(data: bytes) -> Kind:
    """Which parser reads these bytes; raises UnsupportedDocumentError for formats we do not read."""
    head = data[:4096]
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return "docx"
        raise UnsupportedDocumentError("a zip archive that is not a Word (.docx) document")
    encoding = _bom_encoding(head)
    if encoding is None:
        for magic, what in _KNOWN_BINARY:
            if data.startswith(magic):
                raise UnsupportedDocumentError(f"unsupported file type: {what}")
        if b"\x00" in head:
            raise UnsupportedDocumentError("unsupported file type: binary data")
        probe = head
    else:
        probe = head[len(_bom_for(encoding)) :]
        if encoding != "utf-8":
            probe = probe.decode(encoding, errors="ignore").encode("utf-8")
    if _looks_like_html(probe):
        return "html"
    return "text"


def decode_text(data: bytes) -> str:
    encoding = _bom_encoding(data)
    try:
        if encoding is None:
            return data.decode("utf-8")
        return data[len(_bom_for(encoding)) :].decode(encoding)
    except UnicodeDecodeError as exc:
        raise CorruptDocumentError(
            f"text is not valid {encoding or 'UTF-8'} (byte {exc.start}); save it as UTF-8"
        ) from exc


def _bom_for(encoding: str) -> bytes:
    return next(bom for bom, name in _BOMS if name == encoding)


def _normalise_newlines(text: str) -> str:
    """Line ends become '\n' and NUL becomes U+FFFD (one character each, so no offset moves further)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


def parse_bytes(name: str, data: bytes, limits: ParseLimits) -> Document:
    """Extract one document; raises an InputError subclass saying why a file cannot be read."""
    if len(data) > limits.max_file_bytes:
        raise DocumentTooLargeError(f"file is {len(data):,} bytes, over the limit of {limits.max_file_bytes:,}")
    if not data.strip():
        raise EmptyDocumentError("file is empty")
    kind = sniff(data)
    media_type = MEDIA_TYPES[kind]
    if kind == "docx":
        check_declared_sizes(data, limits.max_unzipped_bytes)
    layout: Layout
    if kind != "text":
        # UTF-8 (or unmarked) HTML goes in as bytes so a <meta charset> is honoured; a UTF-16/32 BOM
        # has already told us the encoding.
        payload = decode_text(data) if kind == "html" and _bom_encoding(data) not in (None, "utf-8") else data
        layout = extract_layout(kind, payload, timeout=limits.parse_timeout, memory_mb=limits.parse_memory_mb)
    else:
        text = _normalise_newlines(decode_text(data))
        if len(text) > limits.max_text_chars:
            raise DocumentTooLargeError(
                f"its text is {len(text):,} characters, over the limit of {limits.max_text_chars:,}"
            )
        layout = read_layout(text)
        if _MD_HEADING.search(text):
            media_type = MEDIA_TYPES["markdown"]
    text = layout.text
    if len(text) > limits.max_text_chars:
        # A small file can still unfold into more text than chunking and embedding should take on.
        raise DocumentTooLargeError(
            f"its text is {len(text):,} characters, over the limit of {limits.max_text_chars:,}"
        )
    if not text.strip():
        hint = " (a scanned PDF needs OCR first)" if kind == "pdf" else ""
        raise EmptyDocumentError(f"no text could be extracted{hint}")
    return Document(
        id=document_id(data),
        name=name,
        media_type=media_type,
        text=text,
        date=document_date(text),
        size=len(data),
        parser=PARSER_VERSION,
        blocks=layout.blocks,
        tables=layout.tables,
        pages=layout.pages,
    )
