"""Checks of a guide against the rest of the site: glossary links and the learning path.

* **Glossary links.** Every glossary term a guide uses links to its glossary entry at
  its first use on the page. A first use is the first occurrence in the guide's prose:
  not in code, inline code, maths, headings, tables, admonition titles or the words of
  another link. A guide that uses a term's word in its everyday sense ("how to study",
  the "trials" of an experiment) lists the phrase that shows it in
  :data:`OTHER_SENSE`.
* **Prerequisites.** A guide's ``**Prerequisites:**`` paragraph names only guides that
  come before it on the learning path (the nav's sections in order). A draft, listed
  under "Guides in progress", is checked as if placed at the end of the path.

Each check is a function of a page's text, with line numbers; nothing here imports
MkDocs. The build runs them (``sitebuild/hooks.py``), and so does ``make test-fast``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from sitebuild import page_model
from sitebuild.frontmatter import Finding, split_front_matter

LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)\)")
IN_PROGRESS = "Guides in progress"
"""The nav section `make new-guide` lists a draft in; it is not part of the learning path."""
GUIDES_DIR = "guides/"
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


def glossary_terms(glossary: str) -> list[tuple[str, str]]:
    """``(term, anchor)`` for every glossary entry; the term without its parenthesis."""
    terms = []
    for match in re.finditer(r"^### (.+?) \{ #([a-z0-9-]+) \}", glossary, re.M):
        name = re.sub(r"\s*\(.*?\)", "", match.group(1)).replace("`", "").strip()
        terms.append((name, match.group(2)))
    return terms


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of the prose a reader reads as running text."""
    _, closing = split_front_matter(text)
    start = max(closing, 0)  # an unclosed front matter is reported by its own check
    skipped = ("#", "<!--", "|", "![", "??? ", "???+ ", "!!! ")
    for number, line in page_model.prose_lines(text):
        if number > start and not line.strip().startswith(skipped):
            yield number, line


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


@dataclass(frozen=True)
class ProseLine:
    """A line of prose as the glossary check reads it."""

    number: int
    line: str
    masked: str
    """The line with code spans, maths and link targets blanked (same length)."""
    links: tuple[tuple[int, int, str], ...]
    """``(start, end, target)`` of each link's words."""


def masked_prose(text: str) -> list[ProseLine]:
    """The page's prose lines, read once for every term's check."""
    read = []
    for number, line in prose_lines(text):
        masked = re.sub(r"`[^`]*`", _blank, line)
        masked = re.sub(r"\$[^$]*\$", _blank, masked)
        links = tuple((m.start(1), m.end(1), m.group(2)) for m in LINK.finditer(masked))
        for m in LINK.finditer(masked):  # a link's target is not prose
            masked = masked[: m.start(2)] + " " * len(m.group(2)) + masked[m.end(2) :]
        read.append(ProseLine(number, line, masked, links))
    return read


def first_unlinked_use(
    guide: str, text: str | list[ProseLine], term: str, anchor: str
) -> tuple[int, str] | None:
    """The line and words of a term's first use if that use is not a glossary link.

    ``text`` is the page, or its :func:`masked_prose` when many terms are checked.
    """
    prose = masked_prose(text) if isinstance(text, str) else text
    pattern = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?:e?s)?(?![\w-])", re.I)
    other_sense = OTHER_SENSE.get((guide, anchor), ())
    for read in prose:
        for found in pattern.finditer(read.masked):
            targets = [target for a, b, target in read.links if a <= found.start() < b]
            if targets:
                if targets[0].endswith(f"glossary.md#{anchor}"):
                    return None
                continue  # the words of another link: the reader follows that link
            if any(phrase in read.line for phrase in other_sense):
                continue
            return read.number, found.group(0)
    return None


def unlinked_terms(where: str, slug: str, text: str, terms: list[tuple[str, str]]) -> list[Finding]:
    """A finding for each glossary term whose first use on the guide is not linked."""
    prose = masked_prose(text)
    return [
        Finding(
            where,
            line,
            f"first use of {words!r} should link to its glossary entry: "
            f"[{words}](../glossary.md#{anchor}) (or, if the word means something else "
            "here, add the phrase to OTHER_SENSE in sitebuild/path_checks.py)",
        )
        for term, anchor in terms
        if (found := first_unlinked_use(slug, prose, term, anchor))
        for line, words in [found]
    ]


def prerequisites(text: str) -> tuple[int, list[str]]:
    """The line of a guide's **Prerequisites:** paragraph and the guides it links."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("**Prerequisites:**"):
            paragraph = []
            for following in lines[number - 1 :]:
                if not following.strip():
                    break
                paragraph.append(following)
            links = re.findall(
                r"\]\((?:\.\./guides/)?([a-z0-9-]+)\.md(?:#[^)]*)?\)", " ".join(paragraph)
            )
            return number, links
    return 0, []


def lab_prerequisites(script: str) -> list[str]:
    """The guides a lab's **Prerequisites:** paragraph links (a Jupytext ``.py`` script)."""
    uncommented = "\n".join(re.sub(r"^# ?", "", line) for line in script.splitlines())
    return prerequisites(uncommented)[1]


def prerequisite_order(where: str, slug: str, text: str, order: list[str]) -> list[Finding]:
    """Findings for a missing Prerequisites line or one that names a later guide.

    ``order`` is the path with the drafts at its end (:func:`path_order`).
    """
    if slug not in order:
        return []  # not on the path (or no path): nothing to be before or after
    line, needed = prerequisites(text)
    if not line:
        return [Finding(where, 1, "no **Prerequisites:** line (write 'none' if so)")]
    findings = []
    for other in needed:
        if other not in order:
            findings.append(Finding(where, line, f"prerequisite {other} is not on the path"))
        elif order.index(other) > order.index(slug):
            findings.append(
                Finding(
                    where,
                    line,
                    f"prerequisite {other} comes later on the path (step "
                    f"{order.index(other) + 1}, this guide is step {order.index(slug) + 1}); "
                    "name only guides that come before this one, or move one of them",
                )
            )
    return findings


def nav_paths(entries) -> list[str]:
    """Every page path in a ``nav:`` value, in order."""
    found: list[str] = []
    for entry in entries or []:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            found += nav_paths(value)
        elif isinstance(value, str):
            found.append(value)
    return found


def nav_sections(nav) -> list[tuple[str, list[str]]]:
    """The nav's top-level sections that hold guides: ``(title, guide slugs)`` in order."""
    sections = []
    for entry in nav or []:
        if isinstance(entry, dict):
            title, value = next(iter(entry.items()))
            if isinstance(value, list) and title != IN_PROGRESS:
                slugs = [
                    p.removeprefix(GUIDES_DIR).removesuffix(".md")
                    for p in nav_paths(value)
                    if p.startswith(GUIDES_DIR)
                ]
                if slugs:
                    sections.append((title, slugs))
    return sections


def drafts(nav) -> list[str]:
    """Guides listed under "Guides in progress", in the order listed."""
    for entry in nav or []:
        if isinstance(entry, dict) and IN_PROGRESS in entry:
            return [
                p.removeprefix(GUIDES_DIR).removesuffix(".md")
                for p in nav_paths(entry[IN_PROGRESS])
            ]
    return []


def path_order(nav) -> list[str]:
    """The learning path's guides in order, then the drafts (as if placed at its end)."""
    return [slug for _, slugs in nav_sections(nav) for slug in slugs] + drafts(nav)


def read_config(mkdocs_yml: str) -> dict:
    """``mkdocs.yml`` text as plain YAML (custom tags such as ``!ENV`` read as nothing)."""

    class IgnoreTags(yaml.SafeLoader):
        pass

    IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(mkdocs_yml, Loader=IgnoreTags) or {}


def read_nav(mkdocs_yml: str) -> list:
    """The ``nav:`` of ``mkdocs.yml`` text."""
    return read_config(mkdocs_yml).get("nav") or []


def allowed_tags(mkdocs_yml: str) -> set[str]:
    """The tags plugin's ``tags_allowed`` in ``mkdocs.yml`` text (empty: any tag)."""
    for plugin in read_config(mkdocs_yml).get("plugins") or []:
        if isinstance(plugin, dict) and "tags" in plugin:
            return set((plugin["tags"] or {}).get("tags_allowed") or [])
    return set()
