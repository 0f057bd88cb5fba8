"""The cheap measures behind a page's Lighthouse performance score, checked on every page.

`make lighthouse` is slow (a minute per page) and needs Lighthouse from npm, so it is
not part of `make test`. What it showed to matter on this site is checked here on the
built HTML, in a second:

* **render-blocking bytes**: the stylesheets a browser must fetch before it paints
  (first contentful paint on a slow phone connection grows with them);
* **script bytes**: every script a page runs, fetched or inline (a maths script used to
  be the largest);
* **elements**: the page's DOM size. Material's script makes the browser recompute style
  and layout several times while it starts; each pass costs time in proportion to the
  number of elements, and that start-up is most of the blocking time on a long guide.

The first-visit weight of each page (everything it transfers) is measured in a real
browser by ``tests/site/test_browser.py``; the Lighthouse scores by ``tests/lighthouse.py``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.browser_support import site_file

pytestmark = pytest.mark.depends_on(
    "sitebuild", "mkdocs.yml", "overrides", "docs", "examples", site=True
)

RENDER_BLOCKING_BUDGET = 32 * 1024
SCRIPT_BUDGET = 40 * 1024
"""Material's bundle and its inline scripts are about 36 KB; KaTeX's script alone was 76 KB."""
ELEMENT_BUDGET = 6_500
"""The longest guide (the hyperparameter catalogue) has about 5,800 elements."""


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def costs(site: Path, page: Path) -> dict[str, int]:
    """Render-blocking bytes, script bytes (both gzip) and element count of one page."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    blocking = 0
    for link in soup.select('link[rel="stylesheet"]'):
        target = site_file(site, page, link.get("href", ""))
        assert target is not None, f"{page}: stylesheet {link.get('href')} is not in the site"
        blocking += gzip_size(target.read_bytes())
    scripts = 0
    for script in soup.find_all("script"):
        if script.get("type") == "application/json":
            continue  # Material's configuration: data, not code
        if script.get("src"):
            target = site_file(site, page, script["src"])
            assert target is not None, f"{page}: script {script['src']} is not in the site"
            scripts += gzip_size(target.read_bytes())
        else:
            scripts += gzip_size(script.get_text().encode())
    return {"blocking": blocking, "scripts": scripts, "elements": len(soup.find_all(True))}


@pytest.fixture(scope="module")
def measured(built_site: Path) -> dict[str, dict[str, int]]:
    return {
        page.relative_to(built_site).as_posix(): costs(built_site, page)
        for page in sorted(built_site.rglob("*.html"))
    }


def over(measured: dict[str, dict[str, int]], key: str, budget: int) -> list[str]:
    return [
        f"{page}: {cost[key]:,} > {budget:,}"
        for page, cost in measured.items()
        if cost[key] > budget
    ]


def test_render_blocking_stylesheets_stay_small(measured) -> None:
    assert not over(measured, "blocking", RENDER_BLOCKING_BUDGET)


def test_scripts_stay_small_and_no_page_needs_its_own(measured) -> None:
    assert not over(measured, "scripts", SCRIPT_BUDGET)
    # Every page runs the same scripts (Material's, cached after the first visit), so the
    # spread between pages is only inline scripts; a page-specific script shows up here.
    sizes = [cost["scripts"] for cost in measured.values()]
    assert max(sizes) - min(sizes) < 8 * 1024, sorted(
        measured.items(), key=lambda i: -i[1]["scripts"]
    )[:3]


def test_no_page_has_an_excessive_dom(measured) -> None:
    assert not over(measured, "elements", ELEMENT_BUDGET)


def test_the_measures_are_measured(built_site: Path) -> None:
    """The budgets above mean something: a page with maths and code counts all three."""
    page = built_site / "guides" / "parameters-vs-hyperparameters" / "index.html"
    cost = costs(built_site, page)
    assert cost["blocking"] > 20 * 1024  # Material's stylesheet alone is about 23 KB
    assert cost["scripts"] > 30 * 1024  # Material's bundle alone is about 35 KB
    assert cost["elements"] > 1000
