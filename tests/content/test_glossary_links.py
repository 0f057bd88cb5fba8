"""The glossary-link check (sitebuild.path_checks), which the build runs on every guide:
every glossary term a guide uses links to the glossary at its first use on the page."""

from __future__ import annotations

import pytest

from sitebuild.path_checks import first_unlinked_use, glossary_terms, unlinked_terms
from tests.support import REPO

pytestmark = pytest.mark.depends_on("docs/glossary.md")


def test_the_check_finds_an_unlinked_first_use() -> None:
    text = "---\ntitle: t\n---\n\nYou tune a [hyperparameter](../glossary.md#hyperparameter).\n"
    assert first_unlinked_use("x", text, "hyperparameter", "hyperparameter") is None
    text = "---\ntitle: t\n---\n\nThe `seed` and the seed, then [seed](../glossary.md#seed).\n"
    assert first_unlinked_use("x", text, "seed", "seed") == (5, "seed")
    text = "```python\nseed = 1\n```\n\nSee [Seeds](other.md) and [seeds](../glossary.md#seed).\n"
    assert first_unlinked_use("x", text, "seed", "seed") is None


def test_a_finding_names_the_line_and_the_link_to_write() -> None:
    (finding,) = unlinked_terms("docs/guides/x.md", "x", "Pick a seed.\n", [("seed", "seed")])
    assert str(finding).startswith(
        "docs/guides/x.md:1: first use of 'seed' should link to its glossary entry: "
        "[seed](../glossary.md#seed)"
    )


def test_the_real_glossary_has_its_terms() -> None:
    terms = glossary_terms((REPO / "docs" / "glossary.md").read_text(encoding="utf-8"))
    assert len(terms) > 40 and ("Hyperparameter", "hyperparameter") in terms
