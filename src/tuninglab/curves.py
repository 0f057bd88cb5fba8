"""Validation curves, learning curves and a plain-words diagnosis of what they show.

A **validation curve** scores a model on its training folds and on its validation folds
across the values of one hyperparameter; a **learning curve** does the same across
training-set sizes. Both come from scikit-learn (:func:`sklearn.model_selection.validation_curve`
and :func:`~sklearn.model_selection.learning_curve`); this module checks the input,
keeps the fold scores together with their summary, draws them with matplotlib (mean as
a line, one standard deviation over folds as a band) and names the regime they show::

    from sklearn.datasets import load_digits
    from sklearn.tree import DecisionTreeClassifier
    from tuninglab.curves import diagnose, learning_curve_data

    X, y = load_digits(return_X_y=True)
    curve = learning_curve_data(DecisionTreeClassifier(random_state=0), X, y)
    print(diagnose(curve).regime)

:func:`diagnose` uses the thresholds in :class:`Thresholds`; they are rules of thumb
for scores between 0 and 1 where higher is better (accuracy, R², balanced accuracy),
not laws, and the diagnosis says which numbers it used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.model_selection import learning_curve, validation_curve

__all__ = [
    "Curve",
    "Diagnosis",
    "Thresholds",
    "diagnose",
    "learning_curve_data",
    "plot_curve",
    "validation_curve_data",
]

REGIMES = ("underfitting", "overfitting", "good fit", "needs more data")
"""The names :func:`diagnose` may give."""
_EPS = 1e-9
"""Slack in threshold comparisons, so that 0.95 - 0.90 counts as a gap of 0.05."""


@dataclass(frozen=True)
class Curve:
    """Train and validation scores at several values of one quantity.

    Attributes:
        kind: ``"validation"`` (x is a hyperparameter's values) or ``"learning"`` (x is
            the number of training samples).
        x_name: What x is: the hyperparameter's name, or ``"training samples"``.
        x: The values, in the order they were scored.
        train_scores: One row per x value, one column per CV fold.
        val_scores: Same shape as ``train_scores``, on the validation folds.
        scoring: The scorer's name (``"accuracy"``, ...), or ``"score"`` for the
            estimator's own ``score`` method.
    """

    kind: str
    x_name: str
    x: tuple[Any, ...]
    train_scores: np.ndarray = field(repr=False)
    val_scores: np.ndarray = field(repr=False)
    scoring: str = "score"

    def __post_init__(self) -> None:
        _check_curve(self)

    @property
    def train_mean(self) -> np.ndarray:
        """Mean training score at each x."""
        return self.train_scores.mean(axis=1)

    @property
    def val_mean(self) -> np.ndarray:
        """Mean validation score at each x."""
        return self.val_scores.mean(axis=1)

    @property
    def val_std(self) -> np.ndarray:
        """Standard deviation over folds of the validation score at each x."""
        return self.val_scores.std(axis=1)

    @property
    def train_std(self) -> np.ndarray:
        """Standard deviation over folds of the training score at each x."""
        return self.train_scores.std(axis=1)

    @property
    def gap(self) -> np.ndarray:
        """Mean training score minus mean validation score at each x."""
        return self.train_mean - self.val_mean

    def best_index(self) -> int:
        """Index of the x with the highest mean validation score (first on ties)."""
        return int(np.argmax(self.val_mean))

    def rows(self, digits: int = 3) -> list[tuple[Any, float, float]]:
        """``(x, mean train score, mean validation score)`` per x, rounded for printing."""
        return [
            (x, round(float(t), digits), round(float(v), digits))
            for x, t, v in zip(self.x, self.train_mean, self.val_mean, strict=True)
        ]


def _check_curve(curve: Curve) -> None:
    """Raise ``ValueError`` naming what is wrong with a curve's data."""
    if curve.kind not in ("validation", "learning"):
        raise ValueError(f"kind must be 'validation' or 'learning', got {curve.kind!r}")
    train = np.asarray(curve.train_scores, dtype=float)
    val = np.asarray(curve.val_scores, dtype=float)
    if train.ndim != 2 or val.ndim != 2:
        raise ValueError(
            "train_scores and val_scores must be 2-D (one row per x value, one column per "
            f"fold); got shapes {train.shape} and {val.shape}"
        )
    if train.shape != val.shape:
        raise ValueError(
            f"train_scores has shape {train.shape} but val_scores has shape {val.shape}; "
            "they must match"
        )
    if len(curve.x) != train.shape[0]:
        raise ValueError(
            f"{len(curve.x)} x values but {train.shape[0]} rows of scores; they must match"
        )
    if len(curve.x) < 2:
        raise ValueError(f"a curve needs at least 2 points, got {len(curve.x)}")
    for name, scores in (("train_scores", train), ("val_scores", val)):
        bad = np.argwhere(~np.isfinite(scores))
        if len(bad):
            row, fold = bad[0]
            raise ValueError(
                f"{name} has {len(bad)} NaN or infinite value(s), the first at "
                f"{curve.x_name}={curve.x[row]!r}, fold {fold}; a fit probably failed "
                "(pass error_score='raise' to see why)"
            )


def _check_estimator(estimator: Any) -> None:
    if isinstance(estimator, type):
        raise TypeError(
            f"pass an estimator instance, not the class {estimator.__name__}; "
            f"for example {estimator.__name__}()"
        )
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
        raise TypeError(
            f"{type(estimator).__name__} is not a scikit-learn estimator "
            "(it needs fit() and get_params())"
        )
    if not (is_classifier(estimator) or is_regressor(estimator)) and not hasattr(
        estimator, "score"
    ):
        raise TypeError(f"{type(estimator).__name__} can be neither scored nor predicted with")


def _check_data(X: Any, y: Any) -> None:
    n_x, n_y = len(X), len(y)
    if n_x != n_y:
        raise ValueError(f"X has {n_x} rows but y has {n_y}; they must match")


def validation_curve_data(
    estimator: Any,
    X: Any,
    y: Any,
    param_name: str,
    param_range: Sequence[Any],
    *,
    cv: Any = 5,
    scoring: str | None = None,
) -> Curve:
    """Score ``estimator`` across the values of one hyperparameter.

    Args:
        estimator: An unfitted scikit-learn estimator (a pipeline's step names its
            parameter, as in ``"svc__C"``).
        X: Features.
        y: Targets.
        param_name: The hyperparameter to vary; it must be one of
            ``estimator.get_params()``.
        param_range: At least 2 values.
        cv: Folds or a splitter, as in scikit-learn (5: stratified for classifiers).
        scoring: A scorer name; ``None`` uses the estimator's ``score``.

    Returns:
        The curve; fits that fail raise instead of scoring NaN.

    Raises:
        TypeError: If ``estimator`` is not an estimator instance.
        ValueError: For fewer than 2 values, an unknown parameter or mismatched data.
    """
    _check_estimator(estimator)
    _check_data(X, y)
    values = list(param_range)
    if len(values) < 2:
        raise ValueError(f"param_range needs at least 2 values, got {len(values)}")
    known = estimator.get_params()
    if param_name not in known:
        close = sorted(name for name in known if name.split("__")[-1] == param_name)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"{type(estimator).__name__} has no parameter {param_name!r}{hint}")
    train, val = validation_curve(
        estimator,
        X,
        y,
        param_name=param_name,
        param_range=values,
        cv=cv,
        scoring=scoring,
        error_score="raise",
    )
    return Curve("validation", param_name, tuple(values), train, val, scoring or "score")


def learning_curve_data(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    train_sizes: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0),
    cv: Any = 5,
    scoring: str | None = None,
    random_state: int = 0,
) -> Curve:
    """Score ``estimator`` on growing shares of the training folds.

    Args:
        estimator: An unfitted scikit-learn estimator.
        X: Features.
        y: Targets.
        train_sizes: Shares (0, 1] of each training fold, or absolute counts.
        cv: Folds or a splitter, as in scikit-learn.
        scoring: A scorer name; ``None`` uses the estimator's ``score``.
        random_state: Seed of the shuffle that picks each subset.

    Returns:
        The curve; x is the number of training samples.

    Raises:
        TypeError: If ``estimator`` is not an estimator instance.
        ValueError: For fewer than 2 sizes or mismatched data.
    """
    _check_estimator(estimator)
    _check_data(X, y)
    if len(train_sizes) < 2:
        raise ValueError(f"train_sizes needs at least 2 sizes, got {len(train_sizes)}")
    sizes, train, val = learning_curve(
        estimator,
        X,
        y,
        train_sizes=list(train_sizes),
        cv=cv,
        scoring=scoring,
        shuffle=True,
        random_state=random_state,
        error_score="raise",
    )
    return Curve(
        "learning", "training samples", tuple(int(s) for s in sizes), train, val, scoring or "score"
    )


@dataclass(frozen=True)
class Thresholds:
    """The rules of thumb :func:`diagnose` applies (scores in [0, 1], higher is better).

    Attributes:
        good_score: A validation score at or above this is good enough not to call the
            model underfitted (0.85 by default; set it to what your task can reach).
        big_gap: A train-minus-validation gap at or above this is overfitting (0.05).
        rising: On a learning curve, a validation score still rising by this much over
            the last step means more data would help (0.01).
    """

    good_score: float = 0.85
    big_gap: float = 0.05
    rising: float = 0.01

    def __post_init__(self) -> None:
        for name in ("good_score", "big_gap", "rising"):
            value = getattr(self, name)
            if not 0 <= value <= 1 or math.isnan(value):
                raise ValueError(f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` concluded, and the numbers it used.

    Attributes:
        regime: One of :data:`REGIMES`.
        at: The x value it judged (the best x of a validation curve, the largest
            training set of a learning curve).
        train_score: Mean training score there.
        val_score: Mean validation score there.
        gap: ``train_score - val_score``.
        advice: One sentence on what to change.
    """

    regime: str
    at: Any
    train_score: float
    val_score: float
    gap: float
    advice: str

    def __str__(self) -> str:
        return (
            f"{self.regime} at {self.at}: train {self.train_score:.3f}, "
            f"validation {self.val_score:.3f}, gap {self.gap:.3f}. {self.advice}"
        )


ADVICE = {
    "underfitting": "Give the model more capacity (a deeper tree, a larger C or gamma, "
    "less regularisation) or better features; more rows of the same features help little "
    "once its learning curve has levelled off.",
    "overfitting": "Constrain the model (regularise, shallower trees, smaller C or gamma) "
    "or add training data.",
    "needs more data": "The validation score is still rising with the training-set size: "
    "more rows are likely to help more than tuning.",
    "good fit": "Train and validation scores are high and close: tune finely or stop.",
}
"""One sentence of advice per regime."""

RISING_UNDERFIT_ADVICE = (
    "Give the model more capacity (a deeper tree, a larger C or gamma, less "
    "regularisation) or better features first; its validation score is still rising with "
    "the training-set size, so more rows may help as well."
)
"""The advice for an underfitting learning curve that has not levelled off."""


def diagnose(curve: Curve, thresholds: Thresholds | None = None) -> Diagnosis:
    """Name the regime a curve shows, from the level and the gap of its scores.

    The rules, in order, at the judged point (a validation curve's best x; a learning
    curve's largest training set), with ``t = thresholds``:

    1. validation score below ``t.good_score`` and gap below ``t.big_gap``:
       **underfitting** (train and validation are both low: the model cannot fit);
       on a learning curve still rising by ``t.rising``, the advice says that more rows
       may help as well (:data:`RISING_UNDERFIT_ADVICE`);
    2. gap at or above ``t.big_gap``: on a learning curve whose validation score rose by
       at least ``t.rising`` over its last step, **needs more data**; otherwise
       **overfitting**;
    3. otherwise **good fit**.

    Comparisons allow 1e-9 of floating-point slack: a value on a threshold counts as
    reaching it.

    Args:
        curve: A validation or learning curve of scores in [0, 1], higher is better.
        thresholds: The rules of thumb (defaults: :class:`Thresholds`).

    Returns:
        The diagnosis with the numbers it used.

    Raises:
        ValueError: If the scores lie outside [0, 1] (errors, losses or negated
            scores need their own thresholds).
    """
    t = thresholds or Thresholds()
    for name, scores in (("train", curve.train_scores), ("validation", curve.val_scores)):
        if scores.min() < 0 or scores.max() > 1:
            raise ValueError(
                f"{name} scores run from {scores.min():.3g} to {scores.max():.3g}; diagnose "
                "expects scores in [0, 1] where higher is better (accuracy, R2 of a "
                "reasonable model, ...)"
            )
    i = curve.best_index() if curve.kind == "validation" else len(curve.x) - 1
    train, val = float(curve.train_mean[i]), float(curve.val_mean[i])
    gap = train - val
    big_gap = gap >= t.big_gap - _EPS
    still_rising = curve.kind == "learning" and (
        curve.val_mean[-1] - curve.val_mean[-2] >= t.rising - _EPS
    )
    if val < t.good_score - _EPS and not big_gap:
        regime = "underfitting"
    elif big_gap:
        regime = "needs more data" if still_rising else "overfitting"
    else:
        regime = "good fit"
    advice = RISING_UNDERFIT_ADVICE if regime == "underfitting" and still_rising else ADVICE[regime]
    return Diagnosis(regime, curve.x[i], train, val, gap, advice)


def plot_curve(curve: Curve, ax: Any = None, *, log_x: bool | None = None) -> Any:
    """Draw a curve: mean train and validation scores, with a band of one sd over folds.

    Args:
        curve: The curve.
        ax: A matplotlib ``Axes`` to draw on; ``None`` makes a new figure.
        log_x: Log-scale x; ``None`` chooses it for positive numeric values spanning
            more than a factor of 50 (``C``, ``gamma``, ``alpha``, ...).

    Returns:
        The ``Figure`` drawn on.

    Raises:
        ValueError: If ``log_x`` is asked for values that are not all positive numbers.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in curve.x)
    positive = numeric and min(curve.x) > 0
    if log_x is None:
        log_x = positive and max(curve.x) / min(curve.x) > 50
    if log_x and not positive:
        raise ValueError("log_x needs positive numeric x values")
    x = list(curve.x) if numeric else list(range(len(curve.x)))
    for label, mean, std, style in (
        ("training", curve.train_mean, curve.train_std, "--"),
        ("validation", curve.val_mean, curve.val_std, "-"),
    ):
        (line,) = ax.plot(x, mean, style, marker="o", ms=3, label=label)
        ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    if not numeric:
        ax.set_xticks(x, [str(v) for v in curve.x])
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(curve.x_name)
    ax.set_ylabel(f"{curve.scoring} (mean ± 1 sd over folds)")
    ax.legend(loc="best")
    return ax.figure
