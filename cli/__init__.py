"""The `ecocanvas` command line: thin shells over the same functions the API and evals call."""
