"""docs/rules.md, generated from the registry: `python -m ecocanvas.rules.docs > docs/rules.md`.

A test renders this again and compares it with the file, so the catalogue cannot drift from the code.
"""

from __future__ import annotations

import json
import sys

from ecocanvas.rules.registry import registry
from ecocanvas.rules.spec import ParamSpec, RuleSpec

_HEADER = """\
# Rule catalogue

<!-- Generated from the rule registry by `python -m ecocanvas.rules.docs > docs/rules.md`; do not edit by hand. -->

`rules.check(canvas, policy=None)` runs these rules over a canvas and returns its findings (errors
first, then catalogue order, then canvas order). `ecocanvas check CANVAS.json` does the same from the
command line and exits 1 when an open finding has severity `error`; `ecocanvas rules` prints this list.

- **Entries marked `rejected` are ignored**: a person said they are wrong, so no rule sees them (an id
  that only a rejected entry carries counts as unknown).
- **Finding ids are stable**: `<rule>-<hash of the rule id and the sorted subject ids>`, so the same
  gap on the same entries gets the same id on every run and a dismissal survives regeneration.
- **Placeholders count as empty**: a target, data source, cadence or owner reading `TBD`, `n/a`, `-`,
  `(open)`, `none` and the like is treated as missing (an owner that is a real actor id never is).
- **Subjects** are the ids of the entries a finding is about; rules about a whole section (`no-*`)
  have none. A rule whose section is `any` gives each finding the section of its entry.
- **Partner data** (`ecocanvas partners import`, `POST /v1/partners`) is an optional input: the rules
  marked as needing it find nothing without it, and the others never read it.
- **Health words**: the rules that place a forum at executive, management or field level, look for an
  executive sponsor, a forum that reviews the metrics, or a co-build / co-market / co-sell / co-retain
  motion read their words from `rules/health.toml` (whole words, case and punctuation ignored).
- **Policy**: a TOML file (`--policy F`, `ecocanvas.rules.load_policy`) disables rules, changes severities and
  sets parameters; unknown rule ids or parameters are an error. See `docs/policy-example.toml`.
"""

_POLICY = """\
## Policy file

```toml
disable = ["capability-overlap"]            # switch rules off

[rules.owner-overload]
severity = "error"                          # error | warning | info
share = 0.4                                 # parameters sit beside enabled/severity
min_activities = 6

[rules.activity-without-approver]
enabled = true                              # switch on a rule that is off by default
```
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _param_line(param: ParamSpec) -> str:
    bounds = []
    if param.minimum is not None:
        bounds.append(f">= {param.minimum:g}")
    if param.maximum is not None:
        bounds.append(f"<= {param.maximum:g}")
    if param.choices is not None:
        bounds.append("items from " + ", ".join(f"`{c}`" for c in param.choices))
    extra = f" ({'; '.join(bounds)})" if bounds else ""
    return f"| `{param.name}` | `{json.dumps(param.default)}` | {_cell(param.description)}{extra} |"


def _rule_section(spec: RuleSpec) -> list[str]:
    state = "" if spec.enabled else " · **off by default**"
    if "partners" in spec.inputs:
        state += " · needs imported partner data (`ecocanvas partners import`)"
    lines = [
        f"### `{spec.id}`",
        "",
        f"**{spec.severity}** · section `{spec.section}`{state}",
        "",
        spec.description,
        "",
        f"*Principle* (seed {spec.principle.seed}, {spec.principle.source}): {spec.principle.says}",
        "",
    ]
    if spec.params:
        lines += ["| parameter | default | meaning |", "|---|---|---|"]
        lines += [_param_line(p) for p in spec.params]
        lines.append("")
    return lines


def render() -> str:
    specs = registry()
    lines = [_HEADER, "## Summary", "", "| id | severity | section | description |", "|---|---|---|---|"]
    for spec in specs:
        off = " (off by default)" if not spec.enabled else ""
        lines.append(f"| `{spec.id}` | {spec.severity} | {spec.section} | {_cell(spec.description)}{off} |")
    lines += ["", "## Rules", ""]
    for spec in specs:
        lines += _rule_section(spec)
    lines.append(_POLICY)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
