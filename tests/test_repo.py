"""The repository's promises: CI runs the README's test command, the layers hold."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README must open with a bash block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_two_commands_and_ci_runs_the_second_verbatim() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "ecocanvas generate" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_import_layers_hold() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.fail("import-linter is a dev dependency: pip install -e '.[dev]'")
    run = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_shared_generator_stage_is_kept_out_of_the_offline_backend() -> None:
    """A new module in generator/ must join the contract, or it could import the offline backend unchecked."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (shared,) = [c for c in contracts["contracts"] if c.get("forbidden_modules") == ["ecocanvas.generator.offline"]]
    modules = {f"ecocanvas.generator.{p.stem}" for p in (ROOT / "generator").glob("*.py") if p.stem != "__init__"}
    # The pipeline picks a backend, so it is the one module that may import the offline extractor.
    assert set(shared["source_modules"]) == modules - {"ecocanvas.generator.pipeline"}


STAGES = ("cli", "knowledge", "canvas", "rules", "generator", "evals", "api", "prompts")


def test_every_stage_is_imported_as_ecocanvas_stage_and_nothing_else(tmp_path: Path) -> None:
    """The stages keep their root folders but install under one name: `import rules` collides with nobody."""
    links = {p.name: p for p in (ROOT / "ecocanvas").iterdir() if p.is_symlink()}
    assert set(links) == set(STAGES)
    for name, link in links.items():
        assert link.resolve() == (ROOT / name).resolve(), f"ecocanvas/{name} must point at {name}/"
    probe = (
        "import importlib.util, ecocanvas.generator, ecocanvas.cli.app\n"
        "print(ecocanvas.generator.__file__)\n"
        "print([n for n in ('rules', 'api', 'generator', 'knowledge', 'canvas', 'evals', 'prompts', 'cli')"
        " if importlib.util.find_spec(n) is not None])"
    )
    # From outside the checkout, so the current folder does not put the root folders on the path.
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    where, bare = run.stdout.splitlines()
    assert Path(where).resolve() == (ROOT / "generator" / "__init__.py").resolve()
    assert bare == "[]", f"top-level names installed besides ecocanvas: {bare}"


_LOG_LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
# Data, not code: the eval ecosystems (the check set is blind, never read).
_NOT_CODE = {ROOT / "evals" / "check", ROOT / "evals" / "ecosystems"}


def _source_files() -> list[Path]:
    out = []
    for package in ("ecocanvas", *STAGES):
        for folder, dirs, files in os.walk(ROOT / package):
            dirs[:] = [d for d in dirs if Path(folder, d) not in _NOT_CODE]
            out += [Path(folder, f) for f in files if f.endswith(".py")]
    return out


def test_log_events_are_snake_case_names() -> None:
    """One style for event names (`canvas_drafted`, `llm_call`), so a log query can name any of them."""
    events: dict[str, str] = {}
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LOG_LEVELS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "log"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                events[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    assert len(events) > 30  # the walk found the logging calls
    assert {e: at for e, at in events.items() if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", e)} == {}
