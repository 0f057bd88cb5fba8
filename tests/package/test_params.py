"""Unit tests of tuninglab.params: exact counts against hand formulas, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, make_regression
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    Ridge,
    SGDClassifier,
)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from tuninglab.params import SUPPORTED_TYPES, count_parameters, parameter_breakdown

pytestmark = pytest.mark.depends_on("src/tuninglab")


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    return load_iris(return_X_y=True)  # 150 x 4, 3 classes


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray]:
    return load_diabetes(return_X_y=True)  # 442 x 10, regression


# --- linear models -----------------------------------------------------------------


def test_linear_regression_is_one_weight_per_feature_plus_intercept(diabetes):
    X, y = diabetes
    model = LinearRegression().fit(X, y)
    assert parameter_breakdown(model) == {"coef_": 10, "intercept_": 1}
    assert count_parameters(model) == 10 + 1


def test_no_intercept_is_counted_when_fit_intercept_is_false(diabetes):
    X, y = diabetes
    model = Ridge(fit_intercept=False).fit(X, y)
    assert parameter_breakdown(model) == {"coef_": 10}
    assert count_parameters(model) == 10


def test_multiclass_logistic_regression_has_a_row_per_class(iris):
    X, y = iris
    model = LogisticRegression(max_iter=1000).fit(X, y)
    assert count_parameters(model) == 3 * 4 + 3


def test_binary_logistic_regression_has_a_single_row(iris):
    X, y = iris
    binary = y == 0
    model = LogisticRegression(max_iter=1000).fit(X, binary)
    assert count_parameters(model) == 4 + 1


def test_multi_output_regression_counts_every_output():
    X, Y = make_regression(n_samples=50, n_features=6, n_targets=2, random_state=0)
    assert count_parameters(LinearRegression().fit(X, Y)) == 2 * 6 + 2


def test_sgd_and_linear_svc_are_linear_models(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        svc = LinearSVC(max_iter=50, random_state=0).fit(X, y)
    sgd = SGDClassifier(random_state=0).fit(X, y)
    assert count_parameters(svc) == 3 * 4 + 3
    assert count_parameters(sgd) == 3 * 4 + 3


# --- neural networks -----------------------------------------------------------------


def _mlp_formula(sizes: list[int]) -> int:
    """(inputs + 1 bias) x outputs, summed over consecutive layers."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def test_mlp_classifier_matches_layer_size_formula(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(7, 5), max_iter=5, random_state=0).fit(X, y)
    assert count_parameters(mlp) == _mlp_formula([4, 7, 5, 3])
    assert parameter_breakdown(mlp) == {"coefs_": 4 * 7 + 7 * 5 + 5 * 3, "intercepts_": 7 + 5 + 3}


def test_binary_mlp_has_a_single_output_unit(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
        mlp.fit(X, y == 0)
    assert count_parameters(mlp) == _mlp_formula([4, 6, 1])


def test_mlp_regressor_matches_layer_size_formula(diabetes):
    X, y = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    assert count_parameters(mlp) == _mlp_formula([10, 8, 1])


# --- trees -----------------------------------------------------------------------------


def test_classification_tree_counts_splits_and_class_values(iris):
    X, y = iris
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    n_splits = int((tree.tree_.feature >= 0).sum())
    n_leaves = tree.get_n_leaves()
    assert (n_splits, n_leaves) == (2, 3)
    assert parameter_breakdown(tree) == {
        "split_features": 2,
        "split_thresholds": 2,
        "leaf_values": 3 * 3,
    }
    assert count_parameters(tree) == 2 * n_splits + 3 * n_leaves


def test_regression_tree_has_one_value_per_leaf(diabetes):
    X, y = diabetes
    tree = DecisionTreeRegressor(max_leaf_nodes=5, random_state=0).fit(X, y)
    assert tree.get_n_leaves() == 5
    assert count_parameters(tree) == 2 * 4 + 5


def test_single_leaf_tree_has_only_leaf_values(iris):
    X, _ = iris
    tree = DecisionTreeClassifier().fit(X, np.zeros(len(X), dtype=int))
    assert parameter_breakdown(tree) == {
        "split_features": 0,
        "split_thresholds": 0,
        "leaf_values": 1,
    }


# --- support vector machines -------------------------------------------------------------


def test_svc_counts_support_vectors_dual_coefs_and_intercepts(iris):
    X, y = iris
    svc = SVC(kernel="rbf", C=1.0).fit(X, y)
    n_sv = int(svc.n_support_.sum())
    n_classes = 3
    expected = n_sv * 4 + (n_classes - 1) * n_sv + n_classes * (n_classes - 1) // 2
    assert count_parameters(svc) == expected
    assert parameter_breakdown(svc)["support_vectors_"] == n_sv * 4


def test_svr_has_one_dual_coef_per_support_vector(diabetes):
    X, y = diabetes
    svr = SVR(C=10.0).fit(X, y)
    n_sv = len(svr.support_)
    assert count_parameters(svr) == n_sv * 10 + n_sv + 1


# --- scalers and pipelines ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("scaler", "per_feature"),
    [
        (StandardScaler(), 2),
        (StandardScaler(with_mean=False), 1),
        (StandardScaler(with_std=False), 1),
        (RobustScaler(with_centering=False), 1),
        (MinMaxScaler(), 2),
        (RobustScaler(), 2),
        (MaxAbsScaler(), 1),
    ],
)
def test_scalers_count_one_or_two_numbers_per_feature(iris, scaler, per_feature):
    X, _ = iris
    assert count_parameters(scaler.fit(X)) == per_feature * 4


def test_pipeline_sums_its_steps_with_prefixed_keys(diabetes):
    X, y = diabetes
    pipe = make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(X, y)
    assert parameter_breakdown(pipe) == {
        "standardscaler.mean_": 10,
        "standardscaler.scale_": 10,
        "ridge.coef_": 10,
        "ridge.intercept_": 1,
    }
    assert count_parameters(pipe) == 2 * 10 + 10 + 1


def test_pipeline_skips_passthrough_steps_and_recurses(iris):
    X, y = iris
    inner = Pipeline([("scale", MinMaxScaler()), ("nothing", "passthrough")])
    pipe = Pipeline([("prep", inner), ("svc", SVC())]).fit(X, y)
    assert "prep.scale.min_" in parameter_breakdown(pipe)
    assert count_parameters(pipe) == 2 * 4 + count_parameters(pipe.named_steps["svc"])


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator",
    [
        LinearRegression(),
        MLPClassifier(),
        DecisionTreeClassifier(),
        SVC(),
        StandardScaler(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_unfitted_estimator_raises_not_fitted_naming_it(estimator):
    name = type(estimator).__name__
    with pytest.raises(NotFittedError, match=rf"{name} is not fitted yet"):
        count_parameters(estimator)
    with pytest.raises(ValueError, match=name):  # NotFittedError is a ValueError
        parameter_breakdown(estimator)


def test_unfitted_pipeline_step_is_named(diabetes):
    X, y = diabetes
    pipe = make_pipeline(StandardScaler().fit(X), Ridge())
    with pytest.raises(NotFittedError, match=r"step 'ridge' of the Pipeline: Ridge is not"):
        count_parameters(pipe)


@pytest.mark.parametrize(
    "estimator",
    [RandomForestClassifier(), PCA(), "LinearRegression", None, 42, np.zeros(3)],
    ids=["forest", "pca", "string", "none", "int", "array"],
)
def test_unsupported_input_raises_type_error_listing_supported(estimator):
    with pytest.raises(TypeError, match=r"cannot count the parameters of .*supported estimators"):
        count_parameters(estimator)
    with pytest.raises(TypeError, match="LinearRegression"):
        parameter_breakdown(estimator)


def test_unsupported_fitted_estimator_is_rejected_before_fit_check(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=2, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="RandomForestClassifier"):
        count_parameters(forest)


def test_unsupported_pipeline_step_is_rejected(iris):
    X, y = iris
    pipe = make_pipeline(PCA(n_components=2), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="PCA"):
        count_parameters(pipe)


def test_estimator_class_instead_of_instance_is_rejected():
    with pytest.raises(TypeError, match="not the class LinearRegression"):
        count_parameters(LinearRegression)


def test_supported_types_are_classes():
    assert all(isinstance(kind, type) for kind in SUPPORTED_TYPES)
    assert Pipeline in SUPPORTED_TYPES
