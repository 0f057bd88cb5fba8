"""The benchmark's design: what runs on what data, with which budgets and seeds.

The spaces and their strategies (:data:`SPACES`), the datasets (:data:`DATASETS`), the
seed of every split and run (:func:`split_seed`, :func:`run_seed`), the outer split
(:func:`outer_split`), the checkpoints (:func:`checkpoints`) and the same written down
for the results file (:func:`metadata`). Why it is built this way:
:mod:`tuninglab.search.benchmark`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
import scipy
import sklearn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from tuninglab import datasets
from tuninglab.search import problems
from tuninglab.search.halving import HALVING_FACTOR
from tuninglab.search.problems import Problem, subsample
from tuninglab.search.results import SCORE_DIGITS
from tuninglab.search.spaces import FloatParam, SearchSpace

REPETITIONS = 20
"""Repetitions (outer splits) of every dataset x space x strategy."""
OUTER_TEST_SIZE = 0.3
"""Share of each dataset held out from the search and used only to score its choice."""
CHECKPOINTS = (0.1, 0.25, 0.5, 0.75, 1.0)
"""Shares of a strategy's budget at which its current choice is scored on the outer test."""
CONFIDENCE = 0.95
"""Coverage of the paired t-intervals."""
VERDICTS = ("better", "worse", "equivalent", "not distinguishable")
"""The only conclusions a comparison may state ("equivalent": within ±EQUIVALENCE_MARGIN)."""
EQUIVALENCE_MARGIN = 0.02
"""Two strategies are called equivalent only when a test shows their mean outer-test
accuracies within this much of each other (two percentage points: about one test sample
on wine, three on breast_cancer)."""
POWER = 0.8
"""The power at which each comparison states the smallest difference it could detect."""
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
COMMAND = "python -m tuninglab benchmark"
"""How the benchmark is run (and its results file rewritten)."""


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
    "The repetitions are random splits of one small dataset: their training parts "
    "overlap, so the differences of two repetitions are correlated. The intervals and "
    "p-values use the corrected resampled t-test (Nadeau and Bengio 2003), whose "
    "variance is sd^2 * (1/J + n_test/n_train), about 3 times wider than a plain "
    "t-interval here. They describe this dataset's split-to-split variation, not new "
    "datasets.",
    "A verdict 'better' or 'worse' needs a Holm-adjusted p below 0.05 over the "
    "comparisons of its table; 'equivalent' needs a Holm-adjusted equivalence test "
    f"(TOST, margin +-{EQUIVALENCE_MARGIN}) below 0.05. 'not distinguishable' is neither: "
    "it says no more than that this benchmark cannot tell.",
    f"detectable: the smallest true difference each comparison would call 'better' or "
    f"'worse' with probability {POWER} (a single test at 0.05, from the observed sd; an "
    "approximation).",
    "The t-tests assume the mean of the paired differences is roughly normal; with 20 "
    "repetitions and differences in steps of one test sample that is an approximation.",
    "halving has a full-data CV score, and so a choice, only after its last rung; its "
    "curve has no earlier points.",
    f"On svc, TPE's budget buys 14 configurations, {TPE_STARTUP_TRIALS} of them random "
    "start-up trials; it can model only the last 4. The hgb space gives it 20 of 30.",
    "To fit the run into about 13 minutes on 2 cores: digits is a stratified subsample of 500 "
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


def checkpoints(budget: int) -> list[float]:
    """Fits at which a run's current choice is scored: :data:`CHECKPOINTS` of ``budget``."""
    return [round(budget * share, SCORE_DIGITS) for share in CHECKPOINTS]


# --- the design, written down for the results file ----------------------------------


def metadata(repetitions: int) -> dict[str, Any]:
    """The ``metadata`` of a results file: the design, the seeds rule and library versions.

    Args:
        repetitions: The number of repetitions run.

    Returns:
        A JSON-ready dictionary; what the code writes now, so a committed file's
        metadata can be checked against it.
    """
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
            "test_score (strategy minus reference): mean, corrected resampled t-interval "
            f"at {int(CONFIDENCE * 100)}% (Nadeau and Bengio 2003: variance sd^2 * (1/J + "
            "n_test/n_train), J - 1 degrees of freedom) and its two-sided p; "
            f"equivalence test (TOST) with margin {EQUIVALENCE_MARGIN}; both p-values "
            "Holm-adjusted over the comparisons of one dataset and space; smallest "
            f"difference detectable with power {POWER}; rounded to 4 decimals; verdict "
            "'better'/'worse' if the adjusted p < 0.05, else 'equivalent' if the adjusted "
            "TOST p < 0.05, else 'not distinguishable'; across the datasets of a space, "
            "Friedman's test on the strategies' mean ranks with Nemenyi's critical "
            "difference (Demsar 2006)"
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
