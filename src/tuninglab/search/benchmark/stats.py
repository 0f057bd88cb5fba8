"""The benchmark's statistics: summaries of the records, paired intervals and verdicts.

Per strategy, median and quartiles of the outer-test score over repetitions; per pair
of strategies, the mean of the per-repetition differences, its t-interval and a verdict
(:data:`~tuninglab.search.benchmark.design.VERDICTS`) that claims a difference only when
the interval excludes 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from tuninglab.search.benchmark.design import (
    CONFIDENCE,
    SPACES,
    checkpoints,
    dataset_arrays,
    outer_split,
)
from tuninglab.search.results import round_score


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
    half = float(scipy_stats.t.ppf(0.5 + confidence / 2, len(values) - 1)) * float(
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
