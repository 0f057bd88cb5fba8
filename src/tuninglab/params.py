"""Count the learned parameters of a fitted scikit-learn estimator.

Quick start::

    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from tuninglab.params import count_parameters, parameter_breakdown

    X, y = load_diabetes(return_X_y=True)
    model = Ridge().fit(X, y)
    count_parameters(model)        # 11: ten coefficients and one intercept
    parameter_breakdown(model)     # {"coef_": 10, "intercept_": 1}

A *learned parameter* here is a number that ``fit`` sets from the training data and
that ``predict`` (or ``transform``) reads. Numbers that only describe the fit
(``n_iter_``, ``loss_curve_``, ``n_features_in_``) and numbers that can be derived from
counted ones (``StandardScaler.var_``, ``SVC.coef_`` for a linear kernel) are left out.
What is counted for each supported estimator:

* **Linear models** (``LinearRegression``, ``Ridge``, ``Lasso``, ``ElasticNet``,
  ``LogisticRegression``, ``SGDClassifier``, ``SGDRegressor``, ``Perceptron``,
  ``RidgeClassifier``, ``LinearSVC``, ``LinearSVR``): every entry of ``coef_``, plus
  every entry of ``intercept_`` when ``fit_intercept=True``.
* **Multi-layer perceptrons** (``MLPClassifier``, ``MLPRegressor``): every entry of
  every weight matrix in ``coefs_`` and every bias vector in ``intercepts_``.
* **Decision trees** (``DecisionTreeClassifier``, ``DecisionTreeRegressor``,
  ``ExtraTreeClassifier``, ``ExtraTreeRegressor``): each internal (split) node learns
  one feature index and one threshold; each leaf learns the values it predicts, one
  per class for a classifier (class fractions) and one per output for a regressor.
  The missing-value direction that trees learn when the training data contain NaN is
  not counted.
* **Kernel support vector machines** (``SVC``, ``NuSVC``, ``SVR``, ``NuSVR``,
  ``OneClassSVM``): every coordinate of every support vector
  (``support_vectors_``), every dual coefficient (``dual_coef_``) and every intercept
  (``intercept_``).
* **Scalers** (``StandardScaler``: ``mean_`` and ``scale_``; ``MinMaxScaler``: ``min_``
  and ``scale_``; ``RobustScaler``: ``center_`` and ``scale_``; ``MaxAbsScaler``:
  ``scale_``). A statistic that is switched off (``with_mean=False``,
  ``with_std=False``, ``with_centering=False``, ``with_scaling=False``) counts zero,
  even where scikit-learn still stores it.
* **Pipelines**: the sum over their steps (``"passthrough"`` steps count zero); the
  breakdown keys are prefixed with the step name, as in ``"ridge.coef_"``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Perceptron,
    Ridge,
    RidgeClassifier,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR, NuSVC, NuSVR, OneClassSVM
from sklearn.tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    ExtraTreeClassifier,
    ExtraTreeRegressor,
)
from sklearn.utils.validation import check_is_fitted

__all__ = ["SUPPORTED_TYPES", "count_parameters", "parameter_breakdown"]

_LINEAR = (
    ElasticNet,
    Lasso,
    LinearRegression,
    LinearSVC,
    LinearSVR,
    LogisticRegression,
    Perceptron,
    Ridge,
    RidgeClassifier,
    SGDClassifier,
    SGDRegressor,
)
_MLP = (MLPClassifier, MLPRegressor)
_TREES = (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier, ExtraTreeRegressor)
_KERNEL_SVM = (SVC, NuSVC, SVR, NuSVR, OneClassSVM)
# Scaler class -> (learned attribute, the constructor flag that switches it on, if any).
_SCALER_ATTRIBUTES: dict[type, tuple[tuple[str, str | None], ...]] = {
    StandardScaler: (("mean_", "with_mean"), ("scale_", "with_std")),
    MinMaxScaler: (("min_", None), ("scale_", None)),
    RobustScaler: (("center_", "with_centering"), ("scale_", "with_scaling")),
    MaxAbsScaler: (("scale_", None),),
}

SUPPORTED_TYPES: tuple[type, ...] = (
    *_LINEAR,
    *_MLP,
    *_TREES,
    *_KERNEL_SVM,
    *_SCALER_ATTRIBUTES,
    Pipeline,
)
"""The estimator classes (and their subclasses) that this module can count."""


def _size(value: object) -> int:
    """Number of entries in an array-like attribute; ``None`` counts zero."""
    return 0 if value is None else int(np.size(value))


def _linear(estimator: BaseEstimator) -> dict[str, int]:
    counts = {"coef_": _size(estimator.coef_)}
    if getattr(estimator, "fit_intercept", True):
        counts["intercept_"] = _size(estimator.intercept_)
    return counts


def _mlp(estimator: BaseEstimator) -> dict[str, int]:
    return {
        "coefs_": sum(_size(weights) for weights in estimator.coefs_),
        "intercepts_": sum(_size(biases) for biases in estimator.intercepts_),
    }


def _tree(estimator: BaseEstimator) -> dict[str, int]:
    tree = estimator.tree_
    is_split = tree.children_left != tree.children_right  # leaves have both set to -1
    n_splits = int(np.count_nonzero(is_split))
    n_leaves = tree.node_count - n_splits
    values_per_leaf = int(np.sum(tree.n_classes))  # 1 per output for a regressor
    return {
        "split_features": n_splits,
        "split_thresholds": n_splits,
        "leaf_values": n_leaves * values_per_leaf,
    }


def _kernel_svm(estimator: BaseEstimator) -> dict[str, int]:
    return {
        "support_vectors_": _size(estimator.support_vectors_),
        "dual_coef_": _size(estimator.dual_coef_),
        "intercept_": _size(estimator.intercept_),
    }


def _scaler(estimator: BaseEstimator) -> dict[str, int]:
    attributes = next(
        names for kind, names in _SCALER_ATTRIBUTES.items() if isinstance(estimator, kind)
    )
    return {
        name: _size(getattr(estimator, name)) if flag is None or getattr(estimator, flag) else 0
        for name, flag in attributes
    }


def _counter(estimator: object) -> Callable[[BaseEstimator], dict[str, int]]:
    """The counting function for ``estimator``, or a ``TypeError`` naming what is supported."""
    if isinstance(estimator, type):
        raise TypeError(
            f"pass a fitted estimator instance, not the class {estimator.__name__}; "
            f"for example {estimator.__name__}().fit(X, y)"
        )
    for kinds, counter in (
        (_LINEAR, _linear),
        (_MLP, _mlp),
        (_TREES, _tree),
        (_KERNEL_SVM, _kernel_svm),
        (tuple(_SCALER_ATTRIBUTES), _scaler),
    ):
        if isinstance(estimator, kinds):
            return counter
    supported = ", ".join(sorted(kind.__name__ for kind in SUPPORTED_TYPES))
    raise TypeError(
        f"cannot count the parameters of {type(estimator).__name__}; "
        f"supported estimators: {supported}"
    )


def _check_fitted(estimator: BaseEstimator, where: str = "") -> None:
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        name = type(estimator).__name__
        raise NotFittedError(
            f"{where}{name} is not fitted yet, so it has no learned parameters; "
            f"call fit(X, y) before counting them"
        ) from None


def _breakdown(estimator: object, where: str = "") -> dict[str, int]:
    if isinstance(estimator, Pipeline):
        counts: dict[str, int] = {}
        for name, step in estimator.steps:
            if step is None or step == "passthrough":
                continue
            inner = _breakdown(step, where=f"{where}step {name!r} of the Pipeline: ")
            counts.update({f"{name}.{key}": value for key, value in inner.items()})
        return counts
    counter = _counter(estimator)
    _check_fitted(estimator, where)
    return counter(estimator)


def parameter_breakdown(estimator: BaseEstimator) -> dict[str, int]:
    """Count the learned parameters of a fitted estimator, group by group.

    See the module docstring for what counts as a learned parameter of each
    supported estimator.

    Args:
        estimator: A fitted instance of one of ``SUPPORTED_TYPES`` (or a subclass),
            or a fitted ``Pipeline`` whose steps are all supported.

    Returns:
        A dictionary from the name of each group of parameters (usually the
        scikit-learn attribute, such as ``"coef_"``) to how many numbers it holds.
        For a pipeline, each key is prefixed with its step name: ``"ridge.coef_"``.

    Raises:
        TypeError: if the estimator (or a pipeline step) is not supported, or is a
            class rather than an instance. The message lists the supported types.
        sklearn.exceptions.NotFittedError: if the estimator (or a pipeline step) has
            not been fitted. ``NotFittedError`` is a subclass of ``ValueError``.
    """
    return _breakdown(estimator)


def count_parameters(estimator: BaseEstimator) -> int:
    """Count the learned parameters of a fitted estimator.

    This is the sum of :func:`parameter_breakdown`.

    Args:
        estimator: A fitted instance of one of ``SUPPORTED_TYPES`` (or a subclass),
            or a fitted ``Pipeline`` whose steps are all supported.

    Returns:
        The total number of learned parameters.

    Raises:
        TypeError: if the estimator (or a pipeline step) is not supported, or is a
            class rather than an instance.
        sklearn.exceptions.NotFittedError: if the estimator (or a pipeline step) has
            not been fitted.

    Example:
        >>> from sklearn.datasets import load_diabetes
        >>> from sklearn.linear_model import LinearRegression
        >>> X, y = load_diabetes(return_X_y=True)
        >>> count_parameters(LinearRegression().fit(X, y))
        11
    """
    return sum(parameter_breakdown(estimator).values())
