"""Loading datasets in the gold format, and the lint that keeps gold consistent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_builders import DOCUMENT, GOLD, TEXT, canvas_from_gold

from ecocanvas.errors import InputError
from ecocanvas.evals.dataset import Gold, default_dataset_dir, lint, load_dataset, load_ecosystem
from ecocanvas.evals.scorer import score
from ecocanvas.evals.scores import HEADLINE_METRICS


def _ecosystem(root: Path, name: str, gold: dict[str, object] | None = None) -> Path:
    folder = root / name
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "memo.md").write_text(TEXT, encoding="utf-8")
    (folder / "docs" / ".DS_Store").write_bytes(b"\0")
    (folder / "gold.json").write_text(json.dumps(gold or GOLD.model_dump()), encoding="utf-8")
    return folder


def test_a_dataset_is_every_folder_with_a_gold_file_in_name_order(tmp_path: Path) -> None:
    _ecosystem(tmp_path, "zeta")
    _ecosystem(tmp_path, "alpha")
    (tmp_path / "notes").mkdir()
    ecosystems = load_dataset(tmp_path)
    assert [e.name for e in ecosystems] == ["alpha", "zeta"]
    assert [d.name for d in ecosystems[0].documents] == ["memo.md"]  # hidden files are not documents
    assert ecosystems[0].gold == GOLD
    assert [e.name for e in load_dataset(tmp_path, ["zeta"])] == ["zeta"]
    assert [e.name for e in load_dataset(tmp_path / "alpha")] == ["alpha"]


def test_unknown_names_and_empty_datasets_are_input_errors(tmp_path: Path) -> None:
    _ecosystem(tmp_path, "alpha")
    with pytest.raises(InputError, match="no ecosystem named beta"):
        load_dataset(tmp_path, ["beta"])
    with pytest.raises(InputError, match="holds no ecosystem"):
        load_dataset(tmp_path / "alpha" / "docs")
    with pytest.raises(InputError, match="not a folder"):
        load_dataset(tmp_path / "missing")


def test_gold_that_breaks_the_format_names_the_file_and_field(tmp_path: Path) -> None:
    raw = GOLD.model_dump()
    raw["actors"][0]["alias"] = ["typo for aliases"]
    folder = _ecosystem(tmp_path, "typo", raw)
    with pytest.raises(InputError, match=r"typo[/\\]gold.json .*actors.0.alias: Extra inputs"):
        load_ecosystem(folder)
    (folder / "gold.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_ecosystem(folder)


def test_an_ecosystem_without_documents_is_refused(tmp_path: Path) -> None:
    folder = _ecosystem(tmp_path, "nodocs")
    (folder / "docs" / "memo.md").unlink()
    with pytest.raises(InputError, match="no documents"):
        load_ecosystem(folder)


def test_lint_accepts_consistent_gold_and_names_each_problem() -> None:
    assert lint(GOLD) == []
    raw = GOLD.model_dump()
    raw["activities"][0]["owner"] = "Somebody Else"
    raw["metrics"][0]["keywords"] = ["availability", "percent"]
    raw["must_not_appear"].append({"type": "actor", "name": "NHM", "why": "clash"})
    raw["expected_findings"].append({"rule": "unowned-activity", "subject": "Nothing like it", "why": ""})
    raw["actors"].append({"name": "NHM Group", "aliases": ["NHM"], "kind": "partner"})
    problems = lint(Gold.model_validate(raw))
    assert any("'Somebody Else'" in p for p in problems)
    assert any("metric 'Charger uptime'" in p for p in problems)
    assert any("must_not_appear 'NHM'" in p for p in problems)
    assert any("'unowned-activity: Nothing like it'" in p for p in problems)
    assert any("share the name 'nhm'" in p for p in problems)


def test_every_bundled_ecosystem_loads_and_its_gold_is_consistent() -> None:
    folder = default_dataset_dir()
    # The examples are committed: none found is a broken checkout, not a reason to skip.
    assert any(folder.glob("*/gold.json")), f"no example ecosystems under {folder}"
    problems: dict[str, list[str]] = {}
    for ecosystem in load_dataset(folder):
        found = lint(ecosystem.gold)
        # (the writers' brief asks for 4-7 documents)
        if not 4 <= len(ecosystem.documents) <= 7:
            found.append(f"{len(ecosystem.documents)} documents (expected 4-7)")
        # The scorer can reach 1.0 on this gold: every name resolves, every subject is findable.
        perfect = score(ecosystem.gold, canvas_from_gold(ecosystem.gold), [DOCUMENT])
        found += [
            f"a perfect canvas scores {m} = {perfect.scores[m]}" for m in HEADLINE_METRICS if perfect.scores[m] != 1
        ]
        if found:
            problems[ecosystem.name] = found
    assert problems == {}
