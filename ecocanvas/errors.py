"""The one error hierarchy. Stages raise these; only `api/` maps them to HTTP statuses."""

from __future__ import annotations


class EcocanvasError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(EcocanvasError):
    """Settings or a config/policy file are invalid."""


class InputError(EcocanvasError):
    """A user's input (file, canvas, query, argument) is unusable; the message says why."""


class InvalidFieldsError(InputError):
    """Input whose named fields are wrong: `fields` holds one {"loc": [...], "msg": ..., "type": ...} each."""

    def __init__(self, message: str, fields: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.fields = fields


class UnsupportedDocumentError(InputError):
    """The file's content is not a type we can parse (decided by magic bytes, not the name)."""


class DocumentTooLargeError(InputError):
    """The file exceeds the configured size limit."""


class EmptyDocumentError(InputError):
    """The file holds no extractable text."""


class CorruptDocumentError(InputError):
    """The file is damaged, encrypted or undecodable."""


class IndexStoreError(EcocanvasError):
    """The knowledge base's storage (vector index or document store) failed; nothing was half-written."""


class NotFoundError(EcocanvasError):
    """A workspace, document, canvas or job does not exist."""


class LLMError(EcocanvasError):
    """A model call failed after its retries."""

    # What the failed call's attempts spent (a canvas.model.Usage), attached by the LLM client so a
    # failed section is still accounted for; typed loosely because core imports no stage.
    usage: object | None = None


class LLMTimeoutError(LLMError):
    """A model call got no answer within its timeout."""


class BudgetExceededError(LLMError):
    """The next call would exceed the token budget; nothing was sent."""


class GenerationCancelled(EcocanvasError):  # noqa: N818 - it is what happened, not an error
    """A generation was asked to stop; it stopped at once without waiting for calls in flight."""


class AuthenticationError(EcocanvasError):
    """No API key, or one that is unknown or revoked."""


class PermissionDeniedError(EcocanvasError):
    """The key is valid but may not do this (a read-only key asking for a write)."""


class ConflictError(EcocanvasError):
    """The write was based on a state that changed meanwhile; nothing was written."""


class PreconditionRequiredError(EcocanvasError):
    """A write that must say which version it was based on (If-Match) did not."""


class RequestTooLargeError(InputError):
    """The request as a whole is over its size or file-count limit."""


class MalformedRequestError(InputError):
    """The request itself cannot be read (broken multipart or JSON), before any field is looked at."""


class NotAcceptableError(InputError):
    """The client accepts none of the media types the answer can come in."""


class UnsupportedMediaTypeError(InputError):
    """The request body is in a media type the route does not take (JSON sent as a form, say)."""
