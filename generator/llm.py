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
- Budget: before each request its tokens are estimated (prompt, schema, plus the completion
  tokens requested) and reserved; a request that cannot fit raises `BudgetExceededError`
  without sending. Reservations make the check hold across threads.
- Cache: a validated answer is stored on disk; the same inputs again make zero requests.
- Every `LLMError` raised here carries `.usage`, what the failed attempts spent.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

import instructor
import litellm
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from ecocanvas.errors import BudgetExceededError, ConfigError, LLMError, LLMTimeoutError
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings
from generator.cache import CacheEntry, ResponseCache, cache_key

log = get_logger(__name__)

# litellm prints a "Give Feedback / Get Help" banner with every exception otherwise.
litellm.suppress_debug_info = True

T = TypeVar("T", bound=BaseModel)

_MAX_BACKOFF_S = 10.0
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


class Usage(BaseModel):
    """What calls cost. A cache hit counts in `cached_calls` only: it spent nothing."""

    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.cached_calls += other.cached_calls
        self.retries += other.retries
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost_usd += other.cost_usd


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

    def reserve(self, tokens: int) -> None:
        if self.limit is None:
            return
        with self._cond:
            while True:
                if self._used + tokens > self.limit:
                    raise BudgetExceededError(
                        f"token budget: the next call needs up to {tokens} tokens, "
                        f"{self.limit - self._used} of {self.limit} remain; nothing was sent"
                    )
                if self._used + self._reserved + tokens <= self.limit:
                    self._reserved += tokens
                    return
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

    def extract(
        self, response_model: type[T], messages: list[dict[str, str]], *, prompt_version: str
    ) -> tuple[T, Usage]:
        key = cache_key(
            model=self.model,
            prompt_version=prompt_version,
            schema=response_model.model_json_schema(),
            messages=messages,
            temperature=self.settings.temperature,
        )
        cached = self._from_cache(key, response_model)
        if cached is not None:
            return cached, Usage(cached_calls=1)

        state = _CallState(usage=Usage(), transient_retries_left=self.settings.max_retries)
        client = instructor.from_litellm(partial(self._send, state), mode=self.mode)
        sent: list[Any] = [dict(m) for m in messages]  # copies: instructor appends re-ask turns
        try:
            result: T = client.create(
                response_model=response_model,
                messages=sent,
                model=self.model,
                temperature=self.settings.temperature,
                max_tokens=self.max_completion_tokens,
                max_retries=self.settings.max_retries,
            )
        except Exception as exc:
            raise self._failure(exc, state.usage) from exc

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
        reserve = prompt_estimate + int(kwargs.get("max_tokens") or self.max_completion_tokens)
        while True:
            self.budget.reserve(reserve)
            if state.usage.calls:
                state.usage.retries += 1
            state.usage.calls += 1
            started = time.monotonic()
            try:
                response = litellm.completion(**kwargs, **self._transport)
            except BaseException as exc:  # settle even on KeyboardInterrupt: other threads wait on it
                # A timed-out request probably reached the model: count its prompt against the budget.
                self.budget.settle(reserve, prompt_estimate if _is_timeout(exc) else 0)
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
            prompt_tokens, completion_tokens = _reported_tokens(response, prompt_estimate)
            self.budget.settle(reserve, prompt_tokens + completion_tokens)
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
            calls=usage.calls,
            retries=usage.retries,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost_usd=usage.cost_usd,
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


def _reported_tokens(response: Any, prompt_estimate: int) -> tuple[int, int]:
    """Token counts as the server reports them; estimated when it reports none."""
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    if not isinstance(prompt, int):
        prompt = prompt_estimate
    if not isinstance(completion, int):
        try:
            content = response.choices[0].message.content or ""
        except (AttributeError, IndexError):
            content = ""
        completion = len(content) // 3
    return prompt, completion


def _short(exc: BaseException, limit: int = 600) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
