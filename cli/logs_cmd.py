"""`ecocanvas logs` and `ecocanvas logs show ID`: the LLM call log (`generator/calllog.py`), as `llm logs` shows one.

The list is one line per request, newest first; `show` prints one request in full: its fields, the
messages when the log kept them (`ECOCANVAS_CALL_LOG_MESSAGES=true`) and the model's answer.
`--json` prints the same records as JSON. Keys are never in the log; as a second line of defence the
configured key and any password in the server address are masked in whatever is printed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecocanvas.errors import InputError
from ecocanvas.generator.calllog import FILE_NAME, CallLog, CallRecord
from ecocanvas.settings import Settings, load_settings

_MASK = "***"


def register(app: typer.Typer) -> None:
    logs = typer.Typer(
        help="The log of every LLM request: `ecocanvas logs` lists them, `ecocanvas logs show ID` shows one.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    logs.callback()(list_logs)
    logs.command("show")(show_log)
    app.add_typer(logs, name="logs")


def list_logs(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many requests, newest first."),
    run: str | None = typer.Option(None, "--run", help="Only the requests of one canvas run (GeneratorInfo.run)."),
    as_json: bool = typer.Option(False, "--json", help="Print the records as a JSON list."),
) -> None:
    """List the newest LLM requests: when, which run and call, model, outcome, tokens, seconds."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings()
    records = _log(settings).recent(limit=limit, run=run)
    if as_json:
        typer.echo(_redact(json.dumps([_public(r) for r in records], indent=2, ensure_ascii=False), settings))
        return
    console = Console()
    if not console.is_terminal:
        # Piped or captured output has no width to respect; rich would otherwise assume 80 and squeeze.
        console = Console(width=160)
    if not records:
        console.print(_empty_note(settings))
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("id", "at", "run", "call", "try", "model", "outcome", "prompt", "completion", "s"):
        numeric = column in {"id", "try", "prompt", "completion", "s"}
        table.add_column(column, justify="right" if numeric else "left")
    for r in records:
        estimated = "~" if r.tokens_estimated else ""
        table.add_row(
            str(r.id),
            r.at.replace("T", " ")[:19],
            r.run,
            r.call,
            str(r.attempt),
            escape(_redact(r.model, settings)),
            r.outcome,
            f"{estimated}{r.prompt_tokens}",
            f"{estimated}{r.completion_tokens}",
            f"{r.seconds:.2f}",
        )
    console.print(table)
    console.print("~ estimated: the server reported no usage. `ecocanvas logs show ID` shows one request.")


def show_log(
    row_id: int = typer.Argument(..., metavar="ID", help="A request's id, as `ecocanvas logs` lists it."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Show one LLM request in full: its fields, its messages (when kept) and the model's answer."""
    settings = load_settings()
    record = _log(settings).get(row_id)
    if record is None:
        raise InputError(f"no request {row_id} in the call log ({settings.data_dir / FILE_NAME})")
    if as_json:
        typer.echo(_redact(json.dumps(_public(record), indent=2, ensure_ascii=False), settings))
        return
    typer.echo(_redact(_markdown(record), settings))


def _log(settings: Settings) -> CallLog:
    return CallLog(settings.data_dir / FILE_NAME)


def _empty_note(settings: Settings) -> str:
    if not settings.call_log:
        return "The call log is off (ECOCANVAS_CALL_LOG=false): no request is recorded."
    return f"No LLM request recorded in {settings.data_dir / FILE_NAME}."


def _public(record: CallRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _markdown(r: CallRecord) -> str:
    tokens = f"{r.prompt_tokens} prompt, {r.completion_tokens} completion"
    if r.tokens_estimated:
        tokens += " (estimated: the server reported none)"
    lines = [
        f"# {r.id}: {r.call or 'call'} attempt {r.attempt}, {r.outcome}",
        "",
        f"- at: {r.at}",
        f"- run: {r.run}",
        f"- model: {r.model}",
        f"- server: {r.api_base or '(the provider default)'}",
        f"- prompt version: {r.prompt_version}",
        f"- messages sha256: {r.messages_sha256}",
        f"- evidence chunks: {', '.join(r.chunk_ids) or '(none)'}",
        f"- tokens: {tokens}",
        f"- seconds: {r.seconds:.3f}",
        f"- finish reason: {r.finish_reason or '-'}",
    ]
    if r.error:
        lines.append(f"- error: {r.error}")
    lines += ["", "## Messages", ""]
    if r.messages is None:
        lines.append(
            "Not kept: the log stores the messages (the documents' text) only with ECOCANVAS_CALL_LOG_MESSAGES=true."
        )
    for message in r.messages or []:
        lines += [f"### {message.get('role', '?')}", "", str(message.get("content") or ""), ""]
    lines += ["", "## Response", "", r.response if r.response is not None else "(none)"]
    return "\n".join(lines)


def _redact(text: str, settings: Settings) -> str:
    """Mask the configured key and a password in the server address, should either ever reach the log."""
    if settings.api_key:
        text = text.replace(settings.api_key, _MASK)
    for base in {settings.api_base, *_bases(text)}:
        if not base:
            continue
        parts = urlsplit(base)
        if parts.password:
            host = parts.netloc.rsplit("@", 1)[1]
            text = text.replace(base, urlunsplit(parts._replace(netloc=f"{parts.username}:{_MASK}@{host}")))
    return text


def _bases(text: str) -> set[str]:
    # Server addresses as the log prints them: enough to find `scheme://user:password@host` forms.
    return {word.strip("\"',()") for word in text.split() if "://" in word and "@" in word}
