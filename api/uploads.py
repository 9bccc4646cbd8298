"""Multipart uploads read as a stream, with the size limits enforced while the bytes arrive.

Starlette's form parser spools every file before the handler sees it; here a file over the
per-file limit stops being kept at the first byte past the limit (its remaining bytes are read
and dropped, and it is reported as too large), and a request over the per-request limit is
refused with 413 at once, whatever its Content-Length claimed or when it sent none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ecocanvas.api.bodies import refuse_declared_over
from ecocanvas.errors import InputError, MalformedRequestError, RequestTooLargeError, UnsupportedMediaTypeError

# Control characters, and the bidirectional controls that make "gpj.exe" show as "exe.jpg" (U+202E and kin).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_NAME = 200


@dataclass
class UploadedFile:
    name: str
    data: bytearray = field(default_factory=bytearray)
    too_large: bool = False
    size: int = 0


def safe_name(raw: str) -> str:
    """The file name a person would recognise, never a path: no folders, no control or bidi characters."""
    name = unicodedata.normalize("NFC", raw)
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    return name[:MAX_NAME] or "document"


@dataclass
class _State:
    max_file: int
    max_request: int
    max_files: int
    files: list[UploadedFile] = field(default_factory=list)
    current: UploadedFile | None = None
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""

    def part_begin(self) -> None:
        self.current, self.disposition = None, b""

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_value_(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        filename = options.get(b"filename")
        if filename is None:
            return  # a plain form field: ignored
        if len(self.files) >= self.max_files:
            raise RequestTooLargeError(f"too many files in one request (the limit is {self.max_files})")
        self.current = UploadedFile(name=safe_name(filename.decode("utf-8", "replace")))
        self.files.append(self.current)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.current
        if part is None:
            return
        part.size += end - start
        if part.too_large:
            return
        if part.size > self.max_file:
            part.too_large = True
            part.data = bytearray()  # free what was kept; the rest of this file is read and dropped
            return
        part.data += data[start:end]


async def read_files(request: Request, *, max_file: int, max_request: int, max_files: int) -> list[UploadedFile]:
    """The files of a multipart/form-data request (field names are not checked: every file counts)."""
    content_type = request.headers.get("content-type", "")
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        raise UnsupportedMediaTypeError("send the files as multipart/form-data (field 'files')")
    if b"boundary" not in params:
        raise MalformedRequestError("the multipart/form-data content type names no boundary")
    refuse_declared_over(request, max_request)
    state = _State(max_file=max_file, max_request=max_request, max_files=max_files)
    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": state.part_begin,
            "on_part_data": state.part_data,
            "on_header_field": state.header_field,
            "on_header_value": state.header_value_,
            "on_header_end": state.header_end,
            "on_headers_finished": state.headers_finished,
        },
    )
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_request:
                raise RequestTooLargeError(f"the request is over the limit of {max_request:,} bytes")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise MalformedRequestError(f"the multipart body is malformed: {exc}") from exc
    if not state.files:
        raise InputError("the request holds no files: send them in the multipart field 'files'")
    return state.files
