"""How fast a shared Optuna study runs: trials per second by storage, problem and workers.

``python -m tuninglab.scale [POSTGRES_URL]`` (what ``make bench-scale`` runs) times
:func:`tuninglab.tune.tune` with 1 and 2 worker processes, on the embedded SQLite file
and, when a URL is given, on PostgreSQL, for a problem whose trial takes about 0.1 s
(``svc`` on ``breast_cancer``) and one whose trial takes about 1 s (``svc`` on
``digits``). A rate is complete trials divided by the time from the first trial's start
to the last trial's end, read from the study itself, so process start-up is not in it.
Each cell is the median of :data:`REPEATS` runs. The results ship with the package
(``tuninglab/data/scale-benchmark.json``; read them with :func:`load_scale_benchmark`);
rates depend on the machine, so they are recorded, not re-checked by the tests.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import optuna

from tuninglab import tune

PROBLEMS = {"0.1 s trial": ("svc", "breast_cancer", 40), "1 s trial": ("svc", "digits", 12)}
"""Label -> (model, dataset, trials per run)."""
WORKERS = (1, 2)
REPEATS = 3


def results_path() -> Path:
    """Where the package keeps the committed results."""
    return Path(str(resources.files("tuninglab") / "data" / "scale-benchmark.json"))


def load_scale_benchmark(path: str | Path | None = None) -> dict[str, Any]:
    """Read the scale benchmark's results (those shipped with the package by default)."""
    return json.loads(Path(path or results_path()).read_text(encoding="utf-8"))


def _rate(url: str, name: str) -> float:
    study = optuna.load_study(study_name=name, storage=url)
    done = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    span = max(t.datetime_complete for t in done) - min(t.datetime_start for t in done)
    return len(done) / span.total_seconds()


def measure(url: str, model: str, dataset: str, n_trials: int, workers: int) -> dict[str, float]:
    """Run one fresh study and return its trials/second and wall seconds."""
    name = f"scale-{uuid.uuid4().hex[:8]}"
    result = tune.tune(
        model, dataset, storage=url, study_name=name, n_trials=n_trials, workers=workers
    )
    return {"trials_per_second": _rate(url, name), "wall_seconds": result.seconds}


def run(postgres: str | None = None) -> dict[str, Any]:
    """Measure every cell; return the JSON-ready results."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        storages = {"SQLite (embedded)": f"sqlite:///{folder}/scale.db"}
        if postgres:
            storages["PostgreSQL"] = postgres
        cells = []
        for storage, url in storages.items():
            for label, (model, dataset, n_trials) in PROBLEMS.items():
                for workers in WORKERS:
                    runs = [measure(url, model, dataset, n_trials, workers) for _ in range(REPEATS)]
                    cells.append(
                        {
                            "storage": storage,
                            "problem": f"{label} ({model} on {dataset})",
                            "trials": n_trials,
                            "workers": workers,
                            "trials_per_second": _sig(
                                statistics.median(r["trials_per_second"] for r in runs)
                            ),
                            "wall_seconds": _sig(
                                statistics.median(r["wall_seconds"] for r in runs)
                            ),
                        }
                    )
    return {
        "cells": cells,
        "nested_seconds": measure_nested(),
        "metadata": {
            "command": "make bench-scale",
            "cpu_count": os.cpu_count(),
            "load_average_at_start": round(load, 2),
            "repeats": REPEATS,
            "rate": "complete trials / (last trial's end - first trial's start), median of runs",
            "optuna": optuna.__version__,
        },
    }


NESTED_SCRIPT = """
import sys, time
from joblib import parallel_backend
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

X, y = load_digits(return_X_y=True)
grid = {"learning_rate": [0.05, 0.1, 0.2], "max_leaf_nodes": [15, 31]}
search = GridSearchCV(HistGradientBoostingClassifier(max_iter=60, random_state=0), grid,
                      cv=3, n_jobs=2)
case = sys.argv[1]
start = time.perf_counter()
if case == "loky":  # joblib's default: it limits the threads inside its workers
    search.fit(X, y)
elif case == "threads":  # 2 searches in threads, each model with 2 OpenMP threads
    with parallel_backend("threading", n_jobs=2):
        search.fit(X, y)
else:  # the same, with the models' thread pools limited to 1
    with parallel_backend("threading", n_jobs=2), threadpool_limits(1):
        search.fit(X, y)
print(time.perf_counter() - start)
"""
NESTED_CASES = {
    "loky": "GridSearchCV(n_jobs=2), joblib's default (loky) backend",
    "threads": "GridSearchCV(n_jobs=2) in threads, each model with 2 OpenMP threads",
    "threads-limited": "the same, inside threadpool_limits(1)",
}


def measure_nested(repeats: int = REPEATS) -> dict[str, float]:
    """Seconds (median) of one GridSearchCV over HistGradientBoosting in each case.

    Each run is a fresh process with the thread limits of this project's environment
    removed, so the models may use every core unless a case limits them.
    """
    import subprocess

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}
    }
    times = {}
    for case in NESTED_CASES:
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", NESTED_SCRIPT, case],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=600,
                ).stdout
            )
            for _ in range(repeats)
        ]
        times[case] = _sig(statistics.median(runs))
    return times


def _sig(value: float) -> float:
    return float(f"{value:.3g}")


def format_nested(data: dict[str, Any]) -> str:
    """The nested-parallelism timings as a Markdown table."""
    rows = ["| case | seconds |", "|---|---|"]
    rows += [
        f"| {NESTED_CASES[case]} | {seconds:.3g} |"
        for case, seconds in data["nested_seconds"].items()
    ]
    return "\n".join(rows)


def format_scale_benchmark(data: dict[str, Any]) -> str:
    """The results as a Markdown table, with the speed-up of 2 workers over 1."""
    rates = {(c["storage"], c["problem"], c["workers"]): c for c in data["cells"]}
    rows = [
        "| storage | problem | 1 worker (trials/s) | 2 workers (trials/s) | speed-up |",
        "|---|---|---|---|---|",
    ]
    for (storage, problem, workers), cell in rates.items():
        if workers != 1:
            continue
        two = rates[(storage, problem, 2)]["trials_per_second"]
        one = cell["trials_per_second"]
        rows.append(f"| {storage} | {problem} | {one:.3g} | {two:.3g} | {two / one:.2f}x |")
    return "\n".join(rows)


if __name__ == "__main__":
    results = run(sys.argv[1] if len(sys.argv) > 1 else None)
    path = results_path()
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(format_scale_benchmark(results))
    print()
    print(format_nested(results))
    print(f"wrote {path}", file=sys.stderr)
