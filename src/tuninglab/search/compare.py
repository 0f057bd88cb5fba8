"""Run several strategies on one problem with one budget and several seeds."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from tqdm import tqdm

from tuninglab.search.problems import Problem
from tuninglab.search.spaces import MAX_GRID_SIZE
from tuninglab.search.strategies import (
    STRATEGIES,
    RunResult,
    get_strategy,
    run_strategy,
    split_last_step,
)

SCORE_DIGITS = 4
"""Scores and fits are rounded to this many decimals in tables and JSON."""


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


def _round(value: float | None) -> float | None:
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
            "mean_best_score": _round(self.mean_score),
            "std_best_score": _round(self.std_score),
            "mean_fits": _round(self.mean_fits),
            "best_params": self.best_run.best_params,
            "curve": {
                "fits": [x for x, _ in curve],
                "mean_best_score": [_round(y) for _, y in curve],
            },
            "per_seed": [
                {
                    "seed": r.seed,
                    "best_score": _round(r.best_score),
                    "best_params": r.best_params,
                    "fits": _round(r.fits),
                    "fit_calls": r.fit_calls,
                    "n_configs": r.n_configs,
                }
                for r in self.runs
            ],
        }


def _format_value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def format_sd(value: float | None) -> str:
    """Format a standard deviation with 4 decimals, or "–" when there is none (one run)."""
    return "–" if value is None else f"{value:.4f}"


def format_params(params: dict[str, Any]) -> str:
    """Format a configuration as ``name=value, ...`` with 4 significant digits."""
    return ", ".join(f"{k}={_format_value(v)}" for k, v in sorted(params.items()))


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a Markdown table (numbers right-aligned) as a string.

    Args:
        header: Column titles.
        rows: Cells; converted with ``str``.

    Returns:
        The table, one line per row, without a trailing newline.
    """
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    numeric = [all(_is_number(r[i]) for r in rows) and bool(rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w - 1) + (":" if n else "-") for w, n in zip(widths, numeric, strict=True)]
    return "\n".join([line(header), line(rule), *(line(r) for r in rows)])


def _is_number(text: str) -> bool:
    try:
        float(text.split(" ")[0])
    except ValueError:
        return False
    return True


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
                "mean_best_score": _round(result.mean_score),
                "std_best_score": _round(result.std_score),
                "mean_fits": _round(result.mean_fits),
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
                format_sd(row["std_best_score"]),
                f"{row['mean_fits']:.1f}",
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


def _check_budget(budget: int, n_splits: int) -> None:
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer):
        raise ValueError(f"budget must be an integer number of model fits, got {budget!r}")
    if budget <= 0:
        raise ValueError(f"budget must be a positive number of model fits, got {budget}")
    if budget < n_splits:
        raise ValueError(
            f"a budget of {budget} fits cannot pay for one {n_splits}-fold evaluation; "
            f"give at least {n_splits}"
        )


def _check_seeds(seeds: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(seeds, int | np.integer) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        return tuple(range(int(seeds)))
    seeds = tuple(int(s) for s in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be a non-empty list of distinct integers, got {seeds}")
    return seeds


def _check_strategies(
    problem: Problem, strategies: Sequence[str] | None, budget: int, max_grid_size: int
) -> tuple[str, ...]:
    if strategies is None:
        names = tuple(n for n, s in STRATEGIES.items() if problem.epochs or not s.iterative_only)
    elif isinstance(strategies, str):
        names = (strategies,)
    else:
        names = tuple(strategies)
    if not names or len(set(names)) != len(names):
        raise ValueError(f"strategies must be a non-empty list of distinct names, got {names}")
    for name in names:
        strategy = get_strategy(name)
        if strategy.iterative_only:
            _check_iterative(problem, name)
    if "grid" in names:
        problem.space.to_grid(max_size=max_grid_size)
        try:
            problem.space.coarsened(budget // problem.n_splits)
        except ValueError as error:
            raise ValueError(
                f"strategy 'grid' does not fit the budget of {budget}: {error}"
            ) from None
    return names


def _check_iterative(problem: Problem, name: str) -> None:
    _, final = split_last_step(problem.make_estimator())
    if problem.epochs is None or not hasattr(final, "partial_fit"):
        raise ValueError(
            f"strategy {name!r} needs an iterative problem: Problem.epochs set and a last "
            f"step with partial_fit; {problem.name!r} has epochs={problem.epochs} and last "
            f"step {type(final).__name__}"
        )


Task = tuple[Problem, str, int, int]
"""One run to do: ``(problem, strategy, budget, seed)``."""


def plan_tasks(
    problem: Problem, names: Sequence[str], budget: int, seeds: Sequence[int]
) -> list[Task]:
    """Return the runs of a comparison: every seed, but one run for unseeded strategies.

    Args:
        problem: The problem.
        names: Strategy names.
        budget: Fits per run.
        seeds: The seeds.

    Returns:
        The tasks, strategy by strategy.
    """
    return [
        (problem, name, budget, seed)
        for name in names
        for seed in (seeds if STRATEGIES[name].seeded else seeds[:1])
    ]


def run_tasks(
    tasks: Sequence[Task], *, n_jobs: int = 1, progress: bool = False, desc: str = "runs"
) -> list[RunResult]:
    """Run tasks, in parallel processes if ``n_jobs > 1``, with an optional progress bar.

    Args:
        tasks: ``(problem, strategy, budget, seed)`` tuples.
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar on stderr.
        desc: Label of the bar.

    Returns:
        One result per task, in the order of ``tasks``.
    """
    for problem, *_ in tasks:
        problem.load()  # load once, before problems are sent to workers
    calls = [delayed(_indexed_run)(i, *task) for i, task in enumerate(tasks)]
    if n_jobs == 1:
        outcomes = (call(*args, **kwargs) for call, args, kwargs in calls)
    else:
        outcomes = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(calls)
    results: list[RunResult | None] = [None] * len(tasks)
    bar = tqdm(total=len(tasks), desc=desc, unit="run", file=sys.stderr, disable=not progress)
    with bar:
        for index, result in outcomes:
            results[index] = result
            bar.set_postfix_str(f"{result.strategy} seed {result.seed}", refresh=False)
            bar.update()
    return results


def _indexed_run(
    index: int, problem: Problem, name: str, budget: int, seed: int
) -> tuple[int, RunResult]:
    return index, run_strategy(name, problem, budget, seed)


def collect(
    problem: Problem, budget: int, seeds: Sequence[int], runs: Sequence[RunResult]
) -> Comparison:
    """Group the runs of one problem and budget into a :class:`Comparison`.

    Args:
        problem: The problem.
        budget: Fits per run.
        seeds: The seeds.
        runs: Results, strategy by strategy (as :func:`plan_tasks` orders them).

    Returns:
        The comparison, strategies in the order they first appear in ``runs``.
    """
    names = list(dict.fromkeys(r.strategy for r in runs))
    return Comparison(
        problem=problem.describe(),
        budget=int(budget),
        seeds=tuple(seeds),
        results={
            name: StrategyResult(
                name, int(budget), problem.n_splits, tuple(r for r in runs if r.strategy == name)
            )
            for name in names
        },
    )


def compare(
    problem: Problem,
    strategies: Sequence[str] | None = None,
    *,
    budget: int,
    seeds: int | Sequence[int] = 5,
    n_jobs: int = 1,
    progress: bool = False,
    max_grid_size: int = MAX_GRID_SIZE,
) -> Comparison:
    """Run strategies on one problem with the same budget of model fits, per seed.

    See :mod:`tuninglab.search.strategies` for how each strategy counts fits.

    Args:
        problem: The problem.
        strategies: Names from ``STRATEGIES``; default all that apply to the problem
            (``tpe_pruned`` only for iterative problems).
        budget: Maximum model fits per run (full-fit equivalents).
        seeds: Number of seeds (``0 .. seeds - 1``) or the seeds themselves. ``grid``
            has no randomness and runs once.
        n_jobs: Runs in parallel processes (results do not depend on it).
        progress: Show a tqdm progress bar over strategies x seeds on stderr.
        max_grid_size: Refuse a ``grid`` whose full grid has more configurations.

    Returns:
        The comparison.

    Raises:
        ValueError: For a non-positive or too small budget, unknown or duplicate
            strategy names, ``tpe_pruned`` on a non-iterative problem, a grid larger
            than ``max_grid_size`` or bad seeds.
    """
    _check_budget(budget, problem.n_splits)
    names = _check_strategies(problem, strategies, budget, max_grid_size)
    seeds = _check_seeds(seeds)
    tasks = plan_tasks(problem, names, budget, seeds)
    runs = run_tasks(tasks, n_jobs=n_jobs, progress=progress, desc=problem.name)
    return collect(problem, budget, seeds, runs)
