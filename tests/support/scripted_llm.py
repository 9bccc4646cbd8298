"""A scripted OpenAI-compatible HTTP server: the remote LLM's stand-in, speaking the real wire protocol.

Tests reach it through litellm exactly as a provider (`model="openai/scripted"`,
`api_base=server.api_base`, `api_key="test"`). Each test enqueues replies, in order, one per
chat request: a JSON answer, any raw text (malformed JSON), an OpenAI-style error with a status
(429, 500...), or a delay longer than the client's timeout. Every request is recorded, so a
test asserts what was sent (the response_format, the re-ask's error message, the count).

A request that finds the queue empty gets a 500 and is remembered as unexpected; the
`scripted_llm` fixture fails a test that leaves replies unplayed or made unexpected requests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ecocanvas.settings import Settings

MODEL = "openai/scripted"
API_KEY = "test"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


class Headers(dict[str, str]):
    """Request headers looked up case-insensitively, as HTTP defines them (litellm sends `authorization`)."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((name.lower(), value) for name, value in items)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Headers
    body: dict[str, Any]
    at: float
    size: int = 0  # bytes of the body as sent

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def response_format(self) -> dict[str, Any] | None:
        return self.body.get("response_format")

    @property
    def last_user_message(self) -> str:
        users = [m for m in self.messages if m.get("role") == "user"]
        return str(users[-1].get("content", "")) if users else ""


class ScriptedLLM:
    model = MODEL
    api_key = API_KEY

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._replies: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._unexpected: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for the loop's next poll, once per test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="scripted-llm", daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping through a scripted delay
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def settings(self, data_dir: Path, **overrides: Any) -> Settings:
        """Settings that reach this server through litellm; short timeout, no backoff surprises."""
        values: dict[str, Any] = {
            "data_dir": data_dir,
            "model": self.model,
            "api_base": self.api_base,
            "api_key": self.api_key,
            "llm_timeout": 10.0,
        }
        values.update(overrides)
        return Settings(**values)

    # -- scripting -------------------------------------------------------------------------------

    def enqueue(self, reply: Reply) -> None:
        with self._lock:
            self._replies.append(reply)

    def reply_json(self, payload: BaseModel | dict[str, Any], **options: Any) -> None:
        text = payload.model_dump_json() if isinstance(payload, BaseModel) else json.dumps(payload)
        self.enqueue(Reply(content=text, **options))

    def reply_text(self, text: str, **options: Any) -> None:
        self.enqueue(Reply(content=text, **options))

    def reply_error(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "server_error",
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        error = {"message": message, "type": error_type, "param": None, "code": code}
        self.enqueue(Reply(status=status, error=error, headers=headers or {}))

    def reset(self) -> None:
        with self._lock:
            self._replies.clear()
            self._requests.clear()
            self._unexpected.clear()

    # -- what happened ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Chat completion requests received, in order (other paths are not counted)."""
        with self._lock:
            return [r for r in self._requests if r.path.endswith("/chat/completions")]

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    @property
    def unexpected(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._unexpected)

    # -- serving (called from handler threads) ---------------------------------------------------

    def _record(self, request: RecordedRequest) -> Reply | None:
        with self._lock:
            self._requests.append(request)
            if not request.path.endswith("/chat/completions"):
                return None
            if not self._replies:
                self._unexpected.append(request)
                return None
            return self._replies.popleft()

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _completion_body(request: RecordedRequest, reply: Reply) -> dict[str, Any]:
    content = reply.content or ""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    finish_reason = reply.finish_reason
    tools = request.body.get("tools")
    if tools:  # instructor's TOOLS mode: answer with a call of the tool it asked for
        choice = request.body.get("tool_choice")
        name = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_scripted", "type": "function", "function": {"name": name, "arguments": content}}
            ],
        }
        finish_reason = "tool_calls" if finish_reason == "stop" else finish_reason
    prompt_tokens = reply.prompt_tokens if reply.prompt_tokens is not None else len(json.dumps(request.messages)) // 4
    completion_tokens = reply.completion_tokens if reply.completion_tokens is not None else max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-scripted-{int(request.at * 1000)}",
        "object": "chat.completion",
        "created": int(request.at),
        "model": str(request.body.get("model", "scripted")),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _handler_for(server: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _send_json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def do_GET(self) -> None:
            server._record(RecordedRequest("GET", self.path, Headers(self.headers.items()), {}, time.time()))
            if self.path.rstrip("/").endswith("/models"):
                model = {"id": "scripted", "object": "model", "created": 0, "owned_by": "tests"}
                self._send_json(200, {"object": "list", "data": [model]})
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"_unparsed": raw.decode("utf-8", "replace")}
            request = RecordedRequest("POST", self.path, Headers(self.headers.items()), body, time.time(), len(raw))
            reply = server._record(request)
            if not self.path.endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            if reply is None:
                error = {"message": "scripted server: no reply queued", "type": "server_error"}
                self._send_json(500, {"error": error})
                return
            if reply.delay_s:
                server._sleep(reply.delay_s)
            if reply.error is not None or reply.status >= 400:
                error = reply.error or {"message": "scripted error", "type": "server_error"}
                self._send_json(reply.status, {"error": error}, reply.headers)
                return
            self._send_json(reply.status, _completion_body(request, reply), reply.headers)

    return Handler
