"""Canvases and their versions: immutable, numbered, each written only on top of the version it was based on."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Row, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ecocanvas.api.schemas import CanvasSummary, CanvasVersion, VersionSummary
from ecocanvas.api.store.repository import Repository, new_id
from ecocanvas.api.tables import CanvasRow, CanvasVersionRow, utcnow
from ecocanvas.canvas.model import CanvasResult
from ecocanvas.errors import ConflictError, NotFoundError


def _version_out(row: CanvasVersionRow | Row[Any]) -> CanvasVersion:
    result = CanvasResult.model_validate_json(row.body)
    return CanvasVersion(
        canvas_id=row.canvas_id,
        version=row.version,
        created_at=row.created_at,
        action=row.action,
        canvas=result.canvas,
        findings=result.findings,
    )


class PendingVersion(NamedTuple):
    """A canvas version to write alongside another change, in its transaction."""

    canvas_id: str
    result: CanvasResult
    action: dict[str, object]
    based_on: int


def insert_version(
    s: Session,
    workspace_id: str,
    canvas_id: str,
    result: CanvasResult,
    action: dict[str, object],
    based_on: int,
    job_id: str | None = None,
) -> CanvasVersion:
    """`result` as version `based_on + 1` of the canvas, in the caller's transaction (a job's success or a
    partner import lands with it). The canvas row is locked first, so two writers on one version conflict."""
    canvas = s.scalar(
        select(CanvasRow).where(CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id).with_for_update()
    )
    if canvas is None:
        raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
    if canvas.version != based_on:
        raise ConflictError(f"the canvas is at version {canvas.version}; this change was based on version {based_on}")
    row = CanvasVersionRow(
        canvas_id=canvas_id, version=based_on + 1, action=action, body=result.model_dump_json(), job_id=job_id
    )
    s.add(row)
    canvas.version = based_on + 1
    canvas.title = result.canvas.title
    canvas.updated_at = utcnow()
    s.flush()
    return CanvasVersion(
        canvas_id=canvas_id,
        version=row.version,
        created_at=row.created_at,
        action=action,
        canvas=result.canvas,
        findings=result.findings,
    )


def _canvas_id_in(workspace_id: str, canvas_id: str) -> Select[str]:
    return select(CanvasRow.id).where(CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id)


def canvas_in(s: Session, workspace_id: str, canvas_id: str) -> bool:
    return s.scalar(_canvas_id_in(workspace_id, canvas_id)) is not None


class CanvasStore(Repository):
    def create_canvas(self, workspace_id: str, title: str) -> str:
        """An empty canvas (version 0) for a canvas imported from another tool."""
        canvas_id = new_id()
        with self._tx() as s:
            s.add(CanvasRow(id=canvas_id, workspace_id=workspace_id, title=title, version=0))
        return canvas_id

    def add_version(
        self, workspace_id: str, canvas_id: str, result: CanvasResult, action: dict[str, object], based_on: int
    ) -> CanvasVersion:
        """Store `result` as version `based_on + 1`; ConflictError when someone else wrote first."""
        try:
            with self._tx() as s:
                return insert_version(s, workspace_id, canvas_id, result, action, based_on)
        except IntegrityError as exc:
            raise ConflictError(f"another change to the canvas landed first (version {based_on + 1})") from exc

    def latest_version(self, workspace_id: str, canvas_id: str) -> int:
        with self._read() as c:
            row = c.execute(select(CanvasRow.workspace_id, CanvasRow.version).where(CanvasRow.id == canvas_id)).first()
        if row is None or row[0] != workspace_id or row[1] == 0:
            raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
        return int(row[1])

    def version(self, workspace_id: str, canvas_id: str, version: int | None = None) -> CanvasVersion:
        number = CanvasRow.version if version is None else version
        query = (
            select(
                CanvasVersionRow.canvas_id,
                CanvasVersionRow.version,
                CanvasVersionRow.created_at,
                CanvasVersionRow.action,
                CanvasVersionRow.body,
            )
            .join(CanvasRow, CanvasRow.id == CanvasVersionRow.canvas_id)
            .where(
                CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id, CanvasVersionRow.version == number
            )
        )
        # A number past the 32-bit column names no version (and SQLite refuses numbers past 64 bits).
        in_range = version is None or 0 < version < 2**31
        with self._tx() as s:
            row = s.execute(query).first() if in_range else None
            if row is None:
                if version is None or not canvas_in(s, workspace_id, canvas_id):
                    raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
                raise NotFoundError(f"canvas {canvas_id!r} has no version {version}")
        return _version_out(row)

    def versions(
        self, workspace_id: str, canvas_id: str, limit: int = 20, before: int | None = None
    ) -> list[VersionSummary]:
        """Newest first, at most `limit`, only those older than `before` when given (paging)."""
        # One query: the workspace check is the join. Only an empty page asks whether the canvas is there.
        query = (
            select(CanvasVersionRow.version, CanvasVersionRow.created_at, CanvasVersionRow.action)
            .join(CanvasRow, CanvasRow.id == CanvasVersionRow.canvas_id)
            .where(CanvasVersionRow.canvas_id == canvas_id, CanvasRow.workspace_id == workspace_id)
        )
        if before is not None:
            query = query.where(CanvasVersionRow.version < before)
        with self._read() as c:
            rows = c.execute(query.order_by(CanvasVersionRow.version.desc()).limit(limit)).all()
            if not rows and c.scalar(_canvas_id_in(workspace_id, canvas_id)) is None:
                raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
        return [VersionSummary(version=r[0], created_at=r[1], action=r[2]) for r in rows]

    def canvases(self, workspace_id: str) -> list[CanvasSummary]:
        with self._tx() as s:
            rows = s.execute(
                select(CanvasRow.id, CanvasRow.title, CanvasRow.version, CanvasRow.created_at, CanvasRow.updated_at)
                .where(CanvasRow.workspace_id == workspace_id, CanvasRow.version > 0)
                .order_by(CanvasRow.updated_at.desc())
            ).all()
        return [
            CanvasSummary(id=r.id, title=r.title, version=r.version, created_at=r.created_at, updated_at=r.updated_at)
            for r in rows
        ]

    def canvas_exists(self, workspace_id: str, canvas_id: str) -> bool:
        with self._tx() as s:
            return canvas_in(s, workspace_id, canvas_id)

    def latest_versions(self, workspace_id: str) -> list[CanvasVersion]:
        """The newest version of every canvas of the workspace, most recently changed first."""
        return [self.version(workspace_id, c.id) for c in self.canvases(workspace_id)]
