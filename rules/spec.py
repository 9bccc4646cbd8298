"""What a rule is: its spec (id, severity, section, principle, parameters) and its pure check function.

A rule function reads a `CanvasIndex` and yields `Gap`s; the engine turns gaps into `Finding`s
(stable id, severity from the policy), so rule modules never deal with ids or ordering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from ecocanvas.canvas.model import SectionName, Severity

if TYPE_CHECKING:
    from ecocanvas.rules.index import CanvasIndex

ParamValue = bool | int | float | str | list[str]
# Optional inputs beside the canvas a rule may read (`rules.check(..., partners=...)`); without them it finds nothing.
RuleInput = Literal["partners"]
SeedId = Literal["000", "001", "002", "003", "004", "contract"]

# The seeds in shared/seeds/ and the contract, named so a principle can point at them.
SEEDS: dict[SeedId, str] = {
    "000": "Execution canvas for ecosystem coordinators: seven steps, do's and don'ts",
    "001": "Healthy ecosystem: common success factors",
    "002": "Ecosystem operations: best practices and pitfalls",
    "003": "Ecosystem orchestration: governance, rule-setting, disputes",
    "004": "The TEMPO of ecosystem orchestration",
    "contract": "The canvas interchange format (contract v1)",
}

SEVERITY_RANK: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Principle(_Spec):
    """Why the rule exists: which seed and what it says (quoted or closely paraphrased)."""

    seed: SeedId
    says: str = Field(min_length=1)

    @property
    def source(self) -> str:
        return SEEDS[self.seed]


class ParamSpec(_Spec):
    """A tunable threshold; the default's type is the parameter's type."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    default: ParamValue
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = Field(None, description="Allowed values of a list parameter's items.")

    def validate_value(self, value: object) -> ParamValue:
        """The value coerced to the parameter's type; ValueError says what is wrong."""
        checked = self._typed(value)
        if isinstance(checked, int | float) and not isinstance(checked, bool):
            if self.minimum is not None and checked < self.minimum:
                raise ValueError(f"must be >= {self.minimum}, got {checked}")
            if self.maximum is not None and checked > self.maximum:
                raise ValueError(f"must be <= {self.maximum}, got {checked}")
        if isinstance(checked, list) and self.choices is not None:
            bad = [v for v in checked if v not in self.choices]
            if bad:
                raise ValueError(f"unknown value(s) {bad}; allowed: {list(self.choices)}")
        return checked

    def _typed(self, value: object) -> ParamValue:
        default = self.default
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            raise ValueError(f"must be true or false, got {value!r}")
        if isinstance(default, int):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise ValueError(f"must be an integer, got {value!r}")
        if isinstance(default, float):
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            raise ValueError(f"must be a number, got {value!r}")
        if isinstance(default, str):
            if isinstance(value, str):
                return value
            raise ValueError(f"must be a string, got {value!r}")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [str(v) for v in value]
        raise ValueError(f"must be a list of strings, got {value!r}")


class RuleSpec(_Spec):
    """The catalogue entry of a rule: everything but its function."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    severity: Severity
    section: SectionName | Literal["any"] = Field(
        description="The section the rule concerns; `any` when each finding takes its entry's section."
    )
    description: str
    principle: Principle
    params: tuple[ParamSpec, ...] = ()
    enabled: bool = Field(True, description="Whether the rule runs when no policy says otherwise.")
    inputs: tuple[RuleInput, ...] = Field(
        (), description="Optional inputs beside the canvas the rule reads; without them it finds nothing."
    )

    def defaults(self) -> dict[str, ParamValue]:
        return {p.name: p.default for p in self.params}


class Params:
    """A rule's resolved parameters with typed accessors, so rule code stays mypy-strict."""

    def __init__(self, values: Mapping[str, ParamValue]) -> None:
        self._values = dict(values)

    def number(self, name: str) -> float:
        value = self._values[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"parameter {name} is not a number")
        return float(value)

    def integer(self, name: str) -> int:
        value = self._values[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"parameter {name} is not an integer")
        return value

    def flag(self, name: str) -> bool:
        value = self._values[name]
        if not isinstance(value, bool):
            raise TypeError(f"parameter {name} is not a boolean")
        return value

    def strings(self, name: str) -> frozenset[str]:
        value = self._values[name]
        if not isinstance(value, list):
            raise TypeError(f"parameter {name} is not a list")
        return frozenset(value)

    def as_dict(self) -> dict[str, ParamValue]:
        return dict(self._values)


@dataclass(frozen=True, slots=True)
class Gap:
    """One gap a rule found, before the engine gives it an id and a severity.

    `key` distinguishes two gaps of one rule on the same subjects (e.g. two unknown ids referenced
    by one entry); `severity_cap` lowers the rule's severity for this finding only.
    """

    subjects: tuple[str, ...]
    message: str
    suggestion: str
    section: SectionName | None = None
    key: tuple[str, ...] = ()
    severity_cap: Severity | None = None


CheckFunction = Callable[["CanvasIndex", Params], Iterable[Gap]]


@dataclass(frozen=True, slots=True)
class Rule:
    spec: RuleSpec
    func: CheckFunction

    @property
    def id(self) -> str:
        return self.spec.id

    def run(self, index: CanvasIndex, params: Params) -> Iterator[Gap]:
        yield from self.func(index, params)


def rule(spec: RuleSpec) -> Callable[[CheckFunction], Rule]:
    """Attach a spec to a check function: `@rule(RuleSpec(...))` above `def f(ix, params)`."""

    def wrap(func: CheckFunction) -> Rule:
        return Rule(spec=spec, func=func)

    return wrap
