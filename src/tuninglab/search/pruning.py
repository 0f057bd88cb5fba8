"""TPE with a median pruner for iterative models, trained one ``partial_fit`` epoch at a time.

Each trial trains the model of every fold epoch by epoch, reports the mean validation
score after each epoch and stops when Optuna's ``MedianPruner`` says so; an epoch of one
fold costs ``1 / epochs`` of a fit. :func:`check_iterative` refuses a problem this
cannot run on. See :mod:`tuninglab.search.strategies` for the whole account.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import optuna
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline

from tuninglab.search.problems import Problem
from tuninglab.search.trace import FIT_TOLERANCE, RunResult, Trace


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


def check_iterative(problem: Problem, name: str) -> None:
    """Refuse a problem that strategy ``name`` cannot train epoch by epoch.

    Args:
        problem: The problem.
        name: The strategy that needs an iterative problem (for the message).

    Raises:
        ValueError: If ``problem.epochs`` is not set or the last step of its estimator
            has no ``partial_fit``.
    """
    _, final = split_last_step(problem.make_estimator())
    if problem.epochs is None or not hasattr(final, "partial_fit"):
        raise ValueError(
            f"strategy {name!r} needs an iterative problem: Problem.epochs set and a last "
            f"step with partial_fit; {problem.name!r} has epochs={problem.epochs} and last "
            f"step {type(final).__name__}"
        )


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
    while budget - trace.fits >= problem.n_splits - FIT_TOLERANCE:
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
