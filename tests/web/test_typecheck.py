"""The page's scripts type-check: `// @ts-check` and JSDoc in api/web/*.js, checked by TypeScript's `tsc`.

No build step: tsc only reads the files (`noEmit`, api/web/tsconfig.json). CI installs Debian's
`node-typescript` (.ci/system-packages), so a missing tsc is a broken set-up, not a reason to skip.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).parents[2] / "api" / "web"


def test_every_script_of_the_page_is_type_checked() -> None:
    scripts = sorted(WEB.glob("*.js"))
    assert scripts and all(p.read_text().startswith("// @ts-check\n") for p in scripts), [
        p.name for p in scripts if not p.read_text().startswith("// @ts-check\n")
    ]


def test_tsc_finds_no_type_error_in_the_page() -> None:
    tsc = shutil.which("tsc")
    if tsc is None:
        pytest.fail("tsc not found: install Debian's node-typescript (.ci/system-packages does)")
    result = subprocess.run([tsc, "-p", str(WEB)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
