"""`make new-guide` scaffolds a guide that passes the build and whose code runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitebuild.guide_pages import template_placeholders
from sitebuild.page_checks import unwritten_drafts
from tests.support import REPO, build, guide, load_mkdocs_config, make_project, run_pytest
from tools.new_guide import SECTION, add_to_nav, main

pytestmark = pytest.mark.depends_on("sitebuild", "tools", "mkdocs.yml", "overrides", "docs/assets")

TEMPLATE = REPO / "tools" / "guide_template.md"
SECTION_TITLE = "Guides in progress"


def test_template_builds_under_strict_once_its_placeholders_are_replaced(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    for number, placeholder in enumerate(template_placeholders(text)):
        text = text.replace(placeholder, f"Words of the guide's own, number {number}.")
    config = make_project(
        tmp_path,
        {
            "my-topic": text,
            "parameters-vs-hyperparameters": guide(title="Parameters vs hyperparameters"),
        },
    )
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "guides" / "my-topic" / "index.html").is_file()


def test_a_draft_left_as_the_template_builds_and_lists_what_is_still_to_write(
    tmp_path: Path,
) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    config = make_project(
        tmp_path,
        {
            "my-topic": text,
            "parameters-vs-hyperparameters": guide(
                title="Parameters vs hyperparameters", body="**Prerequisites:** none.\n"
            ),
        },
    )
    nav = (
        "nav:\n  - index.md\n  - Foundations:\n      - guides/parameters-vs-hyperparameters.md\n"
        "  - flashcards.md\n  - tags.md\n"
    )
    config.write_text(config.read_text(encoding="utf-8") + add_to_nav(nav, "my-topic"))
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    count = len(template_placeholders(text))
    out = result.stdout + result.stderr
    assert f"docs/guides/my-topic.md is a draft with {count} template sentence(s) still to" in out
    assert "docs/guides/my-topic.md:2: template sentence still to replace" in out
    # Publishing refuses what the build lets a draft keep, line by line.
    found = unwritten_drafts(config)
    assert len(found) == count and (found[0].path, found[0].line) == ("docs/guides/my-topic.md", 2)
    assert "template sentence still to replace" in found[0].message
    for placeholder in template_placeholders(text):
        text = text.replace(placeholder, "The guide's own words.")
    (tmp_path / "docs" / "guides" / "my-topic.md").write_text(text, encoding="utf-8")
    assert unwritten_drafts(config) == []


def test_template_code_blocks_pass(tmp_path: Path) -> None:
    target = REPO / ".cache" / "selftest" / "template-guide.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE, target)
    result = run_pytest(target)
    assert "3 passed" in result.stdout, result.stdout


def test_add_to_nav_creates_then_extends_the_section() -> None:
    config = "site_name: x\nnav:\n  - Home: index.md\n  - Tags: tags.md\n\nextra:\n  a: 1\n"
    once = add_to_nav(config, "first")
    assert once.endswith(
        f"  - Tags: tags.md\n{SECTION}\n      - guides/first.md\n\nextra:\n  a: 1\n"
    )
    twice = add_to_nav(once, "second")
    assert twice.count(SECTION) == 1 and "      - guides/second.md" in twice
    last = add_to_nav("nav:\n  - Glossary: glossary.md", "third")  # nav at the end, no Tags
    assert last == f"nav:\n  - Glossary: glossary.md\n{SECTION}\n      - guides/third.md"


def test_add_to_nav_needs_a_nav() -> None:
    with pytest.raises(ValueError, match="no top-level 'nav:' block"):
        add_to_nav("site_name: x\n", "first")


def in_progress(entry) -> bool:
    return isinstance(entry, dict) and SECTION_TITLE in entry


def test_the_real_config_gains_the_section_inside_its_nav() -> None:
    # Whatever "Guides in progress" already holds (a contributor's draft, or nothing),
    # the new entry lands first inside it, and nothing else in the nav changes.
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    before = load_mkdocs_config(text)["nav"]
    nav = load_mkdocs_config(add_to_nav(text, "a-new-draft"))["nav"]
    sections = [entry[SECTION_TITLE] for entry in nav if in_progress(entry)]
    assert len(sections) == 1 and sections[0][0] == "guides/a-new-draft.md", nav
    assert [e for e in nav if not in_progress(e)] == [e for e in before if not in_progress(e)]


def test_bad_names_are_refused(capsys) -> None:
    assert main("Not A Slug") == 2
    assert "lowercase words joined by hyphens" in capsys.readouterr().err
    assert main("parameters-vs-hyperparameters") == 2
    assert "already exists" in capsys.readouterr().err
