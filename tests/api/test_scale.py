"""The scaled set-up as processes: API servers and workers on PostgreSQL, a Redis queue and a Chroma server.

Every server is real and started here (support.cluster); jobs go through the queue to `ecocanvas worker`
processes. See docs/deploy.md.
"""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from support.api_harness import TERMINAL, in_process_api, make_workspace
from support.cluster import Cluster, cluster, wait_until
from support.llm_answers import ANSWER, KPIS, MEMO
from support.scripted_llm import ScriptedLLM

from ecocanvas.api.db import make_engine
from ecocanvas.api.queue import NAMESPACE, QUEUE
from ecocanvas.api.schemas import JobRequest
from ecocanvas.api.store import Store
from ecocanvas.knowledge import KnowledgeBase

pytestmark = pytest.mark.slow

EV_DOCS = sorted((Path(__file__).parents[2] / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())


def _without_timings(value: Any) -> Any:
    """The canvas minus how long its drafting took and the run's own id, which no two runs share."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in ("seconds", "run")}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _generate(base: str, key: str, files: list[tuple[str, bytes]], timeout: float = 180) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {key}"}
    upload = httpx.post(f"{base}/v1/documents", files=[("files", f) for f in files], headers=auth, timeout=120)
    assert upload.status_code == 201, upload.text
    job = httpx.post(f"{base}/v1/jobs", json={}, headers=auth).json()
    done: dict[str, Any] = wait_until(
        lambda: (j := httpx.get(f"{base}/v1/jobs/{job['id']}", headers=auth).json())["status"] in TERMINAL and j,
        f"job {job['id']} did not finish",
        timeout=timeout,
    )
    assert done["status"] == "succeeded", done
    return done


def test_a_generation_through_the_queue_gives_the_canvas_the_embedded_path_gives(
    scaled: Cluster, tmp_path: Path
) -> None:
    files = [(p.name, p.read_bytes()) for p in EV_DOCS]
    with in_process_api(tmp_path / "embedded") as embedded:
        embedded.upload(*files)
        alone = embedded.client.get(f"/v1/canvases/{embedded.generate()['canvas_id']}", headers=embedded.auth()).json()

    base = scaled.start_api(workers=2)  # `serve --workers 2`: two API processes on one port
    # Two workspaces at once, so both workers get a job.
    keys = [make_workspace(scaled.settings(), name) for name in ("same-1", "same-2")]
    jobs: dict[str, dict[str, Any]] = {}
    threads = [threading.Thread(target=lambda k=k: jobs.update({k: _generate(base, k, files)})) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for key in keys:
        done = jobs[key]
        scaled_canvas = httpx.get(f"{base}/v1/canvases/{done['canvas_id']}", headers={"Authorization": f"Bearer {key}"})
        assert _without_timings(scaled_canvas.json()["canvas"]) == _without_timings(alone["canvas"])
        assert scaled_canvas.json()["findings"] == alone["findings"]
    ran = [log.name for log in sorted(scaled.logs.glob("worker-*.log")) if re.search("job_started", log.read_text())]
    assert len(ran) == 2, f"each worker should have run one of the two jobs: {ran}"


def test_two_api_processes_reviewing_one_canvas_one_wins_one_gets_409(scaled: Cluster) -> None:
    left, right = scaled.start_api(), scaled.start_api()
    key = make_workspace(scaled.settings(), "review")
    auth = {"Authorization": f"Bearer {key}"}
    done = _generate(left, key, [(p.name, p.read_bytes()) for p in EV_DOCS[:3]])
    canvas_id = done["canvas_id"]
    first = httpx.get(f"{right}/v1/canvases/{canvas_id}", headers=auth)
    activity = first.json()["canvas"]["activities"][0]["id"]
    names = {left: "Left team's wording", right: "Right team's wording"}
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def edit(base: str) -> None:
        action = {"action": "edit", "entry_id": activity, "changes": {"name": names[base]}}
        barrier.wait()
        results[base] = httpx.post(
            f"{base}/v1/canvases/{canvas_id}/review", json=action, headers={**auth, "If-Match": first.headers["ETag"]}
        )

    threads = [threading.Thread(target=edit, args=(base,)) for base in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results.values()) == [200, 409], {b: r.text for b, r in results.items()}
    winner = next(b for b, r in results.items() if r.status_code == 200)
    loser = next(b for b, r in results.items() if r.status_code == 409)
    # The loser reloads from its own process and applies the change on top.
    reloaded = httpx.get(f"{loser}/v1/canvases/{canvas_id}", headers=auth)
    assert reloaded.headers["ETag"] == results[winner].headers["ETag"]
    retry = httpx.post(
        f"{loser}/v1/canvases/{canvas_id}/review",
        json={"action": "edit", "entry_id": activity, "changes": {"name": names[loser]}},
        headers={**auth, "If-Match": reloaded.headers["ETag"]},
    )
    assert retry.status_code == 200 and retry.json()["version"] == 3
    for base in (left, right):
        history = httpx.get(f"{base}/v1/canvases/{canvas_id}/versions", headers=auth).json()
        assert [(v["version"], v["action"]["action"]) for v in history] == [(3, "edit"), (2, "edit"), (1, "generate")]
        assert [v["action"]["changes"]["name"] for v in history[:2]] == [names[loser], names[winner]]
        latest = httpx.get(f"{base}/v1/canvases/{canvas_id}", headers=auth).json()
        assert next(a for a in latest["canvas"]["activities"] if a["id"] == activity)["name"] == names[loser]


def test_a_worker_killed_mid_job_another_finishes_it_with_exactly_one_version(
    scripted_llm: ScriptedLLM, tmp_path: Path, postgres_url: str
) -> None:
    llm = {
        "ECOCANVAS_MODEL": scripted_llm.model,
        "ECOCANVAS_API_BASE": scripted_llm.api_base,
        "ECOCANVAS_API_KEY": scripted_llm.api_key,
        "ECOCANVAS_CONCURRENCY": "1",
        "ECOCANVAS_LLM_TIMEOUT": "60",
        "ECOCANVAS_MAX_RETRIES": "0",
        "ECOCANVAS_LOG_LEVEL": "INFO",
    }
    with cluster(tmp_path, postgres_url) as running:
        workers = [running.start_worker(**llm), running.start_worker(**llm)]
        base = running.start_api()
        key = make_workspace(running.settings(), "ops")
        auth = {"Authorization": f"Bearer {key}"}
        files = [("files", ("memo.md", MEMO.encode())), ("files", ("kpis.md", KPIS.encode()))]
        assert httpx.post(f"{base}/v1/documents", files=files, headers=auth, timeout=60).status_code == 201

        scripted_llm.reply_json(ANSWER, delay_s=20)  # the call the kill interrupts (one, for two small documents)
        job = httpx.post(f"{base}/v1/jobs", json={}, headers=auth).json()
        wait_until(lambda: scripted_llm.requests, "the job never called the model", timeout=120)
        owner = next(o for j, status, o in running.lease_owners() if j == job["id"] and status == "running")
        assert owner is not None
        victim = next(w for w in workers if f"/{w.pid}/" in owner)
        survivor = next(w for w in workers if w is not victim)
        scripted_llm.reply_json(ANSWER)  # the survivor's attempt
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)

        finished = wait_until(
            lambda: (j := httpx.get(f"{base}/v1/jobs/{job['id']}", headers=auth).json())["status"] in TERMINAL and j,
            "the killed worker's job was not finished by the other worker",
            timeout=120,
        )
        assert finished["status"] == "succeeded", finished
        assert finished["attempts"] == 2
        events = httpx.get(f"{base}/v1/jobs/{job['id']}/events", headers=auth, timeout=30).text
        assert "resumed: the process running attempt 1 stopped" in events
        canvases = httpx.get(f"{base}/v1/canvases", headers=auth).json()
        assert [c["id"] for c in canvases] == [finished["canvas_id"]]
        versions = httpx.get(f"{base}/v1/canvases/{finished['canvas_id']}/versions", headers=auth).json()
        assert [(v["version"], v["action"]["action"], v["action"]["job_id"]) for v in versions] == [
            (1, "generate", job["id"])
        ]
        # No orphaned lease: nothing is running and no job names an owner.
        assert running.lease_owners() == [(job["id"], "succeeded", None)]
        assert survivor.poll() is None


def test_a_job_left_by_a_dead_process_with_no_message_on_the_queue_is_run_by_a_worker(scaled: Cluster) -> None:
    # The job's row says "running" under a process that is gone, and the queue holds no message for it (Redis
    # lost it, or the process died between its claim and anything else): the workers' sweep of expired leases
    # is what brings it back.
    settings = scaled.settings()
    key = make_workspace(settings, "orphan")
    kb = KnowledgeBase(settings, "orphan")
    kb.ingest_bytes("memo.md", MEMO.encode())
    kb.ingest_bytes("kpis.md", KPIS.encode())
    engine = make_engine(settings)
    try:
        store = Store(engine)
        who = store.authenticate(key)
        assert who is not None
        workspace_id = who.workspace_id
        job, _ = store.create_job(workspace_id, JobRequest())
        assert store.claim(job.id, "gone-host/1/deadbeef", lease_seconds=1) is not None
        done = wait_until(
            lambda: (j := store.job(workspace_id, job.id)).status in TERMINAL and j,
            "no worker took over the job whose lease ran out",
            timeout=120,
        )
        assert done.status == "succeeded", done
        assert done.attempts == 2
        assert [(c.id, c.version) for c in store.canvases(workspace_id)] == [(done.canvas_id, 1)]
        assert any("resumed: the process running attempt 1 stopped" in e.message for e in store.events(job.id))
    finally:
        engine.dispose()
    assert next(o for j, _status, o in scaled.lease_owners() if j == job.id) is None


def test_a_queued_job_redis_lost_is_enqueued_again_by_a_worker_and_runs_once(tmp_path: Path, postgres_url: str) -> None:
    with cluster(tmp_path, postgres_url) as running:
        base = running.start_api()  # no worker yet: the job waits on the queue
        key = make_workspace(running.settings(), "flushed")
        auth = {"Authorization": f"Bearer {key}"}
        files = [("files", ("memo.md", MEMO.encode())), ("files", ("kpis.md", KPIS.encode()))]
        assert httpx.post(f"{base}/v1/documents", files=files, headers=auth, timeout=60).status_code == 201
        job = httpx.post(f"{base}/v1/jobs", json={}, headers=auth).json()
        queue = redis.Redis.from_url(running.queue_url)
        try:
            assert queue.hlen(f"{NAMESPACE}:{QUEUE}.msgs") == 1
            queue.flushall()  # Redis loses its data: only the job's row is left
            assert queue.dbsize() == 0
        finally:
            queue.close()
        assert httpx.get(f"{base}/v1/jobs/{job['id']}", headers=auth).json()["status"] == "queued"

        running.start_worker()
        finished = wait_until(
            lambda: (j := httpx.get(f"{base}/v1/jobs/{job['id']}", headers=auth).json())["status"] in TERMINAL and j,
            "the job Redis lost was never run",
            timeout=120,
        )
        assert finished["status"] == "succeeded", finished
        assert finished["attempts"] == 1
        versions = httpx.get(f"{base}/v1/canvases/{finished['canvas_id']}/versions", headers=auth).json()
        assert [(v["version"], v["action"]["job_id"]) for v in versions] == [(1, job["id"])]
        assert [c["id"] for c in httpx.get(f"{base}/v1/canvases", headers=auth).json()] == [finished["canvas_id"]]
        assert running.lease_owners() == [(job["id"], "succeeded", None)]
        assert "jobs_reenqueued" in (running.logs / "worker-1.log").read_text()
