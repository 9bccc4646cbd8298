"""What an outside audit sent the API: huge numbers, huge bodies, lying lengths, bodies before keys.

Each is answered with a clear 4xx (problem+json), never a 5xx, a hang or a dead stream.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.api_harness import Api, in_process_api, serve_api

from ecocanvas.api.schemas import MAX_INT, NOT_BLANK
from ecocanvas.canvas.model import MAX_LABEL_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS

MEMO = "Acme leads onboarding. Globex supports onboarding. Acme pays Globex a monthly fee."
TOO_BIG = str(2**63)  # past SQLite's 64-bit integers, let alone the 32-bit columns


def parse_sse(text: str) -> list[dict[str, str]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            events.append(fields)
    return events


def make_canvas(client: httpx.Client | Any, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/v1/generate", json={"documents": [{"name": "memo.md", "text": MEMO}]}, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def tight(tmp_path: Path) -> Iterator[Api]:
    """A small JSON cap, so the oversized bodies stay small."""
    with in_process_api(tmp_path, max_json_bytes=64 * 1024, max_files_per_request=3, max_file_bytes=16 * 1024) as api:
        yield api


def test_numbers_past_32_bits_are_422_and_the_connection_stays_usable(tmp_path: Path) -> None:
    """Over a real server and one keep-alive connection: each request after a refused one is answered."""
    with serve_api(tmp_path) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        headers = {"Authorization": f"Bearer {server.key}"}
        canvas_id = make_canvas(client, headers)["canvas_id"]
        for path, params in [
            (f"/v1/canvases/{canvas_id}/versions/{TOO_BIG}", {}),
            (f"/v1/canvases/{canvas_id}/versions/{MAX_INT + 1}", {}),
            (f"/v1/canvases/{canvas_id}/versions", {"before": TOO_BIG}),
            (f"/v1/canvases/{canvas_id}/diff", {"from_version": TOO_BIG}),
            (f"/v1/canvases/{canvas_id}/diff", {"from_version": 1, "to_version": TOO_BIG}),
            (f"/v1/canvases/{canvas_id}/export/md", {"version": TOO_BIG}),
        ]:
            response = client.get(path, params=params, headers=headers)
            assert response.status_code == 422, (path, params, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert client.get(f"/v1/canvases/{canvas_id}", headers=headers).status_code == 200
        # The largest 32-bit version is a version like any other: this canvas just does not have it.
        assert client.get(f"/v1/canvases/{canvas_id}/versions/{MAX_INT}", headers=headers).status_code == 404


@pytest.mark.parametrize("last_event_id", ["9" * 5000, "9" * 20, str(MAX_INT + 1), "-1", "abc", "²"])
def test_an_event_id_the_server_never_sent_replays_from_the_start(api: Api, last_event_id: str) -> None:
    job_id = make_canvas(api.client, api.auth())["job_id"]
    # As bytes: a header is Latin-1 on the wire, and "²" is a digit to str.isdigit() though not to int().
    headers = {**api.auth(), "Last-Event-ID": last_event_id.encode("latin-1")}
    stream = api.client.get(f"/v1/jobs/{job_id}/events", headers=headers)
    assert stream.status_code == 200
    events = parse_sse(stream.text)
    progress = [json.loads(e["data"])["seq"] for e in events if e["event"] == "progress"]
    assert progress[0] == 1, "from the first event"
    assert events[-1]["event"] == "end" and json.loads(events[-1]["data"])["status"] == "succeeded"


def test_an_if_match_with_thousands_of_digits_is_409(api: Api) -> None:
    canvas_id = make_canvas(api.client, api.auth())["canvas_id"]
    for version in ("9" * 5000, TOO_BIG, str(MAX_INT + 1)):
        response = api.client.post(
            f"/v1/canvases/{canvas_id}/review",
            json={"action": "set", "field": "title", "value": "x"},
            headers={**api.auth(), "If-Match": f'"{canvas_id}:{version}"'},
        )
        assert response.status_code == 409, response.text
        assert len(response.json()["detail"]) < 200


def test_json_bodies_over_the_cap_are_413_and_nothing_is_stored(tight: Api) -> None:
    created = make_canvas(tight.client, tight.auth())
    canvas_id = created["canvas_id"]
    etag = f'"{canvas_id}:1"'
    huge = {"action": "set", "field": "scope.summary", "value": "x" * (128 * 1024)}
    response = tight.client.post(
        f"/v1/canvases/{canvas_id}/review", json=huge, headers={**tight.auth(), "If-Match": etag}
    )
    assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"
    response = tight.client.post(
        "/v1/jobs", json={"title": "t", "document_ids": ["a" * 60] * 2000}, headers=tight.auth()
    )
    assert response.status_code == 413
    versions = tight.client.get(f"/v1/canvases/{canvas_id}/versions", headers=tight.auth()).json()
    assert [v["version"] for v in versions] == [1]


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ({"action": "set", "field": "scope.summary", "value": "x" * 20_001}, None),
        ({"action": "set", "field": "title", "value": "x" * 501}, None),
        ({"action": "set", "field": "review.cadence", "value": "x" * 1001}, None),
        ({"action": "dismiss", "finding_id": "f", "reason": "x" * 10_001}, "reason"),
        ({"action": "add", "section": "objectives", "entry": {"text": "x" * 10_001}}, None),
        ({"action": "add", "section": "actors", "entry": {"name": "x" * 1001}}, None),
    ],
    ids=["summary", "title", "cadence", "reason", "item-text", "actor-name"],
)
def test_each_text_field_has_a_cap_under_the_body_cap(tight: Api, action: dict[str, Any], field: str | None) -> None:
    canvas_id = make_canvas(tight.client, tight.auth())["canvas_id"]
    response = tight.client.post(
        f"/v1/canvases/{canvas_id}/review", json=action, headers={**tight.auth(), "If-Match": f'"{canvas_id}:1"'}
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert "at most" in problem["detail"]
    if action["action"] == "set":  # one model for every canvas field: the detail names which
        assert action["field"] in problem["detail"]
    if field is not None:  # refused by the request's schema, which names the field
        assert problem["errors"][0]["loc"][-1] == field


@pytest.mark.parametrize(
    ("field", "cap"),
    [("title", MAX_TITLE_CHARS), ("review.cadence", MAX_LABEL_CHARS), ("scope.summary", MAX_SUMMARY_CHARS)],
)
def test_a_canvas_field_takes_what_the_model_holds_and_the_workspace_says_so(api: Api, field: str, cap: int) -> None:
    # The page reads these caps for its inputs' maxlength: they are the model's, not a second, smaller set.
    assert api.client.get("/v1/workspace", headers=api.auth()).json()["text_limits"][field] == cap
    canvas_id = make_canvas(api.client, api.auth())["canvas_id"]
    url, etag = f"/v1/canvases/{canvas_id}/review", f'"{canvas_id}:1"'
    at_cap = {"action": "set", "field": field, "value": "x" * cap}
    response = api.client.post(url, json=at_cap, headers={**api.auth(), "If-Match": etag})
    assert response.status_code == 200, response.text
    path = field.split(".")
    stored = response.json()["canvas"]
    for part in path:
        stored = stored[part]
    assert stored == "x" * cap


def _raw_request(base_url: str, head: str, body: bytes) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + body)
        sock.settimeout(10)
        answer = b""
        with contextlib.suppress(OSError):
            answer = sock.recv(65536)
    return answer


@pytest.mark.parametrize("path", ["/v1/generate", "/v1/jobs", "/v1/canvases/abc/review"])
def test_a_declared_length_over_the_cap_is_413_at_once(tmp_path: Path, path: str) -> None:
    """13 bytes sent of the 10 GB announced: the answer comes without waiting for the rest."""
    with serve_api(tmp_path) as server:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.key}\r\n"
            'If-Match: "abc:1"\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n'
        )
        answer = _raw_request(server.base_url, head, b'{"documents":')
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"application/problem+json" in answer


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/v1/jobs", {}), ("/v1/canvases/abc/review", {"If-Match": '"abc:1"'}), ("/v1/generate", {})],
)
def test_the_key_is_checked_before_the_body_is_read(api: Api, path: str, headers: dict[str, str]) -> None:
    broken = {"Content-Type": "application/json", **headers}
    assert api.client.post(path, content=b"{not json", headers=broken).status_code == 401
    read_only = {**broken, **api.auth(api.key_a_read)}
    assert api.client.post(path, content=b"{not json", headers=read_only).status_code == 403
    assert api.client.post(path, content=b"{not json", headers={**broken, **api.auth()}).status_code == 400


def test_one_rule_for_statuses_400_unreadable_415_other_media_type_422_invalid_field(api: Api) -> None:
    auth = api.auth()
    jobs = "/v1/jobs"
    assert (
        api.client.post(jobs, content=b"[1,", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    )
    assert api.client.post(jobs, content=b"{}", headers={**auth, "Content-Type": "text/plain"}).status_code == 415
    invalid = api.client.post(jobs, json={"document_ids": []}, headers=auth)
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["loc"] == ["body", "document_ids"]
    generate = "/v1/generate"
    assert (
        api.client.post(generate, content=b"{", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    )
    assert api.client.post(generate, content=b"x", headers={**auth, "Content-Type": "text/plain"}).status_code == 415
    assert api.client.post(generate, json={"documents": [{"name": "a"}]}, headers=auth).status_code == 422
    # Every status a route gives is in its description.
    spec = api.client.get("/openapi.json").json()
    for path, status in [(jobs, "400"), (jobs, "413"), (jobs, "415"), (jobs, "409"), (generate, "422")]:
        assert status in spec["paths"][path]["post"]["responses"], (path, status)


def test_a_job_on_an_empty_workspace_is_409(api: Api) -> None:
    response = api.client.post("/v1/jobs", json={}, headers=api.auth())
    assert response.status_code == 409 and "no documents" in response.json()["detail"]


def test_max_tokens_must_be_a_number_not_true(api: Api) -> None:
    api.upload(("memo.md", MEMO.encode()))
    response = api.client.post("/v1/jobs", json={"max_tokens": True}, headers=api.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "max_tokens"]


@pytest.mark.parametrize("value", ['"500"', "500.5"])
def test_max_tokens_is_not_a_string_or_a_fraction(api: Api, value: str) -> None:
    api.upload(("memo.md", MEMO.encode()))
    body = f'{{"max_tokens": {value}}}'
    response = api.client.post("/v1/jobs", content=body, headers={**api.auth(), "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "max_tokens"]


def test_a_whole_number_written_with_a_fraction_is_an_integer(api: Api) -> None:
    """JSON Schema's `integer` takes 500.0; so does the API, in the job and in an imported canvas."""
    api.upload(("memo.md", MEMO.encode()))
    body = '{"max_tokens": 500.0}'
    job = api.client.post("/v1/jobs", content=body, headers={**api.auth(), "Content-Type": "application/json"})
    assert job.status_code == 202, job.text
    canvas = '{"canvas": {"title": "By hand", "generator": {"backend": "manual", "model": null, "calls": 2.0}}}'
    imported = api.client.post(
        "/v1/canvases", content=canvas, headers={**api.auth(), "Content-Type": "application/json"}
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["canvas"]["generator"]["calls"] == 2


def test_the_not_blank_pattern_is_what_str_strip_calls_blank() -> None:
    pattern = re.compile(NOT_BLANK)
    assert [c for c in map(chr, range(0x110000)) if bool(pattern.fullmatch(c)) == c.isspace()] == []


@pytest.mark.parametrize("query", ["\x0b", " \t\n", "\u2003", "\x1c", "\x85"])
def test_a_blank_query_is_refused_by_the_schema(api: Api, query: str) -> None:
    response = api.client.get("/v1/search", params={"q": query}, headers=api.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["query", "q"]


def test_json_and_multipart_generate_take_the_same_number_of_documents(tight: Api) -> None:
    docs = [{"name": f"m{i}.md", "text": f"Acme {i} leads onboarding."} for i in range(4)]
    as_json = tight.client.post("/v1/generate", json={"documents": docs}, headers=tight.auth())
    files = [("files", (d["name"], d["text"].encode())) for d in docs]
    as_files = tight.client.post("/v1/generate", files=files, headers=tight.auth())
    assert as_json.status_code == as_files.status_code == 413
    # A text over the per-file limit fails alone, as a file over it does.
    big = tight.client.post(
        "/v1/generate",
        json={"documents": [docs[0], {"name": "big.md", "text": "x" * (tight.settings.max_file_bytes + 1)}]},
        headers=tight.auth(),
    )
    assert big.status_code == 200, big.text


def test_bidi_controls_are_stripped_from_file_names(api: Api) -> None:
    response = api.upload(
        ("invoice\u202egpj.md", b"# Invoice\nAcme pays Globex."), ("a\u2066b\u2069.md", b"# B\nx y z")
    )
    assert response.status_code == 201, response.text
    assert sorted(d["name"] for d in response.json()["documents"]) == ["ab.md", "invoicegpj.md"]


def test_options_and_405_name_every_method_of_the_path(api: Api) -> None:
    answer = api.client.options("/v1/documents")
    assert answer.status_code == 204 and answer.headers["allow"] == "GET, POST, OPTIONS"
    assert api.client.options("/v1/documents/abc").headers["allow"] == "GET, DELETE, OPTIONS"
    refused = api.client.patch("/v1/documents", headers=api.auth())
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, POST, OPTIONS"
    assert api.client.options("/v1/no-such-thing").status_code == 404


def test_the_event_stream_is_described_event_by_event(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    content = spec["paths"]["/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
    item = content["itemSchema"]
    assert {"event", "data", "id", "retry"} <= set(item["properties"])
    kinds = item["properties"]["data"]["contentSchema"]["oneOf"]
    assert kinds[0]["title"] == "JobEvent" and kinds[1] == {"$ref": "#/components/schemas/JobOut"}


def test_the_markdown_export_escapes_html_and_keeps_each_cell_in_its_cell(api: Api) -> None:
    canvas = {
        "title": "<script>alert(1)</script> & co",
        "scope": {"summary": "Partners <img src=x onerror=alert(1)>"},
        "actors": [{"id": "a1", "name": "Acme | Globex\nLtd <b>"}],
        "generator": {"backend": "manual", "model": None},
    }
    imported = api.client.post("/v1/canvases", json={"canvas": canvas}, headers=api.auth())
    assert imported.status_code == 201, imported.text
    md = api.client.get(f"/v1/canvases/{imported.json()['canvas_id']}/export/md", headers=api.auth()).text
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt; &amp; co (draft)")
    lines = md.splitlines()
    rows = [i for i, line in enumerate(lines) if line.startswith("| Acme")]
    assert rows  # the actors table, and the health table's row for the actor
    for i in rows:
        assert "Acme \\| Globex Ltd &lt;b&gt;" in lines[i]
        rule = next(line for line in reversed(lines[:i]) if line.startswith("|---") or line.startswith("| ---"))
        assert len(lines[i].replace("\\|", "").split("|")) == len(rule.split("|"))
