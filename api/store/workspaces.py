"""Workspaces and their API keys: creation, revocation, and who a key belongs to."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ecocanvas.api.schemas import Principal
from ecocanvas.api.store.repository import Repository, new_id
from ecocanvas.api.tables import ApiKeyRow, CanvasRow, JobRow, WorkspaceRow, utcnow
from ecocanvas.errors import InputError, NotFoundError

KEY_PREFIX = "eco_"


def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class WorkspaceStore(Repository):
    def create_workspace(self, name: str) -> str:
        """A new workspace and its first key (returned once; only its hash is kept)."""
        try:
            with self._tx() as s:
                s.add(WorkspaceRow(id=new_id(), name=name))
        except IntegrityError as exc:
            raise InputError(f"workspace {name!r} exists already") from exc
        return self.create_key(name, can_write=True)

    def create_key(self, workspace: str, *, can_write: bool) -> str:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._tx() as s:
            ws = s.scalar(select(WorkspaceRow).where(WorkspaceRow.name == workspace))
            if ws is None:
                raise NotFoundError(f"no workspace {workspace!r}")
            s.add(
                ApiKeyRow(id=new_id(), workspace_id=ws.id, prefix=key[:12], key_hash=hash_key(key), can_write=can_write)
            )
        return key

    def revoke_key(self, prefix: str) -> int:
        with self._tx() as s:
            result = s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def workspaces(self) -> list[tuple[str, datetime, int]]:
        """(name, created, active keys) of every workspace."""
        with self._tx() as s:
            keys = (
                select(ApiKeyRow.workspace_id, func.count().label("n"))
                .where(ApiKeyRow.revoked_at.is_(None))
                .group_by(ApiKeyRow.workspace_id)
                .subquery()
            )
            rows = s.execute(
                select(WorkspaceRow.name, WorkspaceRow.created_at, func.coalesce(keys.c.n, 0))
                .outerjoin(keys, keys.c.workspace_id == WorkspaceRow.id)
                .order_by(WorkspaceRow.name)
            ).all()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def authenticate(self, key: str) -> Principal | None:
        with self._tx() as s:
            row = s.execute(
                select(WorkspaceRow.id, WorkspaceRow.name, ApiKeyRow.can_write, ApiKeyRow.id)
                .join(WorkspaceRow, WorkspaceRow.id == ApiKeyRow.workspace_id)
                .where(ApiKeyRow.key_hash == hash_key(key), ApiKeyRow.revoked_at.is_(None))
            ).first()
        if row is None:
            return None
        return Principal(workspace_id=row[0], workspace=row[1], can_write=row[2], key_id=row[3])

    def reader(self, workspace: str) -> Principal:
        """A read-only principal for a workspace by name: for local tools (the CLI) that hold no key."""
        with self._tx() as s:
            found = s.scalar(select(WorkspaceRow.id).where(WorkspaceRow.name == workspace))
        if found is None:
            raise NotFoundError(f"no workspace {workspace!r}")
        return Principal(workspace_id=found, workspace=workspace, can_write=False, key_id="")

    def workspace_created(self, workspace_id: str) -> datetime:
        with self._tx() as s:
            created = s.scalar(select(WorkspaceRow.created_at).where(WorkspaceRow.id == workspace_id))
        if created is None:
            raise NotFoundError("workspace is gone")
        return created

    def counts(self, workspace_id: str) -> tuple[int, int]:
        """(canvases, jobs) of a workspace."""
        with self._tx() as s:
            canvases = s.scalar(select(func.count()).where(CanvasRow.workspace_id == workspace_id)) or 0
            jobs = s.scalar(select(func.count()).where(JobRow.workspace_id == workspace_id)) or 0
        return int(canvases), int(jobs)

    def workspace_id(self, name: str) -> str:
        """The id of the workspace called `name` (the CLI names workspaces; the API knows them by key)."""
        with self._tx() as s:
            found = s.scalar(select(WorkspaceRow.id).where(WorkspaceRow.name == name))
        if found is None:
            raise NotFoundError(f"no workspace {name!r}")
        return found
