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
