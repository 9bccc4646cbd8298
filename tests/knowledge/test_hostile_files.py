"""Hostile uploads: each is refused for itself, with a reason, within the parse limits, and the server lives on.

The parse timeout is 3 s here so the files that only a clock can stop are quick to refuse.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from support import hostile

from ecocanvas.errors import CorruptDocumentError, DocumentTooLargeError, InputError
from ecocanvas.knowledge import KnowledgeBase, parse_bytes
from ecocanvas.knowledge.models import Document
from ecocanvas.knowledge.parsing import ParseLimits
from ecocanvas.knowledge.sandbox import sandbox_for
from ecocanvas.settings import load_settings

LIMITS = ParseLimits(parse_timeout=3.0)
TIMED_OUT = "took longer than 3 s to read: refused as malformed or hostile"
GOOD_PDF_TEXT = "An ordinary page of a harmless document."


def _parse(data: bytes, limits: ParseLimits = LIMITS) -> Document:
    return parse_bytes("upload", data, limits)


def _refusal(data: bytes, limits: ParseLimits = LIMITS) -> str:
    with pytest.raises(CorruptDocumentError) as caught:
        _parse(data, limits)
    return str(caught.value)


# -- DOCX ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (hostile.zip_bomb_docx, r"unpacks to more than 209,715,200 bytes \(zip bomb\)"),
        (hostile.zip_ratio_bomb_docx, r"'word/media/image1.png' claims a compression ratio of 1,011:1 \(zip bomb\)"),
        (hostile.many_entries_docx, r"has more than 5,000 entries"),
        (hostile.lying_zip_sizes_docx, r"'word/document.xml' inflates to more than the 4,096 bytes it declares"),
    ],
)
def test_zip_bombs_are_refused_with_the_reason(build: Callable[[], bytes], reason: str) -> None:
    message = _refusal(build())
    assert message.endswith("refused as malformed or hostile")
    assert re.search(reason, message), message


def test_unpacked_size_cap_comes_from_the_limits() -> None:
    small = hostile.zip_ratio_bomb_docx(2 * hostile.MIB)
    assert "unpacks to more than 1,048,576 bytes" in _refusal(small, ParseLimits(max_unzipped_bytes=1024 * 1024))


def test_a_plain_docx_from_the_same_zip_writer_is_read() -> None:
    assert _parse(hostile.plain_docx("Budget approved.")).text == "Budget approved."


def test_billion_laughs_is_refused_by_the_xml_parser_not_by_a_limit() -> None:
    message = _refusal(hostile.xml_bomb_docx())
    assert message.startswith("damaged DOCX:")


@pytest.mark.parametrize("depth", [1, 3])
def test_internal_entities_are_never_expanded(depth: int) -> None:
    # Below libxml2's amplification guard the file is read, and the entity stays unexpanded.
    text = _parse(hostile.xml_bomb_docx(depth)).text
    assert text == "Before the bomb.\n\nAfter the bomb."


def test_an_external_file_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    text = _parse(hostile.external_entity_docx(secret.as_uri())).text
    assert "TOP-SECRET" not in text
    assert text.startswith("Leaked: [")


class _CountingHandler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"FETCHED-OVER-HTTP")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_an_external_http_entity_is_not_fetched(http_server: tuple[str, list[str]]) -> None:
    base, hits = http_server
    text = _parse(hostile.external_entity_docx(f"{base}/entity.xml")).text
    assert "FETCHED" not in text
    assert hits == []


# -- PDF -----------------------------------------------------------------------------------------


def test_pdf_decompression_bomb_is_refused_by_the_parsers_own_limit() -> None:
    message = _refusal(hostile.pdf_decompression_bomb())
    assert message.startswith("damaged PDF:")
    assert "limit" in message.lower()


def test_pdf_decompression_bomb_under_a_small_memory_cap_hits_the_cap() -> None:
    # pypdf inflates up to its own 75 MB limit before refusing; 64 MB stops it earlier, in the worker.
    limits = ParseLimits(parse_timeout=30.0, parse_memory_mb=64)
    assert _refusal(hostile.pdf_decompression_bomb(), limits) == (
        "needed more than 64 MB of memory to read: refused as malformed or hostile"
    )
    assert _parse(hostile.ordinary_pdf(), limits).text == GOOD_PDF_TEXT


def test_pdf_page_tree_looping_to_an_ancestor_is_refused() -> None:
    assert _refusal(hostile.pdf_looping_pages()) == "damaged PDF: Detected cyclic page references."


def test_pdf_xref_prev_loop_is_cut_and_the_page_read() -> None:
    # pypdf notices the /Prev chain revisiting an offset and stops following it; nothing is lost.
    assert _parse(hostile.pdf_looping_xref()).text == "A page behind a looping xref chain."


def test_pdf_self_drawing_form_is_drawn_once() -> None:
    assert _parse(hostile.pdf_recursive_xobject()).text == "A page that draws a form that draws itself."


def test_pdf_that_only_a_clock_stops_times_out_and_the_sandbox_recovers() -> None:
    assert _refusal(hostile.pdf_xobject_fanout()) == TIMED_OUT
    assert _parse(hostile.ordinary_pdf()).text == GOOD_PDF_TEXT


# -- HTML ----------------------------------------------------------------------------------------


def test_html_tag_flood_hits_the_memory_cap_in_the_worker() -> None:
    limits = ParseLimits(parse_timeout=60.0, parse_memory_mb=64, max_file_bytes=50_000_000)
    assert _refusal(hostile.html_tag_flood(), limits) == (
        "needed more than 64 MB of memory to read: refused as malformed or hostile"
    )
    assert _parse(b"<html><body><h1>Plan</h1><p>Text</p></body></html>", limits).text == "Plan\n\nText"


# -- the server around the parser ----------------------------------------------------------------


def test_a_batch_keeps_the_good_files_and_reports_each_hostile_one(tmp_path: Path) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "a-hangs.pdf").write_bytes(hostile.pdf_xobject_fanout())
    (folder / "b-bomb.docx").write_bytes(hostile.zip_bomb_docx())
    (folder / "c-good.pdf").write_bytes(hostile.ordinary_pdf())
    settings = load_settings(data_dir=tmp_path / "data", embedder="hash", parse_timeout=3.0)
    kb = KnowledgeBase(settings)

    report = kb.ingest([folder])

    assert [doc.name for doc in report.documents] == ["c-good.pdf"]
    assert report.added == 1
    errors = {Path(error.path).name: error for error in report.errors}
    assert errors["a-hangs.pdf"].kind == "corrupt"
    assert errors["a-hangs.pdf"].error == TIMED_OUT
    assert errors["b-bomb.docx"].kind == "corrupt"
    assert "zip bomb" in errors["b-bomb.docx"].error
    assert [hit.chunk.document_id for hit in kb.search("harmless document", k=1)] == [report.documents[0].id]


def test_parallel_parses_are_each_answered_while_one_times_out() -> None:
    files = {"hangs": hostile.pdf_xobject_fanout()} | {f"good-{n}": hostile.ordinary_pdf() for n in range(4)}
    outcomes: dict[str, str] = {}

    def parse(name: str) -> None:
        try:
            outcomes[name] = _parse(files[name]).text
        except InputError as exc:
            outcomes[name] = f"refused: {exc}"

    threads = [threading.Thread(target=parse, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"hangs": f"refused: {TIMED_OUT}"} | {f"good-{n}": GOOD_PDF_TEXT for n in range(4)}


def _cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # noqa: PTH123
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_a_worker_killed_while_idle_is_replaced_unnoticed() -> None:
    limits = ParseLimits(parse_memory_mb=320)
    assert _parse(hostile.ordinary_pdf(), limits).text == GOOD_PDF_TEXT
    for pid in sandbox_for(320).idle_pids():
        os.kill(pid, signal.SIGKILL)
    assert _parse(hostile.ordinary_pdf(), limits).text == GOOD_PDF_TEXT


def test_a_worker_dying_mid_parse_refuses_that_file_only() -> None:
    limits = ParseLimits(parse_timeout=120.0, parse_memory_mb=336)
    assert _parse(hostile.ordinary_pdf(), limits).text == GOOD_PDF_TEXT
    [pid] = sandbox_for(336).idle_pids()
    idle_ticks = _cpu_ticks(pid)
    outcome: list[str] = []

    def parse() -> None:
        try:
            _parse(hostile.pdf_xobject_fanout(), limits)
        except InputError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=parse)
    thread.start()
    # The worker burns CPU only while it parses: once it has, it is busy with this file.
    while thread.is_alive() and _cpu_ticks(pid) < idle_ticks + 10:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    thread.join()
    assert outcome == ["the parser process died while reading it (exit code -9): refused as malformed or hostile"]
    assert _parse(hostile.ordinary_pdf(), limits).text == GOOD_PDF_TEXT


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/self/status")


def _reset_peak_rss() -> str:
    """Reset the kernel's peak RSS of this process; fall back to the current RSS if that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:  # noqa: PTH123
            clear.write("5")
    except OSError:
        return "VmRSS"
    return "VmHWM"


def test_the_bombs_do_not_grow_the_parent_process() -> None:
    bombs = [
        hostile.zip_bomb_docx(),
        hostile.lying_zip_sizes_docx(),
        hostile.xml_bomb_docx(),
        hostile.pdf_decompression_bomb(),
        hostile.pdf_looping_pages(),
        hostile.html_tag_flood(),
    ]
    limits = ParseLimits(parse_timeout=30.0, parse_memory_mb=128, max_file_bytes=50_000_000)
    _parse(hostile.ordinary_pdf(), limits)  # the pool exists before the baseline
    field = _reset_peak_rss()
    before = _status_kb(field)
    refusals = []
    for data in bombs:
        with pytest.raises(InputError) as caught:
            _parse(data, limits)
        refusals.append(type(caught.value))
    growth_mb = (_status_kb(field) - before) / 1024
    assert growth_mb < 100, f"the parent grew by {growth_mb:.0f} MB"
    assert refusals == [CorruptDocumentError] * len(bombs)


def test_text_longer_than_the_limit_is_refused_even_from_a_small_file() -> None:
    limits = ParseLimits(max_text_chars=10_000)
    data = b"Harbour Energy supplies the depot. " * 1_000  # 35,000 characters, 35 KB
    with pytest.raises(DocumentTooLargeError, match="over the limit of 10,000"):
        parse_bytes("long.txt", data, limits)
    assert parse_bytes("short.txt", data[:5_000], limits).text.startswith("Harbour Energy")
