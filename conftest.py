"""Test-wide settings, and the plugins that run Markdown code blocks and reuse results.

* ``tests/harness/markdown_blocks.py`` collects every ```` ```python ```` block of the
  Markdown files under test and runs it with ``sitebuild.blocks`` (the runner the build
  uses for figures): file:line errors, expected outputs, time limit, no network.
* ``tests/harness/result_cache.py`` skips a test whose inputs are unchanged since it last
  passed on this machine; under ``CI=true`` every test runs.

BLAS and OpenMP are limited to one thread per process so that the test workers (one per
core) do not oversubscribe the machine.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")

pytest_plugins = ["tests.harness.markdown_blocks", "tests.harness.result_cache"]
