"""Policy files: switch rules off or on, change their severities and their parameters.

```toml
disable = ["capability-overlap"]

[rules.owner-overload]
severity = "error"
share = 0.4            # parameters sit beside `enabled` and `severity`
```

Anything the registry does not know (a rule id, a parameter, a value of the wrong type) is a
`ConfigError` that names it: a typo in a policy must not silently leave a rule at its default.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecocanvas.canvas.model import Severity
from ecocanvas.errors import ConfigError
from ecocanvas.rules.registry import RULES_BY_ID
from ecocanvas.rules.spec import Params, RuleSpec

_OVERRIDE_KEYS = frozenset({"enabled", "severity", "params"})


class RuleOverride(BaseModel):
    """One rule's settings; unset fields keep the rule's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool | None = None
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _flat_params(cls, data: Any) -> Any:
        """Accept parameters written beside `enabled`/`severity`, as the TOML example does."""
        if not isinstance(data, dict):
            return data
        flat = {k: v for k, v in data.items() if k not in _OVERRIDE_KEYS}
        if not flat:
            return data
        nested = data.get("params", {})
        if not isinstance(nested, dict):
            return data
        return {**{k: v for k, v in data.items() if k in _OVERRIDE_KEYS}, "params": {**nested, **flat}}


@dataclass(frozen=True, slots=True)
class ResolvedRule:
    enabled: bool
    severity: Severity
    params: Params


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind} {name!r}{hint}"


class Policy(BaseModel):
    """Which rules run, at which severity, with which parameters. `Policy()` is the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disable: list[str] = Field(default_factory=list, description="Rule ids to switch off.")
    rules: dict[str, RuleOverride] = Field(default_factory=dict, description="Per-rule settings by rule id.")

    @model_validator(mode="after")
    def _check_against_registry(self) -> Policy:
        problems: list[str] = []
        known = list(RULES_BY_ID)
        for rule_id in self.disable:
            if rule_id not in RULES_BY_ID:
                problems.append(_unknown("rule id", rule_id, known) + " in disable")
        for rule_id, override in self.rules.items():
            spec_rule = RULES_BY_ID.get(rule_id)
            if spec_rule is None:
                problems.append(_unknown("rule id", rule_id, known) + " in [rules]")
                continue
            if override.enabled and rule_id in self.disable:
                problems.append(f"rule {rule_id!r} is both in disable and enabled = true")
            params = {p.name: p for p in spec_rule.spec.params}
            for name, value in override.params.items():
                param = params.get(name)
                if param is None:
                    problems.append(_unknown(f"parameter of {rule_id}:", name, list(params)))
                    continue
                try:
                    param.validate_value(value)
                except ValueError as exc:
                    problems.append(f"{rule_id}.{name} {exc}")
        if problems:
            raise ConfigError("invalid policy: " + "; ".join(problems))
        return self

    def resolve(self, spec: RuleSpec) -> ResolvedRule:
        override = self.rules.get(spec.id, RuleOverride())
        enabled = spec.enabled if override.enabled is None else override.enabled
        if spec.id in self.disable:
            enabled = False
        values = spec.defaults()
        by_name = {p.name: p for p in spec.params}
        values.update({k: by_name[k].validate_value(v) for k, v in override.params.items()})
        return ResolvedRule(enabled=enabled, severity=override.severity or spec.severity, params=Params(values))


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_policy(path: str | Path) -> Policy:
    """Read a TOML policy file; every problem is a ConfigError naming the file and the offending key."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read policy file {file}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"policy file {file} is not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"policy file {file}: {details}") from exc
    except ConfigError as exc:
        raise ConfigError(f"policy file {file}: {exc}") from exc
