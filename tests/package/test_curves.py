"""Tests of tuninglab.curves: the curve data, the diagnosis rules and bad input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from tuninglab.curves import (
    REGIMES,
    Curve,
    Thresholds,
    diagnose,
    learning_curve_data,
    plot_curve,
    validation_curve_data,
)

pytestmark = pytest.mark.depends_on("src/tuninglab/curves.py")


def synthetic(train, val, kind="validation", x=None) -> Curve:
    """A curve with 3 identical folds per point (so the means are the given numbers)."""
    x = tuple(x if x is not None else range(1, len(train) + 1))
    return Curve(kind, "x", x, np.repeat(np.c_[train], 3, axis=1), np.repeat(np.c_[val], 3, axis=1))


# --- diagnosis on synthetic curves ---------------------------------------------------


@pytest.mark.parametrize(
    ("train", "val", "kind", "regime", "at"),
    [
        # low and close: the model cannot fit even its training data
        ([0.60, 0.65, 0.70], [0.58, 0.63, 0.68], "validation", "underfitting", 3),
        # high train, validation far below at the best point
        ([0.90, 1.00, 1.00], [0.80, 0.82, 0.78], "validation", "overfitting", 2),
        # high and close
        ([0.95, 0.97, 0.99], [0.90, 0.94, 0.93], "validation", "good fit", 2),
        # a learning curve with a big gap whose validation score still climbs
        ([1.0, 1.0, 1.0], [0.70, 0.78, 0.84], "learning", "needs more data", 3),
        # the same gap, but flat at the end: more data has stopped helping
        ([1.0, 1.0, 1.0], [0.70, 0.84, 0.845], "learning", "overfitting", 3),
        # a learning curve that converged high
        ([0.99, 0.98, 0.97], [0.90, 0.94, 0.95], "learning", "good fit", 3),
    ],
)
def test_diagnose_names_the_regime(train, val, kind, regime, at):
    found = diagnose(synthetic(train, val, kind))
    assert found.regime == regime and found.regime in REGIMES
    assert found.at == at
    assert found.gap == pytest.approx(found.train_score - found.val_score)
    assert regime in str(found) and found.advice


def test_an_underfitting_curve_still_rising_is_not_told_more_rows_will_not_help():
    # the guide's logistic regression: low, close, and +0.014 over the last step
    rising = diagnose(synthetic([0.757, 0.748, 0.740], [0.697, 0.683, 0.697], "learning"))
    assert rising.regime == "underfitting"
    assert "more rows may help" in rising.advice and "help little" not in rising.advice
    flat = diagnose(synthetic([0.757, 0.748, 0.740], [0.697, 0.692, 0.697], "learning"))
    assert flat.regime == "underfitting" and "help little" in flat.advice
    # a validation curve has no training-set size to rise along
    assert "help little" in diagnose(synthetic([0.6, 0.7], [0.58, 0.69])).advice


def test_thresholds_sit_exactly_on_their_boundaries():
    # gap exactly big_gap counts as overfitting; below it does not
    assert diagnose(synthetic([0.95, 0.95], [0.90, 0.90])).regime == "overfitting"
    assert diagnose(synthetic([0.95, 0.95], [0.91, 0.91])).regime == "good fit"
    # validation exactly good_score is not underfitting
    assert diagnose(synthetic([0.86, 0.86], [0.85, 0.85])).regime == "good fit"
    assert diagnose(synthetic([0.86, 0.86], [0.849, 0.849])).regime == "underfitting"
    # the thresholds are the caller's to change
    strict = Thresholds(good_score=0.95)
    assert diagnose(synthetic([0.93, 0.93], [0.92, 0.92]), strict).regime == "underfitting"


def test_thresholds_refuse_nonsense():
    with pytest.raises(ValueError, match="big_gap must be between 0 and 1"):
        Thresholds(big_gap=5)


def test_diagnose_refuses_scores_outside_zero_one():
    curve = synthetic([-3.0, -2.0], [-4.0, -3.5])  # e.g. neg_mean_squared_error
    with pytest.raises(ValueError, match="expects scores in \\[0, 1\\]"):
        diagnose(curve)


# --- bad curve data ------------------------------------------------------------------


def test_one_point_is_not_a_curve():
    with pytest.raises(ValueError, match="at least 2 points, got 1"):
        synthetic([0.9], [0.8])


def test_mismatched_lengths_are_named():
    with pytest.raises(ValueError, match="3 x values but 2 rows"):
        Curve("validation", "C", (1, 2, 3), np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\) but val_scores has shape \(2, 4\)"):
        Curve("validation", "C", (1, 2), np.ones((2, 3)), np.ones((2, 4)))


def test_nan_scores_say_where():
    val = np.ones((3, 2))
    val[1, 1] = np.nan
    with pytest.raises(ValueError, match="val_scores has 1 NaN .* at C=10, fold 1"):
        Curve("validation", "C", (1, 10, 100), np.ones((3, 2)), val)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be"):
        Curve("loss", "C", (1, 2), np.ones((2, 2)), np.ones((2, 2)))


# --- bad estimators and data ---------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_an_estimator_class_instead_of_an_instance_is_refused(iris):
    with pytest.raises(TypeError, match=r"not the class SVC; for example SVC\(\)"):
        validation_curve_data(SVC, *iris, "C", [1, 10])


def test_something_that_is_not_an_estimator_is_refused(iris):
    with pytest.raises(TypeError, match="list is not a scikit-learn estimator"):
        learning_curve_data([1, 2], *iris)


def test_an_unknown_parameter_suggests_the_pipeline_name(iris):
    model = make_pipeline(StandardScaler(), SVC())
    with pytest.raises(ValueError, match="no parameter 'C'; did you mean 'svc__C'"):
        validation_curve_data(model, *iris, "C", [1, 10])


def test_mismatched_data_and_too_few_values_are_refused(iris):
    X, y = iris
    with pytest.raises(ValueError, match="X has 150 rows but y has 149"):
        validation_curve_data(SVC(), X, y[:-1], "C", [1, 10])
    with pytest.raises(ValueError, match="param_range needs at least 2 values, got 1"):
        validation_curve_data(SVC(), X, y, "C", [1])
    with pytest.raises(ValueError, match="train_sizes needs at least 2 sizes"):
        learning_curve_data(SVC(), X, y, train_sizes=[1.0])


def test_a_failing_fit_raises_instead_of_scoring_nan(iris):
    with pytest.raises(ValueError, match="C"):
        validation_curve_data(SVC(), *iris, "C", [1.0, -1.0])


# --- real curves ---------------------------------------------------------------------


def test_validation_curve_of_a_tree_depth(iris):
    depths = [1, 2, 3, 8]
    curve = validation_curve_data(
        DecisionTreeClassifier(random_state=0), *iris, "max_depth", depths
    )
    assert curve.x == tuple(depths) and curve.train_scores.shape == (4, 5)
    assert curve.train_mean[0] < 0.7  # one split cannot separate three classes
    assert curve.train_mean[-1] == pytest.approx(1.0)
    assert diagnose(curve).regime in REGIMES
    rows = curve.rows()
    assert rows[0][0] == 1 and 0 <= rows[0][2] <= 1


def test_learning_curve_counts_samples(iris):
    curve = learning_curve_data(SVC(), *iris, train_sizes=(0.2, 0.6, 1.0))
    assert curve.kind == "learning" and curve.x == (24, 72, 120)


def test_plot_curve_draws_both_lines_and_chooses_the_log_axis(iris):
    curve = validation_curve_data(SVC(), *iris, "C", [0.01, 1, 100])
    fig = plot_curve(curve)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["training", "validation"]
    assert ax.get_xlabel() == "C"
    linear = plot_curve(synthetic([0.9, 0.9], [0.8, 0.8], x=(1, 2)))
    assert linear.axes[0].get_xscale() == "linear"
    with pytest.raises(ValueError, match="positive numeric"):
        plot_curve(synthetic([0.9, 0.9], [0.8, 0.8], x=(0, 2)), log_x=True)
