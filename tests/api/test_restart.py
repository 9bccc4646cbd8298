"""The server killed mid-job (SIGKILL) and started again: the job resumes or fails clearly; nothing else is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.api_harness import api_settings, free_port, make_workspace
from support.llm_answers import ANSWER, KPIS, MEMO
from support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.slow


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-c", "from ecocanvas.cli.app import main; main()", "serve", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def wait_for(check: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def setup(tmp_path: Path, llm: ScriptedLLM, attempts: int) -> tuple[dict[str, str], str]:
    data = tmp_path / "data"
    key = make_workspace(api_settings(data), "ops")
    env = {
        **os.environ,
        "ECOCANVAS_DATA_DIR": str(data),
        "ECOCANVAS_EMBEDDER": "hash",
        "ECOCANVAS_MODEL": llm.model,
        "ECOCANVAS_API_BASE": llm.api_base,
        "ECOCANVAS_API_KEY": llm.api_key,
        "ECOCANVAS_CONCURRENCY": "1",
        "ECOCANVAS_CACHE": "false",
        "ECOCANVAS_LLM_TIMEOUT": "60",
        "ECOCANVAS_MAX_RETRIES": "0",
        "ECOCANVAS_JOB_MAX_ATTEMPTS": str(attempts),
        # A killed server's job is taken over once its lease runs out: short here, so the test is quick.
        "ECOCANVAS_JOB_LEASE_SECONDS": "3",
    }
    env.pop("ECOCANVAS_DATABASE_URL", None)
    return env, key


def answer_all(llm: ScriptedLLM) -> None:
    # Two small documents: one call drafts every section.
    llm.reply_json(ANSWER)


def test_a_killed_job_resumes_after_restart_and_nothing_else_is_lost(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    env, key = setup(tmp_path, scripted_llm, attempts=2)
    port, log = free_port(), tmp_path / "server.log"
    base, auth = f"http://127.0.0.1:{port}/v1", {"Authorization": f"Bearer {key}"}
    with server(env, port, log) as process:
        files = [("files", ("memo.md", MEMO.encode())), ("files", ("kpis.md", KPIS.encode()))]
        assert httpx.post(f"{base}/documents", files=files, headers=auth).status_code == 201
        # A finished canvas with a review step: it must come through the crash untouched.
        answer_all(scripted_llm)
        first = httpx.post(f"{base}/jobs", json={}, headers=auth).json()
        done = wait_for(
            lambda: (j := httpx.get(f"{base}/jobs/{first['id']}", headers=auth).json())["status"] == "succeeded" and j
        )
        canvas = httpx.get(f"{base}/canvases/{done['canvas_id']}", headers=auth)
        actor = canvas.json()["canvas"]["actors"][0]["id"]
        reviewed = httpx.post(
            f"{base}/canvases/{done['canvas_id']}/review",
            json={"action": "accept", "entry_id": actor},
            headers={**auth, "If-Match": canvas.headers["ETag"]},
        )
        assert reviewed.status_code == 200

        scripted_llm.reply_json(ANSWER, delay_s=20)  # the call the crash interrupts
        seen = len(scripted_llm.requests)
        job = httpx.post(f"{base}/jobs", json={"canvas_id": done["canvas_id"]}, headers=auth).json()
        wait_for(lambda: len(scripted_llm.requests) > seen)
        assert httpx.get(f"{base}/jobs/{job['id']}", headers=auth).json()["status"] == "running"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    answer_all(scripted_llm)  # the resumed attempt's call
    with server(env, port, log):
        finished = wait_for(
            lambda: (
                (j := httpx.get(f"{base}/jobs/{job['id']}", headers=auth).json())["status"] in ("succeeded", "failed")
                and j
            )
        )
        assert finished["status"] == "succeeded", finished
        assert finished["attempts"] == 2
        events = httpx.get(f"{base}/jobs/{job['id']}/events", headers=auth, timeout=30).text
        assert "resumed: the process running attempt 1 stopped" in events
        versions = httpx.get(f"{base}/canvases/{done['canvas_id']}/versions", headers=auth).json()
        assert [v["action"]["action"] for v in versions] == ["generate", "accept", "generate"][::-1]
        latest = httpx.get(f"{base}/canvases/{done['canvas_id']}", headers=auth).json()
        assert next(a for a in latest["canvas"]["actors"] if a["id"] == actor)["status"] == "accepted"
        assert {d["name"] for d in httpx.get(f"{base}/documents", headers=auth).json()} == {"memo.md", "kpis.md"}


def test_a_killed_job_out_of_attempts_fails_with_the_reason(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    env, key = setup(tmp_path, scripted_llm, attempts=1)
    port, log = free_port(), tmp_path / "server.log"
    base, auth = f"http://127.0.0.1:{port}/v1", {"Authorization": f"Bearer {key}"}
    with server(env, port, log) as process:
        files = [("files", ("memo.md", MEMO.encode()))]
        assert httpx.post(f"{base}/documents", files=files, headers=auth).status_code == 201
        scripted_llm.reply_json(ANSWER, delay_s=20)
        job = httpx.post(f"{base}/jobs", json={}, headers=auth).json()
        wait_for(lambda: scripted_llm.requests)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    with server(env, port, log):
        failed = wait_for(
            lambda: (j := httpx.get(f"{base}/jobs/{job['id']}", headers=auth).json())["status"] != "running" and j
        )
        assert failed["status"] == "failed"
        assert "interrupted during attempt 1 of 1" in failed["error"]
        assert not [j for j in httpx.get(f"{base}/jobs", headers=auth).json() if j["status"] == "running"]
