"""Findings as a SARIF 2.1.0 log, so code-scanning tools and IDEs can show a canvas's gaps.

A canvas has no lines, so each result points at the canvas file (physical location) and at the
entries it concerns (logical locations `section/entry-id`). Dismissed findings become suppressions
that keep the person's reason; the finding id is the fingerprint that matches results across runs.
"""

from __future__ import annotations

from typing import Any

from ecocanvas import __version__
from ecocanvas.canvas.model import Finding, Severity
from ecocanvas.rules.registry import RULES_BY_ID, registry

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "note"}
_FINGERPRINT = "ecocanvasFindingId/v1"


def _descriptor(rule_id: str) -> dict[str, Any]:
    spec = RULES_BY_ID[rule_id].spec
    return {
        "id": spec.id,
        "shortDescription": {"text": spec.description},
        "fullDescription": {
            "text": f"{spec.description} Principle (seed {spec.principle.seed}): {spec.principle.says}"
        },
        "defaultConfiguration": {"level": _LEVELS[spec.severity], "enabled": spec.enabled},
        "properties": {"section": spec.section, "seed": spec.principle.seed},
    }


def _result(finding: Finding, rule_index: int, artifact_uri: str | None) -> dict[str, Any]:
    logical = [
        {"name": subject, "fullyQualifiedName": f"{finding.section}/{subject}", "kind": "object"}
        for subject in finding.subjects
    ] or [{"name": finding.section, "fullyQualifiedName": finding.section, "kind": "module"}]
    location: dict[str, Any] = {"logicalLocations": logical}
    if artifact_uri is not None:
        location["physicalLocation"] = {"artifactLocation": {"uri": artifact_uri, "index": 0}}
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message} {finding.suggestion}".strip()},
        "locations": [location],
        "partialFingerprints": {_FINGERPRINT: finding.id},
        "properties": {
            "findingId": finding.id,
            "section": finding.section,
            "subjects": list(finding.subjects),
            "suggestion": finding.suggestion,
            "status": finding.status,
        },
    }
    if rule_index >= 0:
        result["ruleIndex"] = rule_index
    if finding.status == "dismissed":
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.reason or ""}]
    return result


def to_sarif(findings: list[Finding], artifact_uri: str | None = None) -> dict[str, Any]:
    """A SARIF log with one run; the driver lists every rule of the catalogue, in catalogue order."""
    rule_ids = [spec.id for spec in registry()]
    position = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ecocanvas",
                "version": __version__,
                "rules": [_descriptor(r) for r in rule_ids],
            }
        },
        "results": [_result(f, position.get(f.rule, -1), artifact_uri) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    if artifact_uri is not None:
        run["artifacts"] = [{"location": {"uri": artifact_uri}, "mimeType": "application/json"}]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
