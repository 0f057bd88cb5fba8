"""The "Check yourself" section every guide ends with, and the flashcards page built from them.

A guide's self-check is a ``## Check yourself`` section of 3 to 6 collapsible questions::

    ## Check yourself

    ??? question "Why is the best CV score of a search optimistic?"

        It is the maximum of noisy estimates ... [Read a best CV score](#read-a-best-cv-score).

Each answer links to the section of its guide that teaches it (a ``](#anchor)`` link;
the build's link check makes sure the anchor exists). :func:`parse` reads the questions
and reports what is wrong with ``file:line``; :func:`flashcards_markdown` writes the
flashcards page: every question of every guide, grouped by guide, links rewritten so
they work from the site's root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitebuild.frontmatter import Finding
from sitebuild.page_model import prose_lines

HEADING = "## Check yourself"
MIN_QUESTIONS, MAX_QUESTIONS = 3, 6
PAGE_URI = "flashcards.md"
"""Where the build puts the flashcards page (generated, not in ``docs/``)."""

_QUESTION = re.compile(r'^\?\?\?\+? question "(?P<text>.+)"\s*$')
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


@dataclass(frozen=True)
class Card:
    """One self-check question and its answer (Markdown, not indented)."""

    question: str
    answer: str
    line: int


def _section(text: str) -> tuple[int, int] | None:
    """Start (the heading's index) and end (exclusive) of the self-check section."""
    start = None
    for number, line in prose_lines(text):
        if start is None and line.rstrip() == HEADING:
            start = number - 1
        elif start is not None and line.startswith("## "):
            return start, number - 1
    return (start, len(text.splitlines())) if start is not None else None


def _dedent(body: list[str]) -> str:
    text = "\n".join(line[4:] if line.startswith("    ") else line.strip() for line in body)
    return text.strip("\n")


def parse(rel_path: str, text: str) -> tuple[list[Card], list[Finding]]:
    """Read a guide's self-check questions.

    Args:
        rel_path: The guide's path, for messages.
        text: The guide's Markdown.

    Returns:
        The cards and the problems found: no section, too few or too many questions,
        text in the section that is not a question, or an answer without a link to a
        section of the guide.
    """
    lines = text.splitlines()
    found = _section(text)
    if found is None:
        return [], [
            Finding(
                rel_path,
                1,
                f"no '{HEADING}' section: end every guide with {MIN_QUESTIONS}-{MAX_QUESTIONS} "
                "questions (see CONTRIBUTING.md, 'Check yourself')",
            )
        ]
    start, end = found
    cards: list[Card] = []
    problems: list[Finding] = []
    current: tuple[str, int, list[str]] | None = None

    def close() -> None:
        if current is None:
            return
        question, line, body = current
        answer = _dedent(body)
        cards.append(Card(question, answer, line))
        if not answer:
            problems.append(Finding(rel_path, line, f"question {question!r} has no answer"))
        elif not any(m["target"].startswith("#") for m in _LINK.finditer(answer)):
            problems.append(
                Finding(
                    rel_path,
                    line,
                    f"the answer to {question!r} does not link to the section that teaches "
                    "it; end it with a link such as [The idea](#the-idea)",
                )
            )

    for index in range(start + 1, end):
        line = lines[index]
        match = _QUESTION.match(line)
        if match:
            close()
            current = (match["text"], index + 1, [])
        elif current is not None and (line.startswith("    ") or not line.strip()):
            current[2].append(line)
        elif line.strip():
            problems.append(
                Finding(
                    rel_path,
                    index + 1,
                    "only '??? question \"...\"' blocks with indented answers belong in "
                    f"'{HEADING}'; this line is neither",
                )
            )
    close()
    if not MIN_QUESTIONS <= len(cards) <= MAX_QUESTIONS:
        problems.append(
            Finding(
                rel_path,
                start + 1,
                f"'{HEADING}' has {len(cards)} questions; write {MIN_QUESTIONS} to {MAX_QUESTIONS}",
            )
        )
    return cards, problems


def rebase(answer: str, slug: str) -> str:
    """Rewrite a guide's relative links so they work from the site's root."""

    def fix(match: re.Match[str]) -> str:
        target = match["target"]
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            return match[0]
        if target.startswith("#"):
            return f"](guides/{slug}.md{target})"
        if target.startswith("../"):
            return f"]({target[3:]})"
        return f"](guides/{target})"

    return _LINK.sub(fix, answer)


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.splitlines())


DECK_SCRIPT = "assets/javascripts/flashcards.js"
"""The script that shows the flashcards one at a time (without it, the page is a list)."""


def flashcards_markdown(decks: list[tuple[str, str, list[Card]]], deck_uri: str = "") -> str:
    """The flashcards page: every guide's questions, in reading order.

    The cards sit in a ``tl-cards`` block that :data:`DECK_SCRIPT` turns into one card at
    a time; without JavaScript the page is the list of collapsed questions.

    Args:
        decks: ``(slug, title, cards)`` per guide, in the order of the site's nav; a
            guide without cards is left out (the build reports its missing section).
        deck_uri: The Anki deck of the same cards, linked from the page ("" for none).

    Returns:
        The page's Markdown.
    """
    decks = [deck for deck in decks if deck[2]]  # a guide with no section is refused itself
    total = sum(len(cards) for _, _, cards in decks)
    download = (
        f" To study them in [Anki](https://apps.ankiweb.net/), download "
        f"[the same {total} cards as a deck]({deck_uri}) and import it; a newer deck "
        "updates the cards you already have."
        if deck_uri
        else ""
    )
    parts = [
        "---\ntitle: Flashcards\ndescription: Every guide's self-check questions in one "
        "place, one card at a time, to answer in your head before you turn it over.\n---\n",
        f"{total} questions from {len(decks)} guides, the ones at the end of each guide, "
        "collected when the site is built. Answer each one in your head, then turn the card "
        "over: every answer links to the section that teaches it. Cards you mark *Got it* "
        "are left out next time (this browser remembers them, and nothing leaves it); "
        "*Show again* puts a card back at the end of the pile. Keys: ++space++ turns the "
        "card, ++1++ shows it again later, ++2++ marks it got, ++left++ and ++right++ move "
        f"between cards.{download}\n",
        '<div class="tl-cards" markdown>\n',
    ]
    for slug, title, cards in decks:
        parts.append(f"## {title}\n\nFrom [{title}](guides/{slug}.md#check-yourself).\n")
        for card in cards:
            parts.append(
                f'??? question "{card.question}"\n\n{_indent(rebase(card.answer, slug))}\n'
            )
    parts.append(f'</div>\n\n<script src="../{DECK_SCRIPT}"></script>\n')
    return "\n".join(parts)
