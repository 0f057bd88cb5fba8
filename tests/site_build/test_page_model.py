"""One fence rule for every scanner of a page (sitebuild.page_model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import blocks, guide_pages, links, page_model, path_checks, self_check

pytestmark = pytest.mark.depends_on("sitebuild")

# A ```text block that shows a ~~~ line, a longer fence that holds a ``` line, and then
# prose with an image without alt text, a link and a self-check heading.
TRICKY = (
    "```text\n"  # 1
    "~~~\n"  # 2: text inside the block, not a fence
    "```\n"  # 3: closes the block
    "\n"
    "````markdown\n"  # 5
    "```python\n"  # 6: text inside the longer fence
    "![](inside.svg) [in](inside.md)\n"  # 7
    "```\n"  # 8
    "````\n"  # 9: closes it
    "\n"
    "![](figure.svg) and [a link](other.md)\n"  # 11
    "\n"
    "## Check yourself\n"  # 13
)


def test_fences_close_only_on_a_run_of_the_same_character_at_least_as_long() -> None:
    found = page_model.fences(TRICKY, "x.md")
    assert [(f.line, f.info, f.end) for f in found] == [(1, "text", 3), (5, "markdown", 9)]
    assert [number for number, _ in page_model.prose_lines(TRICKY)] == [4, 10, 11, 12, 13]


def test_every_scanner_reads_the_tricky_page_the_same_way() -> None:
    assert [f.line for f in guide_pages.missing_alt_text("x.md", TRICKY)] == [11]
    assert [(link.line, link.url) for link in links.links_in(TRICKY)] == [
        (11, "figure.svg"),
        (11, "other.md"),
    ]
    assert [number for number, _ in path_checks.prose_lines(TRICKY)] == [4, 10, 12]
    assert [block.line for block in blocks.parse_text(TRICKY, Path("x.md"))] == []
    cards, found = self_check.parse("x.md", TRICKY)
    assert cards == [] and "no '## Check yourself'" not in " ".join(map(str, found))


def test_an_indented_block_keeps_its_blank_lines_so_its_lines_match_the_page() -> None:
    text = '??? success "Solution"\n\n    ```python\n    x = 1\n\n    y = 2\n    ```\n'
    (fence,) = page_model.fences(text, "x.md")
    assert fence.body == ["x = 1\n", "\n", "y = 2\n"]
    (block,) = blocks.parse_text(text, Path("x.md"))
    assert block.code == "x = 1\n\ny = 2\n"


def test_an_unclosed_fence_is_named_with_its_line() -> None:
    with pytest.raises(page_model.UnclosedFence, match=r"^x\.md:3: code fence is never closed"):
        page_model.fences("text\n\n~~~~python\nx = 1\n~~~\n", "x.md")
    assert page_model.code_lines("a\n```\nb\n") == {2, 3}


def test_reading_time_counts_prose_and_code_words_but_not_fence_lines() -> None:
    assert page_model.code_words("```python\nx = 1\n```\nwords here\n") == 3
    assert guide_pages.reading_minutes("word " * 150 + "\n```python\n" + "y\n" * 60 + "```\n") == 2


def test_a_title_with_escaped_quotes_is_reported_at_its_line() -> None:
    text = (
        '??? question "Is \\"validation\\" the test set?"\n\n'  # 1: shows the backslashes
        "!!! note \"Quoted “properly” and 'so'\"\n\n"  # 3: fine
        '```text\n??? question "\\"in code\\""\n```\n'  # 5-7: code, not a title
    )
    found = guide_pages.escaped_quotes_in_titles("x.md", text)
    assert [(f.line, str(f).split(": ", 1)[1][:20]) for f in found] == [
        (1, 'title shows \\" to th')
    ]


def test_no_page_has_a_title_with_escaped_quotes() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    found = [
        str(finding)
        for page in sorted(docs.rglob("*.md"))
        for finding in guide_pages.escaped_quotes_in_titles(
            page.relative_to(docs.parent).as_posix(), page.read_text(encoding="utf-8")
        )
    ]
    assert found == []
