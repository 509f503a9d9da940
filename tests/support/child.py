"""Run a short Python script in a fresh interpreter, as a new server process would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def report(script: str, *args: str, env: dict[str, str], timeout: float = 900) -> dict:
    """Run ``python -c script *args`` in the checkout with ``env`` added to this process's;
    assert it exits 0, and return the JSON object its last stdout line holds."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
