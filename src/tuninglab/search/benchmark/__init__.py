"""The benchmark behind the guide page: what each search strategy is for, measured fairly.

Design, fixed before any result was looked at:

* **Outer split.** For every repetition and dataset the data are split once, stratified,
  70/30. Every strategy searches with cross-validation on the 70% only. At a few
  checkpoints of fits spent (:data:`CHECKPOINTS` of its budget) the configuration it
  would choose then (its best CV score so far) is refit on the 70% and scored on the
  30% it never selected on. That *outer-test score of the chosen configuration* at the
  full budget is the headline number. A best CV score is not: it is a maximum over
  noisy estimates, and a search that tries more configurations gets more optimism.
* **Two spaces** (:data:`SPACES`). ``svc``: an RBF ``SVC`` on standardized features,
  ``C`` in [1e-2, 1e5] and ``gamma`` in [1e-5, 1e1] on log scales, 3-fold CV; the full
  8 x 7 grid (168 fits) against a coarse grid, random search, successive halving and
  TPE with a quarter of its fits (42). ``hgb``: ``HistGradientBoostingClassifier`` with
  five hyperparameters (:func:`tuninglab.search.problems.hgb`), 3-fold CV, where a grid
  is hopeless; random search, halving and TPE with 90 fits each (30 configurations, of
  which TPE draws the first 10 at random and models the other 20).
* **Independent random streams.** Every dataset x space x strategy x repetition has its
  own seed, derived with ``np.random.SeedSequence``; the strategies of one repetition
  share its outer split and CV folds (also seeded per repetition and dataset), so their
  outer-test scores can be compared in pairs.
* **Statistics.** Per dataset x space and strategy: median and interquartile range of
  the outer-test score over :data:`REPETITIONS` repetitions. Each strategy is compared
  with a reference (random search; on ``svc`` also the full grid) by the per-repetition
  differences of outer-test scores: their mean, the corrected resampled t-interval
  (Nadeau and Bengio 2003; the repetitions' splits overlap), a p-value and an
  equivalence test with margin :data:`EQUIVALENCE_MARGIN`, both Holm-adjusted over the
  comparisons of one table, and the smallest difference the comparison could detect.
  The verdict is ``"better"`` or ``"worse"`` when the adjusted p is below 0.05,
  ``"equivalent"`` when the adjusted equivalence p is, and ``"not distinguishable"``
  otherwise. Across the datasets of a space, Friedman's test on mean ranks with
  Nemenyi's critical difference (Demšar 2006). Nothing more is claimed.

Run it with ``python -m tuninglab benchmark``: it rewrites the results that ship with the
package (``tuninglab/data/benchmark.json``; read them with :func:`load_benchmark`). The
JSON has sorted keys, scores rounded to 4 decimals and every repetition's raw record;
wall times sit under the top-level ``wall_time`` key, which the comparisons ignore.
``--check`` re-runs everything (:func:`benchmark_is_current`); :func:`spot_check` re-runs
only the first repetitions and is what the test suite uses.

The modules, one job each (every public name is also importable from this package):

* :mod:`~tuninglab.search.benchmark.design`: the spaces, datasets, budgets, seeds, outer
  split and checkpoints, and :func:`metadata`, the same written down for the JSON;
* :mod:`~tuninglab.search.benchmark.runs`: one strategy on one repetition
  (:func:`run_one`) and every run of some repetitions in parallel (:func:`run_records`);
* :mod:`~tuninglab.search.benchmark.stats`: summaries, paired intervals and verdicts;
* :mod:`~tuninglab.search.benchmark.store`: the whole benchmark (:func:`run_benchmark`)
  and its JSON file (:func:`results_path`, :func:`load_benchmark`, :func:`dumps`,
  :func:`write_benchmark`);
* :mod:`~tuninglab.search.benchmark.staleness`: whether a stored file is still what the
  code gives (:func:`differences`, :func:`spot_check`, :func:`benchmark_is_current`);
* :mod:`~tuninglab.search.benchmark.report`: the results as text (:func:`format_benchmark`).
"""

from tuninglab.search.benchmark.design import (
    CHECKPOINTS,
    COMMAND,
    CONFIDENCE,
    DATASETS,
    EQUIVALENCE_MARGIN,
    HGB_BUDGET,
    HGB_CONFIGS,
    HGB_FOLDS,
    HGB_MAX_ITER,
    NOTES,
    OUTER_TEST_SIZE,
    POWER,
    REPETITIONS,
    SPACES,
    SVC_BUDGET,
    SVC_FOLDS,
    SVC_GRID_FITS,
    SVC_SPACE,
    SYNTHETIC,
    TPE_STARTUP_TRIALS,
    VERDICTS,
    Space,
    checkpoints,
    dataset_arrays,
    metadata,
    outer_split,
    run_seed,
    split_seed,
)
from tuninglab.search.benchmark.report import (
    format_benchmark,
    format_ranks,
)
from tuninglab.search.benchmark.runs import (
    Task,
    choice_at,
    plan,
    run_one,
    run_records,
    search,
)
from tuninglab.search.benchmark.staleness import (
    REL_TOLERANCE,
    benchmark_is_current,
    compare_records,
    differences,
    recomputed,
    same_value,
    spot_check,
)
from tuninglab.search.benchmark.stats import (
    compare_paired,
    comparisons,
    corrected_test,
    describe,
    detectable_difference,
    equivalence_p,
    grid_edges,
    holm,
    paired_interval,
    rank_comparison,
    summarize_entry,
    summarize_strategy,
    verdict,
)
from tuninglab.search.benchmark.store import (
    WALL_TIME_KEY,
    dumps,
    load_benchmark,
    results_path,
    run_benchmark,
    write_benchmark,
)

__all__ = [
    "REPETITIONS",
    "OUTER_TEST_SIZE",
    "CHECKPOINTS",
    "CONFIDENCE",
    "VERDICTS",
    "EQUIVALENCE_MARGIN",
    "POWER",
    "DATASETS",
    "SYNTHETIC",
    "SVC_SPACE",
    "SVC_FOLDS",
    "SVC_GRID_FITS",
    "SVC_BUDGET",
    "HGB_FOLDS",
    "HGB_CONFIGS",
    "HGB_MAX_ITER",
    "HGB_BUDGET",
    "TPE_STARTUP_TRIALS",
    "COMMAND",
    "Space",
    "SPACES",
    "NOTES",
    "split_seed",
    "run_seed",
    "dataset_arrays",
    "outer_split",
    "checkpoints",
    "metadata",
    "search",
    "choice_at",
    "run_one",
    "Task",
    "plan",
    "run_records",
    "paired_interval",
    "corrected_test",
    "equivalence_p",
    "detectable_difference",
    "holm",
    "rank_comparison",
    "verdict",
    "describe",
    "summarize_strategy",
    "compare_paired",
    "comparisons",
    "grid_edges",
    "summarize_entry",
    "WALL_TIME_KEY",
    "run_benchmark",
    "results_path",
    "load_benchmark",
    "dumps",
    "write_benchmark",
    "REL_TOLERANCE",
    "same_value",
    "differences",
    "benchmark_is_current",
    "recomputed",
    "compare_records",
    "spot_check",
    "format_benchmark",
    "format_ranks",
]
