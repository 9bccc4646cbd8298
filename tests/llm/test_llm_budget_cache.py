"""Token budget and on-disk response cache, observed from the scripted server's side of the wire."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import BaseModel, Field
from support.scripted_llm import ScriptedLLM

from ecocanvas.canvas.model import Usage
from ecocanvas.errors import BudgetExceededError, ConfigError, LLMError
from ecocanvas.generator.llm import LLMClient, TokenBudget, usage_of


class Names(BaseModel):
    names: list[str] = Field(max_length=3)


MESSAGES = [{"role": "user", "content": "Nordhavn Motors builds buses for the City of Aarhus."}]


def cache_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "cache" / "llm").glob("*/*.json"))


# -- budget ---------------------------------------------------------------------------------------


def test_budget_too_small_for_one_call_sends_nothing(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    # The prompt is ~100 tokens; the least an answer is granted is 256: 300 cannot hold both.
    budget = TokenBudget(300)
    client = LLMClient(scripted_llm.settings(tmp_path), budget, max_completion_tokens=1000)

    with pytest.raises(BudgetExceededError, match="nothing was sent") as caught:
        client.extract(Names, MESSAGES, prompt_version="t@1")

    assert scripted_llm.requests == []
    assert budget.used == 0
    assert budget.remaining == 300
    assert usage_of(caught.value) == Usage()


def test_a_call_that_fits_with_a_realistic_answer_is_sent_with_what_remains(
    scripted_llm: ScriptedLLM, tmp_path: Path
) -> None:
    # Reserving the whole 4,096-token completion would refuse this call; a realistic answer fits,
    # and the request asks the server for no more than the budget leaves, so it cannot overrun.
    scripted_llm.reply_json({"names": ["a"]}, prompt_tokens=100, completion_tokens=20)
    budget = TokenBudget(1000)
    client = LLMClient(scripted_llm.settings(tmp_path, cache=False), budget, max_completion_tokens=4096)

    client.extract(Names, MESSAGES, prompt_version="t@1")

    [request] = scripted_llm.requests
    assert 256 <= request.body["max_tokens"] < 1000
    assert budget.used == 120


def test_a_server_reporting_zero_usage_is_booked_its_estimate(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["Nordhavn Motors"]}, prompt_tokens=0, completion_tokens=0)
    budget = TokenBudget(None)

    _, usage = LLMClient(scripted_llm.settings(tmp_path), budget).extract(Names, MESSAGES, prompt_version="t@1")

    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert budget.used == usage.prompt_tokens + usage.completion_tokens


def test_budget_records_real_usage_then_refuses_the_next_call(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["a"]}, prompt_tokens=500, completion_tokens=300)
    budget = TokenBudget(1000)
    client = LLMClient(scripted_llm.settings(tmp_path, cache=False), budget, max_completion_tokens=300)

    client.extract(Names, MESSAGES, prompt_version="t@1")
    assert budget.used == 800  # what the server reported, not the estimate
    assert budget.remaining == 200

    with pytest.raises(BudgetExceededError):
        client.extract(Names, [{"role": "user", "content": "another document"}], prompt_version="t@1")
    assert len(scripted_llm.requests) == 1


def test_budget_refuses_a_reask_that_would_not_fit(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text("{", prompt_tokens=700, completion_tokens=100)
    budget = TokenBudget(1000)
    client = LLMClient(scripted_llm.settings(tmp_path, max_retries=2), budget, max_completion_tokens=300)

    with pytest.raises(BudgetExceededError) as caught:
        client.extract(Names, MESSAGES, prompt_version="t@1")

    assert len(scripted_llm.requests) == 1
    assert usage_of(caught.value) == Usage(calls=1, prompt_tokens=700, completion_tokens=100)
    assert budget.used == 800


def test_concurrent_calls_never_pass_the_budget(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    for _ in range(6):
        scripted_llm.reply_json({"names": ["a"]}, prompt_tokens=60, completion_tokens=40)
    budget = TokenBudget(300)
    # Each call reserves its prompt estimate (< 100 here) plus 64: two fit one after the other
    # (100 + 164 <= 300), a third never can (200 + 164 > 300), however the threads interleave.
    client = LLMClient(scripted_llm.settings(tmp_path, cache=False), budget, max_completion_tokens=64)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            client.extract(Names, [{"role": "user", "content": f"doc {i}"}], prompt_version="t@1")
            result = "ok"
        except BudgetExceededError:
            result = "refused"
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(one, range(6)))

    assert sorted(outcomes) == ["ok", "ok", "refused", "refused", "refused", "refused"]
    assert len(scripted_llm.requests) == 2
    assert budget.used == 200 <= 300
    scripted_llm.reset()  # four replies were never meant to be played


def test_unlimited_budget_still_counts(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": []}, prompt_tokens=30, completion_tokens=5)
    budget = TokenBudget(None)

    LLMClient(scripted_llm.settings(tmp_path), budget).extract(Names, MESSAGES, prompt_version="t@1")

    assert (budget.used, budget.remaining) == (35, None)


def test_budget_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        TokenBudget(0)


# -- cache ----------------------------------------------------------------------------------------


def test_rerun_with_same_inputs_is_served_from_cache(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["Nordhavn Motors"]}, prompt_tokens=90, completion_tokens=9)
    settings = scripted_llm.settings(tmp_path)

    first, first_usage = LLMClient(settings).extract(Names, MESSAGES, prompt_version="t@1")
    assert first_usage.calls == 1
    assert len(scripted_llm.requests) == 1

    # A new client, as in a new run: nothing is sent, the answer is the same.
    second, second_usage = LLMClient(settings).extract(Names, MESSAGES, prompt_version="t@1")
    assert second == first
    assert second_usage == Usage(cached_calls=1)
    assert len(scripted_llm.requests) == 1

    [entry] = cache_files(tmp_path)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert stored["value"] == {"names": ["Nordhavn Motors"]}
    assert (stored["calls"], stored["prompt_tokens"], stored["completion_tokens"]) == (1, 90, 9)


@pytest.mark.parametrize(
    "change",
    ["prompt_version", "messages", "model", "temperature", "schema", "api_base"],
)
def test_any_input_change_misses_the_cache(scripted_llm: ScriptedLLM, tmp_path: Path, change: str) -> None:
    class Other(BaseModel):
        names: list[str] = Field(max_length=4)

    scripted_llm.reply_json({"names": ["a"]})
    scripted_llm.reply_json({"names": ["a"]})
    LLMClient(scripted_llm.settings(tmp_path)).extract(Names, MESSAGES, prompt_version="t@1")

    changed_settings: dict[str, dict[str, object]] = {
        "model": {"model": "openai/scripted-2"},
        "temperature": {"temperature": 0.5},
        # The same server under another address: to the cache, another model.
        "api_base": {"api_base": scripted_llm.api_base.replace("127.0.0.1", "localhost")},
    }
    overrides = changed_settings.get(change, {})
    client = LLMClient(scripted_llm.settings(tmp_path, **overrides))
    model: type[BaseModel] = Other if change == "schema" else Names
    messages = [{"role": "user", "content": "changed"}] if change == "messages" else MESSAGES
    version = "t@2" if change == "prompt_version" else "t@1"
    _, usage = client.extract(model, messages, prompt_version=version)

    assert usage.calls == 1
    assert len(scripted_llm.requests) == 2
    assert len(cache_files(tmp_path)) == 2


def test_corrupt_cache_entry_is_ignored_and_overwritten(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["a"]})
    scripted_llm.reply_json({"names": ["b"]})
    settings = scripted_llm.settings(tmp_path)
    LLMClient(settings).extract(Names, MESSAGES, prompt_version="t@1")
    [entry] = cache_files(tmp_path)
    entry.write_text('{"format": 1, "value": {"names": [', encoding="utf-8")

    result, usage = LLMClient(settings).extract(Names, MESSAGES, prompt_version="t@1")

    assert result.names == ["b"]
    assert usage.calls == 1
    assert json.loads(entry.read_text(encoding="utf-8"))["value"] == {"names": ["b"]}
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no temp files left behind


def test_failed_call_is_not_cached(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_text("nope")
    settings = scripted_llm.settings(tmp_path, max_retries=0)

    with pytest.raises(LLMError):
        LLMClient(settings).extract(Names, MESSAGES, prompt_version="t@1")

    assert cache_files(tmp_path) == []


def test_cache_disabled_always_sends(scripted_llm: ScriptedLLM, tmp_path: Path) -> None:
    scripted_llm.reply_json({"names": ["a"]})
    scripted_llm.reply_json({"names": ["a"]})
    client = LLMClient(scripted_llm.settings(tmp_path, cache=False))

    client.extract(Names, MESSAGES, prompt_version="t@1")
    client.extract(Names, MESSAGES, prompt_version="t@1")

    assert len(scripted_llm.requests) == 2
    assert cache_files(tmp_path) == []
