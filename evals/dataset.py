"""An evaluation dataset: one folder per ecosystem holding `docs/` (the inputs) and `gold.json`.

The gold format is fixed by issue 5 and documented in docs/evals.md; other datasets in the same
shape run with the same command, so loading is strict about types and lenient about nothing
else. `lint` checks what a schema cannot: that names resolve and that each gold entry satisfies
its own keywords (otherwise even a perfect draft could not score on it).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecocanvas.canvas.model import MECHANISM_KINDS, ActorKind, ExchangeKind, MechanismKind
from ecocanvas.errors import InputError
from ecocanvas.evals.matching import ONE_HALF, TWO_THIRDS, has_keywords, name_variants

GOLD_FILE = "gold.json"
DOCS_DIR = "docs"
# Subjects of findings about a section-wide absence rather than one entry.
REVIEW_CADENCE_SUBJECT = "review_cadence"


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldActor(_Gold):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    kind: ActorKind

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class GoldActivity(_Gold):
    name: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    owner: str | None = None
    supporters: list[str] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)


class GoldExchange(_Gold):
    provider: str
    receiver: str
    value: str
    keywords: list[str] = Field(min_length=1)
    kind: ExchangeKind

    @property
    def label(self) -> str:
        return f"{self.provider} → {self.receiver}: {self.value}"


class GoldMechanism(_Gold):
    kind: MechanismKind
    keywords: list[str] = Field(min_length=1)
    description: str


class GoldMetric(_Gold):
    name: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    owner: str | None = None
    target: str | None = None


class ExpectedFinding(_Gold):
    rule: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    subject: str = Field(min_length=1)
    why: str = ""

    @property
    def label(self) -> str:
        return f"{self.rule}: {self.subject}"


# What a must_not_appear entry names: an actor by name, any other entry by keywords as gold entries are.
ForbiddenType = Literal["actor", "activity", "value_exchange", "metric", "mechanism"]


class Forbidden(_Gold):
    type: ForbiddenType
    name: str = Field(min_length=1, description="The actor's name, or the entry's name, value or description.")
    keywords: list[str] = Field(
        default_factory=list, description="For other types than actor: as the gold entries of that section have."
    )
    why: str = ""

    @model_validator(mode="after")
    def _keywords(self) -> Forbidden:
        if (self.type == "actor") == bool(self.keywords):
            raise ValueError("an actor is forbidden by name (no keywords); any other entry needs keywords")
        return self

    @property
    def share(self) -> Fraction:
        """How many of the keywords an entry must hold to be the forbidden one (as for gold entries)."""
        return ONE_HALF if self.type in ("value_exchange", "mechanism") else TWO_THIRDS


class Gold(_Gold):
    """What a careful person would draft from the ecosystem's documents."""

    title: str
    actors: list[GoldActor] = Field(default_factory=list)
    activities: list[GoldActivity] = Field(default_factory=list)
    value_exchanges: list[GoldExchange] = Field(default_factory=list)
    governance: list[GoldMechanism] = Field(default_factory=list)
    metrics: list[GoldMetric] = Field(default_factory=list)
    review_cadence: str | None = None
    expected_findings: list[ExpectedFinding] = Field(default_factory=list)
    must_not_appear: list[Forbidden] = Field(default_factory=list)

    def actor_named(self, name: str) -> GoldActor | None:
        """The gold actor one of whose names or aliases is `name` (under `name_variants`)."""
        wanted = name_variants(name)
        return next((a for a in self.actors if not wanted.isdisjoint(name_variants(*a.names))), None)


class Ecosystem(BaseModel):
    """One folder of the dataset: its name is the folder's name."""

    name: str
    path: Path
    documents: list[Path]
    gold: Gold


def default_dataset_dir() -> Path:
    """The example ecosystems shipped inside the `evals` package: the tuning set."""
    return Path(__file__).resolve().parent / "ecosystems"


def check_dataset_dir() -> Path:
    """The check set: ecosystems written by people who never saw the extractor, never tuned on."""
    return Path(__file__).resolve().parent / "check"


# The bundled sets `ecocanvas eval` runs side by side when no --dataset is given.
BUNDLED_SETS: dict[str, Path] = {"tuning": default_dataset_dir(), "check": check_dataset_dir()}


def load_ecosystem(folder: Path) -> Ecosystem:
    gold_path = folder / GOLD_FILE
    try:
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{folder} has no {GOLD_FILE}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{gold_path} is not valid JSON: {exc}") from exc
    try:
        gold = Gold.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError(f"{gold_path} does not follow the gold format: {problems}") from exc
    docs_dir = folder / DOCS_DIR
    documents = (
        sorted(p for p in docs_dir.iterdir() if p.is_file() and not p.name.startswith(".")) if docs_dir.is_dir() else []
    )
    if not documents:
        raise InputError(f"{folder} has no documents in {DOCS_DIR}/")
    return Ecosystem(name=folder.name, path=folder, documents=documents, gold=gold)


def load_dataset(folder: Path, names: list[str] | None = None) -> list[Ecosystem]:
    """Every ecosystem under `folder` (or `folder` itself when it holds a gold.json), by name."""
    if not folder.is_dir():
        raise InputError(f"dataset {folder} is not a folder")
    if (folder / GOLD_FILE).is_file():
        folders = [folder]
    else:
        folders = sorted(p for p in folder.iterdir() if (p / GOLD_FILE).is_file())
    if names:
        known = {p.name for p in folders}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError(f"no ecosystem named {', '.join(unknown)} in {folder} (have: {', '.join(sorted(known))})")
        folders = [p for p in folders if p.name in names]
    if not folders:
        raise InputError(f"dataset {folder} holds no ecosystem (a folder with docs/ and {GOLD_FILE})")
    return [load_ecosystem(p) for p in folders]


def is_section_subject(subject: str) -> bool:
    """A subject naming a missing mechanism kind or the review cadence, not one entry."""
    key = subject.strip().lower().replace(" ", "_").replace("-", "_")
    return key == REVIEW_CADENCE_SUBJECT or key in MECHANISM_KINDS


def lint(gold: Gold) -> list[str]:
    """Problems a person should fix in the gold; an empty list means it is consistent."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for actor in gold.actors:
        for variant in name_variants(*actor.names):
            other = seen.setdefault(variant, actor.name)
            if other != actor.name:
                problems.append(f"actors {other!r} and {actor.name!r} share the name {variant!r}")

    def resolve(name: str | None, where: str) -> None:
        if name is not None and gold.actor_named(name) is None:
            problems.append(f"{where} names {name!r}, which is not a gold actor or alias")

    for act in gold.activities:
        resolve(act.owner, f"activity {act.name!r} owner")
        for n in [*act.supporters, *act.approvers]:
            resolve(n, f"activity {act.name!r}")
        if not has_keywords(act.keywords, act.name, TWO_THIRDS):
            problems.append(f"activity {act.name!r} does not contain 2/3 of its keywords {act.keywords}")
    for ex in gold.value_exchanges:
        resolve(ex.provider, f"exchange {ex.value!r} provider")
        resolve(ex.receiver, f"exchange {ex.value!r} receiver")
        if not has_keywords(ex.keywords, ex.value, ONE_HALF):
            problems.append(f"exchange value {ex.value!r} does not contain half of its keywords {ex.keywords}")
    for mech in gold.governance:
        if not has_keywords(mech.keywords, mech.description, ONE_HALF):
            problems.append(f"{mech.kind} {mech.description!r} does not contain half of its keywords {mech.keywords}")
    for metric in gold.metrics:
        resolve(metric.owner, f"metric {metric.name!r} owner")
        if not has_keywords(metric.keywords, metric.name, TWO_THIRDS):
            problems.append(f"metric {metric.name!r} does not contain 2/3 of its keywords {metric.keywords}")
    for bad in gold.must_not_appear:
        if bad.type == "actor" and gold.actor_named(bad.name) is not None:
            problems.append(f"must_not_appear {bad.name!r} is also a gold actor")
        elif bad.type != "actor" and not has_keywords(bad.keywords, bad.name, bad.share):
            problems.append(f"must_not_appear {bad.name!r} does not contain enough of its keywords {bad.keywords}")
        elif any(has_keywords(bad.keywords, label, bad.share) for label in gold_labels(gold, bad.type)):
            problems.append(f"must_not_appear {bad.type} {bad.name!r} is also a gold entry")
    for finding in gold.expected_findings:
        if not is_section_subject(finding.subject) and not _names_gold_entry(gold, finding.subject):
            problems.append(f"expected finding {finding.label!r} names no gold entry")
    return problems


def gold_labels(gold: Gold, kind: ForbiddenType) -> list[str]:
    """The texts a section's keywords are matched in: names, exchange values or mechanism descriptions."""
    if kind == "activity":
        return [a.name for a in gold.activities]
    if kind == "metric":
        return [m.name for m in gold.metrics]
    if kind == "value_exchange":
        return [e.value for e in gold.value_exchanges]
    if kind == "mechanism":
        return [m.description for m in gold.governance]
    return []


def _names_gold_entry(gold: Gold, subject: str) -> bool:
    key = name_variants(subject)
    labels = [
        *(a.name for a in gold.activities),
        *(m.name for m in gold.metrics),
        *(e.value for e in gold.value_exchanges),
        *(m.description for m in gold.governance),
    ]
    return gold.actor_named(subject) is not None or any(not key.isdisjoint(name_variants(t)) for t in labels)
