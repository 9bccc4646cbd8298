"""Partner data in a workspace: import a CSV, match it to the canvases, review the rows no actor matched.

What `POST /v1/partners`, `GET /v1/canvases/{id}/partners` and `ecocanvas partners ...` do, as plain
methods over the store. An import is all or nothing: the CSV is read whole first (a bad row refuses
the file, naming every bad row), then the import and the re-checked canvas versions its figures
change are written in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from ecocanvas import rules
from ecocanvas.api.schemas import CanvasVersion
from ecocanvas.api.store import PendingVersion, Store
from ecocanvas.api.tables import utcnow
from ecocanvas.canvas.model import Canvas, CanvasResult, Finding
from ecocanvas.canvas.partners import (
    MAX_CSV_BYTES,
    ColumnField,
    PartnerData,
    PartnerImport,
    PartnerMatch,
    decision_key,
    read_partner_csv,
)
from ecocanvas.errors import ConflictError, InputError, NotFoundError
from ecocanvas.logs import get_logger

log = get_logger(__name__)

_ATTEMPTS = 5


class PartnerImportRequest(BaseModel):
    """A partner CSV (its text) and how to read it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "csv": "Partner;Tier;Pipeline;ARR;Contract end\nBrenmark Bank;Gold;€1.2m;€300k;2026-06-30\n",
                    "source": "prm-export.csv",
                    "mapping": {"ARR": "revenue"},
                }
            ]
        },
    )

    csv: str = Field(max_length=MAX_CSV_BYTES, description="The CSV's text: `,` `;` tab or `|` separated.")
    source: str = Field("", max_length=255, description="The file's name, kept with the import.")
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="Column header -> field (name, aliases, tier, overlapping_accounts, pipeline, revenue, "
        "contract_end) or `-` to leave a column out; on top of the automatic mapping from header names.",
    )
    canvas_id: str | None = Field(None, description="The canvas to report the matching for (default: the newest).")


class PartnerImportSummary(BaseModel):
    version: int
    source: str
    created_at: datetime
    rows: int
    columns: dict[str, ColumnField]


class RecheckedCanvas(BaseModel):
    canvas_id: str
    version: int = Field(description="The canvas version the new figures' findings were written as.")


class PartnerImportResult(BaseModel):
    """What an import did: the new import, the one it replaced, the matching for one canvas."""

    imported: PartnerImportSummary
    previous: PartnerImportSummary | None = Field(None, description="The import this one replaces (still stored).")
    canvas_id: str | None = Field(None, description="The canvas `match` is for; null when the workspace has none.")
    match: PartnerMatch | None = None
    rechecked: list[RecheckedCanvas] = Field(
        default_factory=list, description="Canvases whose findings the figures changed, and their new version."
    )


class CanvasPartners(BaseModel):
    """A canvas's partner figures: which rows matched which actor, and which a person must map or skip."""

    canvas_id: str
    canvas_version: int
    partner_import: PartnerImportSummary | None = Field(None, description="Null: the workspace has no partner data.")
    match: PartnerMatch = Field(default_factory=PartnerMatch)


class PartnerDecision(BaseModel):
    """A person's answer for one row of the newest import: map it to an actor, skip it, or undo the answer."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"row": 3, "action": "map", "actor_id": "actor-nhm-1a2b3c"}]}
    )

    row: int = Field(ge=1, le=2**31 - 1, description="The row's number in the import (the header is row 0).")
    action: Literal["map", "skip", "clear"]
    actor_id: str | None = Field(None, description="The actor of `canvas_id` the row is, for `map`.")
    canvas_id: str | None = Field(None, description="The canvas the actor is in and the answer reports on.")


def summary(found: PartnerImport) -> PartnerImportSummary:
    return PartnerImportSummary(
        version=found.version, source=found.source, created_at=found.created_at, rows=found.rows, columns=found.columns
    )


def findings_with(canvas: Canvas, findings: list[Finding], partners: PartnerData | None) -> list[Finding]:
    """The canvas re-checked with the partner figures, keeping what a person decided about its findings."""
    return rules.carry_over(rules.check(canvas, partners=partners), findings)


class PartnerService:
    def __init__(self, store: Store, remember: Callable[[str, CanvasVersion], None] | None = None) -> None:
        self.store = store
        self._remember = remember

    def data(self, workspace_id: str, canvas: Canvas) -> PartnerData | None:
        """The workspace's newest partner figures matched to `canvas`; None without partner data."""
        found = self.store.partner_import(workspace_id)
        return None if found is None else found.data(canvas)

    def current(self, workspace_id: str, version: int | None = None) -> PartnerImport:
        found = self.store.partner_import(workspace_id, version)
        if found is None:
            raise NotFoundError(
                "this workspace has no partner data yet" if version is None else f"no partner import {version}"
            )
        return found

    def history(self, workspace_id: str) -> list[PartnerImportSummary]:
        return [summary(i) for i in self.store.partner_imports(workspace_id)]

    def import_csv(self, workspace_id: str, request: PartnerImportRequest) -> PartnerImportResult:
        table = read_partner_csv(request.csv, request.mapping or None)  # every bad row refuses the file here
        if request.canvas_id is not None and not self.store.canvas_exists(workspace_id, request.canvas_id):
            raise NotFoundError(f"no canvas {request.canvas_id!r} in this workspace")
        for _ in range(_ATTEMPTS):
            previous = self.store.partner_import(workspace_id)
            names = {decision_key(r) for r in table.records}
            # A person's answers carry over to a re-import for the rows whose names recur.
            decisions = {k: v for k, v in (previous.decisions if previous else {}).items() if k in names}
            incoming = PartnerImport(
                version=(previous.version if previous else 0) + 1,
                source=request.source,
                created_at=utcnow(),
                columns=table.columns,
                rows=len(table.records),
                records=table.records,
                decisions=decisions,
            )
            pending, latest = self._rechecks(workspace_id, incoming)
            try:
                stored, saved = self.store.add_partner_import(workspace_id, incoming, pending)
            except ConflictError:
                continue
            self._remembered(workspace_id, saved)
            shown = _shown_canvas(latest, request.canvas_id)
            log.info("partners_imported", workspace_id=workspace_id, version=stored.version, rows=stored.rows)
            return PartnerImportResult(
                imported=summary(stored),
                previous=summary(previous) if previous else None,
                canvas_id=shown.canvas_id if shown else None,
                match=stored.match(shown.canvas) if shown else None,
                rechecked=[RecheckedCanvas(canvas_id=v.canvas_id, version=v.version) for v in saved],
            )
        raise ConflictError("the workspace kept changing while the partner data was being saved; import again")

    def canvas_partners(self, workspace_id: str, canvas_id: str) -> CanvasPartners:
        version = self.store.version(workspace_id, canvas_id)
        found = self.store.partner_import(workspace_id)
        if found is None:
            return CanvasPartners(canvas_id=canvas_id, canvas_version=version.version)
        return CanvasPartners(
            canvas_id=canvas_id,
            canvas_version=version.version,
            partner_import=summary(found),
            match=found.match(version.canvas),
        )

    def decide(self, workspace_id: str, decision: PartnerDecision) -> CanvasPartners:
        canvas_id = decision.canvas_id or self.newest_canvas(workspace_id)
        for _ in range(_ATTEMPTS):
            found = self.current(workspace_id)
            record = next((r for r in found.records if r.row == decision.row), None)
            if record is None:
                raise NotFoundError(f"partner import {found.version} has no row {decision.row}")
            decisions = dict(found.decisions)
            key = decision_key(record)
            if decision.action == "clear":
                decisions.pop(key, None)
            elif decision.action == "skip":
                decisions[key] = None
            else:
                if not decision.actor_id:
                    raise InputError("action map needs actor_id: the actor this row is")
                canvas = self.store.version(workspace_id, canvas_id).canvas
                if canvas.actor(decision.actor_id) is None:
                    raise NotFoundError(f"no actor {decision.actor_id!r} in canvas {canvas_id!r}")
                decisions[key] = decision.actor_id
            updated = found.model_copy(update={"decisions": decisions})
            pending, _ = self._rechecks(workspace_id, updated)
            try:
                _, saved = self.store.set_partner_decisions(workspace_id, found.version, decisions, pending)
            except ConflictError:
                continue
            self._remembered(workspace_id, saved)
            return self.canvas_partners(workspace_id, canvas_id)
        raise ConflictError("the workspace kept changing while the answer was being saved; answer again")

    def newest_canvas(self, workspace_id: str) -> str:
        canvases = self.store.canvases(workspace_id)
        if not canvases:
            raise NotFoundError("this workspace has no canvas to match the partner data to")
        return canvases[0].id

    def _rechecks(self, workspace_id: str, partners: PartnerImport) -> tuple[list[PendingVersion], list[_Latest]]:
        """A new version for every canvas whose findings the figures change (the canvas itself is unchanged)."""
        pending: list[PendingVersion] = []
        latest: list[_Latest] = []
        for version in self.store.latest_versions(workspace_id):
            latest.append(_Latest(version.canvas_id, version.canvas))
            findings = findings_with(version.canvas, version.findings, partners.data(version.canvas))
            if [f.model_dump() for f in findings] == [f.model_dump() for f in version.findings]:
                continue
            action: dict[str, object] = {
                "action": "partners",
                "partner_import": partners.version,
                "based_on": version.version,
            }
            result = CanvasResult(canvas=version.canvas, findings=findings)
            pending.append(PendingVersion(version.canvas_id, result, action, version.version))
        return pending, latest

    def _remembered(self, workspace_id: str, saved: list[CanvasVersion]) -> None:
        if self._remember is not None:
            for version in saved:
                self._remember(workspace_id, version)


class _Latest(NamedTuple):
    """A canvas's id and its newest content, as a re-check read them."""

    canvas_id: str
    canvas: Canvas


def _shown_canvas(latest: list[_Latest], canvas_id: str | None) -> _Latest | None:
    if canvas_id is not None:
        return next((c for c in latest if c.canvas_id == canvas_id), None)
    return latest[0] if latest else None
