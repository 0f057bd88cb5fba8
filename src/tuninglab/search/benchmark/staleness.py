"""Whether a stored results file is still what the code gives: full re-run or spot check.

:func:`differences` lists where two results differ (floats within
:data:`REL_TOLERANCE`, wall times ignored); :func:`benchmark_is_current` re-runs
everything, :func:`spot_check` re-runs a few repetitions and checks the rest against
the committed records.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tuninglab.search.benchmark.design import COMMAND, REPETITIONS, metadata
from tuninglab.search.benchmark.runs import Task, run_records
from tuninglab.search.benchmark.stats import across_datasets, summarize_entry
from tuninglab.search.benchmark.store import WALL_TIME_KEY, dumps, run_benchmark

REL_TOLERANCE = 1e-9
"""Relative tolerance for re-computed floats (hyperparameter values, scores, fit counts).

The last bits of a floating-point result differ between CPUs and BLAS builds (SIMD
paths, summation order), typically around 1e-15 relative; a value drawn from a seeded
sampler and passed through a log transform can differ by about 1e-14. 1e-9 is five
orders of magnitude above that noise and far below any difference a reader would see
in a printed value. Integers, strings, booleans and the structure compare exactly.
"""


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
    rebuilt["across_datasets"] = across_datasets(rebuilt["results"])
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
    found = differences(committed["metadata"], metadata(count), "metadata")
    found += differences(committed["results"], recomputed(committed)["results"], "results")
    fresh, _ = run_records(repetitions, n_jobs=n_jobs)
    return found + compare_records(committed, fresh)
