"""What the API reads and writes: request and response models (the canvas itself is `ecocanvas.canvas.model`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidatorFunctionWrapHandler, field_validator

from ecocanvas.canvas.model import MAX_TITLE_CHARS, Canvas, Finding
from ecocanvas.canvas.review import MAX_TEXT
from ecocanvas.errors import ConfigError
from ecocanvas.rules import Policy

# Versions, event numbers and token counts are 32-bit integers in the database: the schema refuses larger
# numbers (in a path, a query or a body) before they reach SQL, where they would overflow.
MAX_INT = 2**31 - 1

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
    text_limits: dict[str, int] = Field(
        default_factory=lambda: dict(MAX_TEXT),
        description="The most characters a `set` review action takes per canvas field (the page's maxlength).",
    )


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


class UploadedDocument(DocumentOut):
    outcome: Literal["added", "replaced", "unchanged"] = Field(
        description="added; replaced (an earlier file of the same name, now gone); "
        "unchanged (these bytes are already in the workspace: the same document, the same id)"
    )
    message: str = Field(description='What happened, in words: "added", "already in the workspace"...')


class DocumentText(BaseModel):
    id: str
    name: str
    text: str


class UploadError(BaseModel):
    name: str
    kind: str = Field(description="unsupported, too_large, empty, corrupt, invalid")
    status: int = Field(description="The HTTP status this file alone would have had.")
    error: str
    supported: str | None = Field(None, description="For an unsupported file: the types that are.")


class UploadResult(BaseModel):
    documents: list[UploadedDocument] = Field(default_factory=list)
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

    document_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="Documents to draft from; null means every document of the workspace.",
    )
    canvas_id: str | None = Field(None, max_length=32, description="Regenerate this canvas, keeping its review.")
    title: str | None = Field(None, max_length=MAX_TITLE_CHARS)
    # Strict: JSON `true` is not the number 1.
    max_tokens: int | None = Field(
        None, gt=0, le=MAX_INT, strict=True, description="Token budget of this job (capped by the server's)."
    )


# A step's status while it runs and once it ended: `cancelled` is a step the job was cancelled in the middle of.
StepStatus = Literal["pending", "running", "ok", "failed", "skipped", "cached", "cancelled"]


class SectionProgress(BaseModel):
    status: StepStatus = "pending"
    message: str = ""
    seconds: float | None = Field(None, description="How long the section's step took, once it ended.")


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
    """One step of a job as `generator.progress.ProgressEvent` reported it; the `end` event's status is the job's."""

    seq: int
    stage: str
    message: str = Field(description="One sentence for a person; never parsed.")
    at: datetime
    status: StepStatus | JobStatus | None = Field(None, description="The step's status; on `end`, the job's.")
    sections: list[str] = Field(default_factory=list, description="The canvas sections this step drafts.")
    seconds: float | None = Field(None, description="How long the step took (on its final status).")
    elapsed: float | None = Field(None, description="Seconds since the generation started.")


# At least one character that is not white space: a blank text or query has nothing to read or find.
# Spelled out, because `\S` differs between regex engines (JSON Schema's, pydantic's and Python's
# disagree on U+001C-U+001F and U+0085): these are the characters str.strip() removes.
NOT_BLANK = r"[^\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


class TextDocument(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1, pattern=NOT_BLANK, description="Up to the server's max_file_bytes in UTF-8.")


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

    documents: list[TextDocument] = Field(
        min_length=1, description="As many as a multipart upload may hold (the server's max_files_per_request)."
    )
    title: str | None = Field(None, max_length=MAX_TITLE_CHARS)


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


class CheckRequest(BaseModel):
    """A canvas to check, with the findings it had (their dismissals carry over) and a policy."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "canvas": {"title": "Acme partner programme", "generator": {"backend": "manual", "model": None}},
                    "policy": {"disable": ["capability-overlap"], "rules": {"owner-overload": {"share": 0.4}}},
                }
            ]
        },
    )

    canvas: Canvas
    findings: list[Finding] = Field(default_factory=list, description="As `generate` wrote them, or none.")
    policy: Policy | None = Field(None, description="A policy file's content as JSON (docs/rules.md).")

    @field_validator("policy", mode="wrap")
    @classmethod
    def _policy(cls, value: object, handler: ValidatorFunctionWrapHandler) -> Policy | None:
        try:
            policy: Policy | None = handler(value)
        except ConfigError as exc:  # unknown rule ids and parameters: a field error like any other
            raise ValueError(str(exc)) from None
        return policy
