"""Prompts are versioned YAML files in `prompts/`, validated on load and rendered with strict variables."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecocanvas.errors import ConfigError

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int = Field(ge=1)
    description: str
    variables: list[str]
    template: str


@cache
def load(name: str) -> PromptFile:
    path = resources.files("ecocanvas.prompts").joinpath(f"{name}.yaml")
    if not path.is_file():
        raise ConfigError(f"prompt '{name}' not found: expected prompts/{name}.yaml")
    try:
        prompt = PromptFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"prompt file prompts/{name}.yaml is invalid: {exc}") from exc
    if prompt.name != name:
        raise ConfigError(f"prompt file prompts/{name}.yaml declares name '{prompt.name}'")
    return prompt


def render(name: str, **variables: str) -> str:
    prompt = load(name)
    missing = sorted(set(prompt.variables) - variables.keys())
    extra = sorted(variables.keys() - set(prompt.variables))
    if missing or extra:
        raise ConfigError(f"prompt '{name}': missing variables {missing}, unexpected {extra}")
    try:
        return _ENV.from_string(prompt.template).render(**variables)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"prompt '{name}' failed to render: {exc}") from exc


def version(names: tuple[str, ...]) -> str:
    """One label for a set of prompts: readable versions plus a hash of their exact text."""
    prompts = [load(n) for n in sorted(names)]
    digest = hashlib.sha256("".join(p.template for p in prompts).encode("utf-8")).hexdigest()[:8]
    return "+".join(f"{p.name}@{p.version}" for p in prompts) + f"#{digest}"
