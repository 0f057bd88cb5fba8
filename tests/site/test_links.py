"""Links, sitemap, titles and the 404 page of the built site, checked in its HTML files.

No browser and no network: every internal href/src must name a file of the site and
every #fragment an id in the page it points to; external links are only listed, in
.cache/reports/external-links.txt.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.browser_support import base_path, page_url, target_file
from tests.support import REPO, front_matter

pytestmark = pytest.mark.depends_on("docs", "mkdocs.yml", site=True)

GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))
REPORTS = REPO / ".cache" / "reports"
# Not links to documents: Material's own anchors (#__codelineno-..., #__code_0) are ids
# it generates; the others are schemes a browser hands elsewhere.
IGNORED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        for key in ("href", "src"):
            value = values.get(key)
            if value is not None and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append((key, value.strip()))
        if tag in ("img", "source") and values.get("srcset"):
            for candidate in values["srcset"].split(","):
                self.links.append(("srcset", candidate.strip().split(" ")[0]))


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[Path, _Collector]:
    return {path: parse(path) for path in sorted(built_site.rglob("*.html"))}


def check_links(site: Path, pages: dict[Path, _Collector]) -> tuple[list[str], set[str]]:
    """Broken internal links of a built site, and the set of external links."""
    prefix = base_path(site)  # absolute links (the 404 page's) carry site_url's path
    broken, external = [], set()
    for html_file, page in pages.items():
        here = page_url(site, html_file)
        for attribute, value in page.links:
            if not value or value.startswith(IGNORED_SCHEMES):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                external.add(value)
                continue
            absolute = urlsplit(urljoin(here, value))
            path, fragment = absolute.path, absolute.fragment
            where = f"{here}: {attribute}={value}"
            if value.startswith("/"):
                if not (path + "/").startswith(prefix):
                    broken.append(f"{where} (outside {prefix})")
                    continue
                path = "/" + path[len(prefix) :]
            target = target_file(site, path)
            if not target.is_file():
                broken.append(f"{where} (no file {target.relative_to(site)})")
                continue
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{where} (no id {fragment!r})")
    return broken, external


def test_every_internal_link_and_anchor_resolves(built_site: Path, pages) -> None:
    broken, external = check_links(built_site, pages)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "external-links.txt").write_text(
        "External links of the built site (listed, not fetched):\n"
        + "".join(f"{url}\n" for url in sorted(external)),
        encoding="utf-8",
    )
    assert not broken, "\n".join(broken[:50])


def test_the_checker_notices_broken_links_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text(
        '<h2 id="here">x</h2><a href="#here">ok</a><img src="../b.svg" alt="b">'
        '<a href="https://example.org/">out</a><a href="../c/">missing</a>'
        '<a href="#nowhere">bad anchor</a><a href="/elsewhere/">outside</a>',
        encoding="utf-8",
    )
    pages = {path: parse(path) for path in tmp_path.rglob("*.html")}
    broken, external = check_links(tmp_path, pages)
    assert external == {"https://example.org/"}
    assert len(broken) == 3, broken
    assert "no file c/index.html" in broken[0] and "'nowhere'" in broken[1]


def test_every_guide_title_is_in_its_html_title(built_site: Path) -> None:
    for path in GUIDES:
        body = (built_site / "guides" / path.stem / "index.html").read_text(encoding="utf-8")
        found = re.search(r"<title>(.*?)</title>", body, flags=re.S)
        assert found, path.name
        assert front_matter(path)["title"] in html.unescape(found.group(1)), path.name


def test_sitemap_lists_every_page(built_site: Path) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = {urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    prefix = base_path(built_site)
    for path in GUIDES:
        assert f"{prefix}guides/{path.stem}/" in listed, path.name
    assert prefix in listed and f"{prefix}tags/" in listed
    assert (built_site / "sitemap.xml.gz").is_file()


def test_404_page_exists_and_uses_the_site_styles(built_site: Path) -> None:
    page = (built_site / "404.html").read_text(encoding="utf-8")
    prefix = base_path(built_site)
    assert "<h1>404 - Not found</h1>" in page
    main_css = rf'href="{re.escape(prefix)}assets/stylesheets/main\.[0-9a-f]+\.min\.css"'
    assert re.search(main_css, page)
    assert f'href="{prefix}assets/stylesheets/tuninglab.css"' in page
    assert PurePosixPath(prefix).is_absolute(), "the 404 page must use absolute URLs"
