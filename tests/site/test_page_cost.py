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
browser by ``tests/site/test_browser.py``; the Lighthouse scores by ``tools/lighthouse.py``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.browser_support import site_file
from tests.support import built_pages

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


PAGES = built_pages()
BASELINE = "index.html"
"""The page whose scripts every other page is compared with."""
SCRIPT_SPREAD = 8 * 1024
"""How many more script bytes (gzip) than the landing page a page may run."""


def page_params() -> list:
    """One test per built page, reused while that page and the shared assets are unchanged
    (a prose edit re-measures the page it edits, not the others)."""
    return [
        pytest.param(
            page,
            id=page,
            marks=pytest.mark.depends_on(site_pages=(page, BASELINE), site_assets=True),
        )
        for page in PAGES
    ]


@pytest.fixture(scope="module")
def baseline(built_site: Path) -> dict[str, int]:
    """The landing page's costs, measured once per test process."""
    return costs(built_site, built_site / BASELINE)


@pytest.mark.parametrize("page", page_params())
def test_page_stays_within_its_budgets(built_site: Path, baseline, page: str) -> None:
    """Render-blocking stylesheets, scripts and elements within budget, and no script of
    its own: every page runs the same scripts as the landing page (Material's, cached
    after the first visit), so a larger difference is a page-specific script."""
    cost = costs(built_site, built_site / page)
    over = [
        f"{what}: {cost[what]:,} > {budget:,}"
        for what, budget in (
            ("blocking", RENDER_BLOCKING_BUDGET),
            ("scripts", SCRIPT_BUDGET),
            ("elements", ELEMENT_BUDGET),
        )
        if cost[what] > budget
    ]
    if abs(cost["scripts"] - baseline["scripts"]) >= SCRIPT_SPREAD:
        over.append(
            f"scripts: {cost['scripts']:,} against the landing page's {baseline['scripts']:,}"
        )
    assert not over, f"{page}: " + "; ".join(over)


@pytest.mark.depends_on(
    site_pages=("guides/parameters-vs-hyperparameters/index.html",), site_assets=True
)
def test_the_measures_are_measured(built_site: Path) -> None:
    """The budgets above mean something: a page with maths and code counts all three."""
    page = built_site / "guides" / "parameters-vs-hyperparameters" / "index.html"
    cost = costs(built_site, page)
    assert cost["blocking"] > 20 * 1024  # Material's stylesheet alone is about 23 KB
    assert cost["scripts"] > 30 * 1024  # Material's bundle alone is about 35 KB
    assert cost["elements"] > 1000
