"""Throwaway servers for the scaled set-up's tests: Redis (the job queue) and Chroma (the vectors), on loopback.

Redis is Debian's `redis-server` (`.ci/system-packages` installs it); Chroma's server is the `chroma`
command that comes with the chromadb package. Each runs in a temporary directory that is deleted after.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import redis

from support.api_harness import free_port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis server without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: run .ci/system-packages (Debian's redis-server package)")
    root = Path(tempfile.mkdtemp(prefix="ecocanvas-redis."))
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(root), "--logfile", str(root / "redis.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "redis.log").read_text()[-2000:]
                    raise RuntimeError(f"redis-server did not start: {log}") from exc
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def chroma_server() -> Iterator[str]:
    """`chroma run` on a fresh directory; yields its URL."""
    binary = Path(sys.executable).with_name("chroma")
    root = Path(tempfile.mkdtemp(prefix="ecocanvas-chroma."))
    port = free_port()
    log = root / "chroma.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(binary), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        _stop(process)
        shutil.rmtree(root, ignore_errors=True)
