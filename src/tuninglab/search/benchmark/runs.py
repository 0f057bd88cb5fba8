"""Running the benchmark: one strategy on one repetition (:func:`run_one`), or every run.

A run searches on the outer-train part, notes the configuration it would choose at
each checkpoint and scores those choices on the outer-test part. :func:`run_records`
runs every :class:`Task` of the given repetitions in parallel processes.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from joblib import Parallel, delayed
from sklearn.metrics import get_scorer
from tqdm import tqdm

from tuninglab.search.benchmark.design import (
    SPACES,
    checkpoints,
    outer_split,
    run_seed,
    split_seed,
)
from tuninglab.search.problems import Problem
from tuninglab.search.results import round_score
from tuninglab.search.strategies import get_strategy, quiet
from tuninglab.search.trace import Trace


def search(problem: Problem, strategy: str, budget: int, seed: int) -> Trace:
    """Run one of the package's strategies and keep its trace (with its choices).

    Args:
        problem: The problem (its data are the outer-train part).
        strategy: ``"grid"``, ``"random"``, ``"halving"`` or ``"tpe"``.
        budget: Maximum fits.
        seed: Seed of the strategy (unused by ``grid``).

    Returns:
        The trace: ``trace.choices`` lists the configuration the search would choose
        after each full-data score.

    Raises:
        ValueError: For an unknown strategy.
    """
    trace = Trace()
    get_strategy(strategy).run(problem, budget, seed, trace=trace)
    return trace


def choice_at(choices: Sequence[tuple[float, float, dict]], fits: float) -> tuple | None:
    """Return ``(fits, best CV score, params)`` chosen after ``fits`` (``None``: no choice yet)."""
    chosen = None
    for entry in choices:
        if entry[0] > fits + 1e-9:
            break
        chosen = entry
    return chosen


def run_one(space: str, dataset: str, repetition: int, label: str) -> tuple[dict[str, Any], float]:
    """Run one strategy on one repetition and score its choices on the outer test set.

    Args:
        space: A key of :data:`SPACES`.
        dataset: One of the space's datasets.
        repetition: The repetition (selects the outer split, folds and seeds).
        label: A strategy label of the space.

    Returns:
        The repetition's JSON record and the seconds it took.
    """
    start = time.perf_counter()
    spec = SPACES[space]
    strategy, budget = spec.strategies[label]
    X_train, X_test, y_train, y_test = outer_split(repetition, dataset)
    problem = spec.build((X_train, y_train), split_seed(repetition, dataset))
    seed = run_seed(repetition, dataset, space, label)
    scorer = get_scorer(problem.scoring)
    tested: dict[str, float] = {}

    def test_score(params: dict[str, Any]) -> float:
        key = json.dumps(params, sort_keys=True)
        if key not in tested:
            model = problem.make_estimator().set_params(**params).fit(X_train, y_train)
            tested[key] = float(scorer(model, X_test, y_test))
        return tested[key]

    with quiet():
        trace = search(problem, strategy, budget, seed)
        chosen = [choice_at(trace.choices, x) for x in checkpoints(budget)]
        curve_test = [None if c is None else round_score(test_score(c[2])) for c in chosen]
    result = trace.result(label, seed)
    record = {
        "repetition": repetition,
        "seed": seed,
        "split_seed": split_seed(repetition, dataset),
        "fits": round_score(result.fits),
        "fit_calls": result.fit_calls,
        "n_configs": result.n_configs,
        "best_cv_score": round_score(result.best_score),
        "best_params": result.best_params,
        "test_score": curve_test[-1],
        "curve": {
            "best_cv_score": [None if c is None else round_score(c[1]) for c in chosen],
            "test_score": curve_test,
        },
    }
    return record, time.perf_counter() - start


class Task(NamedTuple):
    """One run of the benchmark (a key of the records, sent to a worker process).

    Attributes:
        space: A key of :data:`~tuninglab.search.benchmark.design.SPACES`.
        dataset: One of the space's datasets.
        repetition: The repetition (selects the outer split, folds and seeds).
        label: A strategy label of the space.
    """

    space: str
    dataset: str
    repetition: int
    label: str


def plan(repetitions: Iterable[int]) -> list[Task]:
    """Return every run of the given repetitions, space by space, dataset by dataset."""
    return [
        Task(space, dataset, repetition, label)
        for space, spec in SPACES.items()
        for dataset in spec.datasets
        for label in spec.strategies
        for repetition in repetitions
    ]


def _indexed(index: int, task: Task) -> tuple[int, dict[str, Any], float]:
    return (index, *run_one(*task))


def run_records(
    repetitions: Iterable[int], *, n_jobs: int = 2, progress: bool = False
) -> tuple[dict[Task, dict[str, Any]], dict[Task, float]]:
    """Run the given repetitions of everything, in parallel processes.

    Args:
        repetitions: Repetition indices.
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar on stderr.

    Returns:
        The record of every task and the seconds each took.
    """
    tasks = plan(repetitions)
    # The slow runs first, so that the two workers finish together.
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i].space != "hgb", i))
    calls = [delayed(_indexed)(i, tasks[i]) for i in order]
    if n_jobs == 1:
        outcomes = (call(*args, **kwargs) for call, args, kwargs in calls)
    else:
        outcomes = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(calls)
    records: dict[Task, dict[str, Any]] = {}
    seconds: dict[Task, float] = {}
    bar = tqdm(
        total=len(tasks), desc="benchmark", unit="run", file=sys.stderr, disable=not progress
    )
    with bar:
        for index, record, wall in outcomes:
            records[tasks[index]], seconds[tasks[index]] = record, wall
            bar.update()
    return records, seconds
