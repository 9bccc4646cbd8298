"""A real model behind a real OpenAI-compatible server: SmolLM2-135M served by llama.cpp (xllamacpp).

The content is poor and irrelevant here; what must hold is the plumbing: litellm reaches the
server, the JSON schema constrains decoding, and LLMClient returns a schema-valid object with
real token counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, Field
from support.llama_server import LLAMA_MODEL

from ecocanvas.generator.llm import LLMClient
from ecocanvas.settings import Settings


class Partner(BaseModel):
    name: str = Field(max_length=60)
    role: str = Field(max_length=60)


class Partners(BaseModel):
    partners: list[Partner] = Field(max_length=3)


MESSAGES = [
    {"role": "system", "content": "You extract the organisations named in a text and their roles, as JSON."},
    {
        "role": "user",
        "content": "Nordhavn Motors builds electric buses. The City of Aarhus buys them and runs the depots.",
    },
]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_small_model_returns_a_schema_valid_object(llama_server: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        model=LLAMA_MODEL,
        api_base=llama_server,
        api_key="none",
        llm_timeout=60,
        max_retries=2,
    )
    client = LLMClient(settings, max_completion_tokens=256)

    result, usage = client.extract(Partners, MESSAGES, prompt_version="smoke@1")

    assert isinstance(result, Partners)
    assert len(result.partners) <= 3
    assert usage.calls >= 1
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    assert usage.cost_usd == 0.0

    # The second run is answered from the on-disk cache without touching the server.
    again, cached = LLMClient(settings, max_completion_tokens=256).extract(Partners, MESSAGES, prompt_version="smoke@1")
    assert again == result
    assert (cached.calls, cached.cached_calls) == (0, 1)
