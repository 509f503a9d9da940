"""The top view's background: a dense banded image with anti-aliased contour lines,
and the map's equal scale where the parameters share units."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from optiviz.core import surfaces
from optiviz.figures import background, layout
from optiviz.scenes import grids

TWO_D = surfaces.names(dim=2)
MAX_PAYLOAD = 140 * 1024
"""Characters of the background's data URI at most: it travels with every figure."""


def _decode(uri: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


@pytest.mark.parametrize("name", TWO_D)
def test_background_is_dense_small_and_covers_the_box(name: str) -> None:
    s = surfaces.get(name)
    coarse = grids.surface_grid(s, 161)
    (image,) = layout.images(s, coarse)
    png = _decode(image["source"])
    assert png.size == (background.IMAGE_SIDE, background.IMAGE_SIDE)
    assert background.IMAGE_SIDE >= 3 * 161
    assert len(image["source"]) <= MAX_PAYLOAD
    (x0, x1), (y0, y1) = s.bounds
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (x0, y1, x1 - x0, y1 - y0)


def test_contour_lines_sit_on_band_edges_and_are_anti_aliased() -> None:
    u = np.tile(np.linspace(0.0, 1.0, 720), (3, 1))
    cover = background.contour_coverage(u, bands=4, width=1.0)[1]
    for edge in (0.25, 0.5, 0.75):
        at = edge * 719
        left, right = int(np.floor(at)), int(np.ceil(at))
        assert cover[left] == pytest.approx(1 - (at - left))
        assert cover[right] == pytest.approx(1 - (right - at))
        assert cover[left] + cover[right] == pytest.approx(1.0)
        assert cover[left - 1] == cover[right + 1] == 0.0
    assert np.count_nonzero(cover) == 6


def test_render_darkens_only_near_edges_and_keeps_undefined_transparent() -> None:
    x = np.linspace(0.0, 1.0, 200)
    z = np.tile(np.expm1(x * np.log(11.0)), (50, 1))
    z[:5, :5] = np.nan
    image = background.render(z).convert("RGBA")
    rgba = np.asarray(image)
    assert rgba[-1, 0, 3] == 0 and rgba[0, 100, 3] == 255
    bands = background.colourise(background.levels(z))[0, :, :3]
    row = rgba[10, :, :3].astype(int)
    same = np.all(row == bands, axis=1)
    assert same.mean() > 0.8
    assert np.all(row[~same].sum(axis=1) < bands[~same].astype(int).sum(axis=1))


@pytest.mark.parametrize("name", TWO_D)
def test_map_is_equal_scale_exactly_where_the_surface_says(name: str) -> None:
    s = surfaces.get(name)
    scale = layout.map_scale(s)
    assert s.equal_axes == (s.n_samples is None)
    assert scale["xaxis"]["showgrid"] and scale["yaxis"]["showgrid"]
    if s.equal_axes:
        assert scale["yaxis"]["scaleanchor"] == "x" and scale["yaxis"]["scaleratio"] == 1
        assert scale["xaxis"]["constrain"] == scale["yaxis"]["constrain"] == "domain"
    else:
        assert "scaleanchor" not in scale["yaxis"]
    assert layout.map_scale(surfaces.get("parabola")) == {"xaxis": {}, "yaxis": {}}


def test_typed_two_variable_formula_is_equal_scale() -> None:
    assert surfaces.from_expression("x^2 + 3*y^2").equal_axes
    assert not surfaces.from_expression("x^2").equal_axes
