"""Tests of the tabular benchmark (tuninglab.search.tabular) and its committed results."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.support import REPO
from tuninglab.search import tabular

pytestmark = pytest.mark.depends_on("src/tuninglab/search", "src/tuninglab/data")


@pytest.fixture(scope="module")
def committed() -> dict:
    return tabular.load_results()


@pytest.fixture(scope="module")
def tables() -> dict[str, tabular.Table]:
    return {label: tabular.load_table(label) for label in tabular.TABLES}


def test_each_table_holds_every_configuration_of_its_space(tables):
    for table in tables.values():
        assert len(table.means) == math.prod(len(v) for v in table.space.values())
        best = (max if table.maximize else min)(table.means, key=table.means.get)
        assert table.regret(best) == 0
        assert min(table.regret(key) for key in table.means if key != best) >= 0


def test_regret_is_measured_on_the_means_the_strategy_never_sees(tables):
    table = tables["hpolib-naval"]  # a loss: lower is better
    assert not table.maximize
    key = next(iter(table.means))
    assert table.regret(key) == pytest.approx(np.mean(table.runs[key]) - table.best)


def test_compare_with_random_is_mann_whitney_and_its_probability_of_lower():
    ours, theirs = [0.0, 0.1, 0.2], [0.1, 0.3, 0.4]
    found = tabular.compare_with_random(ours, theirs)
    # Pairs (ours, theirs) with ours lower: 0<all 3, 0.1<0.3,0.4, 0.1=0.1 (half), 0.2<2
    assert found["p_lower"] == pytest.approx((3 + 2.5 + 2) / 9)
    assert found["p"] == pytest.approx(stats.mannwhitneyu(ours, theirs).pvalue)
    assert tabular.compare_with_random([0.0] * 5, [0.0] * 5) == {"p": 1.0, "p_lower": 0.5}


def test_committed_results_have_the_design_the_issue_asks_for(committed):
    meta = committed["metadata"]
    assert meta["seeds"] >= 100 and len(meta["tables"]) >= 3
    assert len(tabular.STRATEGIES) >= 5 and meta["checkpoints"][-1] >= 200
    for label in tabular.TABLES:
        assert set(committed["per_seed"][label]) == set(tabular.STRATEGIES)
        assert all(len(runs) == meta["seeds"] for runs in committed["per_seed"][label].values())


def test_committed_summaries_follow_from_the_committed_runs(committed):
    assert tabular.summarize(committed["per_seed"]) == committed["results"]


@pytest.mark.slow
def test_the_first_seed_of_every_run_reproduces(committed, tables):
    # A spot check of staleness: seed 0 of every table and strategy, re-run.
    for label, table in tables.items():
        for strategy in tabular.STRATEGIES:
            again = tabular.run_one(table, label, strategy, 0)
            shipped = committed["per_seed"][label][strategy][0]
            assert again == pytest.approx(shipped, rel=1e-9, abs=1e-12), (
                f"{label} {strategy}: the shipped tabular-benchmark.json is stale; "
                "re-run make bench-tables"
            )


def _verdicts(committed, label: str, trials: int) -> dict[str, tuple[str, float]]:
    return {
        c["strategy"]: (c["verdict"], c["p_lower"])
        for c in committed["results"][label]["comparisons"]
        if c["trials"] == trials
    }


@pytest.mark.depends_on("docs/guides/choosing-a-tuning-strategy.md")
def test_the_strategy_guide_states_what_the_tables_show(committed, tables):
    model_based = {"tpe", "tpe_multivariate", "cmaes"}
    curves = {label: committed["results"][label]["curves"] for label in tabular.TABLES}
    nas200 = _verdicts(committed, "nasbench201-cifar10", 200)
    assert all(nas200[s][0] == "lower regret" and nas200[s][1] > 0.9 for s in model_based)
    found_nas = sorted(curves["nasbench201-cifar10"][s]["found_best"][-1] for s in model_based)
    assert found_nas == [37, 40, 46]
    assert curves["nasbench201-cifar10"]["random"]["found_best"][-1] == 0
    for label in tabular.TABLES:  # random and quasi-random are never told apart
        for trials in (20, 200):
            assert _verdicts(committed, label, trials)["qmc"][0] == "not distinguishable"
    nas20 = _verdicts(committed, "nasbench201-cifar10", 20)
    assert {s for s, (v, _) in nas20.items() if v == "lower regret"} == {"cmaes"}
    naval20 = _verdicts(committed, "hpolib-naval", 20)
    assert {s for s, (v, _) in naval20.items() if v == "lower regret"} == {
        "tpe",
        "tpe_multivariate",
    }
    naval200 = _verdicts(committed, "hpolib-naval", 200)
    assert all(naval200[s][0] == "lower regret" for s in model_based)
    found = {s: c["found_best"][-1] for s, c in curves["hpolib-naval"].items()}
    assert max(found, key=found.get) == "tpe_multivariate" and found["tpe_multivariate"] == 16
    aus200 = _verdicts(committed, "hpobench-australian", 200)
    assert {s for s, (v, _) in aus200.items() if v == "lower regret"} == {"tpe"}
    assert all(c["found_best"][-1] == 0 for c in curves["hpobench-australian"].values())
    random_aus = curves["hpobench-australian"]["random"]["median"]
    assert random_aus[-1] > random_aus[1]  # grows from 20 to 200 trials
    # australian is noisy: one configuration's recorded runs spread more than the 20
    # best configurations' means do.
    table = tables["hpobench-australian"]
    top = sorted(table.means, key=table.means.get, reverse=True)[:20]
    spread = float(np.median([np.std(v, ddof=1) for v in table.runs.values()]))
    assert spread > table.means[top[0]] - table.means[top[-1]]
    # The figure's alt text: the model-based medians end 5 to 9 times below random's.
    for label in ("hpolib-naval", "nasbench201-cifar10"):
        final = curves[label]["random"]["median"][-1]
        ratios = [final / curves[label][s]["median"][-1] for s in model_based]
        assert all(5 <= r <= 9 for r in ratios), (label, ratios)
    text = (REPO / "docs/guides/choosing-a-tuning-strategy.md").read_text(encoding="utf-8")
    for claim in ("37 to 46 of their 100 runs", "(16 of 100)", "five to nine times lower"):
        assert claim in text


def _fake_results(medians: dict[str, dict[str, float]]) -> dict:
    return {
        "metadata": {"checkpoints": [20], "compared_at": [20]},
        "results": {
            label: {"curves": {s: {"median": [m]} for s, m in by_strategy.items()}}
            for label, by_strategy in medians.items()
        },
    }


def test_ranks_across_tables_rank_the_lowest_regret_first_and_name_only_clear_pairs():
    # a always has the lowest regret and c the highest, on three tables: with three
    # strategies and three tables the critical difference is 1.91 ranks, and a and c are
    # 2 apart; a and b, 1 apart, are not distinguishable.
    swept = _fake_results({t: {"a": 0.0, "b": 0.1 * i, "c": 1.0} for i, t in enumerate("xyz", 1)})
    found = tabular.ranks_across_tables(swept, 20)
    assert found["mean_rank"] == {"a": 1.0, "b": 2.0, "c": 3.0}
    assert found["critical_difference"] == pytest.approx(1.9137, abs=1e-3)
    assert found["distinguishable"] == [["a", "c"]]
    expected = stats.friedmanchisquare([0, 0, 0], [0.1, 0.2, 0.3], [1, 1, 1])
    assert found["p"] == pytest.approx(expected.pvalue, rel=1e-3)
    # One table that reverses the order removes every pair.
    mixed = _fake_results(
        {
            "x": {"a": 0.0, "b": 0.5, "c": 1.0},
            "y": {"a": 0.0, "b": 0.5, "c": 1.0},
            "z": {"a": 1.0, "b": 0.5, "c": 0.0},
        }
    )
    assert tabular.ranks_across_tables(mixed, 20)["distinguishable"] == []


@pytest.mark.depends_on("docs/guides/choosing-a-tuning-strategy.md")
def test_the_strategy_guide_states_the_rank_comparison_as_it_is(committed):
    at20, at200 = (tabular.ranks_across_tables(committed, t) for t in (20, 200))
    assert at200["p"] < 0.05 < at20["p"]
    assert at20["distinguishable"] == at200["distinguishable"] == []
    ranks = at200["mean_rank"]
    assert set(sorted(ranks, key=ranks.get)[:3]) == {"tpe", "tpe_multivariate", "cmaes"}
    assert set(sorted(ranks, key=ranks.get)[3:]) == {"random", "qmc"}
    text = (REPO / "docs/guides/choosing-a-tuning-strategy.md").read_text(encoding="utf-8")
    assert f"critical difference is {at200['critical_difference']:.2f} ranks" in text
    assert f"(Friedman p = {at200['p']:.2g})" in text and f"(p = {at20['p']:.2g})" in text
