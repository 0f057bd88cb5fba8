"""The benchmark as text: :func:`format_benchmark`'s Markdown tables."""

from __future__ import annotations

from typing import Any

from tuninglab.search.benchmark.design import EQUIVALENCE_MARGIN
from tuninglab.search.benchmark.store import WALL_TIME_KEY
from tuninglab.search.results import format_count
from tuninglab.search.tables import format_score, markdown_table


def _gap(value: float) -> str:
    return f"{value:+.4f}"


def _verdict(verdict: str, margin: float) -> str:
    return f"equivalent (±{margin:g})" if verdict == "equivalent" else verdict


def format_ranks(data: dict[str, Any], space: str) -> str:
    """Return one space's comparison across datasets: mean ranks, Friedman and Nemenyi.

    Args:
        data: :func:`run_benchmark`'s result (or the JSON loaded back).
        space: A space with 3 datasets or more.

    Returns:
        A heading line, a table of mean ranks (1 = best; lowest first) and a line with
        Friedman's p and Nemenyi's critical difference.
    """
    found = data["across_datasets"][space]
    ranks = sorted(found["mean_rank"].items(), key=lambda item: (item[1], item[0]))
    table = markdown_table(["strategy", "mean rank"], [[k, f"{v:.2f}"] for k, v in ranks])
    return (
        f"{space} across {len(found['datasets'])} datasets ({', '.join(found['datasets'])})"
        f"\n\n{table}\n\nFriedman p = {found['p']:.2f}; mean ranks closer than "
        f"{found['critical_difference']:.2f} are not distinguishable (Nemenyi, 0.05)"
    )


def format_benchmark(data: dict[str, Any], space: str | None = None) -> str:
    """Return the benchmark as text: two Markdown tables per dataset and space.

    The first table has, per strategy, the runs, the mean fits, the median best CV score
    (optimistic: it selected the configuration), the chosen configuration's outer-test
    score as median [first quartile, third quartile] and its sd ("–" for a single run).
    The second has each paired comparison: mean gap (strategy minus reference), its
    corrected 95% interval, the Holm-adjusted p, the smallest difference it could detect
    (power 0.8), the verdict and in how many repetitions the strategy scored higher, the
    same or lower.

    Args:
        data: :func:`run_benchmark`'s result (or the JSON loaded back).
        space: Only this space (default: all).

    Returns:
        The tables with a heading line each, and the total wall time if ``data`` has it.
    """
    blocks = []
    margin = EQUIVALENCE_MARGIN
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
                    format_count(s["mean_fits"]),
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
                    f"{c['p_holm']:.2f}",
                    f"{c['detectable']:.3f}",
                    _verdict(c["verdict"], margin),
                    f"{c['wins']}/{c['ties']}/{c['losses']}",
                ]
                for c in entry["comparisons"]
            ]
            pair_header = [
                "strategy",
                "vs",
                "mean gap",
                "95% CI (corrected)",
                "Holm p",
                "detectable",
                "verdict",
                "higher/same/lower",
            ]
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
