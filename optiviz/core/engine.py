"""The compiled inner loop of trajectories (grids run in ``sweeps``).

One step: g = grad of the (mini-batch) loss at x_t, plus optional Gaussian
noise; d, state = optimizer.update(g, state); x_{t+1} = x_t - alpha_t d. What
does not depend on x (alpha_t, the noise, the mini-batch) is drawn for every
step before the loop (``run_inputs.Draws``) and comes into the run's program as arrays,
drawn by programs of their own (``feeds.rates_fn``, ``noise_fn``, ``weights_fn``) that every
optimizer shares, and only where a run needs them: a constant α_t is alpha_0 (NumPy), no
noise is 0, the whole data set weighs each sample 1/n. The PRNG (threefry, the normal's
inverse error function, the epoch's permutation) and the schedules' switch were most of a
trajectory program's compile: a first run (trace, compile, run) took about 1.8 s of CPU
on the quadratic and 3.3 s on the polynomial at 2,000 steps with them in, 0.56 and 0.65 s
without (2-core container), so a page of four optimizers at a constant α and without
noise compiles four small programs and nothing else.

Everything numeric is a traced argument (``run_inputs.Hyper``); only the surface, the
optimizer and the scan length (a bucket from ``limits.STEP_BUCKETS``) are
static. Steps t >= ``steps`` leave x unchanged, so one compiled scan serves
every step count in its bucket.

Every trajectory, alone or one of many (``simulate_many``, the α and k families), runs
through the one program ``trajectory_fn`` compiles: a loop over runs (``lax.fori_loop``
with a traced trip count, so one program serves one run to ``capacity`` runs, where
``lax.map`` would compile per count) whose body is the single run, writing run i into row
i of buffers that hold ``capacity`` runs. ``simulate`` is that program with one run; a
family of 121 is the same program with 121 (``each_run``: one call per ``capacity`` runs,
not one per run), so run i of any batch is, bit for bit, the run ``simulate`` returns
alone: the same compiled body, iterated. A vmapped batch is another program, and XLA's CPU
code for it depends on the batch's width: which multiplies and adds it contracts into one
FMA, how it orders a sum over samples, whether the loop is one kernel. Those last bits are
invisible on a converging run, but on a chaotic one (Rosenbrock at α = 0.0042) they grow
into another path within a few dozen steps: a 145-wide batch ended at loss 0.4405 where
the single run ends at 0.2693. Even a loop's body is compiled with its output buffers (a
body writing into rows of 4 fused |grad f| differently from one writing into a row of 1),
which is why one capacity serves every batch size.

GD, momentum and Nesterov run one trajectory program (``programs.heavy_ball``, fed beta
and the look-ahead), Adagrad and RMSprop another (``programs.running_square``); each
rule's own arithmetic, bit for bit. Compilations per session
are therefore at most |surfaces| x |optimizers| x |buckets| x 2 (trajectory, sweep), plus
the draw programs (|dimensions| and |data sizes| x |buckets|), times the grid shapes for
``sweeps``' blocks, and in practice a handful; ``TRACES`` counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from optiviz.core import limits, programs
from optiviz.core.feeds import feeder, filled
from optiviz.core.run_inputs import Draws, Hyper
from optiviz.core.surfaces import Surface

TRACES: Counter = Counter()
"""How many times each compiled function has been traced (for tests)."""


def step_loss(surface: Surface, weights):
    """The loss a step follows: f, or on a data surface the mini-batch's weighted loss."""
    if surface.n_samples is None:
        return surface.f
    return lambda x: surface.weighted_loss(x, weights)


def _stepper(surface: Surface, optimizer: str, h: Hyper):
    """(the optimizer's transformation, one step of a run): ``optimizer`` names a rule of
    ``programs.RULES`` (an optimizer, or a rule shared by several)."""
    tx = programs.RULES[optimizer](h.optimizer)

    def step(carry, xs):
        t, draw = xs
        x, state, dead = carry
        g = jax.grad(step_loss(surface, draw.weights))(x) + draw.noise
        d, new_state = tx.update(g, state, x)
        active = t < h.steps
        x_new = jnp.where(active, x - draw.lr * d, x)
        new_state = jax.tree.map(lambda a, b: jnp.where(active, a, b), new_state, state)
        escaped = ~jnp.all(jnp.isfinite(x_new)) | jnp.any(jnp.abs(x_new) > limits.DIVERGENCE_RADIUS)
        dead = dead | escaped
        x_out = jnp.where(dead, jnp.nan, x_new)
        return (jnp.where(dead, x, x_new), new_state, dead), (x_out, draw.lr, g)

    return tx, step


def _trajectory(surface: Surface, optimizer: str, length: int):
    def run(h: Hyper, x0, lrs, noise, weights):
        tx, step = _stepper(surface, optimizer, h)
        carry = (x0, tx.init(x0), jnp.array(False))
        steps = (jnp.arange(length), Draws(lrs, noise, weights))
        _, (xs, _, grads) = jax.lax.scan(step, carry, steps)
        positions = jnp.concatenate([x0[None], xs])
        losses = jax.vmap(surface.f)(positions)
        grad_f = jax.grad(surface.f)
        last = jnp.take(positions, h.steps, axis=0)
        ends = jnp.stack([jnp.linalg.norm(grad_f(x0)), jnp.linalg.norm(grad_f(last))])
        return positions, losses, grads, ends, _validation(surface, positions)

    return run


def _batch(surface: Surface, optimizer: str, length: int, size: int):
    run = _trajectory(surface, optimizer, length)

    def many(h: Hyper, n, x0s, lrs, noises, weights):
        TRACES["trajectory"] += 1
        return filled(lambda i: run(h, x0s[i], lrs[i], noises[i], weights[i]), n, size)

    return many


def _validation(surface: Surface, positions):
    """The held-out loss at each position (``extras["validation_f"]``), or None."""
    val_f = surface.extras.get("validation_f")
    return None if val_f is None else jax.vmap(val_f)(positions)


BATCH_FLOATS = 2**18
"""float32 values (1 MiB) the buffers of one call of ``trajectory_fn`` hold, its draws
in and its arrays out: a single run pays for zeroing them, a batch gets as many runs per
call as fit."""


def capacity(surface: Surface, length: int) -> int:
    """Runs one call of ``trajectory_fn`` holds: as many as fit ``BATCH_FLOATS`` (in: α_t,
    the noise and the mini-batch weights, length x (1, dim, n_samples); out: positions,
    losses and validation losses, (length + 1) x (dim, 1, 1), and gradients, length x
    dim), at least one. 127 at the default 150 steps (bucket 256) on a surface in x and
    y, 15 at 2,000."""
    validation = "validation_f" in surface.extras
    per_run = (length + 1) * (surface.dim + 1 + validation) + length * (surface.dim + 1) + 2
    per_run += length * (surface.dim + (surface.n_samples or 0))
    return max(1, BATCH_FLOATS // per_run)


@lru_cache(maxsize=48)
def trajectory_fn(surface: Surface, rule: str, length: int):
    """The program of ``rule`` (``programs.program``: GD, momentum and Nesterov share
    ``heavy_ball``'s, Adagrad and RMSprop ``running_square``'s), jit(h, n, x0s, lrs,
    noises, weights) -> buffers of ``capacity`` rows, row i < n run i: (positions,
    losses, grads, |grad f| at start and end, validation losses or None). Run i starts
    at x0s[i] and is fed its alpha_t, lrs[i] (length,), its noise, noises[i] (length,
    dim), and its mini-batch weights, weights[i] (length, n_samples or 0), from
    ``feeds``' draw programs; h's other leaves are shared."""
    return jax.jit(_batch(surface, rule, length, capacity(surface, length)))


def each_run(
    surface: Surface,
    optimizer: str,
    length: int,
    h: Hyper,
    alphas: Sequence[float],
    ks: Sequence[float],
    x0s: np.ndarray,
    seeds: Sequence[int],
) -> tuple[np.ndarray | None, ...]:
    """(positions, losses, lrs, grads, |grad f| at start and end, validation losses or
    None) as NumPy, row i run i = 0 .. n - 1: alpha_0 = alphas[i], k = ks[i] (float32),
    from x0s[i] with the key of seeds[i] (uint32), the rest of h shared. One call of
    ``trajectory_fn`` per ``capacity`` runs, all dispatched before any is read; run i is
    exactly ``simulate``'s, whatever the batch and wherever it sits in it."""
    rule, fed = programs.program(optimizer, h.optimizer)
    fn, h = trajectory_fn(surface, rule, length), h._replace(optimizer=fed)
    n, size = len(alphas), capacity(surface, length)
    alphas = np.asarray(alphas, np.float32)
    ks = np.broadcast_to(np.asarray(ks, np.float32), (n,))
    x0s = np.broadcast_to(np.asarray(x0s, np.float32), (n, surface.dim))
    seeds = np.broadcast_to(np.asarray(seeds, np.uint32), (n,))
    feed = feeder(surface, length, size, h)
    if n > size:
        h = jax.device_put(h)
    outs = []
    for lo in range(0, n, size):
        count = np.int32(min(size, n - lo))
        lrs, *draws = feed(count, *(_rows(c, lo, size) for c in (alphas, ks, seeds)))
        positions, losses, grads, ends, validation = fn(h, count, _rows(x0s, lo, size), lrs, *draws)
        outs.append((positions, losses, lrs, grads, ends, validation))
    return tuple(_joined(parts, n) for parts in zip(*outs, strict=True))


def _joined(parts: Sequence, n: int) -> np.ndarray | None:
    """The first n rows of the calls' buffers of one output, as NumPy (a view of the
    buffer when one call held them all)."""
    if parts[0] is None:
        return None
    if len(parts) == 1:
        return np.asarray(parts[0])[:n]
    return np.concatenate([np.asarray(p) for p in parts])[:n]


def _rows(column: np.ndarray, lo: int, size: int) -> np.ndarray:
    """Rows lo .. lo + size of ``column``, zero past its end (rows no run reads)."""
    out = np.zeros((size, *column.shape[1:]), column.dtype)
    part = column[lo : lo + size]
    out[: len(part)] = part
    return out
