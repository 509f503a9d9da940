"""The package as a user installs it: the wheel's contents, and the installed copy working
from a folder other than the repository (see ``conftest.installed``)."""

from __future__ import annotations

import re
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from optiviz import resources
from optiviz.scenes import lessons

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TOPLEVEL = [
    "app.py",
    ".streamlit/config.toml",
    *sorted(f"assets/{p.name}" for p in (ROOT / "assets").glob("*.toml")),
    "assets/first_screen.json",
]


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def _pins() -> dict[str, str]:
    return dict(line.split("==") for line in _requirements() if not line.startswith("-"))


def test_requirements_install_the_checkout_in_place() -> None:
    """``pip install -r requirements.txt`` installs the checkout itself, editable, so that a
    ``streamlit run app.py`` from it finds the components' manifest (the one line that is
    not a pin)."""
    assert [line for line in _requirements() if line.startswith("-")] == ["-e ."]


def test_dependencies_are_the_pinned_set_and_the_pins_satisfy_the_ranges() -> None:
    declared = {
        Requirement(d).name.lower(): Requirement(d) for d in PYPROJECT["project"]["dependencies"]
    }
    pins = {name.lower(): version for name, version in _pins().items()}
    assert set(declared) == set(pins)
    for name, version in pins.items():
        assert declared[name].specifier.contains(version), (name, version, declared[name])


def test_build_backend_is_pinned_for_the_offline_wheel_build() -> None:
    backend = PYPROJECT["build-system"]["requires"]
    assert [Requirement(r).name for r in backend] == ["hatchling"]
    dev = (ROOT / "requirements-dev.txt").read_text()
    pinned = re.search(r"^hatchling==(\S+)", dev, re.M)
    assert pinned and Requirement(backend[0]).specifier.contains(pinned[1])


def test_the_loader_reads_the_checkout_files_when_not_installed() -> None:
    for relative in TOPLEVEL:
        assert resources.toplevel_path(relative) == ROOT / relative
    assert resources.read_asset("lessons.toml") == (ROOT / "assets/lessons.toml").read_text()
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        resources.asset_path("nope.toml")


def _package_files() -> list[str]:
    """Every file under optiviz/ in the checkout, Python or not, bytecode aside."""
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "optiviz").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def test_wheel_holds_the_package_the_assets_and_the_app(installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        missing = [f for f in _package_files() if f not in names]
        assert not missing, missing
        for relative in TOPLEVEL:
            shipped = f"optiviz/{resources.SHIPPED}/{relative}"
            assert wheel.read(shipped) == (ROOT / relative).read_bytes(), relative
        (meta,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "optiviz = optiviz.cli:main" in wheel.read(meta).decode()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [
            line.split(": ", 1)[1]
            for line in wheel.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist: ")
        ]
    assert {Requirement(r) for r in requires} == {
        Requirement(r) for r in PYPROJECT["project"]["dependencies"]
    }
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


INSTALLED_CHECK = """
import sys, optiviz, optiviz.scenes.lessons
from optiviz import resources
run = optiviz.simulate("staircase", "sgd", alpha=0.8)
print(optiviz.__file__)
print(resources.asset_path("surfaces.toml"))
print(run.verdict, len(optiviz.scenes.lessons.load()))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("plotly", "streamlit")))
"""


def test_installed_package_imports_its_own_copy_and_runs(installed) -> None:
    done = installed.run(installed.python, "-c", INSTALLED_CHECK)
    assert done.returncode == 0, done.stderr
    module, asset, verdict, loaded = done.stdout.strip().splitlines()
    assert Path(module).is_relative_to(installed.site), module
    assert (
        Path(asset) == installed.site / "optiviz" / resources.SHIPPED / "assets" / "surfaces.toml"
    )
    assert verdict == f"converged {len(lessons.load())}"  # the checkout's lessons, all shipped
    assert loaded == "[]"


def test_installed_command_says_converged(installed) -> None:
    done = installed.run(installed.optiviz, "run", "staircase", "sgd", "--alpha", "0.8")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and ": converged, final loss " in lines[0], lines


def test_installed_command_rejects_bad_arguments_in_one_line(installed) -> None:
    done = installed.run(installed.optiviz, "run", "nowhere", "sgd", "--alpha", "0.8")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unknown surface 'nowhere'" in done.stderr
    assert "Traceback" not in done.stderr


def test_installed_app_help_exits_zero(installed) -> None:
    done = installed.run(installed.optiviz, "app", "--help")
    assert done.returncode == 0, done.stderr
    assert "streamlit run" in done.stdout


FIGURE_CHECK = """
import optiviz, optiviz.figures, plotly.graph_objects as go
runs = optiviz.simulate_many("staircase", "sgd", alphas=[0.055, 0.8, 2.8])
fig = optiviz.figures.animate(*runs, surface="staircase")
print(isinstance(fig, go.Figure), len(fig.frames), fig.frames[-1].name)
"""


def test_installed_figures_animate_returns_a_figure_with_frames(installed) -> None:
    done = installed.run(installed.python, "-c", FIGURE_CHECK)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "150", "150"]


def test_installed_app_serves_from_outside_the_repository(installed) -> None:
    with installed.app() as url, urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200 and b"<noscript>" in page.read()
