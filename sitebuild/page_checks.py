"""Every check that reads one Markdown page on its own, as a function of its text.

The build runs :func:`check` on each page (``sitebuild/hooks.py``), and so does
``make test-fast T=docs/…`` (the ``x.md::page`` item of ``tests/harness``), so a
contributor sees the same ``file:line`` findings in both. Nothing here imports MkDocs.

The checks: images without alt text; admonition titles with backslash-escaped quotes;
fences that look like Python but would never run; install lines that do not cover the
page's code (:mod:`sitebuild.install_lines`); and, for a guide, sentences left from the
template (an error once the guide is on the learning path; for a draft, a list of what is
still to write), its "Check yourself" section (:mod:`sitebuild.self_check`), glossary terms
not linked at their first use and prerequisites that come later on the learning path
(:mod:`sitebuild.path_checks`). Each reads the page's fences and prose through
:mod:`sitebuild.page_model`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sitebuild import blocks, guide_pages, install_lines, path_checks, self_check
from sitebuild.frontmatter import Finding

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "tools" / "guide_template.md"
REPORTS = REPO / ".cache" / "page-checks"
"""Each page's report, kept by :func:`check_cached` under the hash of all it depends on."""
KEPT_REPORTS = 400
"""Reports kept (the most recently used): ten for each state of each page."""


@dataclass
class PageReport:
    """What the checks found in one page, and the guide's self-check cards."""

    findings: list[Finding] = field(default_factory=list)
    cards: list[self_check.Card] = field(default_factory=list)
    to_write: list[Finding] = field(default_factory=list)
    """A draft's template sentences: listed, not errors, until the draft leaves the drafts."""


@dataclass(frozen=True)
class SiteFacts:
    """What the checks of one page need to know about the rest of the site."""

    template: list[str]
    """The template sentences a finished guide must have replaced."""
    package: install_lines.Package
    terms: list[tuple[str, str]]
    """Every glossary entry, as ``(term, anchor)``."""
    order: list[str]
    """The learning path's guides in order, then the drafts."""
    drafts: frozenset[str] = frozenset()
    """The guides listed under "Guides in progress" (:data:`path_checks.IN_PROGRESS`)."""


SITE_FACT_SOURCES = (
    "mkdocs.yml",
    "docs/glossary.md",
    "tools/guide_template.md",
    "pyproject.toml",
    "requirements.lock",
)
"""Every file :func:`site_facts` reads (for the real site): a page's checks depend on the
page and on these, not on the other pages (``tests/site_build/test_page_checks.py`` holds
the list to what :func:`site_facts` really opens)."""


def site_facts(nav: list, docs: Path) -> SiteFacts:
    """:class:`SiteFacts` of a site: its nav (``mkdocs.yml``'s ``nav:``) and ``docs/``.

    A site without ``glossary.md`` has no terms to link; one whose nav has no sections
    has no learning path to check prerequisites against.
    """
    glossary = docs / "glossary.md"
    return SiteFacts(
        template=guide_pages.template_placeholders(TEMPLATE.read_text(encoding="utf-8")),
        package=install_lines.read_package(),
        terms=path_checks.glossary_terms(glossary.read_text(encoding="utf-8"))
        if glossary.is_file()
        else [],
        order=path_checks.path_order(nav),
        drafts=frozenset(path_checks.drafts(nav)),
    )


def check(where: str, text: str, path: Path, *, guide: bool, site: SiteFacts) -> PageReport:
    """Run every single-page check on ``text``.

    Args:
        where: The page as messages name it (``docs/guides/x.md``).
        text: The page's Markdown, front matter included.
        path: Where the page's blocks come from.
        guide: Whether the page is a guide (template, self-check, glossary-link and
            prerequisite rules apply).
        site: What the checks need to know about the rest of the site.
    """
    report = PageReport()
    report.findings += guide_pages.missing_alt_text(where, text)
    report.findings += guide_pages.escaped_quotes_in_titles(where, text)
    try:
        page_blocks = blocks.parse_text(text, path, where)
        report.findings += blocks.silent_fence_findings(text, where)
        report.findings += install_lines.check(where, text, page_blocks, site.package)
    except blocks.BlockError as error:  # an unclosed fence: nothing after it can be read
        line = str(error).removeprefix(f"{where}:").split(":", 1)[0]
        report.findings.append(
            Finding(where, int(line) if line.isdigit() else 1, str(error).split(": ", 1)[-1])
        )
    if guide:
        slug = path.stem
        draft = slug in site.drafts
        left = guide_pages.placeholders_left(where, text, site.template, draft=draft)
        if draft:
            report.to_write += left
        else:
            report.findings += left
        report.cards, found = self_check.parse(where, text)
        report.findings += found
        report.findings += path_checks.unlinked_terms(where, slug, text, site.terms)
        report.findings += path_checks.prerequisite_order(where, slug, text, site.order)
    report.findings.sort(key=lambda finding: finding.line)
    return report


@functools.cache
def _checks_code() -> bytes:
    """Every module of ``sitebuild`` (the checks and all they call), as one digest."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.digest()


def check_cached(
    where: str, text: str, path: Path, *, guide: bool, site: SiteFacts, cache: Path = REPORTS
) -> PageReport:
    """:func:`check`, kept in ``cache`` under the hash of its arguments and of ``sitebuild``.

    The hash covers every module of ``sitebuild`` (the checks and all they call), so a
    warm build re-checks only the pages that changed (all of them take about 0.9 s).
    Under ``CI=true`` every page is checked afresh.
    """
    if os.environ.get("CI", "").lower() == "true":
        return check(where, text, path, guide=guide, site=site)
    facts = (site.template, site.package, site.terms, site.order, sorted(site.drafts))
    inputs = repr((where, text, str(path), guide, facts)).encode()
    kept = cache / f"{hashlib.sha256(_checks_code() + inputs).hexdigest()}.pickle"
    try:
        report = pickle.loads(kept.read_bytes())
        kept.touch()
        return report
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass  # not kept yet, or kept by other code: check again
    report = check(where, text, path, guide=guide, site=site)
    cache.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(pickle.dumps(report))
    partial.replace(kept)
    reports = sorted(cache.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in reports[KEPT_REPORTS:]:
        old.unlink(missing_ok=True)
    return report


def draft_summary(where: str, to_write: list[Finding]) -> str:
    """What the build and ``make test-fast`` say of a draft's template sentences."""
    lines = "\n".join(f"  {finding}" for finding in to_write)
    return (
        f"{where} is a draft with {len(to_write)} template sentence(s) still to write "
        f"(the site is not published while any are left):\n{lines}"
    )


def unwritten_drafts(mkdocs_yml: Path) -> list[Finding]:
    """Every template sentence left in a draft of the site ``mkdocs_yml`` configures.

    The build lets a draft keep them, so that ``make test`` stays green while a guide is
    written; publishing does not (``python -m sitebuild.page_checks --publishable``).
    """
    nav = path_checks.read_nav(mkdocs_yml.read_text(encoding="utf-8"))
    template = guide_pages.template_placeholders(TEMPLATE.read_text(encoding="utf-8"))
    found = []
    for slug in path_checks.drafts(nav):
        page = mkdocs_yml.parent / "docs" / "guides" / f"{slug}.md"
        if page.is_file():
            where = page.relative_to(mkdocs_yml.parent).as_posix()
            text = page.read_text(encoding="utf-8")
            found += guide_pages.placeholders_left(where, text, template, draft=True)
    return found


def main(argv: list[str]) -> int:
    """``--publishable``: exit 1, listing each line, if a draft still holds template text."""
    if argv != ["--publishable"]:
        print("usage: python -m sitebuild.page_checks --publishable", file=sys.stderr)
        return 2
    found = unwritten_drafts(REPO / "mkdocs.yml")
    for finding in found:
        print(finding, file=sys.stderr)
    if found:
        print(
            f"not publishing: {len(found)} template sentence(s) left in drafts under "
            "Guides in progress; write them, or take the draft out of mkdocs.yml's nav",
            file=sys.stderr,
        )
        return 1
    print("publishable: no draft holds template sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
