"""Settings sources: explicit arguments over `ECOCANVAS_*` variables over the TOML file over defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ecocanvas.errors import ConfigError
from ecocanvas.settings import load_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The path of a config file no other setting of the shell can shadow."""
    for name in [n for n in os.environ if n.startswith("ECOCANVAS_")]:
        monkeypatch.delenv(name)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("ECOCANVAS_CONFIG", str(path))
    return path


def test_no_file_gives_the_defaults(config: Path) -> None:
    settings = load_settings()
    assert (settings.chunk_chars, settings.workspace, settings.model) == (1200, "default", None)


def test_the_file_sets_what_it_names_and_ignores_unknown_keys(config: Path) -> None:
    config.write_text('chunk_chars = 900\nworkspace = "acme"\nnot_a_setting = 1\n', encoding="utf-8")
    settings = load_settings()
    assert (settings.chunk_chars, settings.workspace, settings.concurrency) == (900, "acme", 4)


def test_environment_over_file_and_arguments_over_both(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text('chunk_chars = 900\nworkspace = "acme"\nevidence_k = 5\n', encoding="utf-8")
    monkeypatch.setenv("ECOCANVAS_CHUNK_CHARS", "1500")
    monkeypatch.setenv("ECOCANVAS_WORKSPACE", "from-env")
    settings = load_settings(workspace="from-flag", evidence_k=None)
    assert (settings.chunk_chars, settings.workspace, settings.evidence_k) == (1500, "from-flag", 5)


@pytest.mark.parametrize("content", [b"chunk_chars = \n", b"[unclosed\n", b'workspace = "\xff"\n'])
def test_a_broken_file_is_a_config_error_naming_it(config: Path, content: bytes) -> None:
    config.write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(f"config file {config} is not valid TOML")):
        load_settings()


def test_a_bad_value_in_the_file_is_a_config_error(config: Path) -> None:
    config.write_text("chunk_chars = 10\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid settings"):
        load_settings()
