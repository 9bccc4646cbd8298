"""The oracle: an OpenAI-compatible HTTP server that answers every call with the gold, as a right model would.

`ecocanvas eval --oracle` points the real LLM path (litellm + instructor over HTTP, the support
checks and re-asks, grounding, resolution, assembly, the rules) at this server instead of a model.
For each request it reads what the pipeline sent, as a model reads it:

- the numbered passages (`<<<P7 ...>>>` markers in the user messages), with their text as shown
  and their tables' column headers (the marker shows them when they change, so a passage that
  continues a table reads with the headers shown before it in the same document);
- the sections asked for (the properties of the JSON schema in `response_format`, or of the
  function in `tools`), so it answers only those.

It then answers with the gold entries whose evidence is in those passages: for each entry, the
shortest span (a sentence, a table row, or two or three adjacent ones, at most 600 characters) that
holds enough of the entry's keywords (the share the scorer asks of a name), preferring spans that
also name its owner or its two parties and hold its figures. The answer uses the gold's own names,
values and targets, the passage id the span came from and the span verbatim. An entry whose
evidence is in no passage of the call is not answered: what retrieval did not send, a model could
not have read. The gold has no quotes of its own, so the span is the oracle's reading of where the
documents state the entry; `docs/evals.md` says what each remaining loss is.

A re-ask gets the same answer again: the oracle does not learn from the pipeline's complaints, so
what the support checks refuse of a right answer is dropped and shows as a loss.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ecocanvas.evals.dataset import Gold, GoldActor
from ecocanvas.evals.matching import ONE_HALF, TWO_THIRDS, keyword_hits, required_hits
from ecocanvas.generator.support import content_words, mentions, numbers, refers_indirectly
from ecocanvas.settings import Settings

MODEL = "openai/oracle"
API_KEY = "oracle"
MAX_QUOTE = 600
_PASSAGE = re.compile(
    r"(?P<new_document><<<DOCUMENT[^\n]*>>>\n)?<<<(?P<id>P\d+)(?P<attrs>[^>\n]*)>>>\n(?P<text>.*?)(?=\n<<<|\Z)", re.S
)
_SECTION_ATTR = re.compile(r'section="([^"]*)"')
_COLUMNS_ATTR = re.compile(r'columns="([^"]*)"')
_ROW = re.compile(r"[\t|]")  # a table row's cells are split by tabs or bars
# A sentence ends at . ! ? or ; followed by space; a line (a table row, a list item) is its own unit.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


_MIN_QUOTE = 12  # shorter is a fragment ("Sponsor."), which grounding does not place
_STANDALONE = re.compile(r"^\s*(?:[-*+•|#]|\d+(?:\.\d+)*[.)]?\s|[A-Z][\w ]{0,40}:)")
_LINE_END = re.compile(r"[.!?;:|]\s*$")


def _blocks(text: str) -> list[str]:
    """The passage's lines, with a sentence that wraps over lines (PDF text) joined back into one.

    A line that ends a sentence, a table row (cells split by tabs or bars), a list item or a
    heading stands alone; any other line runs on into the next. The joined text keeps its line
    breaks, so it is still the passage's own text.
    """
    blocks: list[str] = []
    for line in text.split("\n"):
        previous = blocks[-1] if blocks else None
        runs_on = (
            previous is not None
            and not _LINE_END.search(previous)
            and "\t" not in previous
            and "\t" not in line
            and not _STANDALONE.match(line)
        )
        if runs_on:
            blocks[-1] = f"{previous}\n{line}"
        else:
            blocks.append(line)
    return blocks


@dataclass(frozen=True)
class Span:
    passage: str
    text: str


@dataclass(frozen=True)
class Passage:
    id: str
    section: str
    text: str
    columns: str = ""  # the column headers of its tables, as the marker shows them

    def spans(self) -> Iterator[Span]:
        """Every sentence or line of the passage, and runs of two or three adjacent ones."""
        units = [s.strip() for block in _blocks(self.text) for s in _SENTENCE_END.split(block) if s.strip()]
        units = [u for u in units if len(u) >= _MIN_QUOTE]
        for size in (1, 2, 3):
            for i in range(len(units) - size + 1):
                joined = self._verbatim(units[i : i + size])
                if joined is not None and len(joined) <= MAX_QUOTE:
                    yield Span(self.id, joined)

    def _verbatim(self, units: Sequence[str]) -> str | None:
        """The passage's own text from the first unit to the last (line breaks included)."""
        start = self.text.find(units[0])
        end = self.text.find(units[-1], start)
        return self.text[start : end + len(units[-1])] if start >= 0 and end >= 0 else None


def passages_of(messages: Iterable[dict[str, Any]]) -> list[Passage]:
    """The numbered passages the pipeline sent, from the user messages (a re-ask repeats none of them)."""
    seen: dict[str, Passage] = {}
    for message in messages:
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, str):
            continue
        # A table's column headers are shown when they change; the passages after it read with them.
        columns = ""
        for m in _PASSAGE.finditer(content):
            section = _SECTION_ATTR.search(m["attrs"])
            shown = _COLUMNS_ATTR.search(m["attrs"])
            text = m["text"].strip()
            if m["new_document"] is not None or not _ROW.search(text):
                columns = ""  # a passage without rows ends the table
            if shown:
                columns = shown[1]
            passage = Passage(m["id"], section[1] if section else "", text, columns)
            seen.setdefault(m["id"], passage)
    return list(seen.values())


def asked_sections(body: dict[str, Any]) -> set[str]:
    """The top-level properties of the response schema: which sections the call drafts."""
    response_format = body.get("response_format") or {}
    schema = (response_format.get("json_schema") or {}).get("schema") if isinstance(response_format, dict) else None
    if not schema and body.get("tools"):
        schema = body["tools"][0]["function"].get("parameters")
    return set((schema or {}).get("properties", {}))


class Reader:
    """The gold read against one call's passages."""

    def __init__(self, gold: Gold, passages: Sequence[Passage]) -> None:
        self.gold = gold
        self.passages = passages
        self.spans = [s for p in passages for s in p.spans()]
        self.evidence = "\n".join(p.text for p in passages)
        self.by_id = {p.id: p for p in passages}
        self.ids: dict[str, str] = {}  # gold actor name -> the id it is listed under

    def best(
        self,
        keywords: Sequence[str],
        share: Fraction,
        names: Sequence[Sequence[str]] = (),
        figures: str | None = None,
        others: Sequence[Sequence[str]] = (),
    ) -> Span | None:
        """The span holding enough `keywords`; of those, the one with the entry's figures, the most of
        `names` named (in the span, or by a pronoun in it when its passage names them), the most
        keywords, then the most of `others` (supporters, approvers) named in its passage, the fewest
        characters. A figure or a party missing from the quote loses the whole entry, so a right model
        quotes the sentence that holds them."""
        need = required_hits(len(keywords), share) if keywords else 0
        best: tuple[tuple[bool, int, int, int, int], Span] | None = None
        for span in self.spans:
            hits = len(keyword_hits(keywords, span.text)) if keywords else 0
            if hits < need:
                continue
            named = sum(1 for n in names if self._named(span, n))
            has_figures = figures is None or numbers(figures) <= numbers(self._read(span))
            passage = self.by_id[span.passage]
            around = sum(1 for n in others if mentions(passage.section + "\n" + passage.text, n))
            rank = (has_figures, named, hits, around, -len(span.text))
            if best is None or rank > best[0]:
                best = (rank, span)
        return best[1] if best is not None else None

    def _read(self, span: Span) -> str:
        """The span as its reader takes it: a table row with its passage's column headers."""
        passage = self.by_id[span.passage]
        row = "\t" in span.text or "|" in span.text
        return f"{span.text}\n{passage.columns}" if row and passage.columns else span.text

    def _named(self, span: Span, names: Sequence[str]) -> bool:
        if mentions(self._read(span), names):
            return True
        passage = self.by_id[span.passage]
        return refers_indirectly(span.text) and mentions(passage.section + "\n" + passage.text, names)

    # -- actors --------------------------------------------------------------------------------

    def actors(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for actor in self.gold.actors:
            span = self._actor_span(actor)
            if span is None:
                continue
            actor_id = f"A{len(out) + 1}"
            self.ids[actor.name] = actor_id
            aliases = [a for a in actor.aliases if mentions(self.evidence, [a])]
            out.append(
                {
                    "passage": span.passage,
                    "quote": span.text,
                    "id": actor_id,
                    "name": actor.name,
                    "aliases": aliases,
                    "kind": actor.kind,
                    "role": "",
                }
            )
        return out

    def _actor_span(self, actor: GoldActor) -> Span | None:
        # The full name where the documents write it, else any alias: the shortest sentence naming it.
        for names in ([actor.name], actor.names):
            found = [s for s in self.spans if mentions(s.text, names)]
            if found:
                return min(found, key=lambda s: len(s.text))
        return None

    def ref(self, name: str | None) -> str | None:
        actor = self.gold.actor_named(name) if name else None
        return self.ids.get(actor.name) if actor is not None else None

    def refs(self, names: Iterable[str]) -> list[str]:
        return [r for n in names if (r := self.ref(n))]

    def names(self, *refs: str | None) -> list[list[str]]:
        out = []
        for ref in refs:
            actor = self.gold.actor_named(ref) if ref else None
            if actor is not None:
                out.append(actor.names)
        return out

    # -- the other sections --------------------------------------------------------------------

    def activities(self) -> list[dict[str, Any]]:
        out = []
        for a in self.gold.activities:
            others = self.names(*a.supporters, *a.approvers)
            span = self.best(a.keywords, TWO_THIRDS, self.names(a.owner), others=others)
            if span is None:
                continue
            out.append(
                {
                    "passage": span.passage,
                    "quote": span.text,
                    "name": a.name,
                    "owner": self.ref(a.owner),
                    "supporters": self.refs(a.supporters),
                    "approvers": self.refs(a.approvers),
                    "depends_on": [],
                }
            )
        return out

    def value_exchanges(self) -> list[dict[str, Any]]:
        out = []
        for x in self.gold.value_exchanges:
            provider, receiver = self.ref(x.provider), self.ref(x.receiver)
            if provider is None or receiver is None:
                continue  # a party the call's passages never name: no model could have listed it
            span = self.best(x.keywords, ONE_HALF, self.names(x.provider, x.receiver), x.value)
            if span is None:
                continue
            out.append(
                {
                    "passage": span.passage,
                    "quote": span.text,
                    "provider": provider,
                    "receiver": receiver,
                    "value": x.value,
                    "kind": x.kind,
                }
            )
        return out

    def governance(self) -> list[dict[str, Any]]:
        out = []
        for g in self.gold.governance:
            span = self.best(g.keywords, ONE_HALF)
            if span is not None:
                out.append({"passage": span.passage, "quote": span.text, "kind": g.kind, "description": g.description})
        return out

    def metrics(self) -> list[dict[str, Any]]:
        out = []
        for k in self.gold.metrics:
            span = self.best(k.keywords, TWO_THIRDS, self.names(k.owner), k.target)
            if span is None:
                continue
            # A target whose figures are not in the quote is not what the passage says: a right model
            # reading only these passages names the metric and leaves the target out.
            target = k.target if k.target and numbers(k.target) <= numbers(self._read(span)) else None
            out.append(
                {
                    "passage": span.passage,
                    "quote": span.text,
                    "name": k.name,
                    "owner": self.ref(k.owner),
                    "target": target,
                }
            )
        return out

    def review(self) -> dict[str, Any]:
        cadence = self.gold.review_cadence
        if not cadence:
            return {}
        words = content_words(cadence)
        span = self.best(words, ONE_HALF, figures=cadence) if words else None
        if span is None:
            return {}
        return {"passage": span.passage, "quote": span.text, "cadence": cadence, "stakeholders": []}

    def scope(self) -> dict[str, Any]:
        words = content_words(self.gold.title)
        scored = [(len(keyword_hits(words, p.section + "\n" + p.text)), -i, p) for i, p in enumerate(self.passages)]
        if not scored or not words:
            return {}
        _, _, passage = max(scored, key=lambda t: (t[0], t[1]))
        return {"passage": passage.id, "title": self.gold.title, "summary": ""}


def answer(gold: Gold, body: dict[str, Any]) -> dict[str, Any]:
    """What a right model answers to one request: the gold entries its passages state, in its schema."""
    reader = Reader(gold, passages_of(body.get("messages", [])))
    asked = asked_sections(body)
    out: dict[str, Any] = {"actors": reader.actors()}  # first: the other sections refer to its ids
    for section in ("scope", "activities", "value_exchanges", "governance", "metrics", "review"):
        if section in asked:
            out[section] = getattr(reader, section)()
    return {k: v for k, v in out.items() if k in asked}


class OracleLLM:
    """The server, answering for one ecosystem's gold at a time (`gold` may be changed between runs)."""

    model = MODEL
    api_key = API_KEY

    def __init__(self, gold: Gold, host: str = "127.0.0.1") -> None:
        self.gold = gold
        self.requests = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="oracle-llm", daemon=True
        )

    def __enter__(self) -> OracleLLM:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def settings(self, settings: Settings) -> Settings:
        """`settings` pointed at this server; no cache (the port changes per run, the answers with the gold)."""
        update = {"model": self.model, "api_base": self.api_base, "api_key": self.api_key, "cache": False}
        return settings.model_copy(update=update)

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests += 1
            gold = self.gold
        content = json.dumps(answer(gold, body), ensure_ascii=False)
        return _completion(body, content)


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    finish = "stop"
    tools = body.get("tools")
    if tools:  # instructor's TOOLS mode: the answer is a call of the function it offered
        name = tools[0]["function"]["name"]
        call = {"id": "call_oracle", "type": "function", "function": {"name": name, "arguments": content}}
        message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
    prompt = len(json.dumps(body.get("messages", []))) // 4
    completion = max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-oracle-{time.time_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model", "oracle")),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


def _handler_for(server: OracleLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self.path.endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            try:
                self._send(200, server.complete(json.loads(raw or b"{}")))
            except (ValueError, KeyError, TypeError) as exc:  # a request the oracle cannot read
                self._send(400, {"error": {"message": f"oracle: {exc}", "type": "invalid_request_error"}})

    return Handler
