"""The benchmark behind the guide page: what each search strategy is for, measured fairly.

Design, fixed before any result was looked at:

* **Outer split.** For every repetition and dataset the data are split once, stratified,
  70/30. Every strategy searches with cross-validation on the 70% only. At a few
  checkpoints of fits spent (:data:`CHECKPOINTS` of its budget) the configuration it
  would choose then (its best CV score so far) is refit on the 70% and scored on the
  30% it never selected on. That *outer-test score of the chosen configuration* at the
  full budget is the headline number. A best CV score is not: it is a maximum over
  noisy estimates, and a search that tries more configurations gets more optimism.
* **Two spaces** (:data:`SPACES`). ``svc``: an RBF ``SVC`` on standardized features,
  ``C`` in [1e-2, 1e5] and ``gamma`` in [1e-5, 1e1] on log scales, 3-fold CV; the full
  8 x 7 grid (168 fits) against a coarse grid, random search, successive halving and
  TPE with a quarter of its fits (42). ``hgb``: ``HistGradientBoostingClassifier`` with
  five hyperparameters (:func:`tuninglab.search.problems.hgb`), 3-fold CV, where a grid
  is hopeless; random search, halving and TPE with 90 fits each (30 configurations, of
  which TPE draws the first 10 at random and models the other 20).
* **Independent random streams.** Every dataset x space x strategy x repetition has its
  own seed, derived with ``np.random.SeedSequence``; the strategies of one repetition
  share its outer split and CV folds (also seeded per repetition and dataset), so their
  outer-test scores can be compared in pairs.
* **Statistics.** Per dataset x space and strategy: median and interquartile range of
  the outer-test score over :data:`REPETITIONS` repetitions. Each strategy is compared
  with a reference (random search; on ``svc`` also the full grid) by the per-repetition
  differences of outer-test scores: their mean, a 95% t-interval and a verdict that is
  ``"better"`` or ``"worse"`` when the interval excludes 0 and ``"not distinguishable"``
  otherwise. Nothing more is claimed.

Run it with ``python -m tuninglab benchmark``: it rewrites the results that ship with the
package (``tuninglab/data/benchmark.json``; read them with :func:`load_benchmark`). The
JSON has sorted keys, scores rounded to 4 decimals and every repetition's raw record;
wall times sit under the top-level ``wall_time`` key, which the comparisons ignore.
``--check`` re-runs everything (:func:`benchmark_is_current`); :func:`spot_check` re-runs
only the first repetitions and is what the test suite uses.
"""

from __future__ import annotations

import functools
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import scipy
import sklearn
from joblib import Parallel, delayed
from scipy import stats
from sklearn.datasets import make_classification
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from tqdm import tqdm

from tuninglab import datasets
from tuninglab.search import problems
from tuninglab.search.halving import HALVING_FACTOR
from tuninglab.search.problems import Problem, subsample
from tuninglab.search.results import SCORE_DIGITS, round_score
from tuninglab.search.spaces import FloatParam, SearchSpace
from tuninglab.search.strategies import get_strategy, quiet
from tuninglab.search.tables import format_score, markdown_table
from tuninglab.search.trace import Trace

REPETITIONS = 20
"""Repetitions (outer splits) of every dataset x space x strategy."""
OUTER_TEST_SIZE = 0.3
"""Share of each dataset held out from the search and used only to score its choice."""
CHECKPOINTS = (0.1, 0.25, 0.5, 0.75, 1.0)
"""Shares of a strategy's budget at which its current choice is scored on the outer test."""
CONFIDENCE = 0.95
"""Coverage of the paired t-intervals."""
VERDICTS = ("better", "worse", "not distinguishable")
"""The only conclusions a comparison may state."""
DATASETS: dict[str, int | None] = {
    "breast_cancer": None,
    "digits": 500,
    "wine": None,
    "synthetic": 400,
}
"""Benchmark datasets and their size: a stratified subsample of ``digits`` (seed 0), all of
``breast_cancer`` and ``wine``, and ``synthetic`` from :data:`SYNTHETIC` (``None``: all)."""
SYNTHETIC = {
    "n_samples": 400,
    "n_features": 20,
    "n_informative": 6,
    "n_redundant": 4,
    "flip_y": 0.05,
    "class_sep": 0.8,
    "random_state": 0,
}
"""Arguments of ``make_classification`` for the ``synthetic`` dataset: two classes, 5% of
labels flipped, so no model is perfect and the hyperparameters matter."""

SVC_SPACE = SearchSpace(
    [
        FloatParam("svc__C", 1e-2, 1e5, log=True, grid_points=8),
        FloatParam("svc__gamma", 1e-5, 1e1, log=True, grid_points=7),
    ]
)
"""``C`` one decade wider than the ready-made ``svc`` problem's at the top, so the full
grid's choice is not pushed onto the edge; one value per decade on the grid."""
SVC_FOLDS = 3
SVC_GRID_FITS = SVC_SPACE.grid_size() * SVC_FOLDS
"""Fits of the full grid: 56 configurations x 3 folds = 168."""
SVC_BUDGET = SVC_GRID_FITS // 4
"""Fits of every other strategy on ``svc``: a quarter of the full grid's (42)."""
HGB_FOLDS = 3
HGB_CONFIGS = 30
HGB_MAX_ITER = 30
"""Boosting iterations of every ``hgb`` fit (early stopping off)."""
HGB_BUDGET = HGB_CONFIGS * HGB_FOLDS
"""Fits of every strategy on ``hgb`` (90: 30 configurations with 3-fold CV)."""
TPE_STARTUP_TRIALS = 10
"""Optuna's default ``n_startup_trials``: TPE's first 10 trials are random draws."""

WALL_TIME_KEY = "wall_time"
COMMAND = "python -m tuninglab benchmark"
REL_TOLERANCE = 1e-9
"""Relative tolerance for re-computed floats (hyperparameter values, scores, fit counts).

The last bits of a floating-point result differ between CPUs and BLAS builds (SIMD
paths, summation order), typically around 1e-15 relative; a value drawn from a seeded
sampler and passed through a log transform can differ by about 1e-14. 1e-9 is five
orders of magnitude above that noise and far below any difference a reader would see
in a printed value. Integers, strings, booleans and the structure compare exactly.
"""


def _svc_problem(data: tuple[np.ndarray, np.ndarray], cv_seed: int) -> Problem:
    estimator = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    return Problem("svc", estimator, SVC_SPACE, data, cv=SVC_FOLDS, cv_seed=cv_seed)


def _hgb_problem(data: tuple[np.ndarray, np.ndarray], cv_seed: int) -> Problem:
    return problems.hgb(data, cv=HGB_FOLDS, cv_seed=cv_seed, max_iter=HGB_MAX_ITER)


@dataclass(frozen=True)
class Space:
    """One search space of the benchmark and what runs on it.

    Attributes:
        name: Short label (``"svc"``, ``"hgb"``).
        description: One line for the metadata.
        search_space: The hyperparameters searched.
        build: ``build((X, y), cv_seed) -> Problem`` for one repetition's search data.
        datasets: The datasets it runs on.
        strategies: Label -> ``(strategy, budget in fits)``; ``grid_full`` is a grid
            whose budget pays for every configuration.
        references: Labels every other strategy is compared with, in order.
    """

    name: str
    description: str
    search_space: SearchSpace
    build: Callable[[tuple[np.ndarray, np.ndarray], int], Problem]
    datasets: tuple[str, ...]
    strategies: dict[str, tuple[str, int]]
    references: tuple[str, ...]


SPACES: dict[str, Space] = {
    "svc": Space(
        "svc",
        "RBF SVC on standardized features; C and gamma on log scales (2-D)",
        SVC_SPACE,
        _svc_problem,
        ("breast_cancer", "digits", "wine"),
        {
            "grid_full": ("grid", SVC_GRID_FITS),
            "grid": ("grid", SVC_BUDGET),
            "random": ("random", SVC_BUDGET),
            "halving": ("halving", SVC_BUDGET),
            "tpe": ("tpe", SVC_BUDGET),
        },
        ("random", "grid_full"),
    ),
    "hgb": Space(
        "hgb",
        f"HistGradientBoostingClassifier, {HGB_MAX_ITER} iterations, no early stopping (5-D)",
        problems.hgb_space(),
        _hgb_problem,
        ("synthetic",),
        {
            "random": ("random", HGB_BUDGET),
            "halving": ("halving", HGB_BUDGET),
            "tpe": ("tpe", HGB_BUDGET),
        },
        ("random",),
    ),
}
"""The benchmark's spaces, in the order they are reported."""

_DATASET_INDEX = {name: i for i, name in enumerate(DATASETS)}
_SPACE_INDEX = {name: i for i, name in enumerate(SPACES)}
_STRATEGY_INDEX = {
    label: i for i, label in enumerate(["grid_full", "grid", "random", "halving", "tpe"])
}
_SPLIT, _RUN = 0, 1

NOTES = [
    "Accuracy on an outer test set moves in steps of one sample: 1/54 = 0.0185 on wine, "
    "1/171 = 0.0058 on breast_cancer, 1/150 = 0.0067 on digits, 1/120 = 0.0083 on synthetic.",
    "Each comparison's interval has 95% coverage on its own; with about 20 comparisons, "
    "one 'better' or 'worse' among them is expected by chance even when nothing differs.",
    "The t-interval assumes the mean of the paired differences is roughly normal; with "
    "20 repetitions and differences in steps of one test sample that is an approximation.",
    "The repetitions reuse one small dataset: their outer splits overlap, so the "
    "intervals describe this dataset's split-to-split variation, not new datasets.",
    "halving has a full-data CV score, and so a choice, only after its last rung; its "
    "curve has no earlier points.",
    f"On svc, TPE's budget buys 14 configurations, {TPE_STARTUP_TRIALS} of them random "
    "start-up trials; it can model only the last 4. The hgb space gives it 20 of 30.",
    "To fit the run into 5 minutes on 2 cores: digits is a stratified subsample of 500 "
    f"images, every search uses 3-fold CV, hgb boosts {HGB_MAX_ITER} iterations and runs "
    f"on one dataset, and there are {REPETITIONS} repetitions.",
]
"""Caveats for readers of the JSON."""


# --- seeds and data ------------------------------------------------------------------


def _seed(purpose: int, repetition: int, dataset: str, space: str = "", label: str = "") -> int:
    """An int seed from its own ``SeedSequence`` (keys of equal length, so none collide)."""
    key = [
        purpose,
        repetition,
        _DATASET_INDEX[dataset],
        _SPACE_INDEX[space] if space else 0,
        _STRATEGY_INDEX[label] if label else 0,
    ]
    return int(np.random.SeedSequence(key).generate_state(1)[0])


def split_seed(repetition: int, dataset: str) -> int:
    """Seed of the outer split and of the CV folds of one repetition on one dataset."""
    return _seed(_SPLIT, repetition, dataset)


def run_seed(repetition: int, dataset: str, space: str, label: str) -> int:
    """Seed of one strategy's run: its own stream per dataset x space x strategy x repetition."""
    return _seed(_RUN, repetition, dataset, space, label)


@functools.cache
def dataset_arrays(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)`` of a benchmark dataset, subsampled as :data:`DATASETS` says."""
    if dataset == "synthetic":
        X, y = make_classification(**SYNTHETIC)
        return np.asarray(X), np.asarray(y)
    X, y = datasets.load(dataset)
    n_samples = DATASETS[dataset]
    if n_samples is not None:
        X, y = subsample(np.asarray(X), np.asarray(y), n_samples, classifier=True, seed=0)
    return np.asarray(X), np.asarray(y)


def outer_split(repetition: int, dataset: str) -> list[np.ndarray]:
    """Return ``X_train, X_test, y_train, y_test``: the stratified 70/30 outer split."""
    X, y = dataset_arrays(dataset)
    return train_test_split(
        X,
        y,
        test_size=OUTER_TEST_SIZE,
        stratify=y,
        random_state=split_seed(repetition, dataset),
    )


# --- runs ----------------------------------------------------------------------------


def search(problem: Problem, strategy: str, budget: int, seed: int) -> Trace:
    """Run one of the package's strategies and keep its trace (with its choices).

    Args:
        problem: The problem (its data are the outer-train part).
        strategy: ``"grid"``, ``"random"``, ``"halving"`` or ``"tpe"``.
        budget: Maximum fits.
        seed: Seed of the strategy (unused by ``grid``).

    Returns:
        The trace: ``trace.choices`` lists the configuration the search would choose
        after each full-data score.

    Raises:
        ValueError: For an unknown strategy.
    """
    trace = Trace()
    get_strategy(strategy).run(problem, budget, seed, trace=trace)
    return trace


def checkpoints(budget: int) -> list[float]:
    """Fits at which a run's current choice is scored: :data:`CHECKPOINTS` of ``budget``."""
    return [round(budget * share, SCORE_DIGITS) for share in CHECKPOINTS]


def choice_at(choices: Sequence[tuple[float, float, dict]], fits: float) -> tuple | None:
    """Return ``(fits, best CV score, params)`` chosen after ``fits`` (``None``: no choice yet)."""
    chosen = None
    for entry in choices:
        if entry[0] > fits + 1e-9:
            break
        chosen = entry
    return chosen


def run_one(space: str, dataset: str, repetition: int, label: str) -> tuple[dict[str, Any], float]:
    """Run one strategy on one repetition and score its choices on the outer test set.

    Args:
        space: A key of :data:`SPACES`.
        dataset: One of the space's datasets.
        repetition: The repetition (selects the outer split, folds and seeds).
        label: A strategy label of the space.

    Returns:
        The repetition's JSON record and the seconds it took.
    """
    start = time.perf_counter()
    spec = SPACES[space]
    strategy, budget = spec.strategies[label]
    X_train, X_test, y_train, y_test = outer_split(repetition, dataset)
    problem = spec.build((X_train, y_train), split_seed(repetition, dataset))
    seed = run_seed(repetition, dataset, space, label)
    scorer = get_scorer(problem.scoring)
    tested: dict[str, float] = {}

    def test_score(params: dict[str, Any]) -> float:
        key = json.dumps(params, sort_keys=True)
        if key not in tested:
            model = problem.make_estimator().set_params(**params).fit(X_train, y_train)
            tested[key] = float(scorer(model, X_test, y_test))
        return tested[key]

    with quiet():
        trace = search(problem, strategy, budget, seed)
        chosen = [choice_at(trace.choices, x) for x in checkpoints(budget)]
        curve_test = [None if c is None else round_score(test_score(c[2])) for c in chosen]
    result = trace.result(label, seed)
    record = {
        "repetition": repetition,
        "seed": seed,
        "split_seed": split_seed(repetition, dataset),
        "fits": round_score(result.fits),
        "fit_calls": result.fit_calls,
        "n_configs": result.n_configs,
        "best_cv_score": round_score(result.best_score),
        "best_params": result.best_params,
        "test_score": curve_test[-1],
        "curve": {
            "best_cv_score": [None if c is None else round_score(c[1]) for c in chosen],
            "test_score": curve_test,
        },
    }
    return record, time.perf_counter() - start


Task = tuple[str, str, int, str]
"""One run: ``(space, dataset, repetition, label)``."""


def plan(repetitions: Iterable[int]) -> list[Task]:
    """Return every run of the given repetitions, space by space, dataset by dataset."""
    return [
        (space, dataset, repetition, label)
        for space, spec in SPACES.items()
        for dataset in spec.datasets
        for label in spec.strategies
        for repetition in repetitions
    ]


def _indexed(index: int, task: Task) -> tuple[int, dict[str, Any], float]:
    return (index, *run_one(*task))


def run_records(
    repetitions: Iterable[int], *, n_jobs: int = 2, progress: bool = False
) -> tuple[dict[Task, dict[str, Any]], dict[Task, float]]:
    """Run the given repetitions of everything, in parallel processes.

    Args:
        repetitions: Repetition indices.
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar on stderr.

    Returns:
        The record of every task and the seconds each took.
    """
    tasks = plan(repetitions)
    # The slow runs first, so that the two workers finish together.
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i][0] != "hgb", i))
    calls = [delayed(_indexed)(i, tasks[i]) for i in order]
    if n_jobs == 1:
        outcomes = (call(*args, **kwargs) for call, args, kwargs in calls)
    else:
        outcomes = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(calls)
    records: dict[Task, dict[str, Any]] = {}
    seconds: dict[Task, float] = {}
    bar = tqdm(
        total=len(tasks), desc="benchmark", unit="run", file=sys.stderr, disable=not progress
    )
    with bar:
        for index, record, wall in outcomes:
            records[tasks[index]], seconds[tasks[index]] = record, wall
            bar.update()
    return records, seconds


# --- statistics ----------------------------------------------------------------------


def paired_interval(
    differences: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Mean of paired differences and its t-interval.

    Args:
        differences: One difference per repetition (strategy minus reference).
        confidence: Coverage of the interval.

    Returns:
        ``(mean, low, high)``: the mean plus and minus the ``t`` quantile with
        ``n - 1`` degrees of freedom times the standard error (``sd / sqrt(n)``, ``sd``
        with ``ddof=1``).

    Raises:
        ValueError: With fewer than 2 differences, or a confidence outside (0, 1).
    """
    values = np.asarray(differences, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"a paired interval needs at least 2 differences, got {len(values)}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1)) * float(
        np.std(values, ddof=1) / math.sqrt(len(values))
    )
    return mean, mean - half, mean + half


def verdict(low: float, high: float) -> str:
    """Return the verdict of an interval of differences (strategy minus reference).

    ``"better"`` if the interval lies above 0, ``"worse"`` if it lies below, and
    ``"not distinguishable"`` otherwise: an interval that touches 0 does not exclude it.

    Raises:
        ValueError: If ``low > high``.
    """
    if low > high:
        raise ValueError(f"an interval needs low <= high, got [{low}, {high}]")
    if low > 0:
        return "better"
    if high < 0:
        return "worse"
    return "not distinguishable"


def describe(values: Sequence[float]) -> dict[str, float | None]:
    """Median, quartiles, mean and sample sd (``ddof=1``; ``None`` for one value), rounded."""
    data = np.asarray(values, dtype=float)
    q25, median, q75 = np.percentile(data, [25, 50, 75])
    return {
        "median": round_score(median),
        "q25": round_score(q25),
        "q75": round_score(q75),
        "mean": round_score(np.mean(data)),
        "sd": round_score(np.std(data, ddof=1)) if len(data) > 1 else None,
    }


def _band(records: Sequence[dict], key: str, n_points: int) -> dict[str, list]:
    """Median and quartiles over repetitions per checkpoint (``None`` while a run has none)."""
    band: dict[str, list] = {"median": [], "q25": [], "q75": []}
    for i in range(n_points):
        values = [r["curve"][key][i] for r in records]
        if any(v is None for v in values):
            for part in band.values():
                part.append(None)
            continue
        q25, median, q75 = np.percentile(values, [25, 50, 75])
        band["median"].append(round_score(median))
        band["q25"].append(round_score(q25))
        band["q75"].append(round_score(q75))
    return band


def summarize_strategy(strategy: str, budget: int, records: Sequence[dict]) -> dict[str, Any]:
    """Summarize one strategy's repetitions on one dataset and space.

    Args:
        strategy: The strategy the label runs (``grid``, ``random``, ...).
        budget: Its budget in fits.
        records: Its per-repetition records, in repetition order.

    Returns:
        ``strategy``, ``budget``, ``runs``, ``mean_fits``, ``test_score`` and
        ``best_cv_score`` (see :func:`describe`), ``curve`` (median and quartiles of the
        chosen configuration's outer-test score and of the best CV score at each
        checkpoint) and ``per_repetition`` (the records).
    """
    points = checkpoints(budget)
    return {
        "strategy": strategy,
        "budget": budget,
        "runs": len(records),
        "mean_fits": round_score(np.mean([r["fits"] for r in records])),
        "test_score": describe([r["test_score"] for r in records]),
        "best_cv_score": describe([r["best_cv_score"] for r in records]),
        "curve": {
            "fits": points,
            "test_score": _band(records, "test_score", len(points)),
            "best_cv_score": _band(records, "best_cv_score", len(points)),
        },
        "per_repetition": list(records),
    }


def compare_paired(
    label: str, records: Sequence[dict], reference: str, reference_records: Sequence[dict]
) -> dict[str, Any]:
    """Compare two strategies' outer-test scores repetition by repetition.

    Args:
        label: The strategy.
        records: Its per-repetition records.
        reference: The reference strategy.
        reference_records: The reference's records (the same repetitions).

    Returns:
        ``strategy``, ``reference``, ``n``, ``mean_difference`` (strategy minus
        reference), ``ci_low`` and ``ci_high`` (:func:`paired_interval`), ``verdict``
        (:func:`verdict` of the rounded interval) and the counts of repetitions in which
        the strategy scored higher (``wins``), the same (``ties``) or lower (``losses``).

    Raises:
        ValueError: If the two lists do not cover the same repetitions.
    """
    ours = {r["repetition"]: r["test_score"] for r in records}
    theirs = {r["repetition"]: r["test_score"] for r in reference_records}
    if set(ours) != set(theirs):
        raise ValueError(f"{label} and {reference} do not cover the same repetitions")
    gaps = [ours[k] - theirs[k] for k in sorted(ours)]
    mean, low, high = paired_interval(gaps)
    low, high = round_score(low), round_score(high)
    return {
        "strategy": label,
        "reference": reference,
        "n": len(gaps),
        "mean_difference": round_score(mean),
        "ci_low": low,
        "ci_high": high,
        "verdict": verdict(low, high),
        "wins": sum(ours[k] > theirs[k] for k in ours),
        "ties": sum(ours[k] == theirs[k] for k in ours),
        "losses": sum(ours[k] < theirs[k] for k in ours),
    }


def comparisons(space: str, by_label: dict[str, Sequence[dict]]) -> list[dict[str, Any]]:
    """Every strategy against each reference of the space (each pair once)."""
    found, seen = [], set()
    for reference in SPACES[space].references:
        for label in SPACES[space].strategies:
            if label == reference or frozenset((label, reference)) in seen:
                continue
            seen.add(frozenset((label, reference)))
            found.append(compare_paired(label, by_label[label], reference, by_label[reference]))
    return found


def grid_edges(space: str, records: Sequence[dict]) -> dict[str, dict[str, int]]:
    """Count the runs whose chosen value is the lowest or highest of the full grid's values."""
    counts = {}
    for param in SPACES[space].search_space.params:
        values = param.grid()
        chosen = [r["best_params"][param.name] for r in records]
        counts[param.name] = {
            "low": sum(math.isclose(v, values[0]) for v in chosen),
            "high": sum(math.isclose(v, values[-1]) for v in chosen),
        }
    return counts


def summarize_entry(space: str, dataset: str, by_label: dict[str, Sequence[dict]]) -> dict:
    """Everything reported for one dataset and space, computed from its records."""
    spec = SPACES[space]
    X, y = dataset_arrays(dataset)
    X_train, X_test, _, _ = outer_split(0, dataset)
    entry = {
        "data": {
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "n_classes": int(len(np.unique(y))),
            "n_train": int(X_train.shape[0]),
            "n_test": int(X_test.shape[0]),
        },
        "strategies": {
            label: summarize_strategy(strategy, budget, by_label[label])
            for label, (strategy, budget) in spec.strategies.items()
        },
        "comparisons": comparisons(space, by_label),
    }
    if "grid_full" in spec.strategies:
        entry["grid_full_on_edge"] = grid_edges(space, by_label["grid_full"])
    return entry


# --- the whole benchmark -------------------------------------------------------------


def _metadata(repetitions: int) -> dict[str, Any]:
    spaces = {}
    for name, spec in SPACES.items():
        example = spec.build(dataset_arrays(spec.datasets[0]), 0)
        spaces[name] = {
            "description": spec.description,
            "estimator": repr(example.make_estimator()),
            "space": example.space.describe(),
            "grid_size": example.space.grid_size(),
            "cv": f"{example.n_splits}-fold StratifiedKFold on the outer-train part, shuffled "
            "with the repetition's split seed; the same folds for every strategy",
            "datasets": list(spec.datasets),
            "strategies": {
                label: {"strategy": s, "budget": b} for label, (s, b) in spec.strategies.items()
            },
            "references": list(spec.references),
        }
    return {
        "command": COMMAND,
        "repetitions": repetitions,
        "scoring": "accuracy",
        "outer_split": (
            f"stratified train_test_split, test_size={OUTER_TEST_SIZE}, random_state = the "
            "repetition's split seed; every strategy of a repetition uses the same split"
        ),
        "headline": (
            "test_score: outer-test accuracy of the configuration with the best CV score "
            "found within the budget, refit on the outer-train part"
        ),
        "checkpoints": (
            f"at {', '.join(f'{int(s * 100)}%' for s in CHECKPOINTS)} of each strategy's "
            "budget: the best CV score so far and the outer-test score of that choice"
        ),
        "seeds": (
            "split seed: SeedSequence([0, repetition, dataset index, 0, 0]); run seed: "
            "SeedSequence([1, repetition, dataset index, space index, strategy index]); "
            "first 32-bit word of generate_state; dataset index in "
            f"{list(DATASETS)}, space index in {list(SPACES)}, strategy index in "
            f"{list(_STRATEGY_INDEX)}"
        ),
        "statistics": (
            "per strategy: median and quartiles (numpy linear interpolation) and mean and "
            "sd (ddof=1) over repetitions; comparisons: per-repetition differences of "
            f"test_score (strategy minus reference), mean and {int(CONFIDENCE * 100)}% "
            "t-interval (sd ddof=1, n-1 degrees of freedom), rounded to 4 decimals; "
            "verdict 'better' if the rounded interval is above 0, 'worse' if below, "
            "'not distinguishable' otherwise"
        ),
        "fit_counting": (
            "one model trained on one full training fold = 1 fit; halving counts a fit on "
            "a fraction of the samples as that fraction and re-scores its winner on the "
            f"full folds (factor {HALVING_FACTOR}); refits on the outer-train part for "
            "scoring are not counted"
        ),
        "notes": NOTES,
        "spaces": spaces,
        "subsampling": {
            name: (f"stratified subsample of {n} samples (seed 0)" if n else "all samples")
            for name, n in DATASETS.items()
        },
        "versions": {
            "numpy": np.__version__,
            "optuna": optuna.__version__,
            "scikit-learn": sklearn.__version__,
            "scipy": scipy.__version__,
        },
    }


def _by_label(records: dict[Task, dict], space: str, dataset: str) -> dict[str, list[dict]]:
    """The records of one dataset and space, per strategy label, in repetition order."""
    found: dict[str, list[dict]] = {label: [] for label in SPACES[space].strategies}
    for (s, d, _, label), record in records.items():
        if (s, d) == (space, dataset):
            found[label].append(record)
    for label in found:
        found[label].sort(key=lambda r: r["repetition"])
    return found


def _times(seconds: dict[Task, float], space: str, dataset: str, label: str) -> list[float]:
    return [t for (s, d, _, lab), t in seconds.items() if (s, d, lab) == (space, dataset, label)]


def run_benchmark(
    *, repetitions: int = REPETITIONS, n_jobs: int = 2, progress: bool = False
) -> dict[str, Any]:
    """Run the benchmark and return its JSON-ready result.

    Args:
        repetitions: Number of repetitions (``0 .. repetitions - 1``), at least 2.
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar over all runs on stderr.

    Returns:
        ``metadata``, ``results`` (space -> dataset -> ``data``, ``strategies`` with
        their summaries, curves and per-repetition records, ``comparisons`` and, on
        ``svc``, ``grid_full_on_edge``) and ``wall_time`` (seconds).

    Raises:
        ValueError: If ``repetitions`` is below 2 (no interval can be computed).
    """
    if repetitions < 2:
        raise ValueError(f"the benchmark needs at least 2 repetitions, got {repetitions}")
    start = time.perf_counter()
    records, seconds = run_records(range(repetitions), n_jobs=n_jobs, progress=progress)
    data: dict[str, Any] = {"metadata": _metadata(repetitions), "results": {}}
    wall: dict[str, Any] = {"n_jobs": n_jobs, "mean_seconds_per_run": {}}
    for space, spec in SPACES.items():
        data["results"][space] = {}
        wall["mean_seconds_per_run"][space] = {}
        for dataset in spec.datasets:
            by_label = _by_label(records, space, dataset)
            data["results"][space][dataset] = summarize_entry(space, dataset, by_label)
            wall["mean_seconds_per_run"][space][dataset] = {
                label: round(float(np.mean(_times(seconds, space, dataset, label))), 3)
                for label in spec.strategies
            }
    wall["total_seconds"] = round(time.perf_counter() - start, 1)
    data[WALL_TIME_KEY] = wall
    return data


def results_path() -> Path:
    """Where the package keeps the committed benchmark results."""
    return Path(str(resources.files("tuninglab") / "data" / "benchmark.json"))


def load_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """Read benchmark results: the ones shipped with the package, or those in ``path``.

    Args:
        path: A JSON file written by ``python -m tuninglab benchmark --out``; ``None``
            reads the results committed with this version of the package.

    Returns:
        The results as a dictionary (see :func:`run_benchmark` for the layout).
    """
    source = Path(path) if path is not None else results_path()
    return json.loads(source.read_text(encoding="utf-8"))


def dumps(data: dict[str, Any]) -> str:
    """Serialize benchmark data deterministically: sorted keys, 2-space indent."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write_benchmark(data: dict[str, Any], path: str | Path) -> Path:
    """Write :func:`run_benchmark`'s result as JSON, creating the folder if needed.

    Args:
        data: The benchmark result.
        path: Where to write.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(data), encoding="utf-8")
    return path


# --- staleness -----------------------------------------------------------------------


def same_value(committed: Any, current: Any) -> bool:
    """Whether two JSON leaves agree: floats within :data:`REL_TOLERANCE`, others exactly."""
    numbers = (int, float)
    if isinstance(committed, bool) or isinstance(current, bool):
        return committed is current
    if isinstance(committed, float) or isinstance(current, float):
        if not (isinstance(committed, numbers) and isinstance(current, numbers)):
            return False
        return math.isclose(committed, current, rel_tol=REL_TOLERANCE, abs_tol=1e-12)
    return committed == current


def differences(committed: Any, current: Any, where: str = "") -> list[str]:
    """List where two JSON values differ, ignoring the top-level ``wall_time`` key.

    Floats are compared with :func:`same_value` (relative tolerance
    :data:`REL_TOLERANCE`), everything else exactly.

    Args:
        committed: The stored value.
        current: The fresh value.
        where: Path prefix for messages.

    Returns:
        One message per differing leaf, key or list length.
    """
    if isinstance(committed, dict) and isinstance(current, dict):
        ignore = {WALL_TIME_KEY} if not where else set()
        found = []
        for key in sorted((committed.keys() | current.keys()) - ignore):
            path = f"{where}.{key}" if where else key
            if key not in current:
                found.append(f"{path}: only in the committed file")
            elif key not in committed:
                found.append(f"{path}: missing from the committed file")
            else:
                found.extend(differences(committed[key], current[key], path))
        return found
    if isinstance(committed, list) and isinstance(current, list):
        if len(committed) != len(current):
            return [f"{where}: {len(committed)} items committed, {len(current)} now"]
        return [
            msg
            for i, (a, b) in enumerate(zip(committed, current, strict=True))
            for msg in differences(a, b, f"{where}[{i}]")
        ]
    if not same_value(committed, current):
        return [f"{where}: committed {committed!r}, now {current!r}"]
    return []


def _read(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def benchmark_is_current(path: str | Path, *, n_jobs: int = 2) -> list[str]:
    """Re-run the whole benchmark and compare it, wall times aside, with a stored JSON file.

    This takes as long as the benchmark (minutes); :func:`spot_check` is the quick version.

    Args:
        path: The committed benchmark JSON.
        n_jobs: Worker processes for the re-run.

    Returns:
        The differences; an empty list means the file is up to date.
    """
    path = Path(path)
    committed = _read(path)
    if committed is None:
        return [f"{path} does not exist; run: {COMMAND}"]
    repetitions = committed.get("metadata", {}).get("repetitions", REPETITIONS)
    current = json.loads(dumps(run_benchmark(repetitions=repetitions, n_jobs=n_jobs)))
    return differences(committed, current)


def recomputed(committed: dict[str, Any]) -> dict[str, Any]:
    """Recompute every summary, curve and comparison from the committed per-repetition records.

    Args:
        committed: Benchmark data (as loaded from JSON).

    Returns:
        The data with ``results`` rebuilt from the records; equal to ``committed``
        (wall times aside) when the file is internally consistent.
    """
    rebuilt = dict(committed)
    rebuilt["results"] = {}
    for space, by_dataset in committed["results"].items():
        rebuilt["results"][space] = {}
        for dataset, entry in by_dataset.items():
            by_label = {
                label: summary["per_repetition"] for label, summary in entry["strategies"].items()
            }
            rebuilt["results"][space][dataset] = summarize_entry(space, dataset, by_label)
    return rebuilt


def compare_records(committed: dict[str, Any], fresh: dict[Task, dict[str, Any]]) -> list[str]:
    """Compare freshly run records with the committed per-repetition records.

    Args:
        committed: Benchmark data (as loaded from JSON).
        fresh: Records by ``(space, dataset, repetition, label)``, from :func:`run_records`.

    Returns:
        One message per difference (:func:`differences`), a missing space, dataset,
        strategy or repetition included.
    """
    found = []
    for (space, dataset, repetition, label), record in sorted(fresh.items()):
        where = f"results.{space}.{dataset}.strategies.{label}.per_repetition[{repetition}]"
        try:
            stored = committed["results"][space][dataset]["strategies"][label]["per_repetition"]
        except KeyError:
            found.append(
                f"results.{space}.{dataset}.strategies.{label}: missing from the committed file"
            )
            continue
        if repetition >= len(stored):
            found.append(f"{where}: missing from the committed file")
            continue
        found.extend(differences(stored[repetition], json.loads(json.dumps(record)), where))
    return found


def spot_check(
    path: str | Path, repetitions: Sequence[int] = (0, 1), *, n_jobs: int = 2
) -> list[str]:
    """Check a stored benchmark quickly: re-run a few repetitions of every run, not all.

    Three checks, all with :func:`differences`: the metadata equal what the code would
    write now (spaces, budgets, seeds rule, library versions, ...); every summary, curve
    and comparison equals what :func:`recomputed` derives from the committed
    per-repetition records; and re-running ``repetitions`` of every dataset x space x
    strategy gives the committed records of those repetitions.

    Args:
        path: The committed benchmark JSON.
        repetitions: Repetitions to re-run (the first two by default: about a tenth of
            the full run).
        n_jobs: Worker processes for the re-run.

    Returns:
        The differences; an empty list means the file passed the spot check.
    """
    path = Path(path)
    committed = _read(path)
    if committed is None:
        return [f"{path} does not exist; run: {COMMAND}"]
    if "metadata" not in committed or "results" not in committed:
        return [f"{path}: not a benchmark file of this version (no metadata or results)"]
    count = committed["metadata"].get("repetitions", REPETITIONS)
    found = differences(committed["metadata"], _metadata(count), "metadata")
    found += differences(committed["results"], recomputed(committed)["results"], "results")
    fresh, _ = run_records(repetitions, n_jobs=n_jobs)
    return found + compare_records(committed, fresh)


# --- text ----------------------------------------------------------------------------


def _gap(value: float) -> str:
    return f"{value:+.4f}"


def format_benchmark(data: dict[str, Any], space: str | None = None) -> str:
    """Return the benchmark as text: two Markdown tables per dataset and space.

    The first table has, per strategy, the runs, the mean fits, the median best CV score
    (optimistic: it selected the configuration), the chosen configuration's outer-test
    score as median [first quartile, third quartile] and its sd ("–" for a single run).
    The second has each paired comparison: mean gap (strategy minus reference), 95%
    interval, verdict and in how many repetitions the strategy scored higher, the same
    or lower.

    Args:
        data: :func:`run_benchmark`'s result (or the JSON loaded back).
        space: Only this space (default: all).

    Returns:
        The tables with a heading line each, and the total wall time if ``data`` has it.
    """
    blocks = []
    wall = data.get(WALL_TIME_KEY, {})
    repetitions = data["metadata"]["repetitions"]
    for space_name, by_dataset in data["results"].items():
        if space is not None and space_name != space:
            continue
        for dataset, entry in by_dataset.items():
            strategies = entry["strategies"]
            budgets = {s["budget"] for label, s in strategies.items() if label != "grid_full"}
            budget = f"{budgets.pop()} fits each" if len(budgets) == 1 else "budgets vary"
            if "grid_full" in strategies:
                budget = f"full grid {strategies['grid_full']['budget']} fits, others " + budget
            heading = (
                f"{space_name} on {dataset}: search on {entry['data']['n_train']} rows, "
                f"test on {entry['data']['n_test']}; {repetitions} repetitions; {budget}"
            )
            if "grid_full_on_edge" in entry:
                edges = ", ".join(
                    f"{name} {c['low'] + c['high']}/{strategies['grid_full']['runs']}"
                    for name, c in entry["grid_full_on_edge"].items()
                )
                heading += f"\nfull grid's choice on the edge of its range: {edges}"
            times = wall.get("mean_seconds_per_run", {}).get(space_name, {}).get(dataset, {})
            header = ["strategy", "runs", "fits", "best CV", "outer test, median [IQR]", "sd"]
            if times:
                header.append("time (s)")
            rows = []
            for label, s in strategies.items():
                test = s["test_score"]
                row = [
                    label,
                    s["runs"],
                    f"{s['mean_fits']:.1f}",
                    format_score(s["best_cv_score"]["median"]),
                    f"{test['median']:.4f} [{test['q25']:.4f}, {test['q75']:.4f}]",
                    format_score(test["sd"]) if s["runs"] > 1 else "–",
                ]
                if times:
                    row.append(f"{times[label]:.2f}" if label in times else "–")
                rows.append(row)
            pairs = [
                [
                    c["strategy"],
                    c["reference"],
                    _gap(c["mean_difference"]),
                    f"[{_gap(c['ci_low'])}, {_gap(c['ci_high'])}]",
                    c["verdict"],
                    f"{c['wins']}/{c['ties']}/{c['losses']}",
                ]
                for c in entry["comparisons"]
            ]
            pair_header = ["strategy", "vs", "mean gap", "95% CI", "verdict", "higher/same/lower"]
            blocks.append(
                heading
                + "\n\n"
                + markdown_table(header, rows)
                + "\n\n"
                + markdown_table(pair_header, pairs)
            )
    if "total_seconds" in wall:
        blocks.append(f"total wall time: {wall['total_seconds']} s with {wall['n_jobs']} jobs")
    return "\n\n".join(blocks)
