"""Guards on advice a review found wrong once: a test for each that a test can check."""

from __future__ import annotations

import re

import pytest

from tests.support import REPO

pytestmark = pytest.mark.depends_on("docs", "examples")
SOURCES = sorted([*REPO.glob("docs/**/*.md"), *REPO.glob("examples/*.py")])
BARE_RECALL = re.compile(r"""\b(scoring|refit)\s*=\s*["']recall["']""")


def test_no_page_tunes_on_bare_recall() -> None:
    """Tuning on recall alone is won by flagging everything positive; a page may show
    recall among several scorers, but never tunes or refits on it alone."""
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_RECALL.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_recall_trap_is_shown_with_its_numbers() -> None:
    text = (REPO / "docs/guides/loss-functions-and-metrics.md").read_text(encoding="utf-8")
    assert "make_scorer" in text and "fbeta_score" in text and "average_precision" in text


HYPERBAND_TABLE_1 = """\
s=4: 81×1, 27×3, 9×9, 3×27, 1×81
s=3: 34×3, 11×9, 3×27, 1×81
s=2: 15×9, 5×27, 1×81
s=1: 8×27, 2×81
s=0: 5×81"""
"""Li et al. (JMLR 2018), Table 1: Hyperband's brackets for R = 81 and eta = 3, as
(configurations × resource) per rung, transcribed from the paper."""


def test_the_halving_guide_prints_hyperbands_brackets_as_the_paper_gives_them() -> None:
    # The page's block computes the brackets and its checked output holds them; this
    # ties that output to the paper's table, so neither can drift.
    text = (REPO / "docs/guides/successive-halving-and-pruning.md").read_text(encoding="utf-8")
    assert f"```text\n{HYPERBAND_TABLE_1}\n```" in text
    assert "Table 1 in Li et al. (2018)" in text
