"""How fast a search runs in parallel: thread limits on one machine, and a shared study.

``python -m tuninglab.scale [POSTGRES_URL]`` (what ``make bench-scale`` runs) measures two
things and writes ``tuninglab/data/scale-benchmark.json``:

* **Thread limits** (:data:`NESTED_CASES`): one ``GridSearchCV`` over a
  ``HistGradientBoostingClassifier``, in processes (joblib's default) or in threads, with
  the models' OpenMP threads limited in different places. Each run is a fresh process;
  it also reports how many OpenMP threads a model in a worker thread would use, which
  shows where a limit reaches.
* **A shared study** (:data:`PROBLEMS`): :func:`tuninglab.tune.tune` with 1 and 2 worker
  processes on the embedded SQLite file and, when a URL is given, on PostgreSQL. A rate
  is complete trials divided by the time from the first trial's start to the last
  trial's end, read from the study, so process start-up is not in it. The 1-worker and
  2-worker runs are made in pairs, one right after the other, and the speed-up is read
  per pair, so a slow minute of the machine affects both sides of a pair.

Every case and every pair is repeated :data:`REPEATS` times, interleaved, and the tables
give the median and the range. Timings depend on the machine, so they are recorded with
the machine's core count and load, not re-checked by the tests.
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
REPEATS = 5
"""Runs per thread-limit case and pairs per storage and problem."""


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


def measure(url: str, model: str, dataset: str, n_trials: int, workers: int) -> float:
    """Run one fresh study and return its complete trials per second."""
    name = f"scale-{uuid.uuid4().hex[:8]}"
    tune.tune(model, dataset, storage=url, study_name=name, n_trials=n_trials, workers=workers)
    return _rate(url, name)


def measure_pairs(url: str, model: str, dataset: str, n_trials: int) -> list[dict[str, float]]:
    """:data:`REPEATS` pairs of runs, 1 worker then 2 (then 2 then 1, alternately)."""
    pairs = []
    for repeat in range(REPEATS):
        order = WORKERS if repeat % 2 == 0 else WORKERS[::-1]
        rates = {w: measure(url, model, dataset, n_trials, w) for w in order}
        pairs.append({"one": _sig(rates[1]), "two": _sig(rates[2])})
    return pairs


def run(postgres: str | None = None) -> dict[str, Any]:
    """Measure every case and cell; return the JSON-ready results."""
    load = os.getloadavg()[0]
    nested = measure_nested()
    with tempfile.TemporaryDirectory() as folder:
        storages = {"SQLite (embedded)": f"sqlite:///{folder}/scale.db"}
        if postgres:
            storages["PostgreSQL"] = postgres
        cells = [
            {
                "storage": storage,
                "problem": f"{label} ({model} on {dataset})",
                "trials": n_trials,
                "pairs": measure_pairs(url, model, dataset, n_trials),
            }
            for storage, url in storages.items()
            for label, (model, dataset, n_trials) in PROBLEMS.items()
        ]
    return {
        "cells": cells,
        "nested": nested,
        "metadata": {
            "command": "make bench-scale",
            "cpu_count": os.cpu_count(),
            "load_average_at_start": round(load, 2),
            "repeats": REPEATS,
            "rate": "complete trials / (last trial's end - first trial's start)",
            "optuna": optuna.__version__,
        },
    }


NESTED_SCRIPT = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from joblib import parallel_backend
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_info, threadpool_limits

def openmp_threads():
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp")

X, y = load_digits(return_X_y=True)
grid = {"learning_rate": [0.1, 0.2], "max_leaf_nodes": [15, 31]}
search = GridSearchCV(HistGradientBoostingClassifier(max_iter=20, random_state=0), grid,
                      cv=3, n_jobs=2)
case = sys.argv[1]
threads = case != "loky"
limit = threadpool_limits(1) if case == "threads-main-limit" else nullcontext()
backend = parallel_backend("threading", n_jobs=2) if threads else nullcontext()
start = time.perf_counter()
with limit, backend:
    search.fit(X, y)
    seconds = time.perf_counter() - start
    with ThreadPoolExecutor(1) as pool:  # what a model in a worker thread would use
        in_thread = pool.submit(openmp_threads).result()
print(json.dumps({"seconds": seconds, "openmp_threads": in_thread if threads else None}))
"""
NESTED_CASES = {
    "loky": "GridSearchCV(n_jobs=2) in processes (joblib's default)",
    "threads": "the same fits in 2 threads, models unlimited",
    "threads-main-limit": "2 threads, threadpool_limits(1) around the search",
    "threads-env": "2 threads, OMP_NUM_THREADS=1 set before Python starts",
}
"""Case -> what the table calls it."""
NESTED_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def measure_nested(repeats: int = REPEATS) -> dict[str, Any]:
    """Seconds of one GridSearchCV over HistGradientBoosting in each case, ``repeats`` times.

    Each run is a fresh process with this project's thread limits removed from its
    environment (``threads-env`` sets ``OMP_NUM_THREADS=1`` back), so a model may use
    every core unless the case limits it. The cases take turns, repeat by repeat.

    Returns:
        Case -> ``runs`` (seconds), ``median`` and ``openmp_threads`` (the OpenMP
        threads a model in a worker thread uses; ``None`` for processes, which joblib
        limits itself).
    """
    import subprocess

    base = {k: v for k, v in os.environ.items() if k not in NESTED_ENV}
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in NESTED_CASES}
    for _ in range(repeats):
        for case in NESTED_CASES:
            env = dict(base, OMP_NUM_THREADS="1") if case == "threads-env" else base
            done = subprocess.run(
                [sys.executable, "-c", NESTED_SCRIPT, case],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            runs[case].append(json.loads(done.stdout))
    return {
        case: {
            "runs": [_sig(r["seconds"]) for r in found],
            "median": _sig(statistics.median(r["seconds"] for r in found)),
            "openmp_threads": found[0]["openmp_threads"],
        }
        for case, found in runs.items()
    }


def _sig(value: float) -> float:
    return float(f"{value:.3g}")


def format_nested(data: dict[str, Any]) -> str:
    """The thread-limit timings as a Markdown table: median and range of the runs."""
    rows = [
        "| case | OpenMP threads per model in a worker thread | seconds, median | range |",
        "|---|---|---|---|",
    ]
    for case in NESTED_CASES:
        found = data["nested"][case]
        threads = found["openmp_threads"]
        rows.append(
            f"| {NESTED_CASES[case]} | {'set by joblib' if threads is None else threads} "
            f"| {found['median']:.3g} | {min(found['runs']):.3g}–{max(found['runs']):.3g} |"
        )
    return "\n".join(rows)


def speedups(cell: dict[str, Any]) -> list[float]:
    """The 2-worker rate over the 1-worker rate, pair by pair."""
    return [pair["two"] / pair["one"] for pair in cell["pairs"]]


def format_scale_benchmark(data: dict[str, Any]) -> str:
    """The shared-study rates as a Markdown table: medians and the speed-up's range."""
    rows = [
        "| storage | problem | 1 worker (trials/s) | 2 workers (trials/s) "
        "| speed-up, median | range over the pairs |",
        "|---|---|---|---|---|---|",
    ]
    for cell in data["cells"]:
        one = statistics.median(p["one"] for p in cell["pairs"])
        two = statistics.median(p["two"] for p in cell["pairs"])
        ratios = speedups(cell)
        rows.append(
            f"| {cell['storage']} | {cell['problem']} | {one:.3g} | {two:.3g} "
            f"| {statistics.median(ratios):.2f}x | {min(ratios):.2f}x–{max(ratios):.2f}x |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    results = run(sys.argv[1] if len(sys.argv) > 1 else None)
    path = results_path()
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(format_scale_benchmark(results))
    print()
    print(format_nested(results))
    print(f"wrote {path}", file=sys.stderr)
