"""The learning path: the nav's order, prerequisites that come first, the landing page's list."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from sitebuild.frontmatter import lab_header_as_front_matter, split_front_matter
from sitebuild.guide_pages import body_of, learning_path_markdown, reading_minutes
from sitebuild.path_checks import drafts, nav_sections, prerequisite_order
from tests.support import REPO, load_mkdocs_config

pytestmark = pytest.mark.depends_on("sitebuild", "mkdocs.yml", "docs/guides", "docs/index.md")


def nav() -> list:
    return load_mkdocs_config((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]


GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))


def on_the_path() -> list[str]:
    """The learning path's guides in order (drafts not included)."""
    return [slug for _, slugs in nav_sections(nav()) for slug in slugs]


def test_every_guide_is_on_the_path_once():
    order = on_the_path()
    assert len(order) == len(set(order)), "a guide appears twice in the nav"
    assert sorted(order) == sorted(p.stem for p in GUIDES if p.stem not in drafts(nav()))


def test_the_prerequisite_check_finds_a_later_guide_and_places_a_draft_last():
    order = ["a", "b", "draft"]
    text = "**Prerequisites:** [B](b.md) and [A](a.md#x).\n"
    (later,) = prerequisite_order("docs/guides/a.md", "a", text, order)
    assert str(later).startswith("docs/guides/a.md:1: prerequisite b comes later on the path")
    assert prerequisite_order("docs/guides/draft.md", "draft", text, order) == []
    (unknown,) = prerequisite_order("docs/guides/b.md", "b", "**Prerequisites:** [Z](z.md).", order)
    assert "prerequisite z is not on the path" in str(unknown)
    (none,) = prerequisite_order("docs/guides/b.md", "b", "No such line.\n", order)
    assert "no **Prerequisites:** line" in str(none)


def test_a_beginner_section_opens_the_path():
    first_title, first_slugs = nav_sections(nav())[0]
    for slug in first_slugs:
        text, _ = split_front_matter((REPO / "docs" / "guides" / f"{slug}.md").read_text())
        assert yaml.safe_load(text)["difficulty"] == "beginner", (first_title, slug)


def test_learning_path_markdown_numbers_steps_and_adds_up_the_time():
    from sitebuild.frontmatter import Guide

    guides = {s: Guide(s, s, s.upper(), f"About {s}.", "beginner", [], []) for s in "abc"}
    text = learning_path_markdown(
        [("One", ["a", "b"]), ("Two", ["c"])], guides, {"a": 30, "b": 20, "c": 15}
    )
    assert '<li value="3" markdown>[C](guides/c.md)' in text
    assert "**Two**" in text and "About b." in text and "20 min." in text
    assert "The 3 guides take about 1 h 5 min to read" in text


@pytest.mark.depends_on("docs", site=True, site_pages=("index.html",))
def test_the_landing_page_shows_each_step_with_difficulty_and_time(built_site: Path):
    page = html.unescape((built_site / "index.html").read_text(encoding="utf-8"))
    total = 0
    for slug in on_the_path():
        minutes = reading_minutes(body_of((REPO / "docs" / "guides" / f"{slug}.md").read_text()))
        total += minutes
        item = re.search(rf'<li value="\d+"><a href="guides/{slug}/">(.*?)</li>', page, re.S)
        assert item, f"{slug} is missing from the landing page's path"
        assert f"{minutes} min." in item.group(1), slug
        assert "tl-badge--" in item.group(1), slug
    hours, rest = divmod(total, 60)
    assert f"take about {hours} h {rest} min to read" in page
    for link in ('href="glossary/"', 'href="flashcards/"', 'href="troubleshooting/"'):
        assert link in page, link


def test_labs_markdown_lists_each_lab_from_its_header():
    from sitebuild.frontmatter import Guide
    from sitebuild.guide_pages import labs_markdown

    labs = {
        s: Guide(s, s, s.upper(), f"About {s}.", "intermediate", [], [], minutes=m)
        for s, m in (("x", 25), ("y", 40))
    }
    text = labs_markdown(["y", "x"], labs)
    assert text.index("[Y](labs/y.ipynb)") < text.index("[X](labs/x.ipynb)")
    assert "Intermediate</span> 40 min. About y." in text


def test_a_lab_is_placed_after_its_last_prerequisite_on_the_path():
    from sitebuild.frontmatter import Guide
    from sitebuild.guide_pages import labs_after, labs_markdown
    from sitebuild.path_checks import lab_prerequisites

    script = (
        "# **Prerequisites:** [A](../guides/a.md) and the section on\n"
        "# [C's idea](../guides/c.md#the-idea).\n#\n# [B](../guides/b.md) is not one.\n"
    )
    assert lab_prerequisites(script) == ["a", "c"]
    sections = [("One", ["a", "b"]), ("Two", ["c"])]
    after = labs_after(sections, {"x": ["a", "c"], "y": ["a"], "z": ["unknown"]})
    assert after == {"x": (3, "c"), "y": (1, "a")}
    pages = {
        s: Guide(s, s, s.upper(), f"About {s}.", "beginner", [], [], minutes=5) for s in "acxz"
    }
    text = labs_markdown(["x", "z"], pages, after)
    assert "About x. Do it after step 3, [C](guides/c.md).</li>" in text
    assert "About z.</li>" in text


@pytest.mark.depends_on("docs", "examples", "mkdocs.yml", site=True, site_pages=("index.html",))
def test_the_beginner_lab_comes_right_after_the_guide_it_needs(built_site: Path):
    page = html.unescape((built_site / "index.html").read_text(encoding="utf-8"))
    item = re.search(r'<li><a href="labs/inspect-what-a-model-learned/">(.*?)</li>', page, re.S)
    assert item
    text = re.sub(r"<[^>]+>", "", item.group(1))
    assert "Do it after step 2, Parameters vs hyperparameters." in text, text


@pytest.mark.depends_on("docs", "examples", "mkdocs.yml", site=True, site_pages=("index.html",))
def test_the_landing_page_lists_every_lab_from_its_header(built_site: Path):
    source = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    assert "](labs/" not in source, "the labs list is made by the build: leave <!-- labs -->"
    page = html.unescape((built_site / "index.html").read_text(encoding="utf-8"))
    for lab in sorted((REPO / "examples").glob("[!_]*.py")):
        front, _ = split_front_matter(lab_header_as_front_matter(lab.read_text(encoding="utf-8")))
        header = yaml.safe_load(front)
        item = re.search(rf'<li><a href="labs/{lab.stem}/">(.*?)</li>', page, re.S)
        assert item, f"{lab.stem} is missing from the landing page's labs"
        text = re.sub(r"<[^>]+>", "", item.group(1))
        assert header["title"] in text and f"{header['minutes']} min." in text
        assert header["difficulty"].capitalize() in text and header["description"] in text
