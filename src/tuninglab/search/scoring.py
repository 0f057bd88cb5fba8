"""How every strategy scores a configuration: its mean CV score on the problem's own folds.

:func:`cv_score` scores one configuration (TPE, halving's re-score of its winner, the
Optuna studies of :mod:`tuninglab.tune`); :func:`search_options` gives the scikit-learn
searches the same folds and scoring, and no refit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.model_selection import cross_val_score

from tuninglab.search.problems import Problem


def cv_score(problem: Problem, params: dict[str, Any]) -> float:
    """Mean CV score of one configuration on the problem's folds."""
    X, y = problem.load()
    estimator = problem.make_estimator().set_params(**params)
    scores = cross_val_score(
        estimator, X, y, cv=problem.splitter(), scoring=problem.scoring, error_score="raise"
    )
    return float(np.mean(scores))


def search_options(problem: Problem) -> dict[str, Any]:
    """Keyword arguments of every scikit-learn search on ``problem``: its folds, no refit."""
    return {
        "cv": problem.splitter(),
        "scoring": problem.scoring,
        "refit": False,
        "error_score": "raise",
        "n_jobs": 1,
    }
