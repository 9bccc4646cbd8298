"""p95 latency of the API's read and review endpoints under concurrent clients, idle and during generation.

The server runs as its own process (`ecocanvas serve`, default settings: SQLite in WAL mode, MiniLM
embedder, two job workers) with the LLM path pointed at the scripted OpenAI-compatible server from
the tests, which answers each model call after `--llm-delay` seconds. Clients are asyncio tasks in
this process, each in a closed loop (the next request as soon as the previous answer arrives), so
`32 clients` means 32 requests in flight at all times. The mix per client, in turn: the latest
canvas, one job, the document list, the version list, a review action (accept an entry, with the
ETag last seen: a 409 from another client's write is a valid answer and is timed too).

"during generation" keeps one generation job running at all times (a new one starts when the
previous ends), so the server also parses prompts, retrieves evidence, grounds and checks canvases.

With `--think T`, each client pauses a random 0.5T-1.5T seconds after each answer, as a person
clicking through the page would; the default (0) is the closed loop.

`--uploads N` measures parsing instead: the p95 of N one-page PDF uploads from one workspace, one
after another, idle and then while another workspace keeps `--hostile` hostile PDFs in flight (each
holds a parse worker until the parse timeout, `--parse-timeout`). The goal is within 2x of idle.

`--scale` measures the scaled set-up (docs/deploy.md) in one run: PostgreSQL, Redis and a Chroma server
started here, `ecocanvas serve --workers N` for N = 1 then 2 (each: the closed loop at `--clients`, idle,
and the same clients with `--think` during generation), then the throughput of `--jobs` generation jobs
(offline, the EV charging documents) with 1 and then 2 `ecocanvas worker` processes of one thread each.
With `--loader wrk` the closed loop is sent by wrk (`apt-get install wrk`) running benchmarks/api_mix.lua,
the same five-request mix from a C program, so the load generator leaves the cores to the processes it
measures; the think-time phase stays in Python (a few dozen requests a second). Each closed-loop row also
gives the CPU seconds the loader, the API processes and PostgreSQL used, and how busy the machine was.

Usage: .venv/bin/python benchmarks/api_bench.py [--clients 1 8 32] [--seconds 20] [--think 0 0.5]
       .venv/bin/python benchmarks/api_bench.py --uploads 20 [--hostile 4] [--parse-timeout 10]
       .venv/bin/python benchmarks/api_bench.py --scale [--clients 32] [--seconds 20] [--think 0.5] [--jobs 8]
                                                [--loader python|wrk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support import hostile  # noqa: E402
from support.api_harness import api_settings, free_port, make_workspace  # noqa: E402
from support.llm_answers import ACTORS, GOVERNANCE, KPIS, MEMO, RESPONSIBILITIES  # noqa: E402
from support.scripted_llm import Reply, ScriptedLLM  # noqa: E402

DOCS = sorted((ROOT / "evals" / "ecosystems" / "ev-charging" / "docs").iterdir())
names = {p.name for p in DOCS}


def start_server(
    data: Path, llm: ScriptedLLM | None, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("ECOCANVAS_DATABASE_URL", "ECOCANVAS_MODEL")}
    env |= {"ECOCANVAS_DATA_DIR": str(data), "ECOCANVAS_CACHE": "false", **(extra_env or {})}
    if llm is not None:
        # One call at a time, so the scripted answers meet the calls they were written for.
        env |= {"ECOCANVAS_MODEL": llm.model, "ECOCANVAS_API_BASE": llm.api_base, "ECOCANVAS_API_KEY": llm.api_key}
        env |= {"ECOCANVAS_CONCURRENCY": "1"}
    command = [sys.executable, "-c", "from ecocanvas.cli.app import main; main()", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            # Measured from when the model is loaded: the first seconds after a start are not steady state.
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json().get("warm"):
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def feed(llm: ScriptedLLM, jobs: int, delay: float) -> None:
    for _ in range(jobs):
        for payload in (ACTORS, RESPONSIBILITIES, GOVERNANCE):
            llm.enqueue(Reply(content=json.dumps(payload), delay_s=delay))


async def client_loop(
    http: httpx.AsyncClient,
    canvas_id: str,
    job_id: str,
    stop: float,
    timings: dict[str, list[float]],
    seed: int,
    think: float,
) -> None:
    rng = random.Random(seed)
    etag = ""
    entries: list[str] = []
    step = seed
    while time.monotonic() < stop:
        kind = ("canvas", "job", "documents", "versions", "review")[step % 5]
        step += 1
        started = time.perf_counter()
        if kind == "canvas":
            response = await http.get(f"/v1/canvases/{canvas_id}")
            etag = response.headers.get("etag", etag)
            body = response.json()
            entries = [a["id"] for a in body["canvas"]["actors"]] + [a["id"] for a in body["canvas"]["activities"]]
        elif kind == "job":
            response = await http.get(f"/v1/jobs/{job_id}")
        elif kind == "documents":
            response = await http.get("/v1/documents")
        elif kind == "versions":
            response = await http.get(f"/v1/canvases/{canvas_id}/versions")
        else:
            if not entries:
                continue
            action = {"action": "accept", "entry_id": rng.choice(entries)}
            response = await http.post(f"/v1/canvases/{canvas_id}/review", json=action, headers={"If-Match": etag})
            if response.status_code == 200:
                etag = response.headers["etag"]
            elif response.status_code == 409:
                timings["review_409"].append(0.0)
        elapsed = time.perf_counter() - started
        if response.status_code >= 500 or response.status_code not in (200, 409):
            timings["errors"].append(float(response.status_code))
        timings[kind].append(elapsed)
        timings["all"].append(elapsed)
        if think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def generations(http: httpx.AsyncClient, stop: float, count: list[int]) -> None:
    while time.monotonic() < stop:
        job = (await http.post("/v1/jobs", json={})).json()
        while time.monotonic() < stop + 60:
            status = (await http.get(f"/v1/jobs/{job['id']}")).json()["status"]
            if status in ("succeeded", "failed", "cancelled"):
                count[0] += status == "succeeded"
                break
            await asyncio.sleep(0.2)


async def phase(
    base: str, key: str, canvas_id: str, job_id: str, clients: int, seconds: float, busy: bool, think: float
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    headers = {"Authorization": f"Bearer {key}"}
    timings: dict[str, list[float]] = defaultdict(list)
    done = [0]
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:
        stop = time.monotonic() + seconds
        tasks = [client_loop(http, canvas_id, job_id, stop, timings, seed, think) for seed in range(clients)]
        if busy:
            tasks.append(generations(http, stop, done))
        await asyncio.gather(*tasks)
    values = sorted(timings["all"])
    quantiles = statistics.quantiles(values, n=100)
    return {
        "clients": clients,
        "phase": "during generation" if busy else "idle",
        "requests": len(values),
        "rps": len(values) / seconds,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "review_p95_ms": statistics.quantiles(sorted(timings["review"]), n=100)[94] * 1000
        if len(timings["review"]) > 2
        else 0.0,
        "errors": len(timings["errors"]),
        "generations": done[0],
        "reviews": len(timings["review"]),
        "reviews_409": len(timings["review_409"]),
    }


async def quiet_uploads(base: str, key: str, count: int, tag: str) -> list[float]:
    """Seconds each of `count` one-page PDFs took to upload, one after another (each a new document)."""
    timings = []
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as http:
        for n in range(count):
            page = hostile.ordinary_pdf(f"Harbour Energy supplies depot {tag}-{n}.".encode())
            started = time.perf_counter()
            response = await http.post("/v1/documents", files={"files": (f"page-{tag}-{n}.pdf", page)})
            timings.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
    return timings


async def hostile_uploads(base: str, key: str, in_flight: int, stop: asyncio.Event, count: list[int]) -> None:
    """Keep `in_flight` hostile PDFs uploading from this workspace until `stop` is set."""
    slow = hostile.pdf_xobject_fanout()

    async def one_lane(http: httpx.AsyncClient, lane: int) -> None:
        while not stop.is_set():
            await http.post("/v1/documents", files={"files": (f"slow-{lane}.pdf", slow)})
            count[0] += 1

    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as http:
        await asyncio.gather(*(one_lane(http, lane) for lane in range(in_flight)))


async def noisy_phase(base: str, quiet: str, noisy: str, count: int, in_flight: int) -> tuple[list[float], int]:
    stop, done = asyncio.Event(), [0]
    background = asyncio.create_task(hostile_uploads(base, noisy, in_flight, stop, done))
    await asyncio.sleep(2)  # the hostile files hold their workers first
    timings = await quiet_uploads(base, quiet, count, "noisy")
    stop.set()
    await background
    return timings, done[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(sorted(values), n=100)[94] if len(values) > 1 else values[0]


def upload_benchmark(count: int, in_flight: int, parse_timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="ecocanvas-api-bench-") as tmp:
        data = Path(tmp)
        settings = api_settings(data, embedder="minilm")
        quiet, noisy = make_workspace(settings, "quiet"), make_workspace(settings, "noisy")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(data, None, port, {"ECOCANVAS_PARSE_TIMEOUT": str(parse_timeout)})
        try:
            asyncio.run(quiet_uploads(base, quiet, 3, "warm"))
            idle = asyncio.run(quiet_uploads(base, quiet, count, "idle"))
            busy, hostile_done = asyncio.run(noisy_phase(base, quiet, noisy, count, in_flight))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"one-page upload p95: idle {p95(idle) * 1000:.0f} ms | while another workspace keeps {in_flight} hostile "
        f"PDFs in flight {p95(busy) * 1000:.0f} ms ({hostile_done} hostile refused) | "
        f"ratio {p95(busy) / p95(idle):.2f} | median idle {statistics.median(idle) * 1000:.0f} ms, "
        f"busy {statistics.median(busy) * 1000:.0f} ms",
        flush=True,
    )


def _wait_warm(base: str, processes: int) -> None:
    """Until every API process behind the port has loaded the model: `processes` warm answers in a row."""
    deadline, streak = time.monotonic() + 300, 0
    while streak < 4 * processes:
        if time.monotonic() > deadline:
            raise SystemExit(f"{base} did not warm up")
        try:
            warm = httpx.get(f"{base}/healthz", timeout=2).json().get("warm")
        except httpx.TransportError:
            warm = False
        streak = streak + 1 if warm else 0
        time.sleep(0.1 if warm else 0.5)


def _wait_worker(log: Path) -> None:
    deadline = time.monotonic() + 300
    while not (log.exists() and "worker_started" in log.read_text()):
        if time.monotonic() > deadline:
            raise SystemExit(f"the worker logging to {log} did not start")
        time.sleep(0.2)


def _wait_job(base: str, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    while (job := httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers).json())["status"] not in (
        "succeeded", "failed", "cancelled",
    ):  # fmt: skip
        time.sleep(0.2)
    return job


def job_throughput(base: str, headers: dict[str, str], jobs: int) -> tuple[float, int]:
    """(jobs per minute, jobs that succeeded) for `jobs` generation jobs submitted at once."""
    started = time.monotonic()
    ids = [httpx.post(f"{base}/v1/jobs", json={}, headers=headers).json()["id"] for _ in range(jobs)]
    done = [_wait_job(base, headers, job_id) for job_id in ids]
    minutes = (time.monotonic() - started) / 60
    return jobs / minutes, sum(j["status"] == "succeeded" for j in done)


def _print_row(label: str, row: dict[str, Any]) -> None:
    print(
        f"{label} | {row['phase']:>17} | {row['clients']:>3} clients | {row['requests']:>6} req | "
        f"{row['rps']:7.1f} req/s | p50 {row['p50_ms']:6.1f} | p95 {row['p95_ms']:6.1f} | p99 {row['p99_ms']:6.1f} | "
        f"review p95 {row['review_p95_ms']:6.1f} ms | errors {row['errors']} | generations {row['generations']} | "
        f"reviews {row.get('reviews', 0)} ({row.get('reviews_409', 0)} answered 409)",
        flush=True,
    )


MIX = Path(__file__).with_name("api_mix.lua")
_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces), or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _tree(root: int) -> set[int]:
    """`root` and every process below it (uvicorn's worker processes, PostgreSQL's backends)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(fields[1])].append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(parents.get(pid, []))
    return found


def _cpu(pids: set[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far, with that of its children that ended
    (PostgreSQL's backends of connections closed during a phase count in the postmaster's)."""
    seconds = {}
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            seconds[pid] = sum(int(v) for v in fields[11:15]) / _TICK
    return seconds


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat (idle and iowait count as not busy)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def _postmaster(database_url: str) -> int | None:
    """The pid of the PostgreSQL server listening on the URL's port (its command line holds `-p PORT`)."""
    port = re.search(r":(\d+)/", database_url)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or port is None:
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command[0].endswith(b"postgres") and f"-p {port.group(1)}".encode() in b" ".join(command):
            return int(entry.name)
    return None


class CpuMeter:
    """CPU seconds used by the API processes and PostgreSQL during a phase, and how busy the machine was."""

    def __init__(self, api_pid: int, postmaster: int | None, database_url: str) -> None:
        self.groups = {"api": _tree(api_pid), "postgres": _tree(postmaster) if postmaster else set()}
        self.database_url = database_url
        self.sessions = self._sessions()
        self.before = {name: _cpu(pids) for name, pids in self.groups.items()}
        self.machine = _machine()

    def _sessions(self) -> int:
        """Connections PostgreSQL has accepted into the bench's database so far (pg_stat_database)."""
        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                query = "select sessions from pg_stat_database where datname = current_database()"
                return int(connection.exec_driver_sql(query).scalar_one())
        finally:
            engine.dispose()

    def read(self) -> dict[str, float]:
        used = {}
        for name, pids in self.groups.items():
            # Processes that started during the phase (a new PostgreSQL backend) count from zero.
            after = _cpu(_tree(min(pids)) if pids else set())
            each = {pid: v - self.before[name].get(pid, 0.0) for pid, v in after.items()}
            used[f"{name}_cpu_s"] = sum(each.values())
            if name == "api":
                # Per process (the supervisor of `--workers 2` uses next to nothing): is the load shared?
                used["api_cpu_each"] = sorted((v for v in each.values() if v >= 0.1), reverse=True)
        busy, total = _machine()
        used["machine_busy"] = (busy - self.machine[0]) / max(1, total - self.machine[1])
        # Less one: the connection that reads the counter.
        used["connections_opened"] = self._sessions() - self.sessions - 1
        return used


def python_closed_loop(
    base: str, key: str, canvas_id: str, job_id: str, clients: int, seconds: float
) -> dict[str, Any]:
    """The closed loop from this process; `loader_cpu_s` is this process's CPU while it ran."""
    started = time.process_time()
    row = asyncio.run(phase(base, key, canvas_id, job_id, clients, seconds, False, 0.0))
    return row | {"loader_cpu_s": time.process_time() - started}


def wrk_closed_loop(base: str, key: str, canvas_id: str, job_id: str, clients: int, seconds: float) -> dict[str, Any]:
    """The same closed loop sent by wrk with benchmarks/api_mix.lua: one thread per client, one connection each."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("--loader wrk needs wrk: apt-get install -y wrk")
    headers = {"Authorization": f"Bearer {key}"}
    canvas = httpx.get(f"{base}/v1/canvases/{canvas_id}", headers=headers).json()["canvas"]
    entries = ",".join([a["id"] for a in canvas["actors"]] + [a["id"] for a in canvas["activities"]])
    command = [wrk, f"-t{clients}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s", "-s", str(MIX), base]
    process = subprocess.Popen(
        [*command, "--", key, canvas_id, job_id, entries], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert process.stdout is not None
    output = process.stdout.read().decode()
    # wait4 gives the CPU the loader used, its own and nobody else's.
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    found = re.search(r"^WRK_RESULT (.*)$", output, re.MULTILINE)
    if process.returncode != 0 or found is None:
        raise SystemExit(f"wrk failed ({process.returncode}):\n{output}")
    result = json.loads(found.group(1))
    failures = result["other"] + result["connect_errors"] + result["read_errors"] + result["write_errors"]
    return {
        "clients": clients,
        "phase": "idle",
        "requests": result["requests"],
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "review_p95_ms": 0.0,  # wrk keeps one latency histogram for all requests
        "errors": failures + result["timeouts"],
        "generations": 0,
        "reviews": result["requests"] // 5,  # every fifth request of each client
        "reviews_409": result["conflict"],
        "loader_cpu_s": usage.ru_utime + usage.ru_stime,
        "mb_per_s": result["bytes"] / result["duration_us"],
    }


def _print_cpu(row: dict[str, Any], seconds: float) -> None:
    print(
        f"    CPU seconds in {seconds:g} s: loader {row['loader_cpu_s']:.1f} | API processes {row['api_cpu_s']:.1f} "
        f"({' + '.join(f'{v:.1f}' for v in row['api_cpu_each'])}) | "
        f"PostgreSQL {row['postgres_cpu_s']:.1f} ({row['connections_opened']} connections opened) | "
        f"machine busy {row['machine_busy']:.0%} of 2 cores | "
        f"API CPU ms per request {1000 * row['api_cpu_s'] / max(1, row['requests']):.2f}"
        + (f" | answers {row['mb_per_s']:.1f} MB/s" if "mb_per_s" in row else ""),
        flush=True,
    )


def scale_benchmark(clients: int, seconds: float, think: float, jobs: int, loaders: list[str]) -> None:
    from support.cluster import cluster
    from support.postgres import postgres_server

    env = {"ECOCANVAS_EMBEDDER": "minilm"}
    with (
        tempfile.TemporaryDirectory(prefix="ecocanvas-api-bench-") as tmp,
        postgres_server() as postgres,
        cluster(Path(tmp), postgres) as running,
    ):
        running.lease_seconds = 30.0
        key = make_workspace(running.settings(embedder="minilm"), "bench")
        headers = {"Authorization": f"Bearer {key}"}

        def start_worker() -> subprocess.Popen[bytes]:
            log = running.logs / f"worker-{len(running.processes)}.log"
            # INFO for its `worker_started` line; the API processes log warnings only.
            worker = running.start_worker(threads=1, ECOCANVAS_LOG_LEVEL="INFO", **env)
            _wait_worker(log)
            return worker

        def start_api(processes: int) -> tuple[str, subprocess.Popen[bytes]]:
            base = running.start_api(workers=processes, **env)
            _wait_warm(base, processes)
            return base, running.processes[-1]

        first_worker = start_worker()
        base, api = start_api(1)
        files = [("files", (p.name, p.read_bytes())) for p in DOCS]
        httpx.post(f"{base}/v1/documents", files=files, headers=headers, timeout=300).raise_for_status()
        job = _wait_job(base, headers, httpx.post(f"{base}/v1/jobs", json={}, headers=headers).json()["id"])
        assert job["status"] == "succeeded", job
        print(f"EV canvas drafted by the worker: job {job['id']}", flush=True)

        postmaster = _postmaster(postgres)
        rps: dict[tuple[str, int], float] = {}
        for processes in (1, 2):
            if processes > 1:
                api.terminate()
                api.wait(timeout=60)
                base, api = start_api(processes)
            label = f"{processes} API process{'es' if processes > 1 else ''}"
            for loader in loaders:
                closed_loop = wrk_closed_loop if loader == "wrk" else python_closed_loop
                # Each process fills its own caches (keys, parsed versions) before the clock starts.
                closed_loop(base, key, job["canvas_id"], job["id"], clients, 3)
                meter = CpuMeter(api.pid, postmaster, running.database_url)
                row = closed_loop(base, key, job["canvas_id"], job["id"], clients, seconds)
                row |= meter.read()
                rps[loader, processes] = row["rps"]
                _print_row(f"{label} | think 0.0 s | {loader:>6}", row)
                _print_cpu(row, seconds)
            row = asyncio.run(phase(base, key, job["canvas_id"], job["id"], clients, seconds, True, think))
            _print_row(f"{label} | think {think:3.1f} s | python", row)
        for loader in loaders:
            ratio = rps[loader, 2] / rps[loader, 1]
            print(f"closed loop, {clients} clients, {loader}: 2 API processes / 1 = {ratio:.2f}x req/s", flush=True)

        per_minute: dict[int, float] = {}
        for workers in (1, 2):
            if workers > 1:
                start_worker()
            per_minute[workers], ok = job_throughput(base, headers, jobs)
            print(
                f"{workers} worker{'s' if workers > 1 else ''} (1 thread each) | {jobs} jobs | "
                f"{per_minute[workers]:.1f} jobs/min | {ok} succeeded",
                flush=True,
            )
        print(f"jobs: 2 workers / 1 = {per_minute[2] / per_minute[1]:.2f}x jobs/min", flush=True)
        assert first_worker.poll() is None, "the first worker died"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--llm-delay", type=float, default=0.3, help="Seconds the scripted model takes per call.")
    parser.add_argument(
        "--think",
        type=float,
        nargs="+",
        default=[0.0],
        help="Mean seconds a client pauses between requests (0: closed loop, the next request at once).",
    )
    parser.add_argument("--uploads", type=int, default=0, help="Measure N one-page uploads (see above).")
    parser.add_argument("--hostile", type=int, default=4, help="Hostile PDFs the other workspace keeps in flight.")
    parser.add_argument("--parse-timeout", type=float, default=10.0, help="The server's parse timeout (seconds).")
    parser.add_argument("--scale", action="store_true", help="1 vs 2 API processes and 1 vs 2 workers (see above).")
    parser.add_argument("--jobs", type=int, default=8, help="With --scale: jobs submitted at once per worker count.")
    parser.add_argument(
        "--loader",
        choices=("python", "wrk"),
        nargs="+",
        default=["python"],
        help="With --scale: what sends the closed loop, each in turn (wrk: benchmarks/api_mix.lua, apt install wrk).",
    )
    args = parser.parse_args()
    if args.scale:
        scale_benchmark(args.clients[-1], args.seconds, args.think[-1], args.jobs, args.loader)
        return
    if args.uploads:
        upload_benchmark(args.uploads, args.hostile, args.parse_timeout)
        return

    with tempfile.TemporaryDirectory(prefix="ecocanvas-api-bench-") as tmp, ScriptedLLM() as llm:
        data = Path(tmp)
        key = make_workspace(api_settings(data, embedder="minilm"), "bench")
        feed(llm, 400, args.llm_delay)
        headers = {"Authorization": f"Bearer {key}"}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # The canvas read and reviewed is the EV charging one, drafted offline by a first server;
        # the server under load then drafts in the background through the scripted LLM.
        server = start_server(data, None, port)
        try:
            # The scripted answers quote the memo and the KPI table; the EV documents are the canvas's.
            files = [("files", ("memo.md", MEMO.encode())), ("files", ("kpis.md", KPIS.encode()))]
            files += [("files", (p.name, p.read_bytes())) for p in DOCS]
            httpx.post(f"{base}/v1/documents", files=files, headers=headers, timeout=300).raise_for_status()
            ev_ids = [d["id"] for d in httpx.get(f"{base}/v1/documents", headers=headers).json() if d["name"] in names]
            job = httpx.post(f"{base}/v1/jobs", json={"document_ids": ev_ids}, headers=headers).json()
            while (job := httpx.get(f"{base}/v1/jobs/{job['id']}", headers=headers).json())["status"] not in (
                "succeeded", "failed",
            ):  # fmt: skip
                time.sleep(0.2)
            assert job["status"] == "succeeded", job
            canvas = httpx.get(f"{base}/v1/canvases/{job['canvas_id']}", headers=headers).json()["canvas"]
            print(f"canvas: {len(canvas['actors'])} actors, {len(canvas['activities'])} activities", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
        server = start_server(data, llm, port)
        print(f"server pid {server.pid}", flush=True)
        try:
            rows = []
            for think in args.think:
                for busy in (False, True):
                    for clients in args.clients:
                        row = asyncio.run(
                            phase(base, key, job["canvas_id"], job["id"], clients, args.seconds, busy, think)
                        )
                        rows.append(row)
                        print(
                            f"think {think:3.1f} s | {row['phase']:>17} | {clients:>3} clients | "
                            f"{row['requests']:>6} req | "
                            f"{row['rps']:7.1f} req/s | p50 {row['p50_ms']:6.1f} | p95 {row['p95_ms']:6.1f} | "
                            f"p99 {row['p99_ms']:6.1f} | review p95 {row['review_p95_ms']:6.1f} ms | "
                            f"errors {row['errors']} | generations {row['generations']}",
                            flush=True,
                        )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
