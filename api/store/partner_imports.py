"""Partner-data imports: each a numbered version of a workspace's partner rows, written with the canvas
versions its figures re-checked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecocanvas.api.schemas import CanvasVersion
from ecocanvas.api.store.canvases import PendingVersion, insert_version
from ecocanvas.api.store.repository import Repository
from ecocanvas.api.tables import PartnerImportRow
from ecocanvas.canvas.partners import PartnerImport, PartnerRecord
from ecocanvas.errors import ConflictError


class PartnerImportStore(Repository):
    def add_partner_import(
        self, workspace_id: str, incoming: PartnerImport, versions: list[PendingVersion]
    ) -> tuple[PartnerImport, list[CanvasVersion]]:
        """`incoming` as the workspace's partner-data version `incoming.version`, and the canvas versions its
        figures re-checked, all in one transaction: nothing lands unless all of it does.

        ConflictError when another import (the same version number) or a change to one of the canvases landed
        first.
        """
        try:
            with self._tx() as s:
                row = PartnerImportRow(
                    workspace_id=workspace_id,
                    version=incoming.version,
                    source=incoming.source[:255],
                    columns=dict(incoming.columns),
                    records=[r.model_dump(mode="json") for r in incoming.records],
                    decisions=dict(incoming.decisions),
                    created_at=incoming.created_at,
                )
                s.add(row)
                s.flush()
                saved = [insert_version(s, workspace_id, v.canvas_id, v.result, v.action, v.based_on) for v in versions]
                imported = _partner_import(row)
        except IntegrityError as exc:
            raise ConflictError("another partner import or canvas change landed first; import again") from exc
        return imported, saved

    def partner_import(self, workspace_id: str, version: int | None = None) -> PartnerImport | None:
        """The workspace's newest partner import (or import `version`); None when there is none."""
        query = select(PartnerImportRow).where(PartnerImportRow.workspace_id == workspace_id)
        if version is not None:
            query = query.where(PartnerImportRow.version == version)
        with self._tx() as s:
            row = s.scalars(query.order_by(PartnerImportRow.version.desc()).limit(1)).first()
            return None if row is None else _partner_import(row)

    def partner_imports(self, workspace_id: str) -> list[PartnerImport]:
        """Every partner import of the workspace, newest first, without their rows (`rows` counts them)."""
        with self._tx() as s:
            rows = s.scalars(
                select(PartnerImportRow)
                .where(PartnerImportRow.workspace_id == workspace_id)
                .order_by(PartnerImportRow.version.desc())
            ).all()
            return [_partner_import(r).model_copy(update={"records": []}) for r in rows]

    def set_partner_decisions(
        self,
        workspace_id: str,
        version: int,
        decisions: dict[str, str | None],
        versions: list[PendingVersion],
    ) -> tuple[PartnerImport, list[CanvasVersion]]:
        """Replace import `version`'s decisions and store the canvas versions they re-checked, in one transaction;
        ConflictError when a newer import or a canvas change landed first."""
        try:
            with self._tx() as s:
                row = s.scalars(
                    select(PartnerImportRow)
                    .where(PartnerImportRow.workspace_id == workspace_id)
                    .order_by(PartnerImportRow.version.desc())
                    .limit(1)
                    .with_for_update()
                ).first()
                if row is None or row.version != version:
                    raise ConflictError("a newer partner import landed meanwhile; review its rows instead")
                row.decisions = decisions
                saved = [insert_version(s, workspace_id, v.canvas_id, v.result, v.action, v.based_on) for v in versions]
                s.flush()
                updated = _partner_import(row)
        except IntegrityError as exc:
            raise ConflictError("another change to a canvas landed first; decide again") from exc
        return updated, saved


def _partner_import(row: PartnerImportRow) -> PartnerImport:
    return PartnerImport(
        version=row.version,
        source=row.source,
        columns=row.columns,
        decisions=row.decisions,
        created_at=row.created_at,
        rows=len(row.records),
        records=[PartnerRecord.model_validate(r) for r in row.records],
    )
