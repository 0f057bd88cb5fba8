"""The committed scale benchmark (``make bench-scale``) is complete and consistent.

Rates depend on the machine, so they are recorded, not re-computed here.
"""

from __future__ import annotations

import pytest

from tuninglab import scale

pytestmark = pytest.mark.depends_on("src/tuninglab")


@pytest.fixture(scope="module")
def data() -> dict:
    return scale.load_scale_benchmark()


def test_every_cell_is_measured(data) -> None:
    cells = {(c["storage"], c["problem"], c["workers"]) for c in data["cells"]}
    storages = {c["storage"] for c in data["cells"]}
    assert {"SQLite (embedded)", "PostgreSQL"} <= storages
    for storage in storages:
        for label, (model, dataset, _trials) in scale.PROBLEMS.items():
            for workers in scale.WORKERS:
                assert (storage, f"{label} ({model} on {dataset})", workers) in cells
    assert all(c["trials_per_second"] > 0 and c["wall_seconds"] > 0 for c in data["cells"])
    assert set(data["nested_seconds"]) == set(scale.NESTED_CASES)


def test_short_trials_run_faster_than_long_ones(data) -> None:
    rate = {
        (c["storage"], c["problem"][:11], c["workers"]): c["trials_per_second"]
        for c in data["cells"]
    }
    for (storage, problem, workers), value in rate.items():
        if problem.startswith("0.1 s"):
            assert value > rate[(storage, "1 s trial (", workers)]


def test_the_tables_show_every_cell(data) -> None:
    text = scale.format_scale_benchmark(data)
    assert text.count("\n") == 1 + len(data["cells"]) // 2
    assert all(case in scale.format_nested(data) for case in scale.NESTED_CASES.values())
