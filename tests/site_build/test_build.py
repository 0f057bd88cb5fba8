"""The built site carries what the build hooks promise, on every guide."""

from __future__ import annotations

import html
import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from sitebuild.guide_pages import reading_minutes, related_slugs
from tests.support import REPO, build, front_matter, guide, make_project

pytestmark = pytest.mark.depends_on("sitebuild", "mkdocs.yml", "overrides", "docs/assets")

GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))


def page(site: Path, slug: str) -> str:
    return (site / "guides" / slug / "index.html").read_text(encoding="utf-8")


@pytest.mark.depends_on("docs", site=True)
def test_every_guide_has_badge_reading_time_and_versions(built_site: Path) -> None:
    expected_versions = f"scikit-learn {version('scikit-learn')} and Optuna {version('optuna')}"
    for path in GUIDES:
        meta, body = front_matter(path), page(built_site, path.stem)
        badge = (
            f'tl-badge--{meta["difficulty"]}" title="Difficulty">{meta["difficulty"].capitalize()}<'
        )
        assert badge in body, path.name
        assert re.search(r'class="tl-readtime">\d+ min read<', body), path.name
        assert expected_versions in body, path.name


@pytest.mark.depends_on("docs", site=True)
def test_description_is_the_meta_description_and_title_the_heading(built_site: Path) -> None:
    for path in GUIDES:
        meta, body = front_matter(path), page(built_site, path.stem)
        found = re.search(r'<meta name="description" content="([^"]*)"', body)
        assert found and html.unescape(found.group(1)) == meta["description"], path.name
        assert f"<h1>{html.escape(meta['title'], quote=False)}</h1>" in body, path.name


@pytest.mark.depends_on("docs", site=True)
def test_related_section_matches_front_matter_both_ways(built_site: Path) -> None:
    metas = {path.stem: front_matter(path) for path in GUIDES}
    for slug, meta in metas.items():
        body = page(built_site, slug)
        expected = set(meta["related"]) | {s for s, m in metas.items() if slug in m["related"]}
        linked = set(
            re.findall(r'href="\.\./([a-z0-9-]+)/"', body.split('id="related-guides"')[-1])
        )
        if expected:
            assert 'id="related-guides"' in body, slug
            assert expected <= linked, (slug, expected - linked)
        else:
            assert 'id="related-guides"' not in body, slug


def test_related_links_are_added_in_both_directions(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"alpha": guide(title="Alpha", related="[beta]"), "beta": guide(title="Beta")},
    )
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    alpha = (tmp_path / "site/guides/alpha/index.html").read_text(encoding="utf-8")
    beta = (tmp_path / "site/guides/beta/index.html").read_text(encoding="utf-8")
    assert '<a href="../beta/">Beta</a>' in alpha
    assert '<a href="../alpha/">Alpha</a>' in beta


@pytest.mark.depends_on("docs", site=True)
def test_flagship_guide_renders_math_markup_and_its_figure(built_site: Path) -> None:
    body = page(built_site, "parameters-vs-hyperparameters")
    assert '<div class="arithmatex" tabindex="0"><span class="katex-display">' in body
    assert "\\[" not in body  # typeset by the build, not left for a script
    images = re.findall(r'<img alt="([^"]+)" src="([^"#]+)(?:#only-(?:light|dark))?"', body)
    assert images, "the guide should show at least one generated figure"
    for _alt, src in images:
        figure = (built_site / "guides" / "parameters-vs-hyperparameters" / src).resolve()
        assert figure.is_file() and figure.stat().st_size > 1000, src
        assert "<svg" in figure.read_text(encoding="utf-8")[:500]


@pytest.mark.depends_on("docs", site=True)
def test_no_page_loads_from_a_cdn(built_site: Path) -> None:
    pattern = re.compile(
        r'(?:src|href)="(https?:)?//(?!tuning-lab\.github\.io|github\.com)[^"]+\.(js|css|woff2?)'
    )
    for html_file in built_site.rglob("*.html"):
        assert not pattern.search(html_file.read_text(encoding="utf-8")), html_file
    assert not list(built_site.rglob("*fonts.googleapis*"))


@pytest.mark.depends_on("docs", site=True)
def test_katex_is_self_hosted(built_site: Path) -> None:
    katex = built_site / "assets" / "katex"
    for name in ("katex.min.css", "LICENSE"):
        assert (katex / name).is_file(), name
    css = (katex / "katex.min.css").read_text(encoding="utf-8")
    for font in set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)):
        assert (katex / font).is_file(), font


def test_reading_time_counts_words() -> None:
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
    assert reading_minutes("```python\n" + "value\n" * 300 + "```\n") == 2


def test_related_slugs_lists_own_first_then_backlinks(tmp_path: Path) -> None:
    from sitebuild.frontmatter import Guide

    def g(slug: str, related: list[str]) -> Guide:
        return Guide(slug, slug, slug, "d", "beginner", [], related)

    guides = {"a": g("a", ["c"]), "b": g("b", ["a"]), "c": g("c", [])}
    assert related_slugs("a", guides) == ["c", "b"]
    assert related_slugs("c", guides) == ["a"]


def test_printed_outputs_are_marked_as_outputs() -> None:
    from sitebuild.lighter_pages import marked_outputs

    html_in = (
        '<!--pytest-codeblocks:expected-output-->\n\n<div class="language-text highlight">'
        '<pre><code>0.5\n</code></pre></div>\n<div class="language-python highlight">'
    )
    out = marked_outputs(html_in)
    assert out.count("data-search-exclude") == 1
    marked = '<div class="language-text highlight tl-output no-copy" data-search-exclude>'
    assert marked in out


@pytest.mark.depends_on("docs", site=True)
def test_the_search_index_has_the_prose_but_not_the_printed_outputs(built_site: Path) -> None:
    # Many distinct numbers in the index break lunr's (Material's search) index: every
    # query starting with some letter then fails. Outputs are numbers nobody searches.
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    quickstart = (REPO / "docs/guides/quickstart.md").read_text(encoding="utf-8")
    output = re.search(r"expected-output-->\n\n```text\n(.+)\n", quickstart)[1]
    assert output.strip() and output.strip() not in index
    assert "stratify" in index


def test_a_lab_heading_keeps_its_permalink_as_materials_headerlink() -> None:
    from sitebuild.notebook_pages import lean

    html_in = '<h2 id="step-1">Step 1<a class="anchor-link" href="#step-1">¶</a></h2>'
    assert lean(html_in) == (
        '<h2 id="step-1">Step 1<a class="headerlink" href="#step-1" '
        'title="Link to this section">&para;</a></h2>'
    )


@pytest.mark.depends_on("docs", "examples", site=True)
def test_no_section_title_in_the_search_index_ends_in_a_pilcrow(built_site: Path) -> None:
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titled = [doc["location"] for doc in docs["docs"] if "¶" in doc["title"]]
    assert titled == []
    assert any(doc["location"].startswith("labs/") for doc in docs["docs"])
