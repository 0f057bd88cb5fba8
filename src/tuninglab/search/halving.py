"""Successive halving: a schedule that fits the budget (:func:`plan_halving`) and the run.

``HalvingRandomSearchCV`` with ``factor=3`` and the number of training samples as the
resource. A fit on a fraction ``r / n_samples`` of the data counts as that fraction of a
full fit. Scores on subsampled data are not comparable with full cross-validation, so
the winner of the last rung is re-scored with the problem's full folds unless that rung
already used every sample. See :mod:`tuninglab.search.strategies` for the whole account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingRandomSearchCV

from tuninglab.search.problems import Problem
from tuninglab.search.scoring import cv_score, search_options
from tuninglab.search.trace import FIT_TOLERANCE, RunResult, Trace, replay

HALVING_FACTOR = 3
"""Successive halving keeps the best third of the candidates at each rung."""


@dataclass(frozen=True)
class HalvingPlan:
    """A successive-halving schedule as ``HalvingRandomSearchCV`` will run it.

    Attributes:
        n_candidates: Candidates in the first rung.
        min_resources: Training samples per candidate in the first rung.
        max_resources: All samples (a full fit).
        rungs: ``(candidates, samples)`` of each rung.
        rescore: Whether the winner needs a full-data re-score afterwards.
        fits: Planned cost in full-fit equivalents, re-score included.
    """

    n_candidates: int
    min_resources: int
    max_resources: int
    rungs: tuple[tuple[int, int], ...]
    rescore: bool
    fits: float


def _simulate_halving(
    n_candidates: int, min_resources: int, n_samples: int, n_splits: int, factor: int
) -> HalvingPlan:
    """Mirror scikit-learn's schedule (same float formulas) for one setting."""
    n_required = 1 + math.floor(math.log(n_candidates, factor))
    n_possible = 1 + math.floor(math.log(n_samples // min_resources, factor))
    rungs, candidates = [], n_candidates
    for itr in range(min(n_required, n_possible)):
        rungs.append((candidates, min(int(factor**itr * min_resources), n_samples)))
        candidates = math.ceil(candidates / factor)
    rescore = rungs[-1][1] != n_samples
    fits = sum(c * n_splits * r / n_samples for c, r in rungs) + (n_splits if rescore else 0)
    return HalvingPlan(n_candidates, min_resources, n_samples, tuple(rungs), rescore, fits)


def plan_halving(
    budget: int, n_splits: int, n_samples: int, smallest: int, factor: int = HALVING_FACTOR
) -> HalvingPlan:
    """Choose a successive-halving schedule that fits ``budget``.

    Tries the first-rung size ``n_samples // factor**j`` for the largest ``j`` whose
    size is still at least ``smallest`` (most rungs) first, then fewer rungs. For each,
    it takes the most first-rung candidates whose schedule fits the budget *and*
    reaches the last possible rung (so the last rung trains on nearly all the data).
    With one rung this is a random search on all the data.

    Args:
        budget: Maximum fits (full-fit equivalents).
        n_splits: CV folds.
        n_samples: Samples in the data set (the full resource).
        smallest: Fewest samples a first rung may use (scikit-learn's ``"smallest"``:
            ``2 * n_splits``, times the number of classes for classifiers).
        factor: Halving factor.

    Returns:
        The plan.

    Raises:
        ValueError: If the budget is smaller than ``n_splits`` (one full evaluation).
    """
    if budget < n_splits:
        raise ValueError(f"a budget of {budget} fits cannot pay for one {n_splits}-fold evaluation")
    depth = 0
    while n_samples // factor ** (depth + 1) >= smallest:
        depth += 1
    for j in range(depth, 0, -1):
        min_resources = n_samples // factor**j
        ceiling = int(budget * n_samples / (n_splits * min_resources)) + 1
        fitting = [
            plan
            for n in range(factor**j, ceiling + 1)
            if (plan := _simulate_halving(n, min_resources, n_samples, n_splits, factor)).fits
            <= budget + FIT_TOLERANCE
            and len(plan.rungs) == 1 + math.floor(math.log(n_samples // min_resources, factor))
        ]
        if fitting:
            return fitting[-1]
    return _simulate_halving(budget // n_splits, n_samples, n_samples, n_splits, factor)


MIN_PER_CLASS = 5
"""Samples of each class a first-rung training fold should hold on average."""


def _smallest_resource(problem: Problem) -> int:
    """The fewest samples a first halving rung may use on this problem.

    scikit-learn's ``min_resources="smallest"`` (``2 * n_splits * n_classes``), raised
    where needed so that a first-rung training fold holds :data:`MIN_PER_CLASS` samples
    of each class on average. ``HalvingRandomSearchCV`` subsamples without
    stratification, and with 3 folds scikit-learn's rule leaves about 9 training samples
    on a two-class problem: too few to be sure both classes are there (a fit on one
    class fails).
    """
    _, y = problem.load()
    n_classes = len(np.unique(y)) if problem.classifier else 1
    smallest = 2 * problem.n_splits * n_classes
    if problem.classifier:
        per_fold = MIN_PER_CLASS * n_classes * problem.n_splits / (problem.n_splits - 1)
        smallest = max(smallest, math.ceil(per_fold))
    return smallest


def run_halving(
    problem: Problem, budget: int, seed: int, *, trace: Trace | None = None
) -> RunResult:
    """Run ``HalvingRandomSearchCV`` on a schedule from :func:`plan_halving`.

    Args:
        problem: The problem.
        budget: Maximum fits (full-fit equivalents).
        seed: ``random_state`` of the sampler and the subsampling.
        trace: Record into this trace (to read its choices afterwards).

    Returns:
        The run's result; its best score is always on the full folds.
    """
    X, y = problem.load()
    plan = plan_halving(budget, problem.n_splits, len(y), _smallest_resource(problem))
    search = HalvingRandomSearchCV(
        problem.make_estimator(),
        problem.space.to_distributions(),
        n_candidates=plan.n_candidates,
        factor=HALVING_FACTOR,
        resource="n_samples",
        min_resources=plan.min_resources,
        max_resources=plan.max_resources,
        random_state=seed,
        **search_options(problem),
    )
    search.fit(X, y)
    trace = Trace() if trace is None else trace
    trace.n_configs = int(search.n_candidates_[0])
    replay(trace, search.cv_results_, problem.n_splits, len(y))
    if search.n_resources_[-1] != len(y):
        winner = search.cv_results_["params"][search.best_index_]
        trace.spend(problem.n_splits, problem.n_splits)
        trace.score(cv_score(problem, winner), winner)
    return trace.result("halving", seed)
