"""The `live_api` contract for the browser tests: a running server with `.base_url` and `.key`.

The fixture itself is `live_api` in tests/conftest.py (module-scoped); this module re-exports the type.
"""

from support.api_harness import LiveApi, serve_api

__all__ = ["LiveApi", "serve_api"]
