"""What the API reads and writes: request and response models (the canvas itself is `canvas.model`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from canvas.model import Canvas, Finding

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})


class Principal(BaseModel):
    """Who is calling: the key's workspace and what the key may do."""

    workspace_id: str
    workspace: str
    can_write: bool
    key_id: str


class WorkspaceOut(BaseModel):
    name: str
    created_at: datetime
    documents: int
    canvases: int
    jobs: int
    can_write: bool


class DocumentOut(BaseModel):
    id: str
    name: str
    date: str | None = None
    media_type: str
    chars: int
    chunks: int
    lexical_only: bool = Field(
        False, description="True while its dense vectors are still being written: search finds it by its words only."
    )


class DocumentText(BaseModel):
    id: str
    name: str
    text: str


class UploadError(BaseModel):
    name: str
    kind: str = Field(description="unsupported, too_large, empty, corrupt, invalid")
    status: int = Field(description="The HTTP status this file alone would have had.")
    error: str


class UploadResult(BaseModel):
    documents: list[DocumentOut] = Field(default_factory=list)
    errors: list[UploadError] = Field(default_factory=list)


class ChunkOut(BaseModel):
    id: str
    document_id: str
    document: str
    start: int
    end: int
    text: str


class SearchHit(BaseModel):
    score: float
    chunk: ChunkOut


class JobRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"document_ids": None, "canvas_id": None, "title": "EV charging alliance"}]},
    )

    document_ids: list[str] | None = Field(
        None, max_length=1000, description="Documents to draft from; null means every document of the workspace."
    )
    canvas_id: str | None = Field(None, max_length=32, description="Regenerate this canvas, keeping its review.")
    title: str | None = Field(None, max_length=300)
    max_tokens: int | None = Field(None, gt=0, description="Token budget of this job (capped by the server's).")


class SectionProgress(BaseModel):
    status: Literal["pending", "running", "ok", "failed", "skipped", "cached"] = "pending"
    message: str = ""


class JobOut(BaseModel):
    id: str
    status: JobStatus
    stage: str | None = None
    sections: dict[str, SectionProgress] = Field(default_factory=dict)
    error: str | None = None
    canvas_id: str | None = None
    version: int | None = None
    attempts: int = 0
    request: JobRequest
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class JobEvent(BaseModel):
    seq: int
    stage: str
    message: str
    at: datetime


class TextDocument(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1)


class GenerateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "documents": [
                        {"name": "memo.md", "text": "Acme leads onboarding. Globex supports it. Acme pays Globex."}
                    ],
                    "title": "Acme partner programme",
                }
            ]
        },
    )

    documents: list[TextDocument] = Field(min_length=1, max_length=100)
    title: str | None = Field(None, max_length=300)


class CanvasSummary(BaseModel):
    id: str
    title: str
    version: int
    created_at: datetime
    updated_at: datetime


class VersionSummary(BaseModel):
    version: int
    created_at: datetime
    action: dict[str, Any]


class CanvasVersion(BaseModel):
    """One stored version: the canvas, its findings, and what made it."""

    canvas_id: str
    version: int
    created_at: datetime
    action: dict[str, Any]
    canvas: Canvas
    findings: list[Finding]


class GenerateResult(BaseModel):
    job_id: str
    canvas_id: str
    version: int
    canvas: Canvas
    findings: list[Finding]
