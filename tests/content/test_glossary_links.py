"""Every glossary term a guide uses links to the glossary at its first use on the page.

A term's first use is its first occurrence in the guide's prose: not in code, inline
code, maths, headings, tables, admonition titles or the text of another link. Words
that a guide uses in their everyday sense ("how to study", "30 trials" of an experiment)
are listed in :data:`OTHER_SENSE` with the phrase that shows it, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO

pytestmark = pytest.mark.depends_on("docs/guides", "docs/glossary.md")

GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))
LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)\)")
OTHER_SENSE: dict[tuple[str, str], tuple[str, ...]] = {
    ("choosing-a-tuning-strategy", "parameter"): ("scale parameters", "parameters such as `C`"),
    # repetitions of the experiment, throughout the page
    ("cross-validation-and-nested-cv", "trial"): ("trial",),
    ("cross-validation-and-nested-cv", "study"): ("the study that made",),
    ("train-validation-test", "study"): ("how to study", "the study that made"),
    ("train-validation-test", "fit"): ("pieces fit together",),
    ("underfitting-and-overfitting", "fit"): ("change that fits",),
    ("tuning-at-scale", "parameter"): ("parameter importances",),
    ("successive-halving-and-pruning", "parameter"): ("integer parameter)",),
    ("parameters-vs-hyperparameters", "study"): ("A study of", "a study of seeds"),
    ("hyperparameter-catalogue", "fit"): ("fits in memory",),
    ("bayesian-optimisation-with-optuna", "estimator"): ("Parzen Estimator",),
}
"""``(guide, glossary anchor)`` -> phrases whose occurrence of the term means something
else (an everyday word, an experiment's repetitions): not a use of the glossary term."""


def glossary_terms() -> list[tuple[str, str]]:
    """``(term, anchor)`` for every glossary entry; the term without its parenthesis."""
    text = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    terms = []
    for match in re.finditer(r"^### (.+?) \{ #([a-z0-9-]+) \}", text, re.M):
        name = re.sub(r"\s*\(.*?\)", "", match.group(1)).replace("`", "").strip()
        terms.append((name, match.group(2)))
    return terms


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of the prose a reader reads as running text."""
    lines = text.splitlines()
    start = lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0
    in_code = False
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        skipped = ("#", "<!--", "|", "![", "??? ", "???+ ", "!!! ")
        if in_code or stripped.startswith(skipped):
            continue
        yield number + 1, lines[number]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def first_unlinked_use(guide: str, text: str, term: str, anchor: str) -> tuple[int, str] | None:
    """The line and words of a term's first use if that use is not a glossary link."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:e?s)?(?![\w-])", re.I)
    other_sense = OTHER_SENSE.get((guide, anchor), ())
    for number, line in prose_lines(text):
        masked = re.sub(r"`[^`]*`", _blank, line)
        masked = re.sub(r"\$[^$]*\$", _blank, masked)
        links = [(m.start(1), m.end(1), m.group(2)) for m in LINK.finditer(masked)]
        for m in LINK.finditer(masked):  # a link's target is not prose
            masked = masked[: m.start(2)] + " " * len(m.group(2)) + masked[m.end(2) :]
        for found in pattern.finditer(masked):
            targets = [target for a, b, target in links if a <= found.start() < b]
            if targets:
                if targets[0].endswith(f"glossary.md#{anchor}"):
                    return None
                continue  # the words of another link: the reader follows that link
            if any(phrase in line for phrase in other_sense):
                continue
            return number, found.group(0)
    return None


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_each_glossary_term_links_at_its_first_use(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    missing = [
        f"docs/guides/{path.name}:{line}: first use of {words!r} should link to "
        f"../glossary.md#{anchor}"
        for term, anchor in glossary_terms()
        if (found := first_unlinked_use(path.stem, text, term, anchor))
        for line, words in [found]
    ]
    assert missing == [], "\n".join(missing)


def test_the_check_finds_an_unlinked_first_use() -> None:
    text = "---\ntitle: t\n---\n\nYou tune a [hyperparameter](../glossary.md#hyperparameter).\n"
    assert first_unlinked_use("x", text, "hyperparameter", "hyperparameter") is None
    text = "---\ntitle: t\n---\n\nThe `seed` and the seed, then [seed](../glossary.md#seed).\n"
    assert first_unlinked_use("x", text, "seed", "seed") == (5, "seed")
    text = "```python\nseed = 1\n```\n\nSee [Seeds](other.md) and [seeds](../glossary.md#seed).\n"
    assert first_unlinked_use("x", text, "seed", "seed") is None
