"""The rule engine: find the gaps in a draft canvas before a person reviews it.

`check(canvas, policy=None) -> list[Finding]` runs the catalogue (`RULES`, `registry()`) under a
`Policy` (`load_policy(path)` reads one from TOML). See docs/rules.md for the catalogue.
"""

from ecocanvas.rules.engine import carry_over, check, finding_id
from ecocanvas.rules.policy import Policy, RuleOverride, load_policy
from ecocanvas.rules.registry import RULES, RULES_BY_ID, registry
from ecocanvas.rules.spec import ParamSpec, Principle, Rule, RuleSpec

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "ParamSpec",
    "Policy",
    "Principle",
    "Rule",
    "RuleOverride",
    "RuleSpec",
    "carry_over",
    "check",
    "finding_id",
    "load_policy",
    "registry",
]
