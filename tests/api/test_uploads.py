"""Hostile uploads: limits enforced while streaming, types by content, bombs fail alone, names never paths."""

from __future__ import annotations

import contextlib
import select
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from support import hostile
from support.api_harness import Api, in_process_api, serve_api


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Api]:
    """Tight limits so the tests move little data; a short parse timeout for the looping files."""
    with in_process_api(
        tmp_path,
        max_file_bytes=MIB,
        max_request_bytes=4 * MIB,
        max_files_per_request=5,
        parse_timeout=5,
        parse_memory_mb=128,
    ) as api:
        yield api


MIB = 1024 * 1024


def multipart(files: list[tuple[str, bytes]], boundary: str = "XyZb0undary") -> bytes:
    out = bytearray()
    for name, data in files:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'.encode()
        out += b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def test_a_request_over_the_limit_is_refused_from_its_declared_length(small: Api) -> None:
    body = multipart([("big.txt", b"a" * 5 * MIB)])
    response = small.client.post(
        "/v1/documents",
        content=body,
        headers={**small.auth(), "Content-Type": "multipart/form-data; boundary=XyZb0undary"},
    )
    assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"


def test_a_chunked_request_with_no_length_is_cut_off_while_streaming(tmp_path: Path) -> None:
    """Over a real socket: the 413 arrives while the client is still sending, long before the end."""
    with serve_api(tmp_path, max_file_bytes=64 * 1024, max_request_bytes=256 * 1024) as server:
        host, port = server.base_url.removeprefix("http://").split(":")
        head = (
            f"POST /v1/documents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.key}\r\n"
            "Content-Type: multipart/form-data; boundary=XyZb0undary\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        body = multipart([("big.txt", b"a" * 8 * 1024 * 1024)])
        sent = 0
        answer = b""
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(head.encode())
            for i in range(0, len(body), 16 * 1024):
                piece = body[i : i + 16 * 1024]
                try:
                    sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                except OSError:
                    break  # the server closed the connection after answering
                sent += len(piece)
                if select.select([sock], [], [], 0.01)[0]:
                    break
            sock.settimeout(10)
            with contextlib.suppress(OSError):
                answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 2 * 1024 * 1024, f"the server read {sent:,} bytes before refusing"
        documents = httpx.get(f"{server.base_url}/v1/documents", headers={"Authorization": f"Bearer {server.key}"})
        assert documents.json() == []


def test_a_file_over_its_limit_fails_alone(small: Api) -> None:
    response = small.upload(("huge.txt", b"word " * 300_000), ("fine.md", b"# Fine\nAcme leads onboarding."))
    assert response.status_code == 201
    body = response.json()
    assert [d["name"] for d in body["documents"]] == ["fine.md"]
    assert [(e["name"], e["kind"], e["status"]) for e in body["errors"]] == [("huge.txt", "too_large", 413)]


def test_too_many_files_is_413(small: Api) -> None:
    files = [(f"f{i}.md", f"# {i}\ntext {i}".encode()) for i in range(6)]
    assert small.upload(*files).status_code == 413


def test_type_is_decided_by_content_not_by_extension(small: Api) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    only_bad = small.upload(("agreement.pdf", png))
    assert only_bad.status_code == 415
    assert only_bad.json()["errors"][0]["kind"] == "unsupported"
    # A real PDF called .txt is read as the PDF it is.
    renamed = small.upload(("notes.txt", hostile.ordinary_pdf(b"Harbour Energy supplies power to the depot.")))
    assert renamed.status_code == 201 and renamed.json()["documents"][0]["media_type"] == "application/pdf"


@pytest.mark.parametrize(
    "make",
    [
        hostile.zip_bomb_docx,
        hostile.lying_zip_sizes_docx,
        hostile.many_entries_docx,
        hostile.xml_bomb_docx,
        hostile.pdf_decompression_bomb,
        hostile.pdf_looping_pages,
        hostile.pdf_xobject_fanout,
        lambda: hostile.html_tag_flood(300_000),
    ],
    ids=["zip-bomb", "lying-zip", "many-entries", "xml-bomb", "pdf-bomb", "pdf-page-loop", "pdf-fanout", "html-flood"],
)
def test_bombs_and_loops_fail_for_that_file_only(small: Api, make: Callable[[], bytes]) -> None:
    bomb = make()
    assert len(bomb) < MIB, "the hostile file itself is small; its danger is what it unpacks to"
    # No extension: the bytes alone decide how it is read.
    response = small.upload(("evil", bomb), ("good.md", b"# Good\nHarbour Energy leads grid works."))
    assert response.status_code == 201, response.text
    body = response.json()
    assert [d["name"] for d in body["documents"]] == ["good.md"]
    [error] = body["errors"]
    assert error["name"] == "evil" and error["status"] == 422 and error["kind"] == "corrupt", error
    # The server is still fine for the next request.
    assert small.client.get("/v1/documents", headers=small.auth()).status_code == 200


@pytest.mark.parametrize(
    "make", [hostile.pdf_looping_xref, hostile.pdf_recursive_xobject], ids=["xref-loop", "self-drawing"]
)
def test_loops_the_pdf_reader_cuts_are_read_once(small: Api, make: Callable[[], bytes]) -> None:
    """pypdf breaks these cycles itself: the file is read, quickly, with its text, and nothing else suffers."""
    response = small.upload(("odd.pdf", make()), ("good.md", b"# Good\nHarbour Energy leads grid works."))
    assert response.status_code == 201, response.text
    assert sorted(d["name"] for d in response.json()["documents"]) == ["good.md", "odd.pdf"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("a\x00b.md", "ab.md"),
        ("/etc/passwd", "passwd"),
        ("...", "document"),
    ],
)
def test_client_file_names_are_names_never_paths(small: Api, raw: str, shown: str, tmp_path: Path) -> None:
    body = multipart([(raw, b"# Title\nAcme leads onboarding.")])
    response = small.client.post(
        "/v1/documents",
        content=body,
        headers={**small.auth(), "Content-Type": "multipart/form-data; boundary=XyZb0undary"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["documents"][0]["name"] == shown
    # Nothing was written outside the data directory, under any name the client chose.
    assert not (tmp_path.parent / "x").exists() and not (tmp_path / "x").exists()


def test_a_malformed_multipart_body_is_400_and_another_media_type_415(small: Api) -> None:
    response = small.client.post(
        "/v1/documents",
        content=b"--nope\r\ngarbage",
        headers={**small.auth(), "Content-Type": "multipart/form-data; boundary=XyZ"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    json_body = small.client.post("/v1/documents", json={"files": []}, headers=small.auth())
    assert json_body.status_code == 415


@pytest.mark.parametrize("name", ["kpis.csv", "budget.xlsx", "notes.json", "deck.pptx"])
def test_a_type_outside_the_supported_list_is_415_with_the_list(small: Api, name: str) -> None:
    alone = small.upload((name, b"Metric,Owner\nUptime,ChargeCo\n"))
    assert alone.status_code == 415, alone.text
    problem = alone.json()
    assert problem["supported"].startswith("PDF (.pdf), Word (.docx)") and ".csv" not in problem["supported"]
    assert name.rsplit(".", 1)[1] in problem["detail"]
    with_good = small.upload((name, b"a,b\n1,2\n"), ("memo.md", b"# Memo\nAcme leads onboarding."))
    assert with_good.status_code == 201
    [error] = with_good.json()["errors"]
    assert (error["name"], error["kind"], error["status"]) == (name, "unsupported", 415) and error["supported"]
    assert [d["name"] for d in small.client.get("/v1/documents", headers=small.auth()).json()] == ["memo.md"]


@pytest.mark.parametrize("name", ["README", "minutes v2.1", "notes.2024"])
def test_a_name_without_a_type_is_read_by_its_bytes(small: Api, name: str) -> None:
    response = small.upload((name, b"Acme leads onboarding. Globex supports it."))
    assert response.status_code == 201, response.text


def test_the_same_file_again_is_already_in_the_workspace(small: Api) -> None:
    memo = ("memo.md", b"# Memo\nAcme leads onboarding.")
    first = small.upload(memo).json()["documents"][0]
    assert (first["outcome"], first["message"]) == ("added", "added")
    again = small.upload(memo).json()["documents"][0]
    assert (again["outcome"], again["message"]) == ("unchanged", "already in the workspace")
    assert again["id"] == first["id"]
    renamed = small.upload(("copy.md", memo[1])).json()["documents"][0]
    assert renamed["outcome"] == "unchanged" and renamed["id"] == first["id"]
    changed = small.upload(("memo.md", b"# Memo\nGlobex leads onboarding now.")).json()["documents"][0]
    assert changed["outcome"] == "replaced" and changed["id"] != first["id"]
    assert len(small.client.get("/v1/documents", headers=small.auth()).json()) == 1


def test_two_files_of_one_name_in_one_request_leave_the_later(small: Api) -> None:
    response = small.upload(("memo.md", b"# One\nAcme leads onboarding."), ("memo.md", b"# Two\nGlobex leads it."))
    assert response.status_code == 201
    [doc] = response.json()["documents"]
    assert doc["outcome"] == "replaced"
    assert [d["id"] for d in small.client.get("/v1/documents", headers=small.auth()).json()] == [doc["id"]]
