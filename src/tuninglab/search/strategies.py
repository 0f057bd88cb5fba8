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
    under-counting them). :func:`~tuninglab.search.halving.plan_halving` picks the most
    first-rung candidates that fit the budget, with as many rungs as the smallest
    resource allows and the last rung on (nearly) all the data. Scores on subsampled
    data are not comparable with full cross-validation, so the winner of the last rung
    is re-scored with the problem's full folds (``n_splits`` more fits) unless that rung
    already used every sample; only full-data scores enter the best-so-far curve.
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

The shared parts live in their own modules: :mod:`~tuninglab.search.trace` (what a
run spends and finds), :mod:`~tuninglab.search.scoring` (how a configuration is scored),
:mod:`~tuninglab.search.halving` and :mod:`~tuninglab.search.pruning` (the two
strategies with a schedule of their own). This module holds the registry
(:data:`STRATEGIES`, :func:`check_strategies`, :func:`run_strategy`) and the three plain
strategies.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import optuna
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from tuninglab.search.halving import run_halving
from tuninglab.search.problems import Problem
from tuninglab.search.pruning import check_iterative, run_tpe_pruned
from tuninglab.search.scoring import cv_score, search_options
from tuninglab.search.trace import RunResult, Trace, replay


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
    search = GridSearchCV(problem.make_estimator(), grid, **search_options(problem))
    return _fit_and_replay(search, problem, "grid", seed, trace)


def _fit_and_replay(
    search, problem: Problem, name: str, seed: int, trace: Trace | None
) -> RunResult:
    """Fit a scikit-learn search and turn its ``cv_results_`` into a :class:`RunResult`."""
    X, y = problem.load()
    search.fit(X, y)
    trace = Trace() if trace is None else trace
    trace.n_configs = len(search.cv_results_["params"])
    replay(trace, search.cv_results_, problem.n_splits, len(y))
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
        **search_options(problem),
    )
    return _fit_and_replay(search, problem, "random", seed, trace)


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
        score = cv_score(problem, params)
        trace.n_configs += 1
        trace.spend(problem.n_splits, problem.n_splits)
        trace.score(score, params)
        study.tell(trial, score)
    return trace.result("tpe", seed)


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


def check_strategies(
    problem: Problem, strategies: Sequence[str] | None, budget: int, max_grid_size: int
) -> tuple[str, ...]:
    """Return the strategy names to run on ``problem``, after checking that each can run.

    Args:
        problem: The problem.
        strategies: Strategy names, one name, or ``None`` for every strategy that
            applies to the problem (``tpe_pruned`` only for iterative problems).
        budget: Maximum fits per run.
        max_grid_size: Refuse a ``grid`` whose full grid has more configurations.

    Returns:
        The names, in the order given.

    Raises:
        ValueError: For no names, duplicate or unknown names, an iterative-only
            strategy on a non-iterative problem, or a ``grid`` larger than
            ``max_grid_size`` or one that cannot be coarsened to fit the budget.
    """
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
            check_iterative(problem, name)
    if "grid" in names:
        problem.space.to_grid(max_size=max_grid_size)
        try:
            problem.space.coarsened(budget // problem.n_splits)
        except ValueError as error:
            raise ValueError(
                f"strategy 'grid' does not fit the budget of {budget}: {error}"
            ) from None
    return names


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
