"""The one seam through which every LLM call goes: instructor over litellm, counted, budgeted, cached.

`LLMClient.extract(response_model, messages, prompt_version=...)` returns a validated object and
the `Usage` it cost. Any litellm model works (`openai/...`, `anthropic/...`, `ollama/...`, or
`openai/<name>` plus `api_base` for any OpenAI-compatible server).

Every HTTP request is sent by `_send` below, which instructor calls once per attempt, so the
counts include re-asks and transient retries; nothing retries behind our back (the OpenAI SDK's
own retries and litellm's `num_retries` are switched off).

- Re-asks: instructor re-asks up to `settings.max_retries` times when the answer is malformed
  JSON or violates the schema, attaching the validation error to the next request.
- Transient failures (429, 500/502/503, connection refused) are retried with a short
  exponential backoff, honouring `Retry-After`, at most `settings.max_retries` times per call.
  A timeout is not retried: `llm_timeout` bounds each request and a model that did not answer in
  time is unlikely to answer on a second try; the caller marks that section failed.
- Budget: before each request its prompt is estimated (messages, schema) and reserved with the
  completion tokens the request may use: as many as remain, up to `max_completion_tokens`, and
  never fewer than a realistic share of the prompt (an extraction answer quotes its evidence). The
  request's `max_tokens` is set to what was granted, so the server cannot overrun the budget. A
  request that cannot get even the realistic share raises `BudgetExceededError` without sending.
  When a server reports no usage (or zeros, as litellm fills in), the estimate is booked instead.
  Reservations make the check hold across threads.
- Validation: `extract(..., context=...)` makes a validation context visible to the response
  model's validators (`validation_context()`), so a check that needs the call's evidence can
  refuse an answer and have it re-asked. It is not given to instructor as its `context`: instructor
  renders the messages as Jinja templates whenever it has one, and these messages hold untrusted
  document text.
  When the re-asks run out, `lenient=` (a second context) validates the last answer once more so
  the model can drop what it cannot support instead of losing the whole call.
- Cache: a validated answer is stored on disk; the same inputs again make zero requests. The key
  includes the server address: the same model name on another server is another model.
- Call log: every request (and every cache hit) is a row in `ecocanvas.generator.calllog`, unless switched off.
- Every `LLMError` raised here carries `.usage`, what the failed attempts spent.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

import instructor
import litellm
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from ecocanvas.canvas.model import Usage
from ecocanvas.errors import BudgetExceededError, ConfigError, LLMError, LLMTimeoutError
from ecocanvas.generator.cache import CacheEntry, ResponseCache, cache_key
from ecocanvas.generator.calllog import FILE_NAME, CallLog, CallRecord, CallTag, messages_hash
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

log = get_logger(__name__)

_VALIDATION_CONTEXT: ContextVar[Any] = ContextVar("ecocanvas_validation_context", default=None)


def validation_context() -> Any:
    """The context of the `extract` call validating an answer in this thread (None outside one)."""
    return _VALIDATION_CONTEXT.get()


# litellm prints a "Give Feedback / Get Help" banner with every exception otherwise.
litellm.suppress_debug_info = True

T = TypeVar("T", bound=BaseModel)

_MAX_BACKOFF_S = 10.0
# The completion a request needs at least, as a share of its prompt: extraction answers quote their
# evidence, so they run to a good part of it. A budget that cannot grant this much refuses the call.
COMPLETION_SHARE = 0.5
MIN_COMPLETION_TOKENS = 256
_TRANSIENT_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
# Local servers (llama.cpp, vLLM, Ollama, LM Studio) constrain output to a JSON schema but are
# missing from litellm's model map, which would otherwise steer `auto` away from JSON_SCHEMA.
_LOCAL_PROVIDERS = frozenset({"ollama", "ollama_chat", "lm_studio", "hosted_vllm", "vllm", "llamafile"})
_MODES: dict[str, instructor.Mode] = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}


def usage_of(error: LLMError) -> Usage:
    """What a failed call spent (zero when the error did not come from `LLMClient`)."""
    return error.usage if isinstance(error.usage, Usage) else Usage()


class TokenBudget:
    """A token limit shared by every call of one canvas; `limit=None` only counts.

    A call reserves its estimate before sending and settles to the real figure after. A call
    that would fit once in-flight calls settle waits for them; one that cannot fit even then
    is refused, so the limit holds under concurrency.
    """

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit <= 0:
            raise ConfigError(f"token budget must be positive, got {limit}")
        self.limit = limit
        self._used = 0
        self._reserved = 0
        self._cond = threading.Condition()

    @property
    def used(self) -> int:
        with self._cond:
            return self._used

    @property
    def remaining(self) -> int | None:
        if self.limit is None:
            return None
        with self._cond:
            return max(0, self.limit - self._used - self._reserved)

    def reserve(self, prompt: int, completion: int, needed: int | None = None) -> int:
        """Reserve `prompt` tokens plus up to `completion`; return the completion tokens granted.

        At least `needed` completion tokens must fit (all of `completion` when not given); the grant
        is what remains up to `completion`. A call that would fit once in-flight calls settle waits.
        """
        needed = completion if needed is None else min(needed, completion)
        if self.limit is None:
            return completion
        with self._cond:
            while True:
                if self._used + prompt + needed > self.limit:
                    raise BudgetExceededError(
                        f"token budget: the next call needs about {prompt + needed} tokens "
                        f"({prompt} prompt, {needed} answer), {self.limit - self._used} of {self.limit} remain; "
                        "nothing was sent"
                    )
                free = self.limit - self._used - self._reserved - prompt
                if free >= needed:
                    granted = min(completion, free)
                    self._reserved += prompt + granted
                    return granted
                self._cond.wait()

    def settle(self, reserved: int, actual: int) -> None:
        with self._cond:
            if self.limit is not None:
                self._reserved -= reserved
            self._used += actual
            self._cond.notify_all()


def select_mode(model: str, llm_mode: str) -> instructor.Mode:
    """How to ask for structured output when `llm_mode` is 'auto'.

    JSON_SCHEMA (response_format json_schema) wherever litellm knows the model supports it and
    for local or unknown OpenAI-compatible servers, which constrain decoding to the schema
    (llama.cpp, vLLM, Ollama); litellm also maps it onto Anthropic's and Gemini's own
    structured output. TOOLS for hosted models litellm knows lack json_schema but have function
    calling (e.g. gpt-3.5-turbo), as instructor's docs advise. 'json' and 'md_json' are there for
    servers that support neither; choose them explicitly.
    """
    if llm_mode != "auto":
        try:
            return _MODES[llm_mode]
        except KeyError:
            raise ConfigError(f"unknown llm_mode {llm_mode!r}; use auto or one of {sorted(_MODES)}") from None
    try:
        provider = litellm.get_llm_provider(model)[1]
    except Exception:  # an unknown provider is litellm's error to report at call time
        provider = ""
    if provider in _LOCAL_PROVIDERS or _supports(litellm.supports_response_schema, model):
        return instructor.Mode.JSON_SCHEMA
    if _supports(litellm.supports_function_calling, model):
        return instructor.Mode.TOOLS
    return instructor.Mode.JSON_SCHEMA


def _supports(check: Any, model: str) -> bool:
    try:
        return bool(check(model=model))
    except Exception:  # litellm raises for models missing from its map: treat as "not known to"
        return False


@dataclass
class _CallState:
    """Per-extract counters; each extract gets its own, so concurrent sections never share one."""

    usage: Usage
    transient_retries_left: int
    prompt_version: str = ""
    tag: CallTag | None = None
    rows: list[int | None] | None = None


class LLMClient:
    def __init__(
        self,
        settings: Settings,
        budget: TokenBudget | None = None,
        *,
        max_completion_tokens: int | None = None,
    ) -> None:
        if not settings.model:
            raise ConfigError("no model configured: set --model or ECOCANVAS_MODEL (a litellm model name)")
        self.settings = settings
        self.model: str = settings.model
        self.budget = budget if budget is not None else TokenBudget(None)
        self.max_completion_tokens = max_completion_tokens or settings.max_completion_tokens
        self.mode = select_mode(self.model, settings.llm_mode)
        self.retry_backoff_s = 0.5
        self._cache = ResponseCache(settings.cache_dir / "llm") if settings.cache else None
        self.call_log = (
            CallLog(settings.data_dir / FILE_NAME, store_messages=settings.call_log_messages)
            if settings.call_log
            else None
        )
        # Only for litellm: kept out of instructor's kwargs so its errors can never echo the key.
        self._transport: dict[str, Any] = {
            "timeout": settings.llm_timeout,
            "max_retries": 0,  # the OpenAI SDK would otherwise retry 429/5xx unseen
            "num_retries": 0,
        }
        if settings.api_base:
            self._transport["api_base"] = settings.api_base
        if settings.api_key:
            self._transport["api_key"] = settings.api_key
        if settings.drop_params:
            self._transport["drop_params"] = True

    def extract(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        *,
        prompt_version: str,
        context: Any = None,
        lenient: Any = None,
        tag: CallTag | None = None,
    ) -> tuple[T, Usage]:
        """A validated `response_model` for `messages`, and what it cost.

        `context` is the validation context instructor hands the model's validators on every
        attempt; `lenient`, when given, validates the last answer once more after the re-asks ran
        out, so validators that honour it can drop what is unsupported instead of failing the call.
        """
        key = cache_key(
            model=self.model,
            api_base=self.settings.api_base,
            prompt_version=prompt_version,
            schema=response_model.model_json_schema(),
            messages=messages,
            temperature=self.settings.temperature,
        )
        cached = self._from_cache(key, response_model)
        if cached is not None:
            self._log_cache_hit(messages, prompt_version, tag, cached)
            return cached, Usage(cached_calls=1)

        state = _CallState(
            usage=Usage(), transient_retries_left=self.settings.max_retries, prompt_version=prompt_version, tag=tag
        )
        state.rows = []
        client = instructor.from_litellm(partial(self._send, state), mode=self.mode)
        sent: list[Any] = [dict(m) for m in messages]  # copies: instructor appends re-ask turns
        options: dict[str, Any] = {"max_tokens": self.max_completion_tokens}
        if self.settings.temperature is not None:
            options["temperature"] = self.settings.temperature
        token = _VALIDATION_CONTEXT.set(context)
        try:
            result: T = client.create(
                response_model=response_model,
                messages=sent,
                model=self.model,
                max_retries=self.settings.max_retries,
                **options,
            )
        except InstructorRetryException as exc:
            salvaged = self._salvage(exc, response_model, lenient)
            if salvaged is None:
                self._settle_log(state, "failed", exc)
                raise self._failure(exc, state.usage) from exc
            result = salvaged
            self._settle_log(state, "accepted after re-asks, unsupported entries dropped", exc)
        except Exception as exc:
            self._settle_log(state, "failed", exc)
            raise self._failure(exc, state.usage) from exc
        else:
            self._settle_log(state, "valid", None)
        finally:
            _VALIDATION_CONTEXT.reset(token)

        usage = state.usage
        value = result.model_dump(mode="json", by_alias=True)
        self._to_cache(key, prompt_version, value, usage)
        # Rebuilt from the JSON, as a cache hit is: fresh and cached answers are then identical
        # (no instructor-private attributes, no excluded fields that a later run would not see).
        return response_model.model_validate(value), usage

    # -- one HTTP request per call of this method (instructor calls it once per attempt) --------

    def _send(self, state: _CallState, **kwargs: Any) -> Any:
        prompt_estimate = self._estimate_prompt_tokens(kwargs)
        if kwargs.get("tools"):
            # litellm imports its MCP gateway for any request with tools, which needs the optional
            # `mcp` package; ours are plain function tools. litellm pops this flag (a test checks
            # it never reaches the wire).
            kwargs["_skip_mcp_handler"] = True
        wanted = int(kwargs.get("max_tokens") or self.max_completion_tokens)
        needed = min(wanted, max(MIN_COMPLETION_TOKENS, int(prompt_estimate * COMPLETION_SHARE)))
        while True:
            granted = self.budget.reserve(prompt_estimate, wanted, needed)
            kwargs["max_tokens"] = granted
            reserve = prompt_estimate + granted
            if state.usage.calls:
                state.usage.retries += 1
            state.usage.calls += 1
            started = time.monotonic()
            try:
                response = litellm.completion(**kwargs, **self._transport)
            except BaseException as exc:  # settle even on KeyboardInterrupt: other threads wait on it
                # A timed-out request probably reached the model: its prompt counts, in the budget and the usage.
                spent = prompt_estimate if _is_timeout(exc) else 0
                self.budget.settle(reserve, spent)
                state.usage.prompt_tokens += spent
                self._log_request(state, kwargs, None, started, spent, 0, True, exc)
                if isinstance(exc, Exception) and _is_transient(exc) and state.transient_retries_left > 0:
                    state.transient_retries_left -= 1
                    delay = self._backoff(exc, self.settings.max_retries - state.transient_retries_left)
                    log.warning(
                        "llm_transient_retry",
                        model=self.model,
                        error=type(exc).__name__,
                        delay_s=round(delay, 2),
                    )
                    time.sleep(delay)
                    continue
                raise
            prompt_tokens, completion_tokens, estimated = _reported_tokens(response, prompt_estimate)
            self.budget.settle(reserve, prompt_tokens + completion_tokens)
            self._log_request(state, kwargs, response, started, prompt_tokens, completion_tokens, estimated, None)
            state.usage.prompt_tokens += prompt_tokens
            state.usage.completion_tokens += completion_tokens
            state.usage.cost_usd += self._cost(prompt_tokens, completion_tokens)
            log.info(
                "llm_call",
                model=self.model,
                attempt=state.usage.calls,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                seconds=round(time.monotonic() - started, 3),
            )
            return response

    def _estimate_prompt_tokens(self, kwargs: dict[str, Any]) -> int:
        """Errs high: the schema or tool definitions count too, as hosted APIs bill them."""
        messages = kwargs.get("messages", [])
        try:
            tokens = int(litellm.token_counter(model=self.model, messages=messages))
        except Exception:  # no tokenizer for this model: ~3 characters per token is conservative
            tokens = sum(len(str(m.get("content") or "")) for m in messages) // 3 + 4 * len(messages)
        extras = {k: kwargs[k] for k in ("response_format", "tools", "tool_choice") if k in kwargs}
        if extras:
            tokens += len(json.dumps(extras, ensure_ascii=False)) // 3
        return tokens

    def _backoff(self, exc: Exception, attempt: int) -> float:
        retry_after = _retry_after_seconds(exc)
        delay = retry_after if retry_after is not None else self.retry_backoff_s * 2 ** (attempt - 1)
        return min(_MAX_BACKOFF_S, delay) * random.uniform(1.0, 1.1)

    def _cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        try:
            prompt_cost, completion_cost = litellm.cost_per_token(
                model=self.model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
            )
        except Exception:  # not in litellm's offline cost map (local and custom models): free
            return 0.0
        return float(prompt_cost) + float(completion_cost)

    # -- the lenient last look, and the call log ---------------------------------------------------

    def _salvage(self, exc: InstructorRetryException, response_model: type[T], lenient: Any) -> T | None:
        """The last answer, validated with the lenient context, when re-asks ran out over validation."""
        if lenient is None or not exc.failed_attempts:
            return None
        last = exc.failed_attempts[-1]
        if not isinstance(last.exception, ValidationError):
            return None
        text = _answer_text(last.completion)
        if text is None:
            return None
        try:
            return response_model.model_validate_json(text, context=lenient)
        except ValidationError:
            return None

    def _log_request(
        self,
        state: _CallState,
        kwargs: dict[str, Any],
        response: Any,
        started: float,
        prompt_tokens: int,
        completion_tokens: int,
        estimated: bool,
        error: BaseException | None,
    ) -> None:
        if self.call_log is None or state.rows is None:
            return
        tag = state.tag or CallTag()
        messages = list(kwargs.get("messages", []))
        record = CallRecord(
            run=tag.run,
            call=tag.call,
            attempt=state.usage.calls,
            model=self.model,
            api_base=self.settings.api_base,
            prompt_version=state.prompt_version,
            messages_sha256=messages_hash(messages),
            chunk_ids=tag.chunk_ids,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            tokens_estimated=estimated,
            seconds=round(time.monotonic() - started, 3),
            finish_reason=_finish_reason(response),
            outcome="answered" if error is None else "error",
            error=None if error is None else self._scrub(f"{type(error).__name__}: {_short(error)}"),
            response=_answer_text(response) if response is not None else None,
            messages=messages,
        )
        state.rows.append(self.call_log.add(record))

    def _settle_log(self, state: _CallState, outcome: str, exc: Exception | None) -> None:
        """The final outcome goes on the last request; answers before it were re-asked."""
        if self.call_log is None or not state.rows:
            return
        *earlier, last = state.rows
        for row in earlier:
            self.call_log.set_outcome(row, "re-asked")
        error = None if exc is None else self._scrub(_short(_root_cause(exc)))
        self.call_log.set_outcome(last, outcome, error)

    def _log_cache_hit(
        self, messages: list[dict[str, str]], prompt_version: str, tag: CallTag | None, value: Any
    ) -> None:
        if self.call_log is None:
            return
        tag = tag or CallTag()
        self.call_log.add(
            CallRecord(
                run=tag.run,
                call=tag.call,
                model=self.model,
                api_base=self.settings.api_base,
                prompt_version=prompt_version,
                messages_sha256=messages_hash(messages),
                chunk_ids=tag.chunk_ids,
                outcome="cached",
                response=value.model_dump_json() if isinstance(value, BaseModel) else None,
                messages=list(messages),
            )
        )

    # -- cache -----------------------------------------------------------------------------------

    def _from_cache(self, key: str, response_model: type[T]) -> T | None:
        if self._cache is None:
            return None
        entry = self._cache.get(key)
        if entry is None:
            return None
        try:
            return response_model.model_validate(entry.value)
        except ValidationError:  # the model's validators changed under the same schema: a miss
            return None

    def _to_cache(self, key: str, prompt_version: str, value: dict[str, Any], usage: Usage) -> None:
        if self._cache is None:
            return
        entry = CacheEntry(
            model=self.model,
            prompt_version=prompt_version,
            value=value,
            **usage.model_dump(),
        )
        try:
            self._cache.put(key, entry)
        except OSError as exc:  # a cache that cannot be written must not fail the extraction
            log.warning("llm_cache_write_failed", error=str(exc))

    # -- errors ----------------------------------------------------------------------------------

    def _failure(self, exc: Exception, usage: Usage) -> LLMError:
        cause = _root_cause(exc)
        error: LLMError
        if isinstance(cause, BudgetExceededError):
            error = BudgetExceededError(f"{self.model}: {cause}")
        elif isinstance(cause, openai.APITimeoutError):
            error = LLMTimeoutError(
                f"{self.model}: no answer within {self.settings.llm_timeout:g}s (llm_timeout); not retried"
            )
        elif isinstance(exc, IncompleteOutputException):
            error = LLMError(f"{self.model}: the answer was cut off at {self.max_completion_tokens} completion tokens")
        elif isinstance(exc, InstructorRetryException) and exc.failed_attempts:
            last = exc.failed_attempts[-1].exception
            error = LLMError(
                f"{self.model}: no valid answer after {exc.n_attempts} attempts; last error: "
                f"{self._scrub(_short(last))}"
            )
        else:
            error = LLMError(f"{self.model}: {type(cause).__name__}: {self._scrub(_short(cause))}")
            if isinstance(cause, litellm.exceptions.UnsupportedParamsError) or "unsupported" in str(cause).lower():
                error = LLMError(f"{error} (set ECOCANVAS_DROP_PARAMS=true, or ECOCANVAS_TEMPERATURE= to send none)")
        error.usage = usage
        log.warning("llm_failed", model=self.model, error=str(error), calls=usage.calls)
        return error

    def _scrub(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "***") if key else text


def _root_cause(exc: BaseException) -> BaseException:
    """The first of our own or litellm's errors under instructor's wrapping."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (BudgetExceededError, openai.APIError)):
            return seen
        seen = seen.__cause__
    return exc


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, openai.APITimeoutError)


def _is_transient(exc: BaseException) -> bool:
    if _is_timeout(exc):
        return False
    if isinstance(exc, openai.APIConnectionError):
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(status, int) and status in _TRANSIENT_STATUS


def _retry_after_seconds(exc: BaseException) -> float | None:
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _reported_tokens(response: Any, prompt_estimate: int) -> tuple[int, int, bool]:
    """Token counts as the server reports them, and whether they were estimated instead.

    A server that reports no usage gets zeros from litellm; a prompt of zero tokens was never sent,
    so zero counts as "not reported" and the estimate is booked (an answer's ~3 characters a token).
    """
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    estimated = False
    if not isinstance(prompt, int) or prompt <= 0:
        prompt, estimated = prompt_estimate, True
    text = _answer_text(response) or ""
    if not isinstance(completion, int) or (completion <= 0 and text):
        completion, estimated = len(text) // 3, True
    return prompt, completion, estimated


def _answer_text(response: Any) -> str | None:
    """What the model wrote: the message content, or the arguments of its tool call (TOOLS mode)."""
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        arguments = getattr(getattr(calls[0], "function", None), "arguments", None)
        if isinstance(arguments, str):
            return arguments
    content = getattr(message, "content", None)
    if not isinstance(content, str):
        return None
    fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.S)
    return fenced.group(1) if fenced else content


def _finish_reason(response: Any) -> str | None:
    try:
        reason = response.choices[0].finish_reason
    except (AttributeError, IndexError, TypeError):
        return None
    return str(reason) if reason else None


def _short(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
