"""The sweep's baselines: Adam with alpha_t = alpha e^(-k t) on Rosenbrock, final losses.

The same rule three ways, none using optiviz: a NumPy loop over trajectories (one
trajectory at a time), vectorised NumPy over the whole grid, and vectorised PyTorch.
A run that leaves the finite numbers or |x| <= RADIUS ends with loss inf, as in
``optiviz.sweep``. Used by ``bench.sweep.grid``.
"""

from __future__ import annotations

import numpy as np

STEPS = 500
START = (-1.5, 2.0)
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
RADIUS = 1e6

FLOPS_PER_STEP = 39
"""Flops of one trajectory-step of the rule, counting + - * / sqrt exp as one each:
the gradient 8 (r = y - x^2: 2; g_x = -2(1 - x) - 400 x r: 5; g_y = 200 r: 1), the
moments 14 (m: 3 and v: 4 per coordinate), the step 14 (m / c1, v / c2, sqrt, + eps,
divide, times alpha_t, subtract: 7 per coordinate) and the schedule 3 (alpha e^(-k t)).
The bias corrections c1 = 1 - beta1^(t+1), c2 = 1 - beta2^(t+1) are per step, not per
trajectory, and are not counted."""


def rosenbrock(x, y):
    """(1 - x)^2 + 100 (y - x^2)^2, elementwise."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def loop_adam(alpha: float, k: float, steps: int = STEPS) -> float:
    """Final loss of one run, a Python loop over steps on a length-2 array."""
    p = np.array(START, np.float64)
    m, v = np.zeros(2), np.zeros(2)
    for t in range(steps):
        x, y = p
        r = y - x * x
        g = np.array([-2 * (1 - x) - 400 * x * r, 200 * r])
        m = BETA1 * m + (1 - BETA1) * g
        v = BETA2 * v + (1 - BETA2) * g * g
        m_hat, v_hat = m / (1 - BETA1 ** (t + 1)), v / (1 - BETA2 ** (t + 1))
        p = p - alpha * np.exp(-k * t) * m_hat / (np.sqrt(v_hat) + EPS)
        if not np.all(np.isfinite(p)) or np.any(np.abs(p) > RADIUS):
            return float("inf")
    return float(rosenbrock(*p))


def _grid_adam(xp, alpha, k, steps: int):
    """The whole grid at once with array module ``xp`` (numpy or torch); alpha, k 1-D."""
    x, y = xp.full_like(alpha, START[0]), xp.full_like(alpha, START[1])
    mx, my, vx, vy = (xp.zeros_like(alpha) for _ in range(4))
    dead = xp.zeros_like(alpha) != 0
    for t in range(steps):
        r = y - x * x
        gx, gy = -2 * (1 - x) - 400 * x * r, 200 * r
        mx, my = BETA1 * mx + (1 - BETA1) * gx, BETA1 * my + (1 - BETA1) * gy
        vx, vy = BETA2 * vx + (1 - BETA2) * gx * gx, BETA2 * vy + (1 - BETA2) * gy * gy
        c1, c2 = 1 - BETA1 ** (t + 1), 1 - BETA2 ** (t + 1)
        lr = alpha * xp.exp(-k * t)
        nx = x - lr * (mx / c1) / (xp.sqrt(vx / c2) + EPS)
        ny = y - lr * (my / c1) / (xp.sqrt(vy / c2) + EPS)
        bad = ~(xp.isfinite(nx) & xp.isfinite(ny)) | (xp.abs(nx) > RADIUS) | (xp.abs(ny) > RADIUS)
        dead = dead | bad
        x, y = xp.where(dead, x, nx), xp.where(dead, y, ny)
    return xp.where(dead, xp.full_like(x, float("inf")), rosenbrock(x, y))


def numpy_grid(alphas: np.ndarray, ks: np.ndarray, dtype=np.float32, steps: int = STEPS):
    """Final losses over the alphas x ks grid, shape (len(alphas), len(ks)), vectorised."""
    a, k = (v.ravel().astype(dtype) for v in np.meshgrid(alphas, ks, indexing="ij"))
    with np.errstate(all="ignore"):
        out = _grid_adam(np, a, k, steps)
    return np.asarray(out, np.float64).reshape(len(alphas), len(ks))


def torch_grid(alphas: np.ndarray, ks: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """``numpy_grid`` in PyTorch (float32, CPU, the threads torch is set to use)."""
    import torch

    a, k = (
        torch.from_numpy(v.ravel().astype(np.float32))
        for v in np.meshgrid(alphas, ks, indexing="ij")
    )
    with torch.no_grad():
        out = _grid_adam(torch, a, k, steps)
    return out.double().numpy().reshape(len(alphas), len(ks))
