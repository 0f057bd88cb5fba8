"""Tuning problems: an estimator, a search space, a dataset and how to score it.

Build your own :class:`Problem` in a few lines::

    from sklearn.svm import SVC
    from tuninglab.search import FloatParam, Problem, SearchSpace

    problem = Problem(
        name="svc-iris",
        estimator=SVC(),
        space=SearchSpace([FloatParam("C", 1e-2, 1e2, log=True)]),
        data="iris",
    )

or take a ready-made one with :func:`get`, e.g. ``get("svc", "digits")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import BaseCrossValidator, KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from tuninglab import datasets
from tuninglab.search.spaces import CategoricalParam, FloatParam, IntParam, SearchSpace

SGD_EPOCHS = 20
"""Epochs of one full fit of the ready-made ``"sgd"`` problem."""
HGB_MAX_ITER = 50
"""Boosting iterations of :func:`hgb` (fixed; early stopping is off)."""


@dataclass
class Problem:
    """What to tune: an estimator, its search space, the data and the CV scoring.

    Every strategy of :func:`tuninglab.search.compare` evaluates configurations on the
    same folds (``cv`` splits, shuffled with ``cv_seed``) with the same ``scoring``.

    Args:
        name: A short label, e.g. ``"svc-digits"``.
        estimator: An estimator or pipeline (cloned for every fit), or a function with
            no arguments that returns a fresh one.
        space: The hyperparameters to tune; names are the estimator's parameter names.
        data: A bundled dataset name (see ``tuninglab.datasets.DATASETS``) or ``(X, y)``.
        cv: Number of folds (stratified for classifiers), or a scikit-learn splitter.
        scoring: A scikit-learn scorer name; higher is better.
        epochs: For iterative models only: the number of ``partial_fit`` passes that
            make one full fit. The estimator (or a pipeline's last step) must then have
            ``partial_fit`` and its ``fit`` should run exactly ``epochs`` passes
            (e.g. ``SGDClassifier(max_iter=epochs, tol=None)``). Needed by the
            ``"tpe_pruned"`` strategy.
        cv_seed: Seed of the fold shuffling.
        max_samples: Keep only a stratified (for classifiers) subsample of this many
            rows, drawn with seed 0, to make the problem faster; ``None`` keeps all.

    Raises:
        ValueError: If ``cv`` is below 2, ``epochs`` or ``max_samples`` is below 1,
            ``space`` is not a
            :class:`SearchSpace`, a parameter name is not one of the estimator's, or the
            dataset name is unknown.
    """

    name: str
    estimator: BaseEstimator | Callable[[], BaseEstimator]
    space: SearchSpace
    data: str | tuple[Any, Any]
    cv: int | BaseCrossValidator = 5
    scoring: str = "accuracy"
    epochs: int | None = None
    cv_seed: int = 0
    max_samples: int | None = None
    _arrays: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.space, SearchSpace):
            raise ValueError(f"space must be a SearchSpace, got {type(self.space).__name__}")
        if isinstance(self.cv, int) and self.cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got {self.cv}")
        if self.epochs is not None and self.epochs < 1:
            raise ValueError(f"epochs must be a positive integer or None, got {self.epochs}")
        if self.max_samples is not None and self.max_samples < 1:
            raise ValueError(f"max_samples must be positive or None, got {self.max_samples}")
        if isinstance(self.data, str):
            datasets.task(self.data)  # raises ValueError for an unknown name
        known = self.make_estimator().get_params()
        unknown = [n for n in self.space.names if n not in known]
        if unknown:
            raise ValueError(
                f"{self.name}: {unknown} are not parameters of the estimator; "
                f"it has: {', '.join(sorted(known))}"
            )

    def make_estimator(self) -> BaseEstimator:
        """Return a fresh, unfitted copy of the estimator."""
        if isinstance(self.estimator, BaseEstimator):
            return clone(self.estimator)
        return self.estimator()

    @property
    def classifier(self) -> bool:
        """Whether the estimator is a classifier (folds are then stratified)."""
        return is_classifier(self.make_estimator())

    def load(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(X, y)`` (subsampled if ``max_samples`` is set), loaded once and kept."""
        if self._arrays is None:
            X, y = datasets.load(self.data) if isinstance(self.data, str) else self.data
            X, y = np.asarray(X), np.asarray(y)
            if self.max_samples is not None:
                X, y = subsample(X, y, self.max_samples, classifier=self.classifier)
            self._arrays = (X, y)
        return self._arrays

    def splitter(self) -> BaseCrossValidator:
        """Return the cross-validation splitter every strategy uses."""
        if not isinstance(self.cv, int):
            return self.cv
        kind = StratifiedKFold if self.classifier else KFold
        return kind(n_splits=self.cv, shuffle=True, random_state=self.cv_seed)

    @property
    def n_splits(self) -> int:
        """Number of CV folds: one evaluation of a configuration costs this many fits."""
        X, y = self.load()
        return int(self.splitter().get_n_splits(X, y))

    @property
    def dataset_name(self) -> str:
        """The bundled dataset name, or ``"custom"`` for arrays."""
        return self.data if isinstance(self.data, str) else "custom"

    def describe(self) -> dict[str, Any]:
        """Return a plain-dict summary (for tables and JSON)."""
        X, _ = self.load()
        return {
            "name": self.name,
            "dataset": self.dataset_name,
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "max_samples": self.max_samples,
            "estimator": repr(self.make_estimator()),
            "cv": f"{self.n_splits}-fold {type(self.splitter()).__name__}",
            "cv_seed": self.cv_seed,
            "scoring": self.scoring,
            "epochs": self.epochs,
            "space": self.space.describe(),
        }


def _svc() -> tuple[BaseEstimator, SearchSpace, dict[str, Any]]:
    estimator = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    space = SearchSpace(
        [
            FloatParam("svc__C", 1e-3, 1e3, log=True, grid_points=7),
            FloatParam("svc__gamma", 1e-4, 1e2, log=True, grid_points=7),
        ]
    )
    return estimator, space, {}


def _logreg() -> tuple[BaseEstimator, SearchSpace, dict[str, Any]]:
    estimator = Pipeline(
        [("scale", StandardScaler()), ("logreg", LogisticRegression(max_iter=1000))]
    )
    space = SearchSpace(
        [
            FloatParam("logreg__C", 1e-4, 1e2, log=True, grid_points=7),
            CategoricalParam("logreg__class_weight", (None, "balanced")),
        ]
    )
    return estimator, space, {}


def _sgd() -> tuple[BaseEstimator, SearchSpace, dict[str, Any]]:
    sgd = SGDClassifier(max_iter=SGD_EPOCHS, tol=None, random_state=0)
    estimator = Pipeline([("scale", StandardScaler()), ("sgd", sgd)])
    space = SearchSpace(
        [
            FloatParam("sgd__alpha", 1e-6, 1e-1, log=True, grid_points=6),
            CategoricalParam("sgd__loss", ("hinge", "log_loss", "modified_huber")),
        ]
    )
    return estimator, space, {"epochs": SGD_EPOCHS}


def _ridge() -> tuple[BaseEstimator, SearchSpace, dict[str, Any]]:
    estimator = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
    space = SearchSpace([FloatParam("ridge__alpha", 1e-3, 1e3, log=True, grid_points=7)])
    return estimator, space, {"scoring": "r2"}


_BUILDERS: dict[str, tuple[Callable[[], tuple], str, str]] = {
    "logreg": (_logreg, "classification", "logistic regression, C (log) and class_weight"),
    "ridge": (_ridge, "regression", "ridge regression, alpha (log); scored by R^2"),
    "sgd": (_sgd, "classification", f"SGD classifier, alpha (log) and loss; {SGD_EPOCHS} epochs"),
    "svc": (_svc, "classification", "RBF support vector classifier, C and gamma (log)"),
}

MODELS: tuple[str, ...] = tuple(sorted(_BUILDERS))
"""Names accepted by :func:`get`."""


def describe_models() -> dict[str, str]:
    """Return a one-line description of every ready-made model, by name."""
    return {name: f"{text} ({task})" for name, (_, task, text) in sorted(_BUILDERS.items())}


def subsample(
    X: np.ndarray, y: np.ndarray, n_samples: int, *, classifier: bool, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n_samples`` rows of ``(X, y)``, stratified by class for classification.

    Args:
        X: Features.
        y: Targets.
        n_samples: Rows to keep; all rows are kept if ``n_samples >= len(y)``.
        classifier: Stratify by ``y``.
        seed: Seed of the draw.

    Returns:
        The subsampled ``(X, y)``.

    """
    if n_samples >= len(y):
        return X, y
    X_kept, _, y_kept, _ = train_test_split(
        X, y, train_size=n_samples, stratify=y if classifier else None, random_state=seed
    )
    return X_kept, y_kept


def get(model: str, dataset: str, *, max_samples: int | None = None) -> Problem:
    """Return a ready-made problem: a model from :data:`MODELS` on a bundled dataset.

    All models standardize the features first; scale-like parameters are log-scaled.

    Args:
        model: One of :data:`MODELS` (``"svc"``, ``"logreg"``, ``"sgd"``, ``"ridge"``).
        dataset: One of ``tuninglab.datasets.DATASETS``.
        max_samples: Keep a stratified subsample of this many rows (seed 0) to make
            the problem faster; ``None`` keeps everything.

    Returns:
        The problem, named ``"<model>-<dataset>"`` (plus ``"-<max_samples>"``).

    Raises:
        ValueError: If the model or dataset is unknown, or the model's task
            (classification/regression) does not match the dataset's.
    """
    if model not in _BUILDERS:
        raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    build, model_task, _ = _BUILDERS[model]
    data_task = datasets.task(dataset)
    if data_task != model_task:
        raise ValueError(
            f"model {model!r} is for {model_task} but dataset {dataset!r} is {data_task}"
        )
    estimator, space, options = build()
    name = f"{model}-{dataset}" + ("" if max_samples is None else f"-{max_samples}")
    return Problem(
        name=name,
        estimator=estimator,
        space=space,
        data=dataset,
        max_samples=max_samples,
        **options,
    )


def hgb_space() -> SearchSpace:
    """Return the 5-D search space of :func:`hgb`, too large for a useful grid.

    ``learning_rate`` (log, 0.01 to 0.3), ``max_leaf_nodes`` (8 to 64),
    ``min_samples_leaf`` (5 to 50), ``l2_regularization`` (log, 1e-3 to 10) and
    ``max_features`` (0.3 to 1.0). Its default grid has 5 values each: 3125
    configurations.
    """
    return SearchSpace(
        [
            FloatParam("learning_rate", 0.01, 0.3, log=True),
            IntParam("max_leaf_nodes", 8, 64),
            IntParam("min_samples_leaf", 5, 50),
            FloatParam("l2_regularization", 1e-3, 10.0, log=True),
            FloatParam("max_features", 0.3, 1.0),
        ]
    )


def hgb(
    data: str | tuple[Any, Any],
    *,
    name: str = "hgb",
    cv: int | BaseCrossValidator = 3,
    cv_seed: int = 0,
    max_iter: int = HGB_MAX_ITER,
    max_samples: int | None = None,
) -> Problem:
    """Return a gradient-boosting problem with five hyperparameters (see :func:`hgb_space`).

    The model is a ``HistGradientBoostingClassifier`` with ``max_iter`` iterations,
    early stopping off and ``random_state=0`` (it draws the features of each split when
    ``max_features < 1``), so a configuration always trains the same model. It is not
    one of :data:`MODELS`; build it here.

    Args:
        data: A bundled classification dataset name or ``(X, y)``.
        name: The problem's label.
        cv: Folds (3 by default, to keep it cheap) or a splitter.
        cv_seed: Seed of the fold shuffling.
        max_iter: Boosting iterations per fit.
        max_samples: Keep a stratified subsample of this many rows (seed 0).

    Returns:
        The problem.
    """
    estimator = HistGradientBoostingClassifier(
        max_iter=max_iter, early_stopping=False, random_state=0
    )
    return Problem(
        name=name,
        estimator=estimator,
        space=hgb_space(),
        data=data,
        cv=cv,
        cv_seed=cv_seed,
        max_samples=max_samples,
    )
