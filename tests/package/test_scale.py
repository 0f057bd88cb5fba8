"""The committed scale benchmark (``make bench-scale``) is complete, and what the guide
says about it holds in it.

Timings depend on the machine, so they are recorded, not re-computed here. The claims of
``docs/guides/tuning-at-scale.md`` are checked against every run, not against medians:
a claim the spread does not support fails here.
"""

from __future__ import annotations

import pytest

from tuninglab import scale

pytestmark = pytest.mark.depends_on("src/tuninglab", "docs/guides/tuning-at-scale.md")


@pytest.fixture(scope="module")
def data() -> dict:
    return scale.load_scale_benchmark()


def cell(data: dict, storage: str, label: str) -> dict:
    return next(
        c for c in data["cells"] if c["storage"] == storage and c["problem"].startswith(label)
    )


def test_every_cell_and_case_is_measured_the_same_number_of_times(data) -> None:
    cells = {(c["storage"], c["problem"]) for c in data["cells"]}
    for storage in ("SQLite (embedded)", "PostgreSQL"):
        for label, (model, dataset, _trials) in scale.PROBLEMS.items():
            assert (storage, f"{label} ({model} on {dataset})") in cells
    repeats = data["metadata"]["repeats"]
    assert repeats >= 5
    assert all(len(c["pairs"]) == repeats for c in data["cells"])
    assert all(p["one"] > 0 and p["two"] > 0 for c in data["cells"] for p in c["pairs"])
    assert set(data["nested"]) == set(scale.NESTED_CASES)
    assert all(len(case["runs"]) == repeats for case in data["nested"].values())


def test_the_limits_reach_the_worker_threads_only_from_the_environment(data) -> None:
    """What the thread table's second column shows, on the recording machine."""
    assert data["metadata"]["cpu_count"] > 1
    nested = data["nested"]
    assert nested["threads"]["openmp_threads"] > 1
    assert nested["threads-main-limit"]["openmp_threads"] > 1
    assert nested["threads-env"]["openmp_threads"] == 1


def test_the_tables_show_every_cell(data) -> None:
    assert scale.format_scale_benchmark(data).count("\n") == 1 + len(data["cells"])
    assert all(case in scale.format_nested(data) for case in scale.NESTED_CASES.values())


def runs(data: dict, case: str) -> list[float]:
    return data["nested"][case]["runs"]


def test_the_thread_claims_hold_in_every_run(data) -> None:
    """One machine: `n_jobs` and threads, "What the five runs of each case support"."""
    processes, unlimited = runs(data, "loky"), runs(data, "threads")
    around, environment = runs(data, "threads-main-limit"), runs(data, "threads-env")
    assert min(unlimited) > 3 * max(processes), "unlimited threads: several times as long"
    assert min(around) <= max(unlimited) and min(unlimited) <= max(around), (
        "a limit around the search and no limit should not be distinguishable"
    )
    assert 2 * max(environment) < min(unlimited), "the environment limit: under half"
    assert min(environment) > max(processes), "...and a little slower in every run"


def test_the_scaling_claims_hold_in_every_pair(data) -> None:
    """How far it scales, "What the five pairs support"."""
    long_trials = {
        storage: scale.speedups(cell(data, storage, "1 s trial"))
        for storage in ("SQLite (embedded)", "PostgreSQL")
    }
    for storage, ratios in long_trials.items():
        assert all(1.8 <= ratio <= 2.5 for ratio in ratios), ("about doubles", storage, ratios)
    sqlite_long, postgres_long = long_trials.values()
    assert min(sqlite_long) <= max(postgres_long) and min(postgres_long) <= max(sqlite_long), (
        "long trials: the storages should not be told apart"
    )
    sqlite = scale.speedups(cell(data, "SQLite (embedded)", "0.1 s trial"))
    postgres = scale.speedups(cell(data, "PostgreSQL", "0.1 s trial"))
    assert max(sqlite) < min(postgres), "every SQLite pair below every PostgreSQL pair"
    one_sqlite = [p["one"] for p in cell(data, "SQLite (embedded)", "0.1 s trial")["pairs"]]
    one_postgres = [p["one"] for p in cell(data, "PostgreSQL", "0.1 s trial")["pairs"]]
    assert min(one_sqlite) > max(one_postgres), "one worker, short trials: SQLite faster"


def test_the_guide_describes_the_benchmark_the_code_runs() -> None:
    """The sizes and repeat counts the guide's prose gives are the ones in tuninglab.scale."""
    from pathlib import Path

    page = Path(__file__).parents[2] / "docs/guides/tuning-at-scale.md"
    text = " ".join(page.read_text(encoding="utf-8").split())
    grid = '{"learning_rate": [0.1, 0.2], "max_leaf_nodes": [15, 31]}'
    assert grid in scale.NESTED_SCRIPT and "cv=3" in scale.NESTED_SCRIPT
    assert "(4 configurations × 3 folds on digits)" in text
    words = {5: "five"}
    assert f"in four ways, {words[scale.REPEATS]} times each" in text
    assert len(scale.NESTED_CASES) == 4
    assert f"made in {words[scale.REPEATS]} pairs" in text
    assert f"What the {words[scale.REPEATS]} pairs support" in text
