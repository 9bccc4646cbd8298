"""The API's persistence: every read and write of workspaces, keys, jobs, canvas versions and partner data.

One repository per aggregate, each in the module named after what it holds: `workspaces` (workspaces and
their keys), `jobs` (jobs, their leases and progress events), `canvases` (canvases and their versions),
`partner_imports` (partner data). `Store` is all of them over one engine, which is what the service and
the command line hold. Routes and the job runner get pydantic models back; no SQL leaves this package.
"""

from __future__ import annotations

from ecocanvas.api.store.canvases import CanvasStore, PendingVersion
from ecocanvas.api.store.jobs import JobStore
from ecocanvas.api.store.partner_imports import PartnerImportStore
from ecocanvas.api.store.workspaces import KEY_PREFIX, WorkspaceStore, hash_key

__all__ = [
    "KEY_PREFIX",
    "CanvasStore",
    "JobStore",
    "PartnerImportStore",
    "PendingVersion",
    "Store",
    "WorkspaceStore",
    "hash_key",
]


class Store(WorkspaceStore, JobStore, CanvasStore, PartnerImportStore):
    """Every repository on one engine (they share nothing but it)."""
