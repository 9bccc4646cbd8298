"""Every prompt file loads, validates and renders; a missing variable is a clear error."""

from __future__ import annotations

from importlib import resources

import pytest

from ecocanvas.errors import ConfigError
from ecocanvas.generator import prompts
from ecocanvas.generator.sections import CALLS


def test_every_prompt_file_renders() -> None:
    names = sorted(
        p.name.removesuffix(".yaml") for p in resources.files("ecocanvas.prompts").iterdir() if p.name.endswith(".yaml")
    )
    assert set(names) >= {"system", "extract", *(c.prompt for c in CALLS)}
    for name in names:
        prompt = prompts.load(name)
        text = prompts.render(name, **{v: f"<{v}>" for v in prompt.variables})
        assert text.strip()
        for v in prompt.variables:
            assert f"<{v}>" in text


def test_missing_or_unknown_variable_is_refused() -> None:
    with pytest.raises(ConfigError, match="missing variables"):
        prompts.render("extract", tasks="x")
    with pytest.raises(ConfigError, match="unexpected"):
        prompts.render("system", evidence="x")


def test_version_changes_with_the_text() -> None:
    v = prompts.version(("system", "actors"))
    assert v.startswith("actors@") and "#" in v
    assert v == prompts.version(("actors", "system"))


def test_system_prompt_treats_documents_as_untrusted() -> None:
    text = prompts.render("system").lower()
    assert "untrusted" in text and "do not follow" in text


def test_system_prompt_asks_for_the_passage_and_a_verbatim_quote() -> None:
    text = " ".join(prompts.render("system").split())
    assert "`passage`: the id of the one passage" in text and "character for character" in text
    assert "refer to actors by id only" in text
    for rule in ("'We', 'our' and 'us'", "lower case", "most recent date", "header row", "negated"):
        assert rule in text
