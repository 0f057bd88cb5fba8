"""The "Check yourself" section of every guide, and the flashcards page built from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitebuild import self_check
from tests.support import REPO

pytestmark = pytest.mark.depends_on()  # the code only (every key holds it); the guides below

GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))


def section(*questions: str, extra: str = "") -> str:
    body = "".join(
        f'??? question "{q}"\n\n    Because. See [The idea](#the-idea).\n\n' for q in questions
    )
    return f"# Page\n\n## The idea\n\nText.\n\n## Check yourself\n\n{extra}{body}## Key takeaways\n"


def test_questions_answers_and_lines_are_read():
    text = section("Why?", "How?", "What if?")
    cards, problems = self_check.parse("g.md", text)
    assert problems == []
    assert [c.question for c in cards] == ["Why?", "How?", "What if?"]
    assert cards[0].answer == "Because. See [The idea](#the-idea)."
    assert text.splitlines()[cards[1].line - 1].startswith('??? question "How?"')


def test_a_guide_without_a_self_check_is_named():
    _, problems = self_check.parse("docs/guides/x.md", "# Page\n\n## Key takeaways\n")
    assert [str(p) for p in problems] == [
        "docs/guides/x.md:1: no '## Check yourself' section: end every guide with 3-6 "
        "questions (see CONTRIBUTING.md, 'Check yourself')"
    ]


@pytest.mark.parametrize("count", [2, 7])
def test_too_few_or_too_many_questions(count):
    text = section(*(f"Q{i}?" for i in range(count)))
    _, problems = self_check.parse("g.md", text)
    heading_line = text.splitlines().index("## Check yourself") + 1
    assert [str(p) for p in problems] == [
        f"g.md:{heading_line}: '## Check yourself' has {count} questions; write 3 to 6"
    ]


def test_an_answer_must_link_to_the_section_that_teaches_it():
    text = section("A?", "B?") + ""
    text = text.replace(
        "## Key takeaways", '??? question "C?"\n\n    See the docs.\n\n## Key takeaways'
    )
    _, problems = self_check.parse("g.md", text)
    assert len(problems) == 1 and "does not link to the section that teaches it" in str(problems[0])
    line = text.splitlines().index('??? question "C?"') + 1
    assert str(problems[0]).startswith(f"g.md:{line}:")


def test_stray_text_in_the_section_is_pinned_to_its_line():
    text = section("A?", "B?", "C?", extra="Some loose paragraph.\n\n")
    _, problems = self_check.parse("g.md", text)
    line = text.splitlines().index("Some loose paragraph.") + 1
    assert [p.line for p in problems] == [line]


def test_a_heading_inside_a_code_block_is_not_the_section():
    text = "```text\n## Check yourself\n```\n\n## Key takeaways\n"
    _, problems = self_check.parse("g.md", text)
    assert "no '## Check yourself' section" in str(problems[0])


def test_flashcards_rewrite_links_to_work_from_the_root():
    card = self_check.Card(
        "Why?",
        "See [here](#the-idea), [there](other-guide.md#x), [term](../glossary.md#fit) "
        "and [docs](https://scikit-learn.org/).",
        10,
    )
    page = self_check.flashcards_markdown([("my-guide", "My guide", [card])])
    assert "](guides/my-guide.md#the-idea)" in page
    assert "](guides/other-guide.md#x)" in page
    assert "](glossary.md#fit)" in page
    assert "](https://scikit-learn.org/)" in page
    assert "## My guide" in page and '??? question "Why?"' in page
    assert "1 questions from 1 guides" in page


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=p.stem, marks=pytest.mark.depends_on(p.relative_to(REPO).as_posix()))
        for p in GUIDES
    ],
)
def test_every_guide_has_a_self_check(path: Path):
    rel = path.relative_to(REPO).as_posix()
    cards, problems = self_check.parse(rel, path.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(str(p) for p in problems)
    for card in cards:
        assert re.search(r"\]\(#[A-Za-z0-9_-]+\)", card.answer), card.question
