"""Tests of the strategy benchmark and of the committed src/tuninglab/data/benchmark.json."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from scipy import stats

from sitebuild.page_model import prose_lines
from tests.support import REPO
from tuninglab.search import benchmark, problems
from tuninglab.search.benchmark import (
    compare_paired,
    describe,
    differences,
    format_benchmark,
    paired_interval,
    staleness,
    verdict,
)
from tuninglab.search.strategies import run_strategy

pytestmark = pytest.mark.depends_on("src/tuninglab/search", "src/tuninglab/data")

COMMITTED = REPO / "src" / "tuninglab" / "data" / "benchmark.json"


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


# --- statistics ----------------------------------------------------------------------


def test_paired_interval_is_the_t_interval_of_the_mean():
    gaps = [0.01, -0.02, 0.03, 0.0, 0.02]
    mean, low, high = paired_interval(gaps)
    sem = np.std(gaps, ddof=1) / math.sqrt(len(gaps))
    half = stats.t.ppf(0.975, len(gaps) - 1) * sem
    assert mean == pytest.approx(0.008)
    assert (low, high) == pytest.approx((0.008 - half, 0.008 + half))
    # scipy's own interval for a one-sample mean agrees
    expected = stats.ttest_1samp(gaps, 0.0).confidence_interval(0.95)
    assert (low, high) == pytest.approx((expected.low, expected.high))


def test_paired_interval_refuses_what_it_cannot_estimate():
    with pytest.raises(ValueError, match="at least 2 differences, got 1"):
        paired_interval([0.1])
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        paired_interval([0.1, 0.2], confidence=95)


def test_corrected_test_widens_the_variance_by_the_split_ratio():
    # Hand-computed: mean 0.008, sample variance 0.00037; with 5 splits of 70 rows to fit
    # and 30 to score, the variance of the mean is 0.00037 * (1/5 + 30/70).
    gaps = [0.01, -0.02, 0.03, 0.0, 0.02]
    test = benchmark.corrected_test(gaps, n_train=70, n_test=30)
    se = math.sqrt(0.00037 * (1 / 5 + 30 / 70))
    assert test["mean"] == pytest.approx(0.008) and test["se"] == pytest.approx(se)
    half = stats.t.ppf(0.975, 4) * se
    assert (test["low"], test["high"]) == pytest.approx((0.008 - half, 0.008 + half))
    assert test["p"] == pytest.approx(2 * stats.t.sf(0.008 / se, 4))
    # With no overlap to correct for (n_test / n_train -> 0) it is scipy's one-sample test.
    plain = benchmark.corrected_test(gaps, n_train=10**12, n_test=1)
    assert plain["p"] == pytest.approx(stats.ttest_1samp(gaps, 0.0).pvalue)


def test_corrected_test_refuses_what_it_cannot_estimate():
    with pytest.raises(ValueError, match="at least 2 differences, got 1"):
        benchmark.corrected_test([0.1], 70, 30)
    with pytest.raises(ValueError, match="split sizes must be at least 1"):
        benchmark.corrected_test([0.1, 0.2], 0, 30)


def test_holm_matches_a_hand_computed_family():
    # Sorted: 0.01 x 4 = 0.04; 0.02 x 3 = 0.06; 0.03 x 2 = 0.06 (kept monotone); 0.5 x 1.
    assert benchmark.holm([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert benchmark.holm([0.4, 0.9]) == pytest.approx([0.8, 0.9])
    assert benchmark.holm([]) == []


def test_equivalence_p_is_the_larger_one_sided_p():
    mean, se, df = 0.005, 0.006, 19
    lower = stats.t.sf((mean + 0.02) / se, df)
    upper = stats.t.cdf((mean - 0.02) / se, df)
    assert benchmark.equivalence_p(mean, se, df, 0.02) == pytest.approx(max(lower, upper))
    # scipy's one-sided one-sample tests on data with that mean and se agree
    rng = np.random.default_rng(0)
    x = rng.normal(size=20)
    x = (x - x.mean()) / x.std(ddof=1) * se * math.sqrt(20) + mean
    low_p = stats.ttest_1samp(x, -0.02, alternative="greater").pvalue
    high_p = stats.ttest_1samp(x, 0.02, alternative="less").pvalue
    assert benchmark.equivalence_p(mean, se, df, 0.02) == pytest.approx(max(low_p, high_p))
    assert benchmark.equivalence_p(0.03, se, df, 0.02) > 0.5  # outside the margin
    with pytest.raises(ValueError, match="margin > 0"):
        benchmark.equivalence_p(0.0, se, df, 0.0)


def test_detectable_difference_has_the_power_it_claims():
    se, df = 0.01, 19
    delta = benchmark.detectable_difference(se, df)
    critical = stats.t.ppf(0.975, df)
    # Power of the two-sided test at that true difference, from the noncentral t.
    power = stats.nct.sf(critical, df, delta / se) + stats.nct.cdf(-critical, df, delta / se)
    assert power == pytest.approx(0.8, abs=0.01)


@pytest.mark.parametrize(
    ("mean", "p", "equivalence", "expected"),
    [
        (0.01, 0.01, 0.9, "better"),
        (-0.01, 0.01, 0.9, "worse"),
        (0.001, 0.9, 0.01, "equivalent"),
        (0.001, 0.9, 0.2, "not distinguishable"),
        (0.01, 0.05, 0.05, "not distinguishable"),  # 0.05 is not below 0.05
    ],
)
def test_verdict_reads_the_adjusted_p_values(mean, p, equivalence, expected):
    assert verdict(mean, p, equivalence) == expected
    assert expected in benchmark.VERDICTS


def test_rank_comparison_matches_scipy_and_demsar():
    means = {
        "a": {"x": 0.9, "y": 0.8, "z": 0.7},
        "b": {"x": 0.85, "y": 0.86, "z": 0.6},
        "c": {"x": 0.95, "y": 0.7, "z": 0.7},
    }
    found = benchmark.rank_comparison(means)
    assert found["mean_rank"] == pytest.approx({"x": 1.3333, "y": 1.8333, "z": 2.8333}, abs=1e-4)
    expected = stats.friedmanchisquare([0.9, 0.85, 0.95], [0.8, 0.86, 0.7], [0.7, 0.6, 0.7])
    assert found["p"] == pytest.approx(expected.pvalue, abs=1e-4)
    # Demsar (2006), Table 5: q = 2.343 for 3 classifiers at 0.05; CD = q sqrt(k(k+1)/6N)
    assert found["critical_difference"] == pytest.approx(2.343 * math.sqrt(12 / 18), abs=1e-3)
    with pytest.raises(ValueError, match="at least 3 datasets"):
        benchmark.rank_comparison({"a": means["a"], "b": means["b"]})


def test_describe_has_no_sd_for_a_single_value():
    assert describe([0.9])["sd"] is None
    summary = describe([0.9, 0.8, 1.0, 0.9])
    assert summary["median"] == 0.9 and summary["sd"] == round(
        np.std([0.9, 0.8, 1.0, 0.9], ddof=1), 4
    )


def test_paired_comparison_pairs_by_repetition_and_counts_wins():
    ours = [{"repetition": i, "test_score": s} for i, s in enumerate([0.9, 0.8, 0.95])]
    theirs = [{"repetition": i, "test_score": s} for i, s in enumerate([0.85, 0.8, 0.9])]
    found = compare_paired("tpe", ours[::-1], "random", theirs, (70, 30))  # order does not matter
    assert (found["wins"], found["ties"], found["losses"]) == (2, 1, 0)
    assert found["mean_difference"] == pytest.approx(round((0.05 + 0 + 0.05) / 3, 4))
    with pytest.raises(ValueError, match="same repetitions"):
        compare_paired("tpe", ours[:2], "random", theirs, (70, 30))


# --- seeds ---------------------------------------------------------------------------


def test_every_run_has_its_own_random_stream():
    tasks = benchmark.plan(range(benchmark.REPETITIONS))
    seeds = [benchmark.run_seed(rep, dataset, space, label) for space, dataset, rep, label in tasks]
    assert len(set(seeds)) == len(seeds)
    splits = {
        benchmark.split_seed(rep, dataset) for _, dataset, rep, _ in tasks
    }  # one per repetition x dataset
    datasets = {dataset for _, dataset, _, _ in tasks}
    assert len(splits) == benchmark.REPETITIONS * len(datasets)


def test_strategies_of_one_repetition_share_the_outer_split():
    first = benchmark.outer_split(3, "wine")
    again = benchmark.outer_split(3, "wine")
    other = benchmark.outer_split(4, "wine")
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[3], other[3]) or not np.array_equal(first[1], other[1])
    assert len(first[1]) == math.ceil(len(benchmark.dataset_arrays("wine")[1]) * 0.3)


def test_search_records_the_same_run_as_the_package_strategy():
    data = benchmark.outer_split(0, "wine")
    problem = benchmark.SPACES["svc"].build((data[0], data[2]), 7)
    for strategy in ("grid", "random", "halving", "tpe"):
        trace = benchmark.search(problem, strategy, 42, seed=5)
        plain = run_strategy(strategy, problem, 42, 5)
        assert trace.result(strategy, 5).best_params == plain.best_params, strategy
        assert trace.result(strategy, 5).curve == plain.curve, strategy
        # a choice after every full-data score, the last one being the run's winner
        assert len(trace.choices) == len(plain.curve)
        assert trace.choices[-1][2] == plain.best_params


def test_choice_at_picks_the_last_choice_made_by_then():
    choices = [(3.0, 0.5, {"a": 1}), (6.0, 0.7, {"a": 2}), (9.0, 0.7, {"a": 2})]
    assert benchmark.choice_at(choices, 2.9) is None
    assert benchmark.choice_at(choices, 6.0)[2] == {"a": 2}
    assert benchmark.choice_at(choices, 100)[0] == 9.0


def test_the_hgb_space_is_too_big_for_a_grid():
    space = problems.hgb_space()
    assert len(space.params) == 5
    assert space.grid_size() > 100 * benchmark.HGB_CONFIGS


# --- the committed results -----------------------------------------------------------


def test_committed_benchmark_has_enough_repetitions_and_both_spaces(committed):
    assert committed["metadata"]["repetitions"] >= 20
    assert set(committed["results"]) == set(benchmark.SPACES)
    for space, by_dataset in committed["results"].items():
        assert set(by_dataset) == set(benchmark.SPACES[space].datasets)
        for dataset, entry in by_dataset.items():
            for label, summary in entry["strategies"].items():
                assert summary["runs"] == committed["metadata"]["repetitions"], (dataset, label)
                assert summary["mean_fits"] <= summary["budget"] + 1e-9, (dataset, label)
                assert len(summary["curve"]["test_score"]["median"]) == len(benchmark.CHECKPOINTS)
            for comparison in entry["comparisons"]:
                assert comparison["verdict"] in benchmark.VERDICTS
                assert comparison["n"] == committed["metadata"]["repetitions"]


def test_committed_summaries_follow_from_the_committed_records(committed):
    rebuilt = benchmark.recomputed(committed)
    assert differences(committed["results"], rebuilt["results"], "results") == []


def test_committed_metadata_match_the_code(committed):
    count = committed["metadata"]["repetitions"]
    assert differences(committed["metadata"], benchmark.metadata(count), "metadata") == []


def test_committed_benchmark_is_serialized_deterministically(committed):
    assert COMMITTED.read_text(encoding="utf-8") == benchmark.dumps(committed)


def test_format_benchmark_shows_every_space_and_dataset(committed):
    text = format_benchmark(committed)
    for space, by_dataset in committed["results"].items():
        for dataset in by_dataset:
            assert f"{space} on {dataset}:" in text
    rows = [line for line in text.splitlines() if line.startswith("| grid_full ")]
    assert len(rows) == 2 * len(committed["results"]["svc"])  # a summary row and a comparison
    assert "not distinguishable" in text or "better" in text or "worse" in text


def test_format_benchmark_prints_a_dash_for_the_sd_of_one_run(committed):
    single = json.loads(json.dumps(committed))
    single.pop("wall_time")
    summary = single["results"]["svc"]["wine"]["strategies"]["grid_full"]
    summary["runs"] = 1
    line = next(
        row
        for row in format_benchmark(single, space="svc").split("svc on wine")[1].splitlines()
        if row.startswith("| grid_full ")
    )
    assert line.rstrip(" |").endswith("–")


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_committed_benchmark_passes_a_spot_check():
    """Re-run the first repetition of every run (the full re-run is `benchmark --check`)."""
    stale = benchmark.spot_check(COMMITTED, (0,), n_jobs=1)
    assert stale == [], (
        "src/tuninglab/data/benchmark.json is out of date; regenerate it with "
        f"`{benchmark.COMMAND}`:\n" + "\n".join(stale[:20])
    )


def test_spot_check_reports_an_edited_record(committed, tmp_path, monkeypatch):
    edited = json.loads(json.dumps(committed))
    record = edited["results"]["svc"]["wine"]["strategies"]["tpe"]["per_repetition"][0]
    record["test_score"] = round(record["test_score"] - 0.0185, 4)
    path = tmp_path / "benchmark.json"
    path.write_text(benchmark.dumps(edited), encoding="utf-8")

    def rerun(repetitions, *, n_jobs):  # the committed records, as a fresh run would give
        return {
            ("svc", "wine", 0, "tpe"): committed["results"]["svc"]["wine"]["strategies"]["tpe"][
                "per_repetition"
            ][0]
        }, {}

    monkeypatch.setattr(staleness, "run_records", rerun)  # where spot_check looks it up
    found = benchmark.spot_check(path, (0,))
    assert any("per_repetition[0].test_score" in line for line in found), found
    assert any(line.startswith("results.svc.wine") for line in found)  # summaries disagree too


# --- the staleness comparison --------------------------------------------------------


def test_differences_ignore_only_top_level_wall_time():
    old = {"a": {"b": [1, 2], "wall_time": 1}, "wall_time": {"total_seconds": 3}}
    assert differences(old, {"a": {"b": [1, 2], "wall_time": 1}, "wall_time": 9}) == []
    assert differences(old, {"a": {"b": [1, 3], "wall_time": 1}}) == ["a.b[1]: committed 2, now 3"]
    assert differences(old, {"a": {"b": [1], "wall_time": 2}}) == [
        "a.b: 2 items committed, 1 now",
        "a.wall_time: committed 1, now 2",
    ]
    assert differences({"x": 1}, {"y": 1}) == [
        "x: only in the committed file",
        "y: missing from the committed file",
    ]


def _perturb(value, relative: float, rng):
    """Every float of a JSON value moved by up to ``relative`` of itself."""
    if isinstance(value, dict):
        return {key: _perturb(item, relative, rng) for key, item in value.items()}
    if isinstance(value, list):
        return [_perturb(item, relative, rng) for item in value]
    if isinstance(value, float):
        return value * (1 + relative * rng.choice([-1.0, 1.0]))
    return value


def test_last_bit_differences_between_machines_are_tolerated(committed):
    rng = np.random.default_rng(0)
    for relative in (2.2e-16, 1e-14, 1e-11):  # one ulp, a log round-trip, well within
        assert differences(committed, _perturb(committed, relative, rng)) == []


def test_differences_beyond_the_tolerance_are_reported(committed):
    moved = _perturb(committed, 1e-7, np.random.default_rng(0))
    found = differences(committed, moved)
    assert found and all(": committed " in line and ", now " in line for line in found)
    assert any("best_params" in line for line in found)


def test_integers_strings_and_booleans_compare_exactly():
    assert differences({"n": 3}, {"n": 4}) == ["n: committed 3, now 4"]
    assert differences({"s": "a"}, {"s": "b"}) == ["s: committed 'a', now 'b'"]
    assert differences({"b": True}, {"b": 1}) == ["b: committed True, now 1"]
    assert differences({"x": 1.0}, {"x": 1.0 + 1e-12}) == []
    assert differences({"x": 1.0}, {"x": "1.0"}) == ["x: committed 1.0, now '1.0'"]


# --- the strategy guide's claims -----------------------------------------------------

GUIDE = REPO / "docs" / "guides" / "choosing-a-tuning-strategy.md"


def _prose(text: str) -> str:
    """The guide's text outside code fences, as one line per paragraph."""
    kept = [line.strip() for _, line in prose_lines(text)]
    return re.sub(r"\s+", " ", " ".join(kept))


@pytest.mark.depends_on("docs/guides/choosing-a-tuning-strategy.md")
def test_the_strategy_guide_states_the_verdicts_its_tables_hold(committed):
    prose = _prose(GUIDE.read_text(encoding="utf-8"))
    svc = [
        (dataset, c)
        for dataset, entry in committed["results"]["svc"].items()
        for c in entry["comparisons"]
    ]
    verdicts = [c["verdict"] for _, c in svc]
    assert len(svc) == 21 and 'none of the 21 says "better" or "worse"' in prose
    assert verdicts.count("better") == verdicts.count("worse") == 0
    equivalent = {
        (d, c["strategy"], c["reference"]) for d, c in svc if c["verdict"] == "equivalent"
    }
    assert equivalent == {("breast_cancer", "tpe", "grid_full"), ("digits", "halving", "grid_full")}
    assert (
        'Two say "equivalent (±0.02)": TPE against the full grid on breast cancer, and '
        "halving against the full grid on digits. The other 19" in prose
    )
    detectable = [c["detectable"] for _, c in svc]
    assert 0.015 <= min(detectable) <= 0.025 and 0.04 <= max(detectable) <= 0.05
    assert "of about 0.02 to 0.045" in prose
    hgb = committed["results"]["hgb"]["synthetic"]["comparisons"]
    assert all(c["verdict"] == "not distinguishable" for c in hgb)
    assert sorted(round(c["detectable"], 2) for c in hgb) == [0.05, 0.07]
    assert "five to seven points could have been seen" in prose
    # "As good as" is claimed only with an equivalence test behind it: on this page it
    # appears only in quotation marks, as the reading the page warns against.
    assert re.findall(r".as good as", prose) == ['"as good as'] * len(
        re.findall("as good as", prose)
    )
