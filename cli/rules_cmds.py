"""`ecocanvas check` and `ecocanvas rules`: the rule engine from the command line.

Exit codes of `check`: 0 no open error-severity finding, 1 at least one, 2 unusable input (the
message names the file, the field and the entry; never a traceback).
"""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

import typer
from pydantic import ValidationError

from ecocanvas.canvas.model import Canvas, CanvasResult, Finding, Severity
from ecocanvas.errors import EcocanvasError, InputError
from ecocanvas.rules import carry_over, check, load_policy, registry
from ecocanvas.rules.sarif import to_sarif

_MAX_ERRORS_SHOWN = 5


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class CatalogueFormat(StrEnum):
    text = "text"
    json = "json"


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _entry_id(raw: Any, loc: tuple[int | str, ...]) -> str | None:
    """The id of the innermost entry on the path to the offending field, to tell the person which one."""
    found: str | None = None
    node = raw
    for part in loc:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return found


def _describe(exc: ValidationError, raw: Any) -> str:
    lines = []
    errors = exc.errors()
    for err in errors[:_MAX_ERRORS_SHOWN]:
        loc = tuple(err["loc"])
        entry = _entry_id(raw, loc)
        where = _location(loc) + (f' (entry "{entry}")' if entry else "")
        lines.append(f"  {where}: {err['msg']}")
    if len(errors) > _MAX_ERRORS_SHOWN:
        lines.append(f"  ... and {len(errors) - _MAX_ERRORS_SHOWN} more")
    return "\n".join(lines)


def read_canvas(path: Path) -> tuple[Canvas, list[Finding]]:
    """A bare canvas, or `{"canvas": ..., "findings": [...]}` as `generate` writes it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    if not isinstance(raw, dict):
        raise InputError(f'{path} must hold a JSON object: a canvas, or {{"canvas": ..., "findings": [...]}}')
    try:
        if "canvas" in raw:
            result = CanvasResult.model_validate(raw)
            return result.canvas, result.findings
        return Canvas.model_validate(raw), []
    except ValidationError as exc:
        raise InputError(f"{path} is not a valid canvas:\n{_describe(exc, raw)}") from exc


def _text_report(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        state = f" [dismissed: {f.reason}]" if f.status == "dismissed" and f.reason else ""
        state = state or (" [dismissed]" if f.status == "dismissed" else "")
        lines.append(f"{f.severity.upper():<7} {f.rule} ({f.section}){state}: {f.message}")
        if f.suggestion:
            lines.append(f"        fix: {f.suggestion}")
    open_counts = Counter(f.severity for f in findings if f.status == "open")
    dismissed = sum(f.status == "dismissed" for f in findings)
    plural: dict[Severity, str] = {"error": "errors", "warning": "warnings", "info": "info"}
    summary = ", ".join(f"{open_counts[s]} {plural[s] if open_counts[s] != 1 else s}" for s in plural)
    if not findings:
        lines.append("No findings.")
    else:
        lines.append(f"{len(findings)} findings: {summary} open; {dismissed} dismissed.")
    return "\n".join(lines)


def check_command(
    canvas_file: Path = typer.Argument(..., metavar="CANVAS.json", help="A canvas, or the JSON `generate` writes."),
    policy_file: Path | None = typer.Option(None, "--policy", help="A TOML policy file (see docs/rules.md)."),
    output: CheckFormat = typer.Option(CheckFormat.text, "--format", help="text, json (a list of findings) or sarif."),
) -> None:
    """Check a canvas for gaps; exit 1 when an open finding has severity error."""
    try:
        policy = load_policy(policy_file) if policy_file is not None else None
        canvas, previous = read_canvas(canvas_file)
    except EcocanvasError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    findings = carry_over(check(canvas, policy), previous)
    if output is CheckFormat.json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in findings], indent=2, ensure_ascii=False))
    elif output is CheckFormat.sarif:
        uri = quote(canvas_file.as_posix())  # SARIF wants a URI reference: spaces and the like escaped
        typer.echo(json.dumps(to_sarif(findings, uri), indent=2, ensure_ascii=False))
    else:
        typer.echo(_text_report(findings))
    failed = any(f.severity == "error" and f.status == "open" for f in findings)
    raise typer.Exit(1 if failed else 0)


def rules_command(
    output: CatalogueFormat = typer.Option(CatalogueFormat.text, "--format", help="text or json."),
) -> None:
    """List the rule catalogue: id, severity, section, description."""
    specs = registry()
    if output is CatalogueFormat.json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in specs], indent=2, ensure_ascii=False))
        return
    width = max(len(s.id) for s in specs)
    for s in specs:
        off = " (off by default)" if not s.enabled else ""
        typer.echo(f"{s.id:<{width}}  {s.severity:<7}  {s.section:<15}  {s.description}{off}")


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
    app.command("rules")(rules_command)
