"""The benchmark behind the guide page: cheap strategies against the full grid.

Setup, fixed before any result was looked at: an RBF ``SVC`` on standardized
features, ``C`` in [1e-3, 1e3] and ``gamma`` in [1e-4, 1e2] on log scales (a 7 x 7
grid: one value per decade), 5-fold stratified CV shuffled with seed 0, accuracy, 5
seeds, on digits (a stratified subsample of 1000 samples, to keep the run short),
breast_cancer and wine. The full grid is the reference; ``grid`` (coarsened),
``random``, ``halving`` and ``tpe`` get a quarter of its fits.

The claim checked per dataset: TPE and successive halving, averaged over the seeds,
come within 0.5 accuracy points (0.005) of the full grid's best CV score with at most
a quarter of its fits. The JSON records whether it holds; nothing is tuned to make it.
See :data:`NOTES` for caveats.

Run it with ``python -m tuninglab benchmark``, which rewrites the results that ship with
the package (``tuninglab/data/benchmark.json``; read them with :func:`load_benchmark`). The JSON
has sorted keys and rounded scores; wall times sit under the top-level ``wall_time``
key, which :func:`benchmark_is_current` ignores.
"""

from __future__ import annotations

import json
import math
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import scipy
import sklearn

from tuninglab.search.compare import (
    SCORE_DIGITS,
    Comparison,
    collect,
    markdown_table,
    plan_tasks,
    run_tasks,
)
from tuninglab.search.problems import get as get_problem
from tuninglab.search.strategies import HALVING_FACTOR

MODEL = "svc"
DATASETS: dict[str, int | None] = {"digits": 1000, "breast_cancer": None, "wine": None}
"""Benchmark datasets and their subsample size (``None``: all samples)."""
SEEDS = 5
REFERENCE = "grid_full"
"""Label of the full grid, the reference every other strategy is measured against."""
QUARTER_STRATEGIES = ("grid", "random", "halving", "tpe")
"""Strategies run with a quarter of the full grid's fits."""
CLAIM_STRATEGIES = ("tpe", "halving")
SCORE_TOLERANCE = 0.005
FIT_FRACTION = 0.25
WALL_TIME_KEY = "wall_time"
NOTES = [
    "With the same seed, TPE's 10 random startup trials draw exactly the configurations "
    "RandomizedSearchCV draws (both use numpy's RandomState(seed) on the same log scales), "
    "so tpe and random share their first 10 evaluations and differ in the last 2 of 12.",
    "A best CV score is the maximum over the configurations tried, so it is optimistically "
    "biased, the more so the more configurations are tried; it measures the search, not "
    "the performance on new data (that needs nested CV or a held-out test set).",
    "halving has a full-data score only after its last rung, so its curve starts late.",
]
"""Caveats for readers of the JSON."""
COMMAND = "python -m tuninglab benchmark"
REL_TOLERANCE = 1e-9
"""Relative tolerance for re-computed floats (hyperparameter values, scores, fit counts).

The last bits of a floating-point result differ between CPUs and BLAS builds (SIMD
paths, summation order), typically around 1e-15 relative; a value drawn from a seeded
sampler and passed through a log transform can differ by about 1e-14. 1e-9 is five
orders of magnitude above that noise and far below any difference a reader would see
in a printed value. Integers, strings, booleans and the structure compare exactly.
"""


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


def check_claim(
    reference_score: float, reference_fits: float, score: float, fits: float
) -> dict[str, Any]:
    """Check one strategy against the reference.

    Args:
        reference_score: Mean best CV score of the full grid.
        reference_fits: Fits of the full grid.
        score: Mean best CV score of the strategy.
        fits: Mean fits of the strategy.

    Returns:
        ``score_gap`` (reference minus strategy), ``fit_fraction``, ``within_score``
        (gap at most :data:`SCORE_TOLERANCE`), ``within_fits`` (fraction at most
        :data:`FIT_FRACTION`) and ``holds`` (both).
    """
    gap, fraction = reference_score - score, fits / reference_fits
    within_score = gap <= SCORE_TOLERANCE + 1e-12
    within_fits = fraction <= FIT_FRACTION + 1e-12
    return {
        "score_gap": round(gap, SCORE_DIGITS),
        "fit_fraction": round(fraction, SCORE_DIGITS),
        "within_score": within_score,
        "within_fits": within_fits,
        "holds": within_score and within_fits,
    }


def _dataset_entry(full: Comparison, quarter: Comparison) -> tuple[dict, dict]:
    """Return the JSON entry of one dataset and its wall times."""
    results = {REFERENCE: full.results["grid"], **quarter.results}
    reference = results[REFERENCE]
    per_strategy = {
        name: check_claim(
            reference.mean_score,
            reference.mean_fits,
            results[name].mean_score,
            results[name].mean_fits,
        )
        for name in CLAIM_STRATEGIES
    }
    entry = {
        "problem": full.problem,
        "grid_fits": full.budget,
        "budget": quarter.budget,
        "strategies": {name: r.summary() for name, r in results.items()},
        "claim": {
            "holds": all(c["holds"] for c in per_strategy.values()),
            "strategies": per_strategy,
        },
    }
    wall = {name: round(r.mean_wall_time, 3) for name, r in results.items()}
    return entry, wall


def _metadata(seeds: tuple[int, ...]) -> dict[str, Any]:
    example = get_problem(MODEL, "digits")
    return {
        "command": COMMAND,
        "model": example.describe()["estimator"],
        "space": example.space.describe(),
        "cv": "5-fold StratifiedKFold, shuffled with random_state=0; same folds for all",
        "scoring": "accuracy",
        "seeds": list(seeds),
        "reference": f"{REFERENCE}: GridSearchCV over the full 7 x 7 grid (no randomness)",
        "budget_rule": "all other strategies get floor(grid fits / 4) fits per run",
        "claim": (
            f"{' and '.join(CLAIM_STRATEGIES)}: mean best CV score at most {SCORE_TOLERANCE} "
            f"(0.5 accuracy points) below {REFERENCE}'s, with mean fits at most "
            f"{FIT_FRACTION} of its fits"
        ),
        "fit_counting": (
            "one model trained on one full training fold = 1 fit; halving counts a fit on "
            "a fraction of the samples as that fraction and re-scores its winner on the "
            f"full folds (factor {HALVING_FACTOR}); no strategy refits a final model"
        ),
        "curves": "mean over seeds of the best full-data CV score found so far, every 5 fits",
        "notes": NOTES,
        "std": "population standard deviation over seeds (ddof=0)",
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


def run_benchmark(*, seeds: int = SEEDS, n_jobs: int = 2, progress: bool = False) -> dict[str, Any]:
    """Run the benchmark and return its JSON-ready result.

    Args:
        seeds: Number of seeds (``0 .. seeds - 1``).
        n_jobs: Worker processes; results do not depend on it.
        progress: Show a tqdm bar over all runs on stderr.

    Returns:
        ``metadata``, ``datasets`` (per dataset: problem, fits, per-strategy summaries
        with mean curves, and the ``claim``) and ``wall_time`` (seconds).
    """
    start = time.perf_counter()
    seed_list = tuple(range(seeds))
    plans = []
    for dataset, max_samples in DATASETS.items():
        problem = get_problem(MODEL, dataset, max_samples=max_samples)
        grid_fits = problem.space.grid_size() * problem.n_splits
        budget = int(grid_fits * FIT_FRACTION)
        plans.append(
            (dataset, problem, grid_fits, plan_tasks(problem, ["grid"], grid_fits, seed_list))
        )
        plans.append(
            (dataset, problem, budget, plan_tasks(problem, QUARTER_STRATEGIES, budget, seed_list))
        )
    tasks = [task for *_, group in plans for task in group]
    runs = iter(run_tasks(tasks, n_jobs=n_jobs, progress=progress, desc="benchmark"))
    comparisons = [
        (dataset, collect(problem, budget, seed_list, [next(runs) for _ in group]))
        for dataset, problem, budget, group in plans
    ]
    data: dict[str, Any] = {"metadata": _metadata(seed_list), "datasets": {}}
    wall: dict[str, Any] = {"n_jobs": n_jobs, "mean_seconds_per_run": {}}
    for (dataset, full), (_, quarter) in zip(comparisons[::2], comparisons[1::2], strict=True):
        data["datasets"][dataset], wall["mean_seconds_per_run"][dataset] = _dataset_entry(
            full, quarter
        )
    wall["total_seconds"] = round(time.perf_counter() - start, 1)
    data[WALL_TIME_KEY] = wall
    return data


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


def benchmark_is_current(path: str | Path, *, n_jobs: int = 2) -> list[str]:
    """Re-run the benchmark and compare it, wall times aside, with a stored JSON file.

    Args:
        path: The committed benchmark JSON.
        n_jobs: Worker processes for the re-run.

    Returns:
        The differences; an empty list means the file is up to date.
    """
    path = Path(path)
    if not path.exists():
        return [f"{path} does not exist; run: {COMMAND}"]
    committed = json.loads(path.read_text(encoding="utf-8"))
    current = json.loads(dumps(run_benchmark(n_jobs=n_jobs)))
    return differences(committed, current)


def format_benchmark(data: dict[str, Any]) -> str:
    """Return the benchmark as text: one Markdown table per dataset.

    Args:
        data: :func:`run_benchmark`'s result (or the JSON loaded back).

    Returns:
        The tables with a heading line each, and the total wall time.
    """
    blocks = []
    wall = data.get(WALL_TIME_KEY, {})
    for dataset, entry in data["datasets"].items():
        problem, claim = entry["problem"], entry["claim"]
        times = wall.get("mean_seconds_per_run", {}).get(dataset, {})
        reference = entry["strategies"][REFERENCE]
        heading = (
            f"{dataset} ({problem['n_samples']} samples): full grid {entry['grid_fits']} fits, "
            f"others {entry['budget']} fits; claim holds: {'yes' if claim['holds'] else 'no'}"
        )
        rows = [
            [
                name,
                summary["runs"],
                f"{summary['mean_best_score']:.4f}",
                f"{summary['std_best_score']:.4f}",
                f"{summary['mean_fits']:.1f}",
                f"{summary['mean_fits'] / reference['mean_fits']:.2f}",
                f"{reference['mean_best_score'] - summary['mean_best_score']:+.4f}",
                f"{times[name]:.2f}" if name in times else "-",
            ]
            for name, summary in entry["strategies"].items()
        ]
        header = [
            "strategy",
            "runs",
            "best CV score",
            "std",
            "fits",
            "fits/grid",
            "gap",
            "time (s)",
        ]
        blocks.append(heading + "\n\n" + markdown_table(header, rows))
    if "total_seconds" in wall:
        blocks.append(f"total wall time: {wall['total_seconds']} s with {wall['n_jobs']} jobs")
    return "\n\n".join(blocks)
