"""Run several strategies on one problem with one budget and several seeds: :func:`compare`.

The checks of the comparison's own input (budget, seeds) fail with a message that says
what to pass instead, and so do those of the strategies, which the registry makes
(:func:`~tuninglab.search.strategies.check_strategies`); the runs go to parallel
processes and come back as a :class:`~tuninglab.search.results.Comparison`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from joblib import Parallel, delayed
from tqdm import tqdm

from tuninglab.search.problems import Problem
from tuninglab.search.results import Comparison, StrategyResult
from tuninglab.search.spaces import MAX_GRID_SIZE
from tuninglab.search.strategies import STRATEGIES, check_strategies, run_strategy
from tuninglab.search.trace import RunResult


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


class Task(NamedTuple):
    """One run to do.

    Attributes:
        problem: The problem.
        strategy: A strategy name (a key of ``STRATEGIES``).
        budget: Maximum fits of the run.
        seed: Seed of the run (one seed only for unseeded strategies).
    """

    problem: Problem
    strategy: str
    budget: int
    seed: int


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
        Task(problem, name, budget, seed)
        for name in names
        for seed in (seeds if STRATEGIES[name].seeded else seeds[:1])
    ]


def run_tasks(
    tasks: Sequence[Task], *, n_jobs: int = 1, progress: bool = False, desc: str = "runs"
) -> list[RunResult]:
    """Run tasks, in parallel processes if ``n_jobs > 1``, with an optional progress bar.

    Args:
        tasks: The runs (:class:`Task`).
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar on stderr.
        desc: Label of the bar.

    Returns:
        One result per task, in the order of ``tasks``.
    """
    for task in tasks:
        task.problem.load()  # load once, before problems are sent to workers
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
        progress: On stderr, say how many runs and fits there are, then show a tqdm
            bar over strategies x seeds with the time left.
        max_grid_size: Refuse a ``grid`` whose full grid has more configurations.

    Returns:
        The comparison.

    Raises:
        ValueError: For a non-positive or too small budget, unknown or duplicate
            strategy names, ``tpe_pruned`` on a non-iterative problem, a grid larger
            than ``max_grid_size`` or bad seeds.
    """
    _check_budget(budget, problem.n_splits)
    names = check_strategies(problem, strategies, budget, max_grid_size)
    seeds = _check_seeds(seeds)
    tasks = plan_tasks(problem, names, budget, seeds)
    if progress:
        print(
            f"{problem.name}: {len(tasks)} runs of at most {budget} fits each, "
            f"{len(tasks) * budget} fits at most; the bar below shows the time left",
            file=sys.stderr,
        )
    runs = run_tasks(tasks, n_jobs=n_jobs, progress=progress, desc=problem.name)
    return collect(problem, budget, seeds, runs)
