"""Zip bomb checks for DOCX containers: what the central directory declares, then what really inflates.

The declared checks are cheap (no byte is inflated) and run before a DOCX reaches the parser.
Declared sizes can lie, and Python's zipfile inflates a member in one go of up to 2 GiB before
cutting it to the declared size, so the parse worker also inflates every member in bounded steps
and refuses one that yields more than it declared; its memory cap is the last line behind both.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from ecocanvas.errors import CorruptDocumentError

# A Word file has a dozen parts, a few hundred with many images; each entry costs a record to parse.
MAX_ENTRIES = 5_000
# Word's XML deflates 5-30x; deflate cannot beat ~1032x. Parts under the floor are too small to matter.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024

_CENTRAL_HEADER = b"PK\x01\x02"
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_STEP = 1024 * 1024
_HOSTILE = "refused as malformed or hostile"


def check_entry_count(data: bytes) -> None:
    """Refuse a zip with too many entries before zipfile builds a record for each of them.

    Every central directory record starts with its signature, so counting signatures bounds the
    entries zipfile can read, whatever count the end record claims.
    """
    if data.count(_CENTRAL_HEADER) > MAX_ENTRIES:
        raise CorruptDocumentError(f"zip container has more than {MAX_ENTRIES:,} entries: {_HOSTILE}")


def check_declared_sizes(data: bytes, max_unzipped_bytes: int) -> None:
    """Refuse a DOCX whose declared unpacked size or compression ratio is a zip bomb's."""
    check_entry_count(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptDocumentError(f"damaged zip container: {exc}") from exc
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word writes deflate only; bzip2/lzma would just be more decompressors to attack.
            raise CorruptDocumentError(f"zip entry {info.filename!r} uses compression method {info.compress_type}")
        total += info.file_size
        if total > max_unzipped_bytes:
            raise CorruptDocumentError(
                f"zip container unpacks to more than {max_unzipped_bytes:,} bytes (zip bomb): {_HOSTILE}"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise CorruptDocumentError(
                f"zip entry {info.filename!r} claims a compression ratio of {ratio:,}:1 (zip bomb): {_HOSTILE}"
            )


def check_inflated_sizes(data: bytes) -> None:
    """Inflate every member in bounded steps; refuse one that yields more bytes than it declares.

    Costs one extra inflation of the container, which the declared checks have already bounded.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptDocumentError(f"damaged zip container: {exc}") from exc
    for info in infos:
        if info.compress_type != zipfile.ZIP_DEFLATED:
            continue  # a stored member is read as at most its compressed bytes
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
            raise CorruptDocumentError(f"damaged zip container: no local header for {info.filename!r}")
        _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        offset = start + _LOCAL_HEADER.size + name_length + extra_length
        if _inflates_beyond(data[offset : offset + info.compress_size], info.file_size):
            raise CorruptDocumentError(
                f"zip entry {info.filename!r} inflates to more than the {info.file_size:,} bytes it declares "
                f"(zip bomb): {_HOSTILE}"
            )


def _inflates_beyond(compressed: bytes, declared: int) -> bool:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending = compressed
    try:
        while pending and not inflater.eof:
            produced += len(inflater.decompress(pending, _STEP))
            if produced > declared:
                return True
            pending = inflater.unconsumed_tail
        produced += len(inflater.flush(_STEP))
    except zlib.error:
        return False  # damaged data: the parser reports it with its own reason
    return produced > declared
