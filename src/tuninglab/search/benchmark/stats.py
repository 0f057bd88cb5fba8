"""The benchmark's statistics: summaries of the records, paired tests and verdicts.

Per strategy, median and quartiles of the outer-test score over repetitions. Per pair of
strategies, the mean of the per-repetition differences with the corrected resampled
t-interval of Nadeau and Bengio (2003), which allows for the overlap of repeated random
splits of one dataset; a two-sided p-value and an equivalence test (TOST), each
Holm-adjusted over the comparisons of one table; the smallest difference the comparison
could detect; and a verdict (:data:`~tuninglab.search.benchmark.design.VERDICTS`).
Across datasets, Friedman's test on mean ranks with Nemenyi's critical difference
(Demšar 2006).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from tuninglab.search.benchmark.design import (
    CONFIDENCE,
    EQUIVALENCE_MARGIN,
    POWER,
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


def corrected_test(
    differences: Sequence[float], n_train: int, n_test: int, confidence: float = CONFIDENCE
) -> dict[str, float]:
    """The corrected resampled t-test of Nadeau and Bengio (2003) on paired differences.

    Repeated random splits of one dataset share most of their rows, so their
    differences are correlated and a plain t-interval is too narrow. The correction
    replaces the variance of the mean, ``sd**2 / J``, with ``sd**2 * (1/J + n_test /
    n_train)`` for ``J`` splits with ``n_train`` rows to fit on and ``n_test`` to score.

    Args:
        differences: One difference per split (strategy minus reference).
        n_train: Rows each split fits on.
        n_test: Rows each split scores on.
        confidence: Coverage of the interval.

    Returns:
        ``mean``, ``se`` (the corrected standard error), ``df`` (``J - 1``), ``low`` and
        ``high`` (the interval) and ``p`` (two-sided, against a difference of 0).

    Raises:
        ValueError: With fewer than 2 differences, a confidence outside (0, 1) or a
            split size below 1.
    """
    values = np.asarray(differences, dtype=float)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"a paired test needs at least 2 differences, got {len(values)}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if n_train < 1 or n_test < 1:
        raise ValueError(f"split sizes must be at least 1, got {n_train} and {n_test}")
    n, mean = len(values), float(np.mean(values))
    se = math.sqrt(float(np.var(values, ddof=1)) * (1 / n + n_test / n_train))
    df = n - 1
    half = float(scipy_stats.t.ppf(0.5 + confidence / 2, df)) * se
    p = float(2 * scipy_stats.t.sf(abs(mean) / se, df)) if se else float(mean == 0)
    return {"mean": mean, "se": se, "df": df, "low": mean - half, "high": mean + half, "p": p}


def equivalence_p(mean: float, se: float, df: int, margin: float = EQUIVALENCE_MARGIN) -> float:
    """p-value of the two one-sided tests (TOST) that the true difference is within ±margin.

    The larger of the p-values of "difference > -margin" and "difference < +margin";
    below 0.05, the difference is shown to lie inside the margin.

    Raises:
        ValueError: If ``margin`` is not positive or ``se`` is negative.
    """
    if margin <= 0 or se < 0:
        raise ValueError(f"need margin > 0 and se >= 0, got {margin} and {se}")
    if se == 0:
        return 0.0 if abs(mean) < margin else 1.0
    lower = float(scipy_stats.t.sf((mean + margin) / se, df))
    upper = float(scipy_stats.t.cdf((mean - margin) / se, df))
    return max(lower, upper)


def detectable_difference(se: float, df: int, power: float = POWER, alpha: float = 0.05) -> float:
    """Smallest true difference a two-sided test at ``alpha`` finds with ``power``.

    ``(t[1 - alpha/2] + t[power]) * se`` with ``df`` degrees of freedom: the usual
    approximation, which treats the observed ``se`` as the true one.
    """
    quantiles = scipy_stats.t.ppf(1 - alpha / 2, df) + scipy_stats.t.ppf(power, df)
    return float(quantiles * se)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of a family of p-values, in the order given.

    The ``i``-th smallest p is multiplied by ``m - i`` (``i`` from 0), each adjusted
    value is at least the one before it in that order, and none exceeds 1. Rejecting
    every adjusted p below 0.05 keeps the chance of any false rejection in the family
    at or below 0.05.
    """
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def verdict(mean: float, p_adjusted: float, equivalence_adjusted: float) -> str:
    """The verdict of one comparison from its Holm-adjusted p-values.

    ``"better"`` or ``"worse"`` (by the sign of ``mean``) if ``p_adjusted < 0.05``;
    otherwise ``"equivalent"`` if ``equivalence_adjusted < 0.05``; otherwise
    ``"not distinguishable"``.
    """
    if p_adjusted < 0.05:
        return "better" if mean > 0 else "worse"
    if equivalence_adjusted < 0.05:
        return "equivalent"
    return "not distinguishable"


def rank_comparison(means: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Friedman's test of strategies across datasets, with Nemenyi's critical difference.

    Args:
        means: Per dataset, each strategy's mean outer-test score (the same strategies
            on every dataset).

    Returns:
        ``datasets``, ``mean_rank`` per strategy (1 = highest score; ties share ranks),
        Friedman's ``statistic`` and ``p`` and ``critical_difference``: two mean ranks
        further apart than this differ at 0.05 by Nemenyi's test (Demšar 2006).

    Raises:
        ValueError: With fewer than 3 datasets or 3 strategies, or differing strategies.
    """
    datasets = sorted(means)
    labels = sorted(means[datasets[0]]) if datasets else []
    if len(datasets) < 3 or len(labels) < 3:
        raise ValueError("Friedman's test needs at least 3 datasets and 3 strategies")
    if any(sorted(means[d]) != labels for d in datasets):
        raise ValueError("every dataset must have the same strategies")
    table = np.array([[means[d][label] for label in labels] for d in datasets])
    ranks = np.array([scipy_stats.rankdata(-row) for row in table])
    statistic, p = scipy_stats.friedmanchisquare(*table.T)
    k, n = len(labels), len(datasets)
    q = float(scipy_stats.studentized_range.ppf(0.95, k, np.inf)) / math.sqrt(2)
    return {
        "datasets": datasets,
        "mean_rank": {
            label: round_score(r) for label, r in zip(labels, ranks.mean(0), strict=True)
        },
        "statistic": round_score(float(statistic)),
        "p": round_score(float(p)),
        "critical_difference": round_score(q * math.sqrt(k * (k + 1) / (6 * n))),
    }


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
    label: str,
    records: Sequence[dict],
    reference: str,
    reference_records: Sequence[dict],
    split: tuple[int, int],
) -> dict[str, Any]:
    """Compare two strategies' outer-test scores repetition by repetition.

    Args:
        label: The strategy.
        records: Its per-repetition records.
        reference: The reference strategy.
        reference_records: The reference's records (the same repetitions).
        split: ``(n_train, n_test)`` of each repetition's outer split.

    Returns:
        ``strategy``, ``reference``, ``n``, ``mean_difference`` (strategy minus
        reference), ``sd`` of the differences, ``ci_low`` and ``ci_high`` and ``p``
        (:func:`corrected_test`), ``equivalence_p`` (:func:`equivalence_p`),
        ``detectable`` (:func:`detectable_difference`) and the counts of repetitions in
        which the strategy scored higher (``wins``), the same (``ties``) or lower
        (``losses``). :func:`comparisons` adds the adjusted p-values and the verdict.

    Raises:
        ValueError: If the two lists do not cover the same repetitions.
    """
    ours = {r["repetition"]: r["test_score"] for r in records}
    theirs = {r["repetition"]: r["test_score"] for r in reference_records}
    if set(ours) != set(theirs):
        raise ValueError(f"{label} and {reference} do not cover the same repetitions")
    gaps = [ours[k] - theirs[k] for k in sorted(ours)]
    test = corrected_test(gaps, *split)
    return {
        "strategy": label,
        "reference": reference,
        "n": len(gaps),
        "mean_difference": round_score(test["mean"]),
        "sd": round_score(float(np.std(gaps, ddof=1))),
        "ci_low": round_score(test["low"]),
        "ci_high": round_score(test["high"]),
        "p": round_score(test["p"]),
        "equivalence_p": round_score(equivalence_p(test["mean"], test["se"], test["df"])),
        "detectable": round_score(detectable_difference(test["se"], test["df"])),
        "wins": sum(ours[k] > theirs[k] for k in ours),
        "ties": sum(ours[k] == theirs[k] for k in ours),
        "losses": sum(ours[k] < theirs[k] for k in ours),
    }


def comparisons(
    space: str, by_label: dict[str, Sequence[dict]], split: tuple[int, int]
) -> list[dict[str, Any]]:
    """Every strategy against each reference of the space (each pair once), with verdicts.

    The comparisons of one dataset and space are one family: their p-values, and
    separately their equivalence p-values, are Holm-adjusted together (``p_holm``,
    ``equivalence_p_holm``), and each verdict (:func:`verdict`) reads the adjusted ones.
    """
    found, seen = [], set()
    for reference in SPACES[space].references:
        for label in SPACES[space].strategies:
            if label == reference or frozenset((label, reference)) in seen:
                continue
            seen.add(frozenset((label, reference)))
            found.append(
                compare_paired(label, by_label[label], reference, by_label[reference], split)
            )
    adjusted = holm([c["p"] for c in found])
    adjusted_equivalence = holm([c["equivalence_p"] for c in found])
    for comparison, p, q in zip(found, adjusted, adjusted_equivalence, strict=True):
        comparison["p_holm"] = round_score(p)
        comparison["equivalence_p_holm"] = round_score(q)
        comparison["verdict"] = verdict(
            comparison["mean_difference"], comparison["p_holm"], comparison["equivalence_p_holm"]
        )
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
        "comparisons": comparisons(space, by_label, (int(X_train.shape[0]), int(X_test.shape[0]))),
    }
    if "grid_full" in spec.strategies:
        entry["grid_full_on_edge"] = grid_edges(space, by_label["grid_full"])
    return entry


def across_datasets(results: dict[str, dict[str, dict]]) -> dict[str, dict[str, Any]]:
    """:func:`rank_comparison` of each space that has 3 datasets or more.

    Args:
        results: The benchmark's ``results`` (space -> dataset -> entry).

    Returns:
        Space -> its rank comparison, on the strategies' mean outer-test scores.
    """
    found = {}
    for space, by_dataset in results.items():
        if len(by_dataset) < 3:
            continue
        means = {
            dataset: {label: s["test_score"]["mean"] for label, s in entry["strategies"].items()}
            for dataset, entry in by_dataset.items()
        }
        found[space] = rank_comparison(means)
    return found
