"""Unit tests of tuninglab.search: spaces, problems, strategies, fit counting, compare."""

from __future__ import annotations

import dataclasses
import json
import math
import warnings

import numpy as np
import optuna
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from tuninglab.search import (
    STRATEGIES,
    CategoricalParam,
    FloatParam,
    IntParam,
    Problem,
    RunResult,
    SearchSpace,
    StrategyResult,
    compare,
    plan_halving,
    problems,
)
from tuninglab.search.results import best_so_far, curve_points
from tuninglab.search.spaces import LogUniformInt
from tuninglab.search.strategies import run_strategy
from tuninglab.search.tables import format_params

pytestmark = pytest.mark.depends_on("src/tuninglab")


@pytest.fixture(scope="module")
def svc_iris() -> Problem:
    return problems.get("svc", "iris")


@pytest.fixture(scope="module")
def sgd_iris() -> Problem:
    return problems.get("sgd", "iris")


def _without_wall_time(run: RunResult) -> RunResult:
    return dataclasses.replace(run, wall_time=0.0)


# --- search spaces -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: FloatParam("C", 1.0, 1.0), "low must be smaller than high"),
        (lambda: FloatParam("C", 2.0, 1.0), "low must be smaller than high"),
        (lambda: FloatParam("C", 0.0, 1.0, log=True), "log-scaled range needs positive"),
        (lambda: FloatParam("C", -1.0, 1.0, log=True), "log-scaled range needs positive"),
        (lambda: FloatParam("C", 0.0, math.inf), "finite"),
        (lambda: FloatParam("C", 0.1, 1.0, grid_points=1), "grid_points"),
        (lambda: FloatParam("", 0.1, 1.0), "non-empty string"),
        (lambda: IntParam("n", 5, 5), "low must be smaller than high"),
        (lambda: IntParam("n", 0, 10, log=True), "log-scaled range needs positive"),
        (lambda: IntParam("n", 1.5, 10), "integers"),
        (lambda: CategoricalParam("k", ()), "must not be empty"),
        (lambda: CategoricalParam("k", ("a", "a")), "must not repeat"),
        (lambda: CategoricalParam("k", ("a", [1])), "None, bool, int, float or str"),
        (lambda: SearchSpace([]), "empty"),
        (lambda: SearchSpace([FloatParam("C", 1, 2), IntParam("C", 1, 2)]), "distinct"),
        (lambda: SearchSpace(["C"]), "not a search-space parameter"),
    ],
)
def test_bad_parameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_log_grid_is_one_value_per_decade():
    assert FloatParam("C", 1e-3, 1e3, log=True, grid_points=7).grid() == [
        0.001,
        0.01,
        0.1,
        1.0,
        10.0,
        100.0,
        1000.0,
    ]
    assert FloatParam("x", 0.0, 1.0, grid_points=5).grid() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert IntParam("n", 1, 1000, log=True, grid_points=4).grid() == [1, 10, 100, 1000]
    assert IntParam("n", 1, 3, grid_points=9).grid() == [1, 2, 3]  # rounding merges points


def test_to_grid_and_its_cap():
    space = SearchSpace(
        [FloatParam("C", 1e-3, 1e3, log=True, grid_points=7), CategoricalParam("k", ("a", "b"))]
    )
    assert space.grid_size() == 14
    assert space.to_grid() == {"C": space.params[0].grid(), "k": ["a", "b"]}
    with pytest.raises(ValueError, match="14 configurations, more than max_grid_size=13"):
        space.to_grid(max_size=13)
    huge = SearchSpace([FloatParam(name, 1.0, 2.0, grid_points=30) for name in "abc"])
    with pytest.raises(ValueError, match="27000 configurations"):
        huge.to_grid()


def test_to_distributions_match_the_scales():
    space = SearchSpace(
        [
            FloatParam("C", 1e-3, 1e3, log=True),
            FloatParam("x", 0.0, 2.0),
            IntParam("n", 1, 10),
            IntParam("m", 1, 1000, log=True),
            CategoricalParam("k", (None, "balanced")),
        ]
    )
    dists = space.to_distributions()
    assert dists["C"].dist.name == "loguniform"
    assert dists["C"].support() == (1e-3, 1e3)
    assert dists["x"].dist.name == "uniform"
    assert dists["x"].support() == (0.0, 2.0)
    assert dists["n"].dist.name == "randint"
    assert dists["n"].support() == (1, 10)
    assert isinstance(dists["m"], LogUniformInt)
    assert dists["k"] == [None, "balanced"]


def test_log_uniform_int_draws_integers_on_a_log_scale():
    draws = LogUniformInt(1, 1000).rvs(size=4000, random_state=0)
    assert draws.dtype.kind == "i"
    assert draws.min() >= 1 and draws.max() <= 1000
    assert 15 < np.median(draws) < 60  # log-uniform median ~ sqrt(1000) ~ 32, not ~500
    assert isinstance(LogUniformInt(1, 10).rvs(random_state=0), int)


def test_suggest_uses_optuna_distributions():
    space = SearchSpace(
        [
            FloatParam("C", 1e-3, 1e3, log=True),
            IntParam("n", 1, 100, log=True),
            CategoricalParam("k", ("a", "b")),
        ]
    )
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    trial = optuna.create_study().ask()
    params = space.suggest(trial)
    assert set(params) == {"C", "n", "k"}
    dists = trial.distributions
    assert isinstance(dists["C"], optuna.distributions.FloatDistribution) and dists["C"].log
    assert isinstance(dists["n"], optuna.distributions.IntDistribution) and dists["n"].log
    assert dists["k"].choices == ("a", "b")
    assert 1e-3 <= params["C"] <= 1e3


def test_coarsened_grid_fits_and_keeps_categories():
    space = SearchSpace(
        [
            FloatParam("C", 1e-3, 1e3, log=True, grid_points=7),
            FloatParam("g", 1e-4, 1e2, log=True, grid_points=7),
        ]
    )
    assert space.coarsened(49) is not None and space.coarsened(49).grid_size() == 49
    coarse = space.coarsened(12)
    assert coarse.grid_size() == 12
    assert [p.grid_points for p in coarse.params] == [3, 4]
    assert coarse.params[0].grid() == [0.001, 1.0, 1000.0]
    with_cat = SearchSpace([*space.params, CategoricalParam("k", ("a", "b", "c"))])
    assert with_cat.coarsened(20).to_grid()["k"] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="coarsest grid has 12 configurations"):
        with_cat.coarsened(11)


# --- problems ------------------------------------------------------------------------


def test_ready_made_problems(svc_iris):
    assert problems.MODELS == ("logreg", "ridge", "sgd", "svc")
    assert svc_iris.space.names == ["svc__C", "svc__gamma"]
    assert svc_iris.n_splits == 5 and svc_iris.classifier
    assert svc_iris.epochs is None
    assert problems.get("sgd", "wine").epochs == problems.SGD_EPOCHS
    assert problems.get("ridge", "diabetes").scoring == "r2"


@pytest.mark.parametrize(
    ("model", "dataset", "message"),
    [
        ("xgb", "iris", "unknown model 'xgb'; choose one of: logreg, ridge, sgd, svc"),
        ("svc", "mnist", "unknown dataset 'mnist'"),
        ("svc", "diabetes", "is for classification but dataset 'diabetes' is regression"),
        ("ridge", "iris", "is for regression"),
    ],
)
def test_problem_lookup_errors(model, dataset, message):
    with pytest.raises(ValueError, match=message):
        problems.get(model, dataset)


def test_problem_validation():
    space = SearchSpace([FloatParam("C", 0.1, 10, log=True)])
    with pytest.raises(ValueError, match=r"\['gamma_x'\] are not parameters"):
        Problem("p", SVC(), SearchSpace([FloatParam("gamma_x", 0.1, 1.0)]), "iris")
    with pytest.raises(ValueError, match="cv must be at least 2"):
        Problem("p", SVC(), space, "iris", cv=1)
    with pytest.raises(ValueError, match="epochs must be a positive"):
        Problem("p", SVC(), space, "iris", epochs=0)
    with pytest.raises(ValueError, match="max_samples must be positive"):
        Problem("p", SVC(), space, "iris", max_samples=0)
    with pytest.raises(ValueError, match="space must be a SearchSpace"):
        Problem("p", SVC(), [FloatParam("C", 0.1, 1.0)], "iris")
    with pytest.raises(ValueError, match="unknown dataset"):
        Problem("p", SVC(), space, "nope")


def test_problem_from_arrays_factory_and_subsample():
    X, y = problems.get("svc", "digits").load()
    problem = Problem("p", lambda: SVC(), SearchSpace([FloatParam("C", 0.1, 10)]), (X, y))
    assert problem.make_estimator() is not problem.make_estimator()
    assert problem.dataset_name == "custom"
    small = problems.get("svc", "digits", max_samples=300)
    Xs, ys = small.load()
    assert Xs.shape == (300, 64) and small.name == "svc-digits-300"
    assert np.bincount(ys).min() >= 29  # stratified: ~30 of each of the 10 digits
    assert small.describe()["n_samples"] == 300


# --- strategies and fit counting -----------------------------------------------------


def test_grid_counts_one_fit_per_fold_and_configuration(svc_iris):
    full = run_strategy("grid", svc_iris, 10_000, 0)
    assert (full.n_configs, full.fits, full.fit_calls) == (49, 245.0, 245)
    assert [x for x, _ in full.curve] == [5.0 * i for i in range(1, 50)]
    coarse = run_strategy("grid", svc_iris, 64, 0)  # room for 12 configurations
    assert (coarse.n_configs, coarse.fits) == (12, 60.0)
    assert coarse.best_score <= full.best_score


@pytest.mark.parametrize("name", ["random", "tpe"])
def test_random_and_tpe_use_whole_configurations(svc_iris, name):
    run = run_strategy(name, svc_iris, 23, 0)
    assert (run.n_configs, run.fits, run.fit_calls) == (4, 20.0, 20)
    assert len(run.curve) == 4


def test_halving_plan_by_hand():
    # 150 samples, rungs of 50 then 150: 12 * 5 * 50/150 + 4 * 5 * 150/150 = 40 fits.
    plan = plan_halving(40, 5, 150, 30)
    assert (plan.n_candidates, plan.min_resources, plan.rungs) == (12, 50, ((12, 50), (4, 150)))
    assert plan.fits == pytest.approx(40.0) and not plan.rescore
    # 100 samples do not divide by 9: the last rung has 99, so the winner is re-scored
    # on the full folds: 12*5*11/100 + 4*5*33/100 + 2*5*99/100 + 5 = 28.1 fits.
    plan = plan_halving(30, 5, 100, 10)
    assert plan.rungs == ((12, 11), (4, 33), (2, 99))
    assert plan.rescore and plan.fits == pytest.approx(28.1)
    # Too small for two rungs: one rung on all the data, i.e. a random search.
    plan = plan_halving(7, 5, 150, 30)
    assert plan.rungs == ((1, 150),) and plan.fits == 5.0
    with pytest.raises(ValueError, match="cannot pay for one 5-fold evaluation"):
        plan_halving(4, 5, 150, 30)


@pytest.mark.parametrize(("max_samples", "budget"), [(None, 40), (100, 30)])
def test_halving_spends_what_was_planned(max_samples, budget):
    problem = problems.get("svc", "iris", max_samples=max_samples)
    n = len(problem.load()[1])
    plan = plan_halving(budget, 5, n, 2 * 5 * 3)
    run = run_strategy("halving", problem, budget, 0)
    assert run.fits == pytest.approx(plan.fits) and run.fits <= budget
    assert run.n_configs == plan.n_candidates
    assert run.fit_calls == 5 * sum(c for c, _ in plan.rungs) + (5 if plan.rescore else 0)
    assert run.fit_calls > run.fits  # partial-data fits count as a fraction of a fit
    # Only full-data scores enter the curve: none before the last rung starts.
    first_full = sum(c * 5 * r / n for c, r in plan.rungs[:-1])
    assert run.curve[0][0] > first_full


def test_pruned_tpe_counts_epochs(sgd_iris):
    run = run_strategy("tpe_pruned", sgd_iris, 40, 0)
    assert run.fits <= 40
    assert run.fits > 40 - 5  # stops only when a full trial no longer fits
    epochs = run.fits * sgd_iris.epochs / 5
    assert epochs == pytest.approx(round(epochs))  # whole epochs of all 5 folds
    assert run.fit_calls == 5 * run.n_configs
    completed = len(run.curve)
    assert completed < run.n_configs, "the median pruner should prune some trials"
    assert run.fits < 5 * run.n_configs  # pruned trials cost less than a full trial


def test_every_curve_is_monotone_and_ends_at_the_best(svc_iris):
    for name in ["grid", "random", "halving", "tpe"]:
        run = run_strategy(name, svc_iris, 35, 1)
        fits = [x for x, _ in run.curve]
        scores = [y for _, y in run.curve]
        assert fits == sorted(fits) and scores == sorted(scores), name
        assert scores[-1] == run.best_score and fits[-1] <= run.fits <= 35, name
        assert 0.5 < run.best_score <= 1.0


def test_runs_are_deterministic_for_a_seed(svc_iris, sgd_iris):
    for problem, name in [(svc_iris, n) for n in ("random", "halving", "tpe")] + [
        (sgd_iris, "tpe_pruned")
    ]:
        first = run_strategy(name, problem, 25, 3)
        second = run_strategy(name, problem, 25, 3)
        assert _without_wall_time(first) == _without_wall_time(second), name
        other = run_strategy(name, problem, 25, 4)
        assert other.best_params != first.best_params, f"{name} ignores its seed"


def test_tpe_starts_with_the_draws_of_random_search(svc_iris):
    # Documented in the strategies module and the choosing guide: the first 10 TPE
    # trials are random and, on this log-scaled space, identical to RandomizedSearchCV's
    # draws for the same seed.
    random = run_strategy("random", svc_iris, 60, 1)
    tpe = run_strategy("tpe", svc_iris, 60, 1)
    assert random.curve[:10] == tpe.curve[:10]


def test_strategies_silence_optuna_and_convergence_warnings(capsys):
    problem = Problem(
        "slow-logreg",
        LogisticRegression(max_iter=2),
        SearchSpace([FloatParam("C", 1e-2, 1e2, log=True, grid_points=3)]),
        "iris",
    )
    verbosity = optuna.logging.get_verbosity()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare(problem, ["grid", "tpe"], budget=15, seeds=1)
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert optuna.logging.get_verbosity() == verbosity
    assert "Trial" not in capsys.readouterr().err


# --- compare -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": 0}, "budget must be a positive number of model fits, got 0"),
        ({"budget": -5}, "budget must be a positive number"),
        ({"budget": 4}, "cannot pay for one 5-fold evaluation"),
        ({"budget": 10.5}, "budget must be an integer"),
        ({"budget": 20, "strategies": ["grid", "bayes"]}, "unknown strategy 'bayes'"),
        ({"budget": 20, "strategies": []}, "non-empty list of distinct names"),
        ({"budget": 20, "strategies": ["tpe", "tpe"]}, "distinct"),
        ({"budget": 20, "strategies": ["tpe_pruned"]}, "needs an iterative problem"),
        ({"budget": 20, "seeds": 0}, "seeds must be at least 1"),
        ({"budget": 20, "seeds": [1, 1]}, "distinct integers"),
        ({"budget": 20, "strategies": ["grid"], "max_grid_size": 48}, "max_grid_size=48"),
        ({"budget": 15, "strategies": ["grid"]}, "'grid' does not fit the budget of 15"),
    ],
)
def test_compare_rejects_bad_input(svc_iris, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare(svc_iris, **kwargs)


def test_unknown_strategy_message_lists_the_known_ones(svc_iris):
    with pytest.raises(ValueError) as error:
        compare(svc_iris, ["nope"], budget=20)
    for name in STRATEGIES:
        assert name in str(error.value)


def test_default_strategies_depend_on_the_problem(svc_iris, sgd_iris):
    svc = compare(svc_iris, budget=20, seeds=1)
    assert list(svc.results) == ["grid", "random", "halving", "tpe"]
    sgd = compare(sgd_iris, budget=30, seeds=1)
    assert list(sgd.results) == ["grid", "random", "halving", "tpe", "tpe_pruned"]


def test_compare_is_deterministic_and_summarizes(svc_iris):
    first = compare(svc_iris, ["grid", "random", "tpe"], budget=20, seeds=[0, 1, 2])
    second = compare(svc_iris, ["grid", "random", "tpe"], budget=20, seeds=[0, 1, 2])
    assert first.to_dict(include_wall_time=False) == second.to_dict(include_wall_time=False)
    assert "wall_time" not in first.to_dict(include_wall_time=False)
    assert len(first.results["grid"].runs) == 1  # no randomness: run once
    random = first.results["random"]
    assert [r.seed for r in random.runs] == [0, 1, 2]
    scores = [r.best_score for r in random.runs]
    assert random.mean_score == pytest.approx(np.mean(scores))
    assert random.std_score == pytest.approx(np.std(scores, ddof=1))
    rows = {row["strategy"]: row for row in first.to_rows()}
    assert rows["random"]["mean_best_score"] == round(np.mean(scores), 4)
    assert rows["random"]["mean_fits"] == 20.0 and rows["random"]["runs"] == 3
    assert rows["random"]["best_params"] == random.best_run.best_params


def test_compare_in_parallel_gives_the_same_result(svc_iris):
    serial = compare(svc_iris, ["random", "halving"], budget=20, seeds=2)
    parallel = compare(svc_iris, ["random", "halving"], budget=20, seeds=2, n_jobs=2)
    assert serial.to_dict(include_wall_time=False) == parallel.to_dict(include_wall_time=False)


def test_markdown_and_json_output(svc_iris):
    result = compare(svc_iris, ["grid", "tpe"], budget=20, seeds=2)
    table = result.to_markdown().splitlines()
    assert table[0].split("|")[1:4] == [" strategy ", " runs ", " best CV score "]
    assert table[2].startswith("| grid ") and table[3].startswith("| tpe ")
    assert len(table) == 4
    data = json.loads(result.to_json())
    assert list(data) == sorted(data)
    assert data["budget"] == 20 and data["seeds"] == [0, 1]
    tpe = data["strategies"]["tpe"]
    assert tpe["runs"] == 2 and len(tpe["per_seed"]) == 2
    assert tpe["curve"]["fits"] == [5.0, 10.0, 15.0, 20.0]
    assert set(data["wall_time"]["tpe"]) == {"mean_seconds", "per_seed"}


def _run(seed: int, curve: tuple, score: float) -> RunResult:
    return RunResult("x", seed, score, {"C": float(seed)}, curve[-1][0], 1, 1, curve)


def test_mean_curve_waits_for_every_run():
    result = StrategyResult(
        "x",
        budget=20,
        n_splits=5,
        runs=(_run(0, ((5.0, 0.5), (15.0, 0.7)), 0.7), _run(1, ((12.0, 0.9),), 0.9)),
    )
    assert result.mean_curve() == [(5.0, None), (10.0, None), (15.0, pytest.approx(0.8))]
    assert result.best_run.seed == 1
    assert best_so_far(((5.0, 0.5), (15.0, 0.7)), 14.9) == 0.5
    assert best_so_far(((5.0, 0.5),), 4.0) is None
    assert curve_points(12, 5) == [5.0, 10.0, 12.0]
    assert format_params({"b": 0.0123456, "a": None}) == "a=None, b=0.01235"


def test_a_single_run_has_no_standard_deviation(svc_iris):
    result = compare(svc_iris, ["grid", "random"], budget=20, seeds=[0, 1])
    assert result.results["grid"].std_score is None  # one run: no spread to estimate
    rows = {row["strategy"]: row for row in result.to_rows()}
    assert rows["grid"]["std_best_score"] is None
    grid_line = next(line for line in result.to_markdown().splitlines() if "| grid " in line)
    assert "| –" in grid_line.replace("  ", " ") and "0.0000" not in grid_line


def test_to_markdown_can_leave_out_wall_times(svc_iris):
    result = compare(svc_iris, ["grid", "random"], budget=20, seeds=[0, 1])
    with_times, without = result.to_markdown(), result.to_markdown(include_wall_time=False)
    assert "time (s)" in with_times.splitlines()[0] and "time (s)" not in without
    assert len(without.splitlines()[2].split("|")) == len(with_times.splitlines()[2].split("|")) - 1
