"""The whole benchmark and its results file: :func:`run_benchmark`, then JSON out and in.

The JSON has sorted keys, scores rounded to 4 decimals and every repetition's raw
record; wall times sit under the top-level :data:`WALL_TIME_KEY`, which comparisons of
two results files ignore. The results committed with the package are at
:func:`results_path`.
"""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from tuninglab.search.benchmark.design import REPETITIONS, SPACES, metadata
from tuninglab.search.benchmark.runs import Task, run_records
from tuninglab.search.benchmark.stats import across_datasets, summarize_entry

WALL_TIME_KEY = "wall_time"
"""Top-level key of the wall times: the only part of the results that varies between runs."""


def _by_label(records: dict[Task, dict], space: str, dataset: str) -> dict[str, list[dict]]:
    """The records of one dataset and space, per strategy label, in repetition order."""
    found: dict[str, list[dict]] = {label: [] for label in SPACES[space].strategies}
    for task, record in records.items():
        if (task.space, task.dataset) == (space, dataset):
            found[task.label].append(record)
    for label in found:
        found[label].sort(key=lambda r: r["repetition"])
    return found


def _times(seconds: dict[Task, float], space: str, dataset: str, label: str) -> list[float]:
    return [
        t
        for task, t in seconds.items()
        if (task.space, task.dataset, task.label) == (space, dataset, label)
    ]


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
        ``svc``, ``grid_full_on_edge``), ``across_datasets`` (each space's rank
        comparison over its datasets) and ``wall_time`` (seconds).

    Raises:
        ValueError: If ``repetitions`` is below 2 (no interval can be computed).
    """
    if repetitions < 2:
        raise ValueError(f"the benchmark needs at least 2 repetitions, got {repetitions}")
    start = time.perf_counter()
    records, seconds = run_records(range(repetitions), n_jobs=n_jobs, progress=progress)
    data: dict[str, Any] = {"metadata": metadata(repetitions), "results": {}}
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
    data["across_datasets"] = across_datasets(data["results"])
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
