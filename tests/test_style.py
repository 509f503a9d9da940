"""Run colours stay apart from each other, the map and the page, under colour-vision deficiencies.

Distances are CAM02-UCS ΔE (colorspacious), after simulating each deficiency
at full severity (Machado et al. 2009, as colorspacious implements it). About
1 is a just-noticeable difference; the thresholds below ask for a clear one.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest
from colorspacious import cspace_convert

from optiviz.figures import background, layout, style

VISIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")
"""Normal vision, then the three dichromacies (severity 100 is -anopia)."""

BETWEEN_RUNS = 10.0
"""Least ΔE between two guaranteed run colours."""

AGAINST_MAP = 12.0
"""Least ΔE between a guaranteed run colour and any band of the landscape."""

AGAINST_PAPER = 25.0
"""Least ΔE between a guaranteed run colour and either theme's page (the line panels)."""

SAFE = style.PALETTE[: style.SAFE_RUNS]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _seen(rgb1: np.ndarray, vision: str | None) -> np.ndarray:
    """CAM02-UCS coordinates of sRGB colours (rows, in [0, 1]) as ``vision`` sees them."""
    if vision is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb1 = np.clip(cspace_convert(rgb1, space, "sRGB1"), 0, 1)
    return cspace_convert(rgb1, "sRGB1", "CAM02-UCS")


def _least(colours: list[str], others: np.ndarray, vision: str | None) -> float:
    a = _seen(np.stack([_rgb(c) for c in colours]), vision)
    b = _seen(others, vision)
    return float(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1).min())


def _bands(stops=style.LANDSCAPE_STOPS) -> np.ndarray:
    """Every band colour the background image can hold."""
    u = (np.arange(background.BANDS) + 0.5) / background.BANDS
    return background.colourise(u[None, :], stops=stops)[0, :, :3] / 255


def test_palette_is_okabe_ito_and_presets_use_the_guaranteed_colours() -> None:
    assert set(style.PALETTE[:7]) <= set(style.OKABE_ITO.values())
    assert set(style.PRESET_COLOURS.values()) | {style.MY_ALPHA_COLOUR} == set(SAFE)
    assert len(set(style.PALETTE)) == len(style.PALETTE)


@pytest.mark.parametrize("vision", VISIONS)
def test_run_colours_are_distinct_from_each_other(vision: str | None) -> None:
    for a, b in itertools.combinations(SAFE, 2):
        assert _least([a], _rgb(b)[None], vision) >= BETWEEN_RUNS, (a, b, vision)


@pytest.mark.parametrize("vision", VISIONS)
def test_run_colours_never_vanish_on_the_landscape(vision: str | None) -> None:
    for colour in SAFE:
        assert _least([colour], _bands(), vision) >= AGAINST_MAP, (colour, vision)


@pytest.mark.parametrize("vision", VISIONS)
def test_run_colours_show_on_both_themes(vision: str | None) -> None:
    paper = np.stack([_rgb(c) for c in style.PAPER.values()])
    assert _least(list(SAFE), paper, vision) >= AGAINST_PAPER


def test_the_check_catches_the_old_plasma_map() -> None:
    plasma = (
        (0.0, (13, 8, 135)),
        (0.5, (204, 71, 120)),
        (0.75, (248, 149, 64)),
        (1.0, (240, 249, 33)),
    )
    assert _least([style.OKABE_ITO["orange"]], _bands(plasma), None) < AGAINST_MAP


CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_page_colours_are_the_configured_themes(theme: str) -> None:
    configured = tomllib.loads(CONFIG.read_text())["theme"][theme]
    assert style.PAPER[theme] == configured["backgroundColor"]
    assert style.TEXT[theme] == configured["textColor"]


def _luminance(rgb1: np.ndarray) -> float:
    """WCAG relative luminance of an sRGB colour in [0, 1]."""
    linear = np.where(rgb1 <= 0.04045, rgb1 / 12.92, ((rgb1 + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_legend_text_reads_on_its_box_in_both_themes(theme: str) -> None:

    *rgb, alpha = (float(v) for v in layout.LEGEND_BG[5:-1].split(","))
    box = alpha * np.array(rgb) / 255 + (1 - alpha) * _rgb(style.PAPER[theme])
    lum = sorted([_luminance(box), _luminance(_rgb(style.TEXT[theme]))])
    assert (lum[1] + 0.05) / (lum[0] + 0.05) >= 4.5  # WCAG AA for normal text
