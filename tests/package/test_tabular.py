"""Tests of the tabular benchmark (tuninglab.search.tabular) and its committed results."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

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
