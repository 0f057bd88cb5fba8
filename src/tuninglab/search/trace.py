"""What one search run spends and finds: :class:`Trace` while it runs, :class:`RunResult` after.

Every strategy counts its budget in *full-fit equivalents* (training one model on one
full training fold counts 1; see :mod:`tuninglab.search.strategies`), records each
full-data CV score in a :class:`Trace` and returns the trace's :class:`RunResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FIT_TOLERANCE = 1e-9
"""Slack when fits spent (sums of fractions) are compared with a budget."""


@dataclass(frozen=True)
class RunResult:
    """What one strategy found in one run (one seed).

    Attributes:
        strategy: Strategy name.
        seed: Seed of the run.
        best_score: Best mean cross-validated score on the problem's full folds.
        best_params: The configuration that scored ``best_score``.
        fits: Budget used, in full-fit equivalents (see the module docstring).
        fit_calls: Number of models trained, whatever their share of the data/epochs.
        n_configs: Number of configurations tried (halving: first-rung candidates).
        curve: ``(fits used so far, best score so far)`` after each full-data score.
        wall_time: Seconds the run took (the only field that varies between runs).
    """

    strategy: str
    seed: int
    best_score: float
    best_params: dict[str, Any]
    fits: float
    fit_calls: int
    n_configs: int
    curve: tuple[tuple[float, float], ...]
    wall_time: float = 0.0


@dataclass
class Trace:
    """Accumulates spent fits, the best-so-far curve and the choices of one run.

    ``choices`` has one ``(fits, best score, best params)`` entry per full-data score:
    the configuration the run would choose if it stopped there.
    """

    fits: float = 0.0
    fit_calls: int = 0
    n_configs: int = 0
    best_score: float = -math.inf
    best_params: dict[str, Any] = field(default_factory=dict)
    curve: list[tuple[float, float]] = field(default_factory=list)
    choices: list[tuple[float, float, dict[str, Any]]] = field(default_factory=list)

    def spend(self, fits: float, calls: int = 0) -> None:
        """Count ``fits`` full-fit equivalents spent in ``calls`` calls to ``fit``."""
        self.fits += fits
        self.fit_calls += calls

    def score(self, score: float, params: dict[str, Any]) -> None:
        """Record a full-data CV score of ``params`` (after its fits were spent)."""
        if score > self.best_score:
            self.best_score, self.best_params = float(score), _plain_params(params)
        self.curve.append((float(round(self.fits, 6)), self.best_score))
        self.choices.append((*self.curve[-1], self.best_params))

    def result(self, strategy: str, seed: int) -> RunResult:
        """The run's :class:`RunResult`, labelled ``strategy`` and ``seed``."""
        return RunResult(
            strategy=strategy,
            seed=seed,
            best_score=self.best_score,
            best_params=self.best_params,
            fits=float(round(self.fits, 6)),
            fit_calls=self.fit_calls,
            n_configs=self.n_configs,
            curve=tuple(self.curve),
        )


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python ones (for JSON and equality)."""
    return value.item() if isinstance(value, np.generic) else value


def _plain_params(params: dict[str, Any]) -> dict[str, Any]:
    return {name: _plain(value) for name, value in sorted(params.items())}


def replay(trace: Trace, cv_results: dict[str, Any], n_splits: int, n_samples: int) -> None:
    """Feed a scikit-learn search's ``cv_results_`` to ``trace`` in evaluation order.

    Args:
        trace: The run's trace.
        cv_results: The search's ``cv_results_`` (with ``n_resources`` for halving).
        n_splits: CV folds of every evaluation.
        n_samples: All samples; only evaluations on all of them are scores of the trace.
    """
    resources = cv_results.get("n_resources", [n_samples] * len(cv_results["params"]))
    for params, score, resource in zip(
        cv_results["params"], cv_results["mean_test_score"], resources, strict=True
    ):
        trace.spend(n_splits * resource / n_samples, n_splits)
        if resource == n_samples:
            trace.score(float(score), params)
