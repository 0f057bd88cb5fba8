"""What a comparison of search strategies returns: per-strategy results and their curves.

:class:`StrategyResult` holds one strategy's runs (one per seed) and summarizes them;
:class:`Comparison` holds every strategy's result on one problem and budget and turns
them into rows, a Markdown table or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tuninglab.search.tables import format_params, format_score, markdown_table
from tuninglab.search.trace import RunResult

SCORE_DIGITS = 4
"""Scores and fits are rounded to this many decimals in tables and JSON."""


def format_count(value: float) -> str:
    """A mean count of fits: ``30`` when whole, ``27.5`` when not (halving's runs vary)."""
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def best_so_far(curve: Sequence[tuple[float, float]], fits: float) -> float | None:
    """Return the best score a run had found after spending ``fits``.

    Args:
        curve: A run's ``(fits, best score)`` points, in order.
        fits: Budget spent so far.

    Returns:
        The best score, or ``None`` if the run had no full-data score yet.
    """
    best = None
    for spent, score in curve:
        if spent > fits + 1e-9:
            break
        best = score
    return best


def curve_points(budget: float, step: int) -> list[float]:
    """Return the fits at which mean curves are sampled: every ``step`` and ``budget``.

    Args:
        budget: The last point.
        step: Spacing, normally the number of folds (one configuration's cost).

    Returns:
        ``[step, 2 * step, ..., budget]``.
    """
    points = [float(x) for x in range(step, int(budget) + 1, step)]
    if not points or points[-1] < budget:
        points.append(float(budget))
    return points


def round_score(value: float | None) -> float | None:
    """Round a score or fit count to :data:`SCORE_DIGITS` (``None`` stays ``None``)."""
    return None if value is None else round(float(value), SCORE_DIGITS)


@dataclass(frozen=True)
class StrategyResult:
    """One strategy's runs over all seeds, with means and spreads.

    Attributes:
        strategy: Strategy name.
        budget: The budget each run had.
        n_splits: Folds of the problem (the spacing of :meth:`mean_curve`).
        runs: One :class:`RunResult` per seed (one only for unseeded strategies).
    """

    strategy: str
    budget: int
    n_splits: int
    runs: tuple[RunResult, ...]

    @property
    def mean_score(self) -> float:
        """Mean over runs of the best CV score."""
        return float(np.mean([r.best_score for r in self.runs]))

    @property
    def std_score(self) -> float | None:
        """Sample standard deviation (``ddof=1``) over runs of the best CV score.

        ``None`` for a single run, which has no spread to estimate (tables print "–").
        """
        if len(self.runs) < 2:
            return None
        return float(np.std([r.best_score for r in self.runs], ddof=1))

    @property
    def mean_fits(self) -> float:
        """Mean fits used per run."""
        return float(np.mean([r.fits for r in self.runs]))

    @property
    def mean_wall_time(self) -> float:
        """Mean seconds per run."""
        return float(np.mean([r.wall_time for r in self.runs]))

    @property
    def best_run(self) -> RunResult:
        """The run with the highest best score (the first one on ties)."""
        return max(self.runs, key=lambda r: r.best_score)

    def mean_curve(self, points: Sequence[float] | None = None) -> list[tuple[float, float | None]]:
        """Return the mean over runs of the best-so-far score at each point.

        Args:
            points: Fits at which to sample; default :func:`curve_points` up to the
                largest fits any run used, every ``n_splits``.

        Returns:
            ``(fits, mean best score)`` pairs; the score is ``None`` until every run
            has a full-data score.
        """
        if points is None:
            points = curve_points(max(r.fits for r in self.runs), self.n_splits)
        pairs = []
        for x in points:
            values = [best_so_far(r.curve, x) for r in self.runs]
            mean = None if None in values else float(np.mean(values))
            pairs.append((x, mean))
        return pairs

    def summary(self) -> dict[str, Any]:
        """Return the seed-independent summary (rounded; no wall time)."""
        curve = self.mean_curve()
        return {
            "budget": self.budget,
            "runs": len(self.runs),
            "mean_best_score": round_score(self.mean_score),
            "std_best_score": round_score(self.std_score),
            "mean_fits": round_score(self.mean_fits),
            "best_params": self.best_run.best_params,
            "curve": {
                "fits": [x for x, _ in curve],
                "mean_best_score": [round_score(y) for _, y in curve],
            },
            "per_seed": [
                {
                    "seed": r.seed,
                    "best_score": round_score(r.best_score),
                    "best_params": r.best_params,
                    "fits": round_score(r.fits),
                    "fit_calls": r.fit_calls,
                    "n_configs": r.n_configs,
                }
                for r in self.runs
            ],
        }


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare`.

    Attributes:
        problem: ``Problem.describe()`` of the problem.
        budget: Fits each run was allowed.
        seeds: The seeds.
        results: One :class:`StrategyResult` per strategy, in the order asked.
    """

    problem: dict[str, Any]
    budget: int
    seeds: tuple[int, ...]
    results: dict[str, StrategyResult]

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one summary dict per strategy (rounded; wall time in seconds).

        Returns:
            Dicts with ``strategy``, ``runs``, ``mean_best_score``, ``std_best_score``,
            ``mean_fits``, ``mean_wall_time`` and ``best_params`` (of the best run).
        """
        return [
            {
                "strategy": name,
                "runs": len(result.runs),
                "mean_best_score": round_score(result.mean_score),
                "std_best_score": round_score(result.std_score),
                "mean_fits": round_score(result.mean_fits),
                "mean_wall_time": round(result.mean_wall_time, 2),
                "best_params": result.best_run.best_params,
            }
            for name, result in self.results.items()
        ]

    def to_markdown(self, include_wall_time: bool = True) -> str:
        """Return the summary as a Markdown table.

        Args:
            include_wall_time: Add the mean seconds per run; leave it out where the
                table must read the same on every machine (a guide's printed output).
        """
        header = ["strategy", "runs", "best CV score", "sd", "fits", "time (s)", "best params"]
        rows = [
            [
                row["strategy"],
                row["runs"],
                f"{row['mean_best_score']:.4f}",
                format_score(row["std_best_score"]),
                format_count(row["mean_fits"]),
                f"{row['mean_wall_time']:.2f}",
                format_params(row["best_params"]),
            ]
            for row in self.to_rows()
        ]
        if not include_wall_time:
            header.pop(5)
            for row in rows:
                row.pop(5)
        return markdown_table(header, rows)

    def to_dict(self, include_wall_time: bool = True) -> dict[str, Any]:
        """Return everything as plain data.

        Args:
            include_wall_time: Add the ``wall_time`` key (seconds per strategy and
                run). Everything else is identical between runs with the same seeds.

        Returns:
            A JSON-ready dict.
        """
        data = {
            "problem": self.problem,
            "budget": self.budget,
            "seeds": list(self.seeds),
            "strategies": {name: r.summary() for name, r in self.results.items()},
        }
        if include_wall_time:
            data["wall_time"] = {
                name: {
                    "mean_seconds": round(r.mean_wall_time, 3),
                    "per_seed": [round(run.wall_time, 3) for run in r.runs],
                }
                for name, r in self.results.items()
            }
        return data

    def to_json(self, include_wall_time: bool = True) -> str:
        """Return :meth:`to_dict` as JSON with sorted keys."""
        return json.dumps(self.to_dict(include_wall_time), indent=2, sort_keys=True)
