"""LLMClient over real HTTP: litellm reaches the scripted server as an OpenAI-compatible provider."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import instructor
import litellm
import pytest
from pydantic import BaseModel, Field
from support.scripted_llm import ScriptedLLM

from ecocanvas.canvas.model import Usage
from ecocanvas.errors import ConfigError, LLMError, LLMTimeoutError
from ecocanvas.generator.llm import LLMClient, select_mode, usage_of


class Names(BaseModel):
    names: list[str] = Field(max_length=3)


MESSAGES = [
    {"role": "system", "content": "Extract the organisation names."},
    {"role": "user", "content": "Nordhavn Motors builds buses for the City of Aarhus."},
]


def client_for(server: ScriptedLLM, tmp_path: Path, **overrides: object) -> LLMClient:
    overrides.setdefault("cache", False)
    return LLMClient(server.settings(tmp_path, **overrides))


def test_valid_answer_is_returned_with_its_usage(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["Nordhavn Motors", "City of Aarhus"]}, prompt_tokens=120, completion_tokens=30)

    result, usage = client_for(scripted_llm, tmp_path).extract(Names, MESSAGES, prompt_version="t@1")

    assert result == Names(names=["Nordhavn Motors", "City of Aarhus"])
    assert usage == Usage(calls=1, prompt_tokens=120, completion_tokens=30, cost_usd=0.0)
    [request] = scripted_llm.requests
    assert request.body["model"] == "scripted"
    assert request.messages == MESSAGES
    assert request.headers["Authorization"] == "Bearer test"
    assert request.body["temperature"] == 0.0
    assert request.body["max_tokens"] > 0
    # JSON_SCHEMA mode: the server is asked to constrain its output to the response model's schema.
    assert request.response_format is not None
    assert request.response_format["type"] == "json_schema"
    assert request.response_format["json_schema"]["schema"]["properties"]["names"]["maxItems"] == 3


def test_malformed_json_is_reasked_with_the_error_attached(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text('{"names": ["Nordhavn', prompt_tokens=100, completion_tokens=5)
    scripted_llm.reply_json({"names": ["Nordhavn Motors"]}, prompt_tokens=140, completion_tokens=10)

    result, usage = client_for(scripted_llm, tmp_path).extract(Names, MESSAGES, prompt_version="t@1")

    assert result.names == ["Nordhavn Motors"]
    assert usage == Usage(calls=2, retries=1, prompt_tokens=240, completion_tokens=15)
    first, reask = scripted_llm.requests
    assert first.messages == MESSAGES
    assert reask.messages[: len(MESSAGES)] == MESSAGES
    assert reask.messages[len(MESSAGES)] == {"role": "assistant", "content": '{"names": ["Nordhavn'}
    assert "json_invalid" in reask.last_user_message or "Invalid JSON" in reask.last_user_message


def test_schema_violation_is_reasked_with_the_validation_error(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["a", "b", "c", "d"]})
    scripted_llm.reply_json({"names": ["a", "b", "c"]})

    result, usage = client_for(scripted_llm, tmp_path).extract(Names, MESSAGES, prompt_version="t@1")

    assert result.names == ["a", "b", "c"]
    assert (usage.calls, usage.retries) == (2, 1)
    assert "at most 3 items" in scripted_llm.requests[1].last_user_message


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(429, "rate_limit_error"), (500, "server_error"), (503, "service_unavailable")],
)
def test_transient_error_is_retried_and_counted(
    scripted_llm: ScriptedLLM, tmp_path: Path, status: int, error_type: str
) -> None:
    scripted_llm.reply_error(status, "try again", error_type=error_type, headers={"Retry-After": "0"})
    scripted_llm.reply_json({"names": ["Nordhavn Motors"]}, prompt_tokens=50, completion_tokens=8)
    client = client_for(scripted_llm, tmp_path)
    client.retry_backoff_s = 0.01

    result, usage = client.extract(Names, MESSAGES, prompt_version="t@1")

    assert result.names == ["Nordhavn Motors"]
    # The failed request is a call (it was sent) that cost nothing; the success carries the tokens.
    assert usage == Usage(calls=2, retries=1, prompt_tokens=50, completion_tokens=8)
    first, second = scripted_llm.requests
    assert first.body == second.body


def test_retry_after_is_honoured(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_error(429, "slow down", error_type="rate_limit_error", headers={"Retry-After": "1"})
    scripted_llm.reply_json({"names": []})
    client = client_for(scripted_llm, tmp_path)
    client.retry_backoff_s = 0.01

    client.extract(Names, MESSAGES, prompt_version="t@1")

    first, second = scripted_llm.requests
    assert second.at - first.at >= 0.95


def test_persistent_rate_limit_gives_up_after_max_retries(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for _ in range(2):
        scripted_llm.reply_error(429, "quota", error_type="rate_limit_error", headers={"Retry-After": "0"})
    client = client_for(scripted_llm, tmp_path, max_retries=1)

    with pytest.raises(LLMError, match=r"openai/scripted: RateLimitError") as caught:
        client.extract(Names, MESSAGES, prompt_version="t@1")

    assert len(scripted_llm.requests) == 2
    assert usage_of(caught.value) == Usage(calls=2, retries=1)


def test_exhausted_reasks_raise_llm_error_naming_model_and_last_error(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    secret = "sk-do-not-leak-4711"
    scripted_llm.api_key = secret
    for _ in range(3):
        scripted_llm.reply_text("not json at all", prompt_tokens=10, completion_tokens=4)
    client = client_for(scripted_llm, tmp_path, max_retries=2)

    with pytest.raises(LLMError) as caught:
        client.extract(Names, MESSAGES, prompt_version="t@1")

    message = str(caught.value)
    assert message.startswith("openai/scripted: no valid answer after 3 attempts")
    assert "Invalid JSON" in message or "json_invalid" in message
    assert secret not in message
    assert scripted_llm.requests[0].headers["Authorization"] == f"Bearer {secret}"
    assert usage_of(caught.value) == Usage(calls=3, retries=2, prompt_tokens=30, completion_tokens=12)


def test_timeout_fails_quickly_and_is_not_retried(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": []}, delay_s=30)
    client = client_for(scripted_llm, tmp_path, llm_timeout=0.5, max_retries=2)

    started = time.monotonic()
    with pytest.raises(LLMTimeoutError, match=r"openai/scripted: no answer within 0.5s"):
        client.extract(Names, MESSAGES, prompt_version="t@1")

    assert time.monotonic() - started < 5
    assert len(scripted_llm.requests) == 1


def test_answer_cut_off_at_max_tokens_is_an_llm_error(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text('{"names": ["Nord', finish_reason="length")
    client = LLMClient(scripted_llm.settings(tmp_path, cache=False), max_completion_tokens=64)

    with pytest.raises(LLMError, match=r"cut off at 64 completion tokens"):
        client.extract(Names, MESSAGES, prompt_version="t@1")

    assert scripted_llm.requests[0].body["max_tokens"] == 64


def test_cost_is_summed_over_attempts_from_the_offline_cost_map(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    # A model litellm's bundled cost map prices, served by the scripted server.
    scripted_llm.reply_text("{", prompt_tokens=1000, completion_tokens=200)
    scripted_llm.reply_json({"names": ["x"]}, prompt_tokens=1300, completion_tokens=100)
    client = client_for(scripted_llm, tmp_path, model="openai/gpt-4o-mini")

    _, usage = client.extract(Names, MESSAGES, prompt_version="t@1")

    prompt_cost, completion_cost = litellm.cost_per_token(
        model="openai/gpt-4o-mini", prompt_tokens=2300, completion_tokens=300
    )
    assert (usage.prompt_tokens, usage.completion_tokens) == (2300, 300)
    assert usage.cost_usd > 0
    assert usage.cost_usd == pytest.approx(prompt_cost + completion_cost)


def test_tools_mode_sends_a_tool_and_reads_its_call(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["Nordhavn Motors"]})

    result, _ = client_for(scripted_llm, tmp_path, llm_mode="tools").extract(Names, MESSAGES, prompt_version="t@1")

    assert result.names == ["Nordhavn Motors"]
    [request] = scripted_llm.requests
    assert request.body["tools"][0]["function"]["name"] == "Names"
    assert "response_format" not in request.body
    assert not any(key.startswith("_") for key in request.body)


def test_concurrent_extracts_keep_their_own_counts(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for _ in range(6):
        scripted_llm.reply_json({"names": ["x"]}, prompt_tokens=10, completion_tokens=2)
    client = client_for(scripted_llm, tmp_path)

    def one(i: int) -> Usage:
        messages = [{"role": "user", "content": f"document {i}"}]
        return client.extract(Names, messages, prompt_version="t@1")[1]

    with ThreadPoolExecutor(max_workers=4) as pool:
        usages = list(pool.map(one, range(6)))

    assert usages == [Usage(calls=1, prompt_tokens=10, completion_tokens=2)] * 6
    assert len(scripted_llm.requests) == 6


def test_usage_add_sums_every_counter() -> None:
    total = Usage(calls=1, prompt_tokens=10, completion_tokens=2, cost_usd=0.5)
    total.add(Usage(calls=2, cached_calls=1, retries=1, prompt_tokens=5, completion_tokens=1, cost_usd=0.25))
    assert total == Usage(calls=3, cached_calls=1, retries=1, prompt_tokens=15, completion_tokens=3, cost_usd=0.75)


@pytest.mark.parametrize(
    ("model", "mode"),
    [
        ("openai/gpt-4o-mini", instructor.Mode.JSON_SCHEMA),  # native structured outputs
        ("gpt-3.5-turbo", instructor.Mode.TOOLS),  # hosted, function calling but no json_schema
        ("ollama/llama3.1", instructor.Mode.JSON_SCHEMA),  # local server, constrains to a schema
        ("openai/scripted", instructor.Mode.JSON_SCHEMA),  # unknown OpenAI-compatible server
    ],
)
def test_auto_mode_per_model(model: str, mode: instructor.Mode) -> None:
    assert select_mode(model, "auto") == mode


def test_explicit_mode_wins() -> None:
    assert select_mode("openai/gpt-4o-mini", "md_json") == instructor.Mode.MD_JSON


def test_no_model_is_a_config_error(tmp_path: Path, scripted_llm: ScriptedLLM) -> None:
    with pytest.raises(ConfigError, match="no model configured"):
        LLMClient(scripted_llm.settings(tmp_path, model=None))


def test_a_model_that_refuses_temperature_works_with_drop_params(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    # litellm's bundled model map says gpt-5 takes no temperature 0 while reasoning: without
    # drop_params the call fails before sending, saying how to fix it; with it, the parameter goes.
    with pytest.raises(LLMError, match="ECOCANVAS_DROP_PARAMS=true"):
        client_for(scripted_llm, tmp_path, model="openai/gpt-5").extract(Names, MESSAGES, prompt_version="t@1")
    assert scripted_llm.requests == []

    scripted_llm.reply_json({"names": ["Nordhavn Motors"]})
    client = client_for(scripted_llm, tmp_path, model="openai/gpt-5", drop_params=True)
    result, _ = client.extract(Names, MESSAGES, prompt_version="t@1")
    assert result.names == ["Nordhavn Motors"]
    assert "temperature" not in scripted_llm.requests[0].body


def test_no_temperature_is_sent_when_it_is_unset(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": []})
    client_for(scripted_llm, tmp_path, temperature=None).extract(Names, MESSAGES, prompt_version="t@1")
    assert "temperature" not in scripted_llm.requests[0].body
