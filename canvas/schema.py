"""The contract's JSON Schema, exported to `docs/canvas.schema.json` for outside tools.

Run `python -m ecocanvas.canvas.schema > docs/canvas.schema.json` after a model change; a test fails when the
committed file is stale.
"""

from __future__ import annotations

import json

from ecocanvas.canvas.model import SCHEMA_VERSION, CanvasResult


def schema_json() -> str:
    schema = CanvasResult.model_json_schema(mode="serialization")
    schema["$id"] = f"https://ecocanvas.invalid/schema/canvas-{SCHEMA_VERSION}.json"
    schema["title"] = f"ecocanvas canvas and findings (contract v{SCHEMA_VERSION})"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_json(), end="")
