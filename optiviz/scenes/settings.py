"""The page's settings as one frozen value, read from the widgets by ``controls``."""

from __future__ import annotations

from dataclasses import dataclass

from optiviz.core import optimizers, schedules


@dataclass(frozen=True)
class Settings:
    """Everything the explore page needs to compute and draw."""

    surface: str
    mode: str
    optimizer: str
    compare_optimizers: tuple[str, ...]
    presets: tuple[str, ...]
    alpha: float
    schedule: str
    k: float
    drop: float
    every: int
    staircase: bool
    momentum: float
    rho: float
    beta1: float
    beta2: float
    eps: float
    steps: int
    start: tuple[float, ...] | None
    noise: float = 0.0
    batch_size: int | None = None
    seed: int = 0
    n_seeds: int = 24
    formula: str = ""
    weight_decay: float = 0.0
    degree: int = 15

    def hyper(self, optimizer: str | None = None) -> dict:
        """Keyword arguments for ``optiviz.simulate``: the optimizer's and schedule's knobs."""
        name = optimizer or self.optimizer
        out = {key: getattr(self, key) for key in optimizers.HYPERPARAMS[name]}
        if "eps" in out:
            out["eps"] = self.eps if name == self.optimizer else optimizers.DEFAULT_EPS[name]
        if self.schedule == "step":
            out |= {"drop": self.drop, "every": self.every}
        if self.schedule in schedules.USES_K:
            out |= {"every": self.every, "staircase": self.staircase}
        return out

    def many_kwargs(self, optimizer: str | None = None) -> dict:
        """``run_kwargs`` spelled for ``optiviz.simulate_many`` (lists of starts and seeds)."""
        kwargs = self.run_kwargs(optimizer)
        starts, seeds = [kwargs.pop("start")], [kwargs.pop("seed")]
        return {**kwargs, "starts": starts, "seeds": seeds}

    def run_kwargs(self, optimizer: str | None = None) -> dict:
        """All keyword arguments of ``optiviz.simulate`` except alpha."""
        return {
            "schedule": self.schedule,
            "k": self.k if self.schedule in schedules.USES_K else 0.0,
            "start": self.start,
            "steps": self.steps,
            "noise": self.noise,
            "batch_size": self.batch_size,
            "seed": self.seed,
            **self.hyper(optimizer),
        }
