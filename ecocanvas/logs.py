"""Structured logs: JSON lines to stderr when not a TTY (or ECOCANVAS_LOG_FORMAT=json), readable otherwise."""

from __future__ import annotations

import logging
import os
import sys

import structlog


def configure(level: str | None = None) -> None:
    level_name = (level or os.environ.get("ECOCANVAS_LOG_LEVEL", "WARNING")).upper()
    as_json = os.environ.get("ECOCANVAS_LOG_FORMAT", "").lower() == "json" or not sys.stderr.isatty()
    # Plain tracebacks, never the rich ones with local variables: those would print request headers
    # (API keys) and document text into the log.
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    logging.basicConfig(level=level_name, stream=sys.stderr, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            *([structlog.processors.format_exc_info] if as_json else []),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level_name)),
        logger_factory=_StderrLogger,
        cache_logger_on_first_use=False,
    )


class _StderrLogger:
    """Writes to whatever `sys.stderr` is at the time of the call, not when logging was configured:
    a caller that swaps stderr (a test runner, an embedding app) and closes it must not break logging."""

    def __init__(self, *_args: object) -> None:
        pass

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    if not structlog.is_configured():  # used as a library (tests, an embedding app): safe defaults
        configure()
    return structlog.get_logger(name)  # type: ignore[no-any-return]
