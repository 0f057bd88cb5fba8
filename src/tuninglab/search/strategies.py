"""Search strategies that spend the same budget of model fits on one :class:`Problem`.

Every strategy scores a configuration by its mean cross-validated score on the
problem's folds, and none refits a final model (that would cost every strategy the
same one extra fit). The budget and the reported ``fits`` are counted in *full-fit
equivalents*: training one model on one full training fold counts 1.

``grid``
    ``GridSearchCV`` over the space's grid. One configuration costs ``n_splits`` fits.
    When the full grid costs more than the budget, every numeric parameter loses grid
    points (see :meth:`SearchSpace.coarsened`) until it fits. It uses no randomness, so
    :func:`~tuninglab.search.compare` runs it once, not once per seed.
``random``
    ``RandomizedSearchCV`` with ``budget // n_splits`` configurations drawn from the
    space's distributions (log-uniform where the parameter is log-scaled).
``halving``
    ``HalvingRandomSearchCV`` with ``factor=3`` and the number of training samples as
    the resource. A fit on a fraction ``r / n_samples`` of the data counts as that
    fraction of a full fit (linear in samples; kernel methods such as SVC train in
    more than linear time, so this over-counts their cheap early rungs rather than
    under-counting them). :func:`plan_halving` picks the most first-rung candidates
    that fit the budget, with as many rungs as the smallest resource allows and the
    last rung on (nearly) all the data. Scores on subsampled data are not comparable
    with full cross-validation, so the winner of the last rung is re-scored with the
    problem's full folds (``n_splits`` more fits) unless that rung already used every
    sample; only full-data scores enter the best-so-far curve.
``tpe``
    Optuna's ``TPESampler(seed=seed)`` (default settings), ``budget // n_splits`` trials.
    Its first 10 trials are random; for log-scaled float spaces they are the very
    configurations ``random`` draws with the same seed (both use ``RandomState(seed)``).
``tpe_pruned``
    TPE plus Optuna's ``MedianPruner()`` (default settings), for iterative problems
    (``Problem.epochs`` set). Each trial trains the model of every fold one epoch at a
    time with ``partial_fit``, reports the mean validation score after each epoch
    (``trial.report``) and stops when ``trial.should_prune()`` says so. An epoch of
    one fold costs ``1 / epochs`` of a fit, so a pruned trial costs
    ``n_splits * epochs_run / epochs``. A trial starts only while a full trial still
    fits the remaining budget. Only completed trials give a score.
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import optuna
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    cross_val_score,
)
from sklearn.pipeline import Pipeline

from tuninglab.search.problems import Problem

HALVING_FACTOR = 3
"""Successive halving keeps the best third of the candidates at each rung."""

_EPS = 1e-9


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


@dataclass(frozen=True)
class Strategy:
    """A named search strategy.

    Attributes:
        name: Short name used by :func:`~tuninglab.search.compare` and the CLI.
        description: One line for help texts.
        run: ``run(problem, budget, seed) -> RunResult``.
        seeded: Whether the seed changes anything (``grid`` does not).
        iterative_only: Whether it needs ``Problem.epochs``.
    """

    name: str
    description: str
    run: Callable[[Problem, int, int], RunResult]
    seeded: bool = True
    iterative_only: bool = False


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


def _cv_score(problem: Problem, params: dict[str, Any]) -> float:
    """Mean CV score of one configuration on the problem's folds."""
    X, y = problem.load()
    estimator = problem.make_estimator().set_params(**params)
    scores = cross_val_score(
        estimator, X, y, cv=problem.splitter(), scoring=problem.scoring, error_score="raise"
    )
    return float(np.mean(scores))


def _replay(trace: Trace, cv_results: dict[str, Any], n_splits: int, n_samples: int) -> None:
    """Feed a scikit-learn search's ``cv_results_`` to ``trace`` in evaluation order."""
    resources = cv_results.get("n_resources", [n_samples] * len(cv_results["params"]))
    for params, score, resource in zip(
        cv_results["params"], cv_results["mean_test_score"], resources, strict=True
    ):
        trace.spend(n_splits * resource / n_samples, n_splits)
        if resource == n_samples:
            trace.score(float(score), params)


def _search_options(problem: Problem) -> dict[str, Any]:
    return {
        "cv": problem.splitter(),
        "scoring": problem.scoring,
        "refit": False,
        "error_score": "raise",
        "n_jobs": 1,
    }


def run_grid(problem: Problem, budget: int, seed: int, *, trace: Trace | None = None) -> RunResult:
    """Run ``GridSearchCV``, on a coarser grid if the full one exceeds the budget.

    Args:
        problem: The problem.
        budget: Maximum fits.
        seed: Unused (the grid has no randomness); kept for a uniform signature.
        trace: Record into this trace (to read its choices afterwards).

    Returns:
        The run's result.
    """
    max_configs = budget // problem.n_splits
    grid = problem.space.coarsened(max_configs).to_grid(max_size=max_configs)
    search = GridSearchCV(problem.make_estimator(), grid, **_search_options(problem))
    return _fit_and_replay(search, problem, "grid", seed, trace)


def _fit_and_replay(
    search, problem: Problem, name: str, seed: int, trace: Trace | None
) -> RunResult:
    """Fit a scikit-learn search and turn its ``cv_results_`` into a :class:`RunResult`."""
    X, y = problem.load()
    search.fit(X, y)
    trace = Trace() if trace is None else trace
    trace.n_configs = len(search.cv_results_["params"])
    _replay(trace, search.cv_results_, problem.n_splits, len(y))
    return trace.result(name, seed)


def run_random(
    problem: Problem, budget: int, seed: int, *, trace: Trace | None = None
) -> RunResult:
    """Run ``RandomizedSearchCV`` with ``budget // n_splits`` configurations.

    Args:
        problem: The problem.
        budget: Maximum fits.
        seed: ``random_state`` of the sampler.
        trace: Record into this trace (to read its choices afterwards).

    Returns:
        The run's result.
    """
    search = RandomizedSearchCV(
        problem.make_estimator(),
        problem.space.to_distributions(),
        n_iter=budget // problem.n_splits,
        random_state=seed,
        **_search_options(problem),
    )
    return _fit_and_replay(search, problem, "random", seed, trace)


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
            <= budget + _EPS
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
        **_search_options(problem),
    )
    search.fit(X, y)
    trace = Trace() if trace is None else trace
    trace.n_configs = int(search.n_candidates_[0])
    _replay(trace, search.cv_results_, problem.n_splits, len(y))
    if search.n_resources_[-1] != len(y):
        winner = search.cv_results_["params"][search.best_index_]
        trace.spend(problem.n_splits, problem.n_splits)
        trace.score(_cv_score(problem, winner), winner)
    return trace.result("halving", seed)


def run_tpe(problem: Problem, budget: int, seed: int, *, trace: Trace | None = None) -> RunResult:
    """Run Optuna's TPE sampler for ``budget // n_splits`` trials.

    Args:
        problem: The problem.
        budget: Maximum fits.
        seed: Seed of ``TPESampler``.
        trace: Record into this trace (to read its choices afterwards).

    Returns:
        The run's result.
    """
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    trace = Trace() if trace is None else trace
    for _ in range(budget // problem.n_splits):
        trial = study.ask()
        params = problem.space.suggest(trial)
        score = _cv_score(problem, params)
        trace.n_configs += 1
        trace.spend(problem.n_splits, problem.n_splits)
        trace.score(score, params)
        study.tell(trial, score)
    return trace.result("tpe", seed)


def split_last_step(estimator: Any) -> tuple[Pipeline | None, Any]:
    """Split a pipeline into its preprocessing and its final (iterative) step.

    Args:
        estimator: An estimator or a ``Pipeline``.

    Returns:
        ``(preprocessing or None, final estimator)``.
    """
    if isinstance(estimator, Pipeline):
        steps = estimator.steps
        return (Pipeline(steps[:-1]) if len(steps) > 1 else None), steps[-1][1]
    return None, estimator


def _fold_models(problem: Problem, params: dict[str, Any]) -> list[tuple]:
    """Per fold: (final step, transformed train X, train y, transformed test X, test y)."""
    X, y = problem.load()
    folds = []
    for train, test in problem.splitter().split(X, y):
        prep, final = split_last_step(problem.make_estimator().set_params(**params))
        X_train, X_test = X[train], X[test]
        if prep is not None:
            X_train, X_test = prep.fit_transform(X_train, y[train]), prep.transform(X_test)
        folds.append((final, X_train, y[train], X_test, y[test]))
    return folds


def _train_by_epochs(
    problem: Problem, params: dict[str, Any], trial: optuna.Trial, trace: Trace
) -> float | None:
    """Train one configuration epoch by epoch; return its score, or None if pruned."""
    folds = _fold_models(problem, params)
    trace.spend(0, len(folds))
    scorer = get_scorer(problem.scoring)
    extra = {"classes": np.unique(problem.load()[1])} if problem.classifier else {}
    score = math.nan
    for epoch in range(1, problem.epochs + 1):
        for final, X_train, y_train, _, _ in folds:
            final.partial_fit(X_train, y_train, **extra)
        trace.spend(len(folds) / problem.epochs)
        score = float(np.mean([scorer(f, X_test, y_test) for f, _, _, X_test, y_test in folds]))
        trial.report(score, epoch)
        if epoch < problem.epochs and trial.should_prune():
            return None
    return score


def run_tpe_pruned(problem: Problem, budget: int, seed: int) -> RunResult:
    """Run TPE with a median pruner, training by ``partial_fit`` epochs.

    Args:
        problem: An iterative problem (``epochs`` set).
        budget: Maximum fits; a pruned trial costs its share of epochs.
        seed: Seed of ``TPESampler``.

    Returns:
        The run's result.
    """
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(),
    )
    trace = Trace()
    while budget - trace.fits >= problem.n_splits - _EPS:
        trial = study.ask()
        params = problem.space.suggest(trial)
        trace.n_configs += 1
        score = _train_by_epochs(problem, params, trial, trace)
        if score is None:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            trace.score(score, params)
            study.tell(trial, score)
    return trace.result("tpe_pruned", seed)


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("grid", "exhaustive GridSearchCV (coarsened to fit the budget)", run_grid, False),
        Strategy("random", "RandomizedSearchCV, log-uniform where log-scaled", run_random),
        Strategy("halving", "successive halving: HalvingRandomSearchCV, factor 3", run_halving),
        Strategy("tpe", "Optuna TPESampler", run_tpe),
        Strategy(
            "tpe_pruned",
            "Optuna TPESampler + MedianPruner over partial_fit epochs (iterative models)",
            run_tpe_pruned,
            iterative_only=True,
        ),
    )
}
"""Every strategy, by name."""


def get_strategy(name: str) -> Strategy:
    """Return the strategy called ``name``.

    Raises:
        ValueError: If there is none; the message lists the known names.
    """
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join(STRATEGIES)
        raise ValueError(f"unknown strategy {name!r}; choose from: {known}") from None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence Optuna's per-trial log lines and expected ConvergenceWarnings.

    Searches try poor configurations on purpose; their convergence warnings are noise.
    The previous Optuna verbosity and warning filters are restored on exit.
    """
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            yield
    finally:
        optuna.logging.set_verbosity(verbosity)


def run_strategy(name: str, problem: Problem, budget: int, seed: int) -> RunResult:
    """Run one strategy once, quietly, and time it.

    Args:
        name: A strategy name (see :data:`STRATEGIES`).
        problem: The problem.
        budget: Maximum fits, at least ``problem.n_splits``.
        seed: Seed of the run.

    Returns:
        The result, with ``wall_time`` filled in.

    Raises:
        ValueError: If the strategy is unknown.
    """
    strategy = get_strategy(name)
    start = time.perf_counter()
    with quiet():
        result = strategy.run(problem, budget, seed)
    return replace(result, wall_time=time.perf_counter() - start)
