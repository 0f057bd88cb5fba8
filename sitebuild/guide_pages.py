"""What the build adds to every guide: header line, related guides, reading time, alt checks."""

from __future__ import annotations

import math
import posixpath
import re
import sys
from collections.abc import Callable
from importlib.metadata import version

from sitebuild.frontmatter import Finding, Guide, split_front_matter
from sitebuild.page_model import code_words, prose_lines

WORDS_PER_MINUTE = 200
_EMPTY_ALT_RE = re.compile(r"!\[\s*\]\(")
_IMG_TAG_RE = re.compile(r"<img\b(?![^>]*\balt\s*=\s*\"[^\"]+\")[^>]*>", re.IGNORECASE)


def related_slugs(slug: str, guides: dict[str, Guide]) -> list[str]:
    """Guides related to ``slug`` in either direction: its own list first, then back-links.

    An unknown slug is left out (the front-matter check reports it with its line).
    """
    ordered = [other for other in guides[slug].related if other in guides]
    for other in sorted(guides):
        if slug in guides[other].related and other not in ordered:
            ordered.append(other)
    return ordered


def reading_minutes(markdown: str) -> int:
    """Minutes to read a page at 200 words a minute, code blocks included."""
    prose = sum(len(line.split()) for _, line in prose_lines(markdown))
    code = code_words(markdown)
    return max(1, math.ceil((prose + code) / WORDS_PER_MINUTE))


def versions_line() -> str:
    """The versions of Python, scikit-learn and Optuna that built (and tested) the page."""
    python = ".".join(str(part) for part in sys.version_info[:3])
    return (
        f"Verified with Python {python}, scikit-learn {version('scikit-learn')} "
        f"and Optuna {version('optuna')}"
    )


def header_html(guide: Guide, minutes: int, verified: str, unit: str = "read") -> str:
    """The line under a title: difficulty badge, time (``read`` or ``lab``), versions."""
    return (
        '<p class="tl-meta">'
        f'<span class="tl-badge tl-badge--{guide.difficulty}" title="Difficulty">'
        f"{guide.difficulty.capitalize()}</span> "
        f'<span class="tl-readtime">{minutes} min {unit}</span> '
        f'<span class="tl-verified">{verified}</span>'
        "</p>\n\n"
    )


def related_links(slug: str, guides: dict[str, Guide]) -> list[tuple[str, str, Guide]]:
    """``(heading, relative link, page)`` for each related guide or lab, both directions."""
    here = posixpath.dirname(guides[slug].doc_path)
    found = []
    for other in related_slugs(slug, guides):
        page = guides[other]
        heading = "Related labs" if page.kind == "lab" else "Related guides"
        found.append((heading, posixpath.relpath(page.doc_path, here), page))
    return found


def related_markdown(
    slug: str, guides: dict[str, Guide], link: Callable[[Guide], str] | None = None
) -> str:
    """The "Related guides" and "Related labs" sections (links both ways), or nothing.

    The one renderer of these sections, for guides and labs alike. ``link`` gives the
    address of a related page; by default its source file relative to this one, which
    the generator turns into a URL (a lab page, already HTML, passes built URLs).
    """
    sections: dict[str, list[str]] = {}
    for heading, source_link, page in related_links(slug, guides):
        target = link(page) if link else source_link
        sections.setdefault(heading, []).append(f"- [{page.title}]({target}): {page.description}")
    return "".join(
        f"\n\n## {heading}\n\n" + "\n".join(items) + "\n"
        for heading, items in sorted(sections.items(), reverse=True)
    )


def missing_alt_text(rel_path: str, text: str) -> list[Finding]:
    """Images (Markdown or HTML) with no alt text, outside code blocks."""
    problems = []
    for number, line in prose_lines(text):
        if _EMPTY_ALT_RE.search(line) or _IMG_TAG_RE.search(line):
            problems.append(
                Finding(rel_path, number, "image has no alt text: say what the figure shows")
            )
    return problems


_ADMONITION_TITLE_RE = re.compile(r'^(?:\?\?\?\+?|!!!) [\w-]+ "(?P<title>.+)"$')


def escaped_quotes_in_titles(rel_path: str, text: str) -> list[Finding]:
    """Admonition titles (``??? question "..."``) with a backslash-escaped quote.

    Python-Markdown reads the title up to the last quote and does not unescape it, so a
    reader sees the backslash.
    """
    return [
        Finding(
            rel_path,
            number,
            'title shows \\" to the reader as typed (titles are not unescaped): quote '
            "with “…” or single quotes instead",
        )
        for number, line in prose_lines(text)
        if (title := _ADMONITION_TITLE_RE.match(line.strip())) and '\\"' in title["title"]
    ]


def template_placeholders(template: str) -> list[str]:
    """The lines of the guide template that a finished guide must have replaced.

    Those are its prose lines of five words or more (outside code and headings), the
    quoted titles of its admonitions (``??? question "..."``) and the values of its
    ``title`` and ``description`` fields.
    """
    found = []
    for _, line in prose_lines(template):
        text = line.strip()
        if text.startswith(("#", "<!--")):
            continue
        for name in ("title:", "description:"):
            if text.startswith(name):
                text = text.removeprefix(name).strip()
        admonition = _ADMONITION_TITLE_RE.match(text)
        if admonition:  # only the quoted title is the template's words
            text = admonition["title"]
        if len(text.split()) >= 5:
            found.append(text)
    return found


def placeholders_left(
    rel_path: str, text: str, placeholders: list[str], *, draft: bool = False
) -> list[Finding]:
    """Lines of a guide that still hold placeholder text from the template.

    A draft (listed under "Guides in progress") is told what is still to write; a guide
    on the learning path is told that it cannot be there yet.
    """
    problems = []
    for number, line in prose_lines(text):
        hit = next((p for p in placeholders if p in line), None)
        if hit and draft:
            message = f"template sentence still to replace ({hit[:50]!r}…)"
        elif hit:
            message = (
                f"placeholder text from the guide template is still here ({hit[:50]!r}…): "
                "replace it with the guide's own words, or list the guide under Guides in "
                "progress in mkdocs.yml until it is written"
            )
        else:
            continue
        problems.append(Finding(rel_path, number, message))
    return problems


PATH_MARKER = "<!-- learning-path -->"
"""Where the landing page wants the learning path; the build replaces it."""
LABS_MARKER = "<!-- labs -->"
"""Where the landing page wants the list of labs; the build replaces it."""


def body_of(text: str) -> str:
    """A page's Markdown without its front matter (what MkDocs hands to the hooks)."""
    _, closing = split_front_matter(text)
    return "\n".join(text.splitlines()[closing:]) if closing > 0 else text


def learning_path_markdown(
    sections: list[tuple[str, list[str]]], guides: dict[str, Guide], minutes: dict[str, int]
) -> str:
    """The landing page's learning path: the nav's guide sections, in order.

    Args:
        sections: ``(section title, guide slugs)`` in the order of the nav.
        guides: Every guide's front matter, by slug.
        minutes: Every guide's reading time, by slug.

    Returns:
        Markdown: per section a heading line and a numbered list of steps, each with the
        guide's title, difficulty, minutes and description; then the total time.
    """
    parts, step, total = [], 0, 0
    for title, slugs in sections:
        items = []
        for slug in slugs:
            guide, step = guides[slug], step + 1
            total += minutes[slug]
            items.append(
                f'<li value="{step}" markdown>[{guide.title}](guides/{slug}.md) '
                f'<span class="tl-badge tl-badge--{guide.difficulty}">'
                f"{guide.difficulty.capitalize()}</span> {minutes[slug]} min. "
                f"{guide.description}</li>"
            )
        listing = "\n".join(items)
        parts.append(f'**{title}**\n\n<ol class="tl-path" markdown>\n{listing}\n</ol>')
    hours, rest = divmod(total, 60)
    parts.append(
        f"The {step} guides take about {hours} h {rest} min to read; running the code "
        "and the exercises takes longer."
    )
    return "\n\n".join(parts) + "\n"


def labs_after(
    sections: list[tuple[str, list[str]]], prerequisites: dict[str, list[str]]
) -> dict[str, tuple[int, str]]:
    """Where each lab fits on the learning path: after its last prerequisite.

    Args:
        sections: ``(section title, guide slugs)`` in the order of the nav.
        prerequisites: Each lab's prerequisite guides, by lab slug.

    Returns:
        ``(step number, guide slug)`` of the latest prerequisite on the path, by lab slug;
        a lab with no prerequisite on the path is left out.
    """
    steps = {slug: n for n, slug in enumerate((s for _, ss in sections for s in ss), start=1)}
    after = {}
    for lab, needed in prerequisites.items():
        on_path = [(steps[slug], slug) for slug in needed if slug in steps]
        if on_path:
            after[lab] = max(on_path)
    return after


def labs_markdown(
    slugs: list[str], labs: dict[str, Guide], after: dict[str, tuple[int, str]] | None = None
) -> str:
    """The landing page's list of labs, in the nav's order, from the labs' headers.

    Each item gives the lab's title, difficulty, minutes and description, as the
    learning path does for guides, so nothing about a lab is typed twice; and, from the
    lab's **Prerequisites:** (:func:`labs_after`), the step of the path it can follow.
    """
    after = after or {}
    items = []
    for slug in slugs:
        lab = labs[slug]
        when = ""
        if slug in after:
            step, guide = after[slug]
            title = labs[guide].title if guide in labs else guide
            when = f" Do it after step {step}, [{title}](guides/{guide}.md)."
        items.append(
            f"<li markdown>[{lab.title}](labs/{slug}.ipynb) "
            f'<span class="tl-badge tl-badge--{lab.difficulty}">'
            f"{lab.difficulty.capitalize()}</span> {lab.minutes} min. "
            f"{lab.description}{when}</li>"
        )
    return '<ol class="tl-path" markdown>\n' + "\n".join(items) + "\n</ol>\n"
