"""The HTTP API (FastAPI): workspaces and keys, documents, generation jobs, review, exports."""

from ecocanvas.api.app import create_app

__all__ = ["create_app"]
