"""Tests of the strategy benchmark and of the committed src/tuninglab/data/benchmark.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuninglab.search import benchmark, benchmark_is_current
from tuninglab.search.benchmark import check_claim, differences, format_benchmark

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.depends_on("src/tuninglab")

COMMITTED = REPO / "src" / "tuninglab" / "data" / "benchmark.json"


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("score", "fits", "within_score", "within_fits"),
    [
        (0.975, 61, True, True),  # gap 0.005: just within
        (0.9749, 61, False, True),
        (0.99, 61.25, True, True),  # exactly a quarter of 245
        (0.99, 62, True, False),
    ],
)
def test_check_claim(score, fits, within_score, within_fits):
    result = check_claim(0.98, 245, score, fits)
    assert (result["within_score"], result["within_fits"]) == (within_score, within_fits)
    assert result["holds"] == (within_score and within_fits)
    assert result["score_gap"] == round(0.98 - score, 4)


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


def test_committed_benchmark_is_complete_and_consistent(committed):
    assert len(committed["metadata"]["seeds"]) >= 5
    assert len(committed["datasets"]) >= 2
    for name, entry in committed["datasets"].items():
        strategies = entry["strategies"]
        assert set(strategies) >= {benchmark.REFERENCE, "tpe", "halving", "random"}, name
        reference = strategies[benchmark.REFERENCE]
        assert reference["mean_fits"] == entry["grid_fits"]
        for label, summary in strategies.items():
            assert summary["mean_fits"] <= summary["budget"], (name, label)
            scores = [s for s in summary["curve"]["mean_best_score"] if s is not None]
            assert scores == sorted(scores) and scores[-1] <= summary["mean_best_score"]
            assert label in committed["wall_time"]["mean_seconds_per_run"][name]
        for label, claim in entry["claim"]["strategies"].items():
            recomputed = check_claim(
                reference["mean_best_score"],
                reference["mean_fits"],
                strategies[label]["mean_best_score"],
                strategies[label]["mean_fits"],
            )
            assert recomputed["holds"] == claim["holds"], (name, label)
        claims = entry["claim"]["strategies"].values()
        assert entry["claim"]["holds"] == all(c["holds"] for c in claims)


def test_committed_benchmark_is_serialized_deterministically(committed):
    assert COMMITTED.read_text(encoding="utf-8") == benchmark.dumps(committed)


def test_format_benchmark_shows_every_dataset(committed):
    text = format_benchmark(committed)
    for name, entry in committed["datasets"].items():
        verdict = "yes" if entry["claim"]["holds"] else "no"
        assert f"claim holds: {verdict}" in text.split(f"{name} (")[1].splitlines()[0]
    assert text.count("| grid_full ") == len(committed["datasets"])


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_committed_benchmark_is_current():
    stale = benchmark_is_current(COMMITTED)
    assert stale == [], (
        "src/tuninglab/data/benchmark.json is out of date; regenerate it with "
        f"`{benchmark.COMMAND}`:\n" + "\n".join(stale[:20])
    )


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
    import numpy as np

    rng = np.random.default_rng(0)
    for relative in (2.2e-16, 1e-14, 1e-11):  # one ulp, a log round-trip, well within
        assert differences(committed, _perturb(committed, relative, rng)) == []


def test_differences_beyond_the_tolerance_are_reported(committed):
    import numpy as np

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
