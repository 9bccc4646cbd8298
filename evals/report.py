"""How a run is shown: a terminal table, a comparison table, and a self-contained HTML report.

The HTML has inline CSS and no script or external asset, so it can be mailed or archived as one
file. Every miss and false positive is listed by name, per ecosystem and section.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from rich import box
from rich.markup import escape as escape_markup
from rich.table import Table

from ecocanvas.evals.results import Delta, RunResult
from ecocanvas.evals.scores import COUNT_METRICS, HEADLINE_METRICS, METRICS, EcosystemScore, Scores, SectionScore

REPORT_FILE = "report.html"

# (metric, short header) for the summary tables; two-line headers keep the terminal table narrow.
QUALITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("actor_f1", "actor\nF1"),
    ("activity_recall", "activ\nrec."),
    ("owner_accuracy", "owner\nacc."),
    ("exchange_f1", "exch.\nF1"),
    ("metric_recall", "metr.\nrec."),
    ("governance_coverage", "gov.\ncov."),
    ("findings_recall", "find.\nrec."),
    ("findings_precision", "find.\nprec."),
    ("citation_validity", "cite\nvalid"),
    ("forbidden_actors", "forb.\nactor"),
    ("forbidden_entries", "forb.\nentry"),
)
COST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("calls", "calls"),
    ("tokens", "tokens"),
    ("cost_usd", "cost $"),
    ("seconds", "seconds"),
)
COLUMNS = QUALITY_COLUMNS + COST_COLUMNS
# Counts that must be 0: shown as failures when they are not.
_FORBIDDEN = ("forbidden_actors", "forbidden_entries")
# The metrics runs are shown beside each other by (two bundled sets, or a run and its oracle replay).
SIDE_BY_SIDE: tuple[str, ...] = (
    *HEADLINE_METRICS,
    "activity_precision",
    "exchange_recall",
    "owner_accuracy_found",
    "activity_duplicates",
    "actor_duplicates",
    "quotes_not_verbatim",
    "forbidden_actors",
    "forbidden_entries",
    "seconds",
)
# Beside an oracle replay: every quality metric (each loss is explained in docs/evals.md) and its cost.
ORACLE_METRICS: tuple[str, ...] = tuple(m for m in METRICS if m not in {"cost_usd"})


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric == "cost_usd":
        return f"{value:.4f}"
    if metric == "seconds":
        return f"{value:.1f}"
    if metric in COUNT_METRICS:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def fmt_delta(d: Delta) -> str:
    if d.delta is None:
        return "–"
    if d.metric == "cost_usd":
        return f"{d.delta:+.4f}"
    if d.metric == "seconds":
        return f"{d.delta:+.1f}"
    if d.metric in COUNT_METRICS:
        return f"{d.delta:+,.0f}"
    return f"{d.delta:+.3f}"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def summary_table(run: RunResult, columns: tuple[tuple[str, str], ...] = COLUMNS, title: str | None = None) -> Table:
    """Per ecosystem and the mean; `columns` picks the metrics (quality and cost fit 80 columns apart)."""
    table = Table(
        title=title or f"evaluation: {run.model or 'offline'} on {run.dataset}",
        title_justify="left",
        caption="last row: rates averaged over the ecosystems, counts, cost and seconds summed",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
    )
    table.add_column("ecosystem", overflow="fold")
    for _, header in columns:
        table.add_column(header, justify="right", no_wrap=True)
    for eco in run.ecosystems:
        name = f"{escape_markup(eco.name)} [red](failed)[/red]" if eco.error else escape_markup(eco.name)
        table.add_row(name, *(_cell(m, eco.scores.get(m)) for m, _ in columns))
    table.add_section()
    table.add_row("[bold]all[/bold]", *(_cell(m, run.mean.get(m)) for m, _ in columns))
    return table


def _cell(metric: str, value: float | None) -> str:
    text = fmt(metric, value)
    bad = (metric == "citation_validity" and value is not None and value < 1.0) or (
        metric in _FORBIDDEN and (value or 0) > 0
    )
    return f"[red]{text}[/red]" if bad else text


def compare_table(deltas: list[Delta], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("metric", "before", "after", "delta"):
        table.add_column(header, justify="left" if header == "metric" else "right")
    for d in deltas:
        style = "red" if d.worse else "green" if d.better else ""
        shown = fmt_delta(d)
        table.add_row(
            f"[bold]{d.metric}[/bold]" if d.metric in HEADLINE_METRICS else d.metric,
            fmt(d.metric, d.before),
            fmt(d.metric, d.after),
            f"[{style}]{shown}[/{style}]" if style else shown,
        )
    return table


def side_by_side_table(runs: dict[str, RunResult], metrics: tuple[str, ...] = SIDE_BY_SIDE, title: str = "") -> Table:
    """The mean of each run per metric, one column per run (labelled with its ecosystem count)."""
    table = Table(
        title=title or "means side by side (rates averaged over ecosystems, counts summed)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("metric")
    for label, run in runs.items():
        table.add_column(f"{escape_markup(label)} ({len(run.ecosystems)})", justify="right")
    for metric in metrics:
        name = f"[bold]{metric}[/bold]" if metric in HEADLINE_METRICS else metric
        table.add_row(name, *(fmt(metric, run.mean.get(metric)) for run in runs.values()))
    return table


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
h3{margin:1.4rem 0 .4rem;font-size:1.05rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem}
th{background:#f5f5f7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00020;font-weight:600}.good{color:#0a7d27}.meta{color:#666}
.err{background:#fde8ea;border:1px solid #b00020;padding:.5rem;border-radius:4px}
ul.miss li{color:#b00020}ul.fp li{color:#8a5a00}ul{margin:.2rem 0 .6rem}
summary{cursor:pointer;color:#444}
"""


def html_report(run: RunResult, beside: dict[str, RunResult] | None = None) -> str:
    """The report of `run`; `beside` (e.g. its oracle replay) adds a table of means next to the run's own."""
    settings = ", ".join(f"{k}={v}" for k, v in run.settings.items())
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>ecocanvas evaluation {escape(run.created)}</title><style>{_CSS}</style></head><body>",
        "<h1>ecocanvas evaluation</h1>",
        f"<p class=meta>{escape(run.created)} · dataset {escape(run.dataset)} · model "
        f"{escape(run.model or 'offline')} · {escape(settings)}</p>",
        "<h2>Summary</h2>",
        _summary_html(run),
        "<p class=meta>Last row: rates averaged over the ecosystems; counts, cost and seconds summed. "
        "Definitions: docs/evals.md.</p>",
    ]
    if beside:
        parts += [_beside_html(run, beside)]
    parts += [_ecosystem_html(eco) for eco in run.ecosystems]
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary_html(run: RunResult) -> str:
    head = "".join(f"<th>{escape(h).replace(chr(10), '<br>')}</th>" for _, h in COLUMNS)
    failed = " <span class=bad>failed</span>"
    rows = [
        f"<tr><td><a href='#{escape(e.name)}'>{escape(e.name)}</a>{failed if e.error else ''}"
        f"</td>{_cells(e.scores)}</tr>"
        for e in run.ecosystems
    ]
    rows.append(f"<tr><th>all</th>{_cells(run.mean)}</tr>")
    return f"<table><tr><th>ecosystem</th>{head}</tr>{''.join(rows)}</table>"


def _beside_html(run: RunResult, beside: dict[str, RunResult]) -> str:
    runs = {run.model or "offline": run, **beside}
    head = "".join(f"<th>{escape(label)} ({len(r.ecosystems)})</th>" for label, r in runs.items())
    rows = [
        f"<tr><td>{escape(m)}</td>{''.join(f'<td class=n>{fmt(m, r.mean.get(m))}</td>' for r in runs.values())}</tr>"
        for m in ORACLE_METRICS
    ]
    return (
        f"<h2>Beside: {escape(', '.join(beside))}</h2><table><tr><th>metric (mean)</th>{head}</tr>{''.join(rows)}"
        "</table><p class=meta>The oracle answers every LLM call with the gold entries found in that call's "
        "passages: what it loses, the pipeline loses with a right model (docs/evals.md).</p>"
    )


def _cells(scores: Scores) -> str:
    out = []
    for metric, _ in COLUMNS:
        value = scores.get(metric)
        bad = (metric == "citation_validity" and value is not None and value < 1) or (
            metric in _FORBIDDEN and (value or 0) > 0
        )
        out.append(f"<td class='n{' bad' if bad else ''}'>{fmt(metric, value)}</td>")
    return "".join(out)


def _ecosystem_html(eco: EcosystemScore) -> str:
    parts = [f"<h2 id='{escape(eco.name)}'>{escape(eco.name)}: {escape(eco.title)}</h2>"]
    parts.append(f"<p class=meta>backend {escape(eco.backend)} · model {escape(eco.model)}</p>")
    if eco.error:
        parts.append(f"<p class=err>Generation failed, scored as an empty canvas: {escape(eco.error)}</p>")
    rows = "".join(
        f"<tr><th{' style=font-weight:700' if m in HEADLINE_METRICS else ''}>{escape(m)}</th>"
        f"<td class=n>{fmt(m, eco.scores.get(m))}</td><td class=meta>{escape(desc)}</td></tr>"
        for m, desc in METRICS.items()
    )
    parts.append(f"<details><summary>all scores</summary><table>{rows}</table></details>")
    parts.append(_section_html("Actors", eco.actors))
    parts.append(_section_html("Activities", eco.activities))
    if eco.owner_errors:
        owner_rows = "".join(
            f"<tr><td>{escape(o.activity)}</td><td>{escape(o.canvas_activity)}</td>"
            f"<td>{escape(o.expected or 'none')}</td><td class=bad>{escape(o.got or 'none')}</td></tr>"
            for o in eco.owner_errors
        )
        parts.append(
            "<h3>Wrong owners</h3><table><tr><th>gold activity</th><th>canvas activity</th>"
            f"<th>gold owner</th><th>canvas owner</th></tr>{owner_rows}</table>"
        )
    parts.append(_section_html("Value exchanges (direction counts)", eco.exchanges))
    parts.append(_section_html("Metrics", eco.metrics))
    gov = eco.governance
    parts.append(
        f"<h3>Governance: kind coverage {fmt('governance_coverage', gov.coverage)}</h3>"
        f"<p>gold kinds: {escape(', '.join(gov.gold_kinds) or 'none')} · canvas kinds: "
        f"{escape(', '.join(gov.canvas_kinds) or 'none')}</p>" + _list("missing kinds", gov.missing_kinds, "miss")
    )
    parts.append(_section_html("Governance mechanisms (kind and keywords)", gov.mechanisms))
    parts.append(
        f"<h3>Review cadence</h3><p>gold: {escape(eco.gold_review_cadence or 'none')} · canvas: "
        f"{escape(eco.review_cadence or 'none')}</p>"
    )
    parts.append(_findings_html(eco))
    cit = eco.citations
    parts.append(
        f"<h3>Citations: {cit.valid} of {cit.total} valid</h3>"
        + _list("invalid citations", cit.invalid, "miss")
        + _list("entries without a citation", cit.uncited_entries, "fp")
    )
    parts.append(
        "<h3>Forbidden actors</h3>"
        + (_list("present in the canvas", eco.forbidden, "miss") if eco.forbidden else "<p class=good>none</p>")
    )
    if eco.forbidden_entries:
        parts.append("<h3>Forbidden entries</h3>" + _list("present in the canvas", eco.forbidden_entries, "miss"))
    c = eco.cost
    parts.append(
        f"<h3>Cost</h3><p>{c.calls} calls ({c.cached_calls} cached) · {c.prompt_tokens:,} prompt + "
        f"{c.completion_tokens:,} completion tokens · ${c.cost_usd:.4f} · {c.seconds:.1f} s</p>"
    )
    return "\n".join(parts)


def _section_html(title: str, s: SectionScore) -> str:
    figures = (
        f"precision {_rate(s.precision)} · recall {_rate(s.recall)} · F1 {_rate(s.f1)} "
        f"({s.matched} matched, {s.gold} gold, {s.predicted} in canvas)"
    )
    matches = "".join(f"<li>{escape(p.gold)} ⇐ {escape(p.canvas)}</li>" for p in s.matches)
    return (
        f"<h3>{escape(title)}</h3><p>{figures}</p>"
        + _list("missed (gold, not found)", s.misses, "miss")
        + _list("false positives (canvas, matching no gold entry)", s.false_positives, "fp")
        + (f"<details><summary>{len(s.matches)} matched</summary><ul>{matches}</ul></details>" if matches else "")
    )


def _findings_html(eco: EcosystemScore) -> str:
    f = eco.findings
    rows = "".join(
        f"<tr><td>{escape(r.rule)}</td><td class=n>{r.matched}/{r.expected}</td>"
        f"<td class=n>{_rate(r.recall)}</td><td class=n>{r.true_positives}/{r.predicted}</td>"
        f"<td class=n>{_rate(r.precision)}</td></tr>"
        for r in f.rules
    )
    other = ", ".join(f"{rule} ({n})" for rule, n in f.other_rules.items())
    return (
        f"<h3>Findings: recall {_rate(f.recall)} · precision {_rate(f.precision)}</h3>"
        "<table><tr><th>rule</th><th>expected found</th><th>recall</th><th>canvas correct</th>"
        f"<th>precision</th></tr>{rows}</table>"
        + _list("expected findings missed", f.misses, "miss")
        + _list("false positives (rules the gold lists)", f.false_positives, "fp")
        + (f"<p class=meta>not scored (rules the gold does not list): {escape(other)}</p>" if other else "")
    )


def _list(title: str, items: list[str], kind: str) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{escape(i)}</li>" for i in items)
    return f"<p>{escape(title)} ({len(items)}):</p><ul class={kind}>{lis}</ul>"


def write_report(run: RunResult, out_dir: Path, beside: dict[str, RunResult] | None = None) -> tuple[Path, Path]:
    """Write results.json and report.html into `out_dir`; returns both paths."""
    json_path = run.save(out_dir)
    html_path = out_dir / REPORT_FILE
    html_path.write_text(html_report(run, beside), encoding="utf-8")
    return json_path, html_path
