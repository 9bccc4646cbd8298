"""The HTTP API (FastAPI): a thin shell over the same functions the CLI calls. Arrives with issue 6."""
