"""The built site as a reader meets it, in headless Chromium (Debian's, via Playwright).

Every page is visited once with an empty cache (the `visits` fixture); the tests then
check what those visits recorded: no request leaves the site, no console error, every
asset loads, zero serious or critical axe violations in the light and dark schemes, and
each page's first-visit weight is under budget. Other tests drive search, the copy
button, links, maths, figures, the palette toggle, the 404 page and, once they exist,
the labs. Without Chromium they skip (under CI=true they fail): see tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from sitebuild.labs import lab_paths
from tests.browser_support import (
    PAGE_BUDGET,
    Recorder,
    block_other_origins,
    is_lab,
    page_type,
    transfer_size,
)
from tests.support import MISSING_PAGE, REPO, front_matter, html_file, source_pages

pytestmark = pytest.mark.browser

SCHEME_RULES = ("color-contrast", "link-in-text-block")  # what the dark palette changes
SEVERE = ("serious", "critical")
REPORTS = REPO / ".cache" / "reports"
NO_TRANSITIONS = "*, ::before, ::after { transition: none !important; animation: none !important }"

PAGE_STATE_JS = """async () => {
  const images = [...document.querySelectorAll("article img")];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  const math = [...document.querySelectorAll(".arithmatex")];
  return {
    math: math.length,
    katex: document.querySelectorAll(".katex").length,
    unrendered: math.filter(node => {
      const copy = node.cloneNode(true);
      copy.querySelectorAll(".katex").forEach(k => k.remove());
      return !node.querySelector(".katex") || /\\\\\\(|\\\\\\[|\\$/.test(copy.textContent);
    }).map(node => node.textContent.trim().slice(0, 60)),
    images: images.map(img => ({src: img.currentSrc || img.src, alt: img.getAttribute("alt"),
                                width: img.naturalWidth})),
  };
}"""


@dataclass
class Visit:
    """What one first visit of a page recorded."""

    path: str
    kind: str
    status: int
    recorder: Recorder
    failed: list[str] = field(default_factory=list)  # responses with status >= 400
    weights: dict[str, tuple[int, int]] = field(default_factory=dict)  # url: (raw, gzip)
    axe: dict[str, list[str]] = field(default_factory=dict)  # scheme: severe violations
    state: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sent for _, sent in self.weights.values())


def new_context(browser, server):
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    block_other_origins(context, server.origin)
    return context


def axe_severe(page, rules: tuple[str, ...] = ()) -> list[str]:
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


def visit(browser, server, path: str, dark_too: bool) -> Visit:
    context = new_context(browser, server)
    try:
        page = context.new_page()
        recorder = Recorder(server.origin)
        recorder.attach(page)
        response = page.goto(server.url(path), wait_until="networkidle")
        html = page.content()  # maths arrives typeset: nothing to wait for
        # What the first screen loads; lazy images further down come when scrolled to.
        first_screen = list(recorder.responses)
        state = page.evaluate(PAGE_STATE_JS)  # loads every image, to check each one
        kind = "404" if path == MISSING_PAGE else page_type(path, html)
        result = Visit(path, kind, response.status, recorder, state=state)
        for resp in recorder.responses:
            if resp.status >= 400 and not (path == MISSING_PAGE and resp.url == response.url):
                result.failed.append(f"{resp.status} {resp.url}")
        for resp in first_screen:
            if resp.status in (200, 404) and resp.url.startswith(server.origin + "/"):
                body = resp.body()
                result.weights[resp.url] = (len(body), transfer_size(resp.url, body))
        page.add_style_tag(content=NO_TRANSITIONS)
        result.axe["default"] = axe_severe(page)
        if dark_too:  # only colours change with the scheme
            page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
            result.axe["slate"] = axe_severe(page, SCHEME_RULES)
        return result
    finally:
        context.close()


def kind_of(path: str) -> str:
    if path == MISSING_PAGE:
        return "404"
    if path == "":
        return "landing"
    return path.split("/")[0].removesuffix("s") if "/" in path.rstrip("/") else path.rstrip("/")


def source_of(path: str) -> Path:
    """The source file of a page path."""
    if path.startswith("labs/"):
        return REPO / "examples" / (path.split("/")[1] + ".py")
    return REPO / "docs" / ("index.md" if path == "" else path.rstrip("/") + ".md")


def dark_checked() -> set[str]:
    """The page of each kind whose source is largest (most kinds of highlighted code):
    axe's colour rules run on it in the dark scheme too (they take seconds a page)."""
    largest: dict[str, tuple[int, str]] = {}
    for path in source_pages():
        size = source_of(path).stat().st_size if source_of(path).exists() else 0
        kind = kind_of(path)
        largest[kind] = max(largest.get(kind, (0, "")), (size, path))
    return {path for _, path in largest.values()} | {MISSING_PAGE}


PAGES = [*source_pages(), MISSING_PAGE]
DARK = dark_checked()


def guides() -> dict[str, dict]:
    return {p.stem: front_matter(p) for p in sorted((REPO / "docs" / "guides").glob("*.md"))}


# --- every page ---------------------------------------------------------------------


@pytest.mark.depends_on("docs", site=True)
def test_every_built_page_is_checked_and_every_kind_exists(site_server) -> None:
    assert sorted(site_server.pages()) == sorted(source_pages())
    kinds = {kind_of(path) for path in PAGES}
    assert {"landing", "guide", "tags", "glossary", "flashcards", "404", "lab"} <= kinds, kinds


def request_problems(v: Visit) -> list[str]:
    return [f"request left the site: {url}" for url in v.recorder.foreign_requests()]


def console_problems(v: Visit) -> list[str]:
    found = v.recorder.console_errors
    if v.path == MISSING_PAGE:  # Chromium logs the 404 status of the page itself
        found = [e for e in found if "status of 404" not in e]
    return [f"console error: {error}" for error in found]


def load_problems(v: Visit) -> list[str]:
    expected = 404 if v.path == MISSING_PAGE else 200
    status = [] if v.status == expected else [f"page answered {v.status}, not {expected}"]
    return status + [f"asset failed to load: {failed}" for failed in v.failed]


def accessibility_problems(v: Visit) -> list[str]:
    problems = [f"axe, {scheme} scheme: {found}" for scheme, found in v.axe.items() if found]
    if ("slate" in v.axe) != (v.path in DARK):
        problems.append("the dark-scheme colour rules ran on the wrong page")
    return problems


def weight_problems(v: Visit) -> list[str]:
    record_weight(v)
    budget = PAGE_BUDGET
    if v.total <= budget:
        return []
    biggest = sorted(v.weights.items(), key=lambda item: -item[1][1])[:5]
    return [
        f"{v.total / 1024:.1f} KB gzip on a first visit, over the {budget // 1024} KB "
        "budget; largest: "
        + ", ".join(f"{urlsplit(u).path} {s / 1024:.1f} KB" for u, (_, s) in biggest)
    ]


def maths_problems(v: Visit) -> list[str]:
    state = v.state
    problems = [f"maths not rendered by KaTeX: {text}" for text in state["unrendered"]]
    if state["katex"] < state["math"]:
        problems.append(f"{state['math']} maths elements but {state['katex']} rendered")
    return problems


def figure_problems(v: Visit) -> list[str]:
    problems = []
    for img in v.state["images"]:
        if not img["width"] > 0:
            problems.append(f"image did not load: {img['src']}")
        if not (img["alt"] or "").strip():
            problems.append(f"image has no alt text: {img['src']}")
    return problems


PAGE_CHECKS = (
    request_problems,
    console_problems,
    load_problems,
    accessibility_problems,
    weight_problems,
    maths_problems,
    figure_problems,
)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            id=path or "/",
            marks=pytest.mark.depends_on(
                site_pages=(path,) if path.startswith("labs/") else (html_file(path),),
                site_assets=True,
            ),
        )
        for path in PAGES
    ],
)
def test_page_as_a_reader_first_meets_it(chromium_browser, site_server, path) -> None:
    """One first visit (empty cache) of a page, and every check on what it recorded: no
    request leaves the site, no console error, everything loads, no serious or critical
    axe violation, weight within budget, maths rendered, figures loaded with alt text.
    The pass is reused while the page and the shared assets are unchanged."""
    v = visit(chromium_browser, site_server, path, path in DARK)
    problems = [problem for check in PAGE_CHECKS for problem in check(v)]
    assert not problems, f"/{path}:\n" + "\n".join(f"- {p}" for p in problems)


def record_weight(v: Visit) -> None:
    """Keep each page's weight in .cache/reports/page-weight.json and the table beside it."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    store = REPORTS / "page-weight.json"
    rows = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else {}
    raw = sum(r for r, _ in v.weights.values())
    rows[v.path] = [v.kind, len(v.weights), round(raw / 1024, 1), round(v.total / 1024, 1)]
    rows = {path: row for path, row in rows.items() if path in PAGES}
    store.write_text(json.dumps(rows, indent=1, sort_keys=True), encoding="utf-8")
    lines = [
        "First-visit weight of every page: the HTML and every response the page and its",
        "workers received, gzip -6 per response except already-compressed formats",
        f"(png, woff2, jpg...), counted as sent. Budget: {PAGE_BUDGET // 1024} KB.",
        "",
        f"{'page':48} {'type':8} {'requests':>8} {'raw KB':>8} {'gzip KB':>8}",
    ]
    for path, (kind, requests, raw_kb, gzip_kb) in sorted(rows.items(), key=lambda r: r[1][0]):
        lines.append(f"{'/' + path:48} {kind:8} {requests:>8} {raw_kb:>8} {gzip_kb:>8}")
    (REPORTS / "page-weight.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.depends_on("docs", site=True)
def test_some_page_has_maths_and_some_a_figure(site_server) -> None:
    """The per-page maths and figure checks would pass vacuously on a site without any."""
    pages = [(site_server.site / html_file(p)).read_text(encoding="utf-8") for p in PAGES]
    assert any('class="arithmatex"' in page for page in pages)
    assert any("<img " in page for page in pages)


# --- the checks can fail ------------------------------------------------------------


@pytest.mark.depends_on(site_pages=("index.html",), site_assets=True)
def test_a_cdn_request_is_caught(browser_context, site_server) -> None:
    """A page that pulls a script from a CDN fails the origin check."""
    landing = (site_server.site / "index.html").read_text(encoding="utf-8")
    injected = landing.replace(
        "</head>", '<script src="https://cdn.example.com/x.js"></script></head>', 1
    )
    page = browser_context.new_page()
    recorder = Recorder(site_server.origin)
    recorder.attach(page)
    page.route(
        site_server.url(),
        lambda route: route.fulfill(body=injected, content_type="text/html; charset=utf-8"),
    )
    page.goto(site_server.url(), wait_until="networkidle")
    assert recorder.foreign_requests() == ["https://cdn.example.com/x.js"]
    assert any("cdn.example.com" in e or "ERR_BLOCKED" in e for e in recorder.console_errors)


# --- interactions -------------------------------------------------------------------


def search_docs(site: Path) -> list[dict]:
    """The entries of the built search index (a page, or one section of a page, each)."""
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def guides_mentioning(site: Path, term: str) -> set[str]:
    found = set()
    for doc in search_docs(site):
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).lower()
        location = doc["location"].split("#")[0]
        if location.startswith("guides/") and term in text:
            found.add(location.split("/")[1])
    return found


def longest_guide_title(site: Path) -> tuple[str, str]:
    """The slug and title of the guide with the most indexed text."""
    sizes: dict[str, int] = {}
    titles: dict[str, str] = {}
    for doc in search_docs(site):
        location = doc["location"]
        if location.startswith("guides/"):
            slug = location.split("/")[1]
            sizes[slug] = sizes.get(slug, 0) + len(doc["text"])
            if "#" not in location:
                titles[slug] = doc["title"]
    slug = max(sizes, key=sizes.get)
    return slug, titles[slug]


def search_for(page, query: str, shown: str) -> str:
    """Type ``query`` into Material's search box; return the result list once it changed."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.dispatch_event("keyup")  # Material searches on key events: one, with the whole query
    page.wait_for_function(
        "shown => { const list = document.querySelector('.md-search-result__list');"
        " return list && list.children.length > 0 && list.innerHTML !== shown; }",
        arg=shown,
        timeout=10_000,
    )
    return page.inner_html(".md-search-result__list")


# What a reader types, and the pages they would accept at the top of the results (a
# page is boosted with `search: boost:` in its front matter, a Material feature).
EXPECTED_FIRST = {
    "learning rate": ("glossary/", "guides/hyperparameter-catalogue/"),
    "overfitting": ("guides/underfitting-and-overfitting/", "glossary/"),
    "C": ("guides/regularisation/", "guides/hyperparameter-catalogue/", "glossary/"),
    "hyperparameter": ("guides/parameters-vs-hyperparameters/", "glossary/"),
    "regularisation strength": ("guides/regularisation/", "glossary/"),
    "grid search": ("guides/grid-and-random-search/", "glossary/"),
    "nested": ("guides/cross-validation-and-nested-cv/",),
    "leakage": ("guides/data-leakage/", "glossary/"),
    "early stopping": ("glossary/", "guides/successive-halving-and-pruning/"),
    "threshold": ("guides/decision-threshold-tuning/",),
    "pruning": ("guides/successive-halving-and-pruning/", "glossary/"),
    "TPE": ("glossary/", "guides/bayesian-optimisation-with-optuna/"),
}


OPENED = "cross-validation-and-nested-cv"
"""The guide the search test opens from its results (the first one for "nested")."""


@pytest.mark.depends_on(
    f"docs/guides/{OPENED}.md",
    site_pages=("index.html", "search", f"guides/{OPENED}/index.html"),
    site_assets=True,
)
def test_search_finds_opens_and_ranks_what_a_reader_asks(browser_context, site_server) -> None:
    """One page, as a reader uses search: the index loads only at the first query; each
    query of :data:`EXPECTED_FIRST` has an accepted page first; three queries list a
    guide that mentions them; and a result opens its guide. One page, and the guide
    opened last, so that the browser builds the index once (it takes seconds), not once
    per page. It reads only the index, the landing page and the guide it opens: an edit
    that leaves the index alone (a printed output) does not re-run it."""
    longest, title = longest_guide_title(site_server.site)
    listed_for = {
        "nested": guides_mentioning(site_server.site, "nested"),
        "learning rate": guides_mentioning(site_server.site, "learning rate"),
        title: {longest},  # the longest guide's title, whatever it is
    }
    assert all(listed_for.values()), f"no guide mentions one of these any more: {listed_for}"
    page = browser_context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    page.goto(site_server.url(), wait_until="networkidle")
    index = site_server.prefix + "search/search_index.json"
    # overrides/main.html holds the index back until the reader searches: if Material
    # changes how it asks for it, this fails (and the first visit grows by the index).
    assert index not in asked, "the search index was loaded before anyone searched"
    shown, first = "", {}
    for query in EXPECTED_FIRST:
        shown = search_for(page, query, shown)
        href = page.eval_on_selector(".md-search-result__link", "e => e.href")
        first[query] = urlsplit(href).path.removeprefix(site_server.prefix)
    assert asked.count(index) == 1
    wrong = {query: found for query, found in first.items() if found not in EXPECTED_FIRST[query]}
    assert wrong == {}, first
    for term, expected in listed_for.items():
        shown = search_for(page, term, shown)
        links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
        listed = {urlsplit(h).path.removeprefix(site_server.prefix) for h in links}
        listed = {p.split("/")[1] for p in listed if p.startswith("guides/")}
        assert listed & expected, (term, listed, expected)
    search_for(page, "nested", shown)
    page.locator(f".md-search-result__link[href*='guides/{OPENED}/']").first.click()
    page.wait_for_url(re.compile(rf"/guides/{OPENED}/"))
    heading = page.locator("article h1").first.inner_text().strip()
    assert heading == front_matter(REPO / "docs" / "guides" / f"{OPENED}.md")["title"]


def fenced_blocks(markdown: str) -> list[str]:
    blocks = re.findall(r"^(`{3,})[^\n]*\n(.*?)^\1[ \t]*$", markdown, flags=re.M | re.S)
    return [body.rstrip("\n") for _, body in blocks]


def copy_guides() -> list[str]:
    """The first guides (by name) whose fences hold two blocks of every language they use,
    python and console included: the pages the copy-button test clicks through."""
    counts: dict[str, int] = {}
    chosen = []
    for path in sorted((REPO / "docs" / "guides").glob("*.md")):
        chosen.append(path.stem)
        for info in re.findall(r"(?m)^\s*```(\w+)", path.read_text(encoding="utf-8")):
            counts[info] = counts.get(info, 0) + 1
        if {"python", "console"} <= set(counts) and min(counts.values()) >= 2:
            break
    return chosen


COPY_GUIDES = copy_guides()


@pytest.mark.depends_on(
    *(f"docs/guides/{slug}.md" for slug in COPY_GUIDES),
    site_pages=tuple(f"guides/{slug}/index.html" for slug in COPY_GUIDES),
    site_assets=True,
)
def test_copy_button_copies_exactly_the_code(browser_context, site_server) -> None:
    checked: dict[str, int] = {}  # language: pages checked (each click takes a moment)
    outputs = 0  # checked output blocks seen: labelled, and without a copy button
    for slug in COPY_GUIDES:
        html = (site_server.site / "guides" / slug / "index.html").read_text(encoding="utf-8")
        if "<pre" not in html:
            continue
        source = (REPO / "docs/guides" / f"{slug}.md").read_text(encoding="utf-8")
        sources = fenced_blocks(source)
        page = browser_context.new_page()
        page.goto(site_server.url(f"guides/{slug}/"), wait_until="networkidle")
        blocks = page.locator("article div.highlight")
        for index in range(blocks.count()):
            block = blocks.nth(index)
            classes = (block.get_attribute("class") or "").split()
            if "tl-output" in classes:
                outputs += 1
                where = f"{slug} block {index + 1} (output)"
                assert block.locator("button.md-clipboard").count() == 0, where
                label = block.evaluate("b => getComputedStyle(b, '::before').content")
                assert label == '"Output"', where
                continue
            language = classes[0].removeprefix("language-")
            if checked.get(language, 0) >= 2 or not block.is_visible():  # hidden: in a tab
                continue
            checked[language] = checked.get(language, 0) + 1
            shown = (
                block.locator("code")
                .evaluate(
                    """code => { const c = code.cloneNode(true);
                            c.querySelectorAll('.gp, .go').forEach(e => e.remove());
                            return c.textContent; }"""
                )
                .rstrip("\n")
            )
            block.hover()
            block.locator("button[data-md-type='copy'], button.md-clipboard").first.click()
            copied = page.evaluate("navigator.clipboard.readText()").rstrip("\n")
            where = f"{slug} block {index + 1} ({language})"
            assert copied == shown, where
            assert not copied.startswith(("$ ", ">>> ")), where
            if language == "python":
                assert copied in sources, f"{where}: not a block of the Markdown source"
        page.close()
        if checked and min(checked.values()) >= 2 and {"python", "console"} <= set(checked):
            break
    assert {"python", "console"} <= set(checked), checked
    assert outputs, "no checked output block met on the pages clicked through"


@pytest.mark.parametrize(
    "slug",
    [
        pytest.param(
            slug,
            marks=pytest.mark.depends_on(
                f"docs/guides/{slug}.md", site_pages=(f"guides/{slug}/index.html", "tags")
            ),
        )
        for slug in sorted(p.stem for p in (REPO / "docs" / "guides").glob("*.md"))
    ],
)
def test_related_and_tag_links_resolve(browser_context, site_server, slug) -> None:
    meta = guides()[slug]
    page = browser_context.new_page()
    page.goto(site_server.url(f"guides/{slug}/"), wait_until="domcontentloaded")
    related = page.eval_on_selector_all(
        "#related-guides ~ ul a", "els => els.map(e => [e.href, e.textContent.trim()])"
    )
    tags = page.eval_on_selector_all("article a.md-tag", "els => els.map(e => e.href)")
    assert len(tags) == len(meta["tags"])
    assert len(related) >= len(meta["related"])
    for href, text in related:
        response = page.request.get(href)
        assert response.ok, href
        assert f"<h1>{text}" in response.text() or text in response.text(), href
    for href in tags:
        response = page.request.get(href)
        assert response.ok, href
        assert f'id="{urlsplit(href).fragment}"' in response.text(), href


FIRST_GUIDE = min(p.stem for p in (REPO / "docs" / "guides").glob("*.md"))


@pytest.mark.depends_on(
    f"docs/guides/{FIRST_GUIDE}.md",
    site_pages=(f"guides/{FIRST_GUIDE}/index.html", "tags"),
    site_assets=True,
)
def test_a_tag_click_opens_the_tags_index_there(browser_context, site_server) -> None:
    page = browser_context.new_page()
    page.goto(site_server.url(f"guides/{FIRST_GUIDE}/"), wait_until="networkidle")
    page.locator("a.md-tag").first.click()
    page.wait_for_url(re.compile(r"/tags/#tag:"))
    fragment = urlsplit(page.url).fragment
    assert page.locator(f"[id='{fragment}']").count() == 1
    for href in page.eval_on_selector_all("article a[href*='guides/']", "e => e.map(a => a.href)"):
        assert page.request.get(href).ok, href


@pytest.mark.depends_on(
    site_pages=("index.html", "tags", f"guides/{FIRST_GUIDE}/index.html"), site_assets=True
)
def test_palette_toggle_switches_and_persists(browser_context, site_server) -> None:
    page = browser_context.new_page()
    slug = FIRST_GUIDE
    page.goto(site_server.url(f"guides/{slug}/"), wait_until="networkidle")

    def scheme() -> str:
        return page.evaluate("document.body.getAttribute('data-md-color-scheme')")

    assert scheme() == "default"
    page.locator("form[data-md-component='palette'] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.reload(wait_until="networkidle")
    assert scheme() == "slate"
    page.locator(f"a.md-nav__link[href='{site_server.url()}']").first.click()  # instant nav
    page.wait_for_url(site_server.url())
    assert scheme() == "slate"
    page.goto(site_server.url("tags/"), wait_until="networkidle")  # a full page load
    assert scheme() == "slate"
    page.locator("form[data-md-component='palette'] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    page.reload(wait_until="networkidle")
    assert scheme() == "default"


SHOWN_CARDS_JS = """() => [...document.querySelectorAll(".tl-cards details.question")]
  .filter(card => card.getClientRects().length > 0)
  .map(card => [card.querySelector("summary").textContent.trim(), card.open])"""


@pytest.mark.depends_on(site_pages=("flashcards",), site_assets=True)
def test_flashcards_show_one_card_at_a_time_and_remember_what_you_know(
    browser_context, site_server
) -> None:
    page = browser_context.new_page()
    page.goto(site_server.url("flashcards/"), wait_until="networkidle")
    total = page.locator(".tl-cards details.question").count()
    assert total >= 80
    [(first, opened)] = page.evaluate(SHOWN_CARDS_JS)
    assert not opened
    status = page.locator(".tl-deck-status")
    assert f"Card 1 of {total} left (0 got it)" in status.inner_text()
    page.keyboard.press("Space")  # turn the card over
    assert page.evaluate(SHOWN_CARDS_JS) == [[first, True]]
    page.keyboard.press("ArrowRight")  # the next card, shown face down
    [(second, opened)] = page.evaluate(SHOWN_CARDS_JS)
    assert second != first and not opened
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Got it").click()
    assert page.evaluate(SHOWN_CARDS_JS) == [[second, False]]
    page.keyboard.press("1")  # show again: to the end of the pile
    [(third, _)] = page.evaluate(SHOWN_CARDS_JS)
    assert third not in (first, second)
    assert f"of {total - 1} left (1 got it)" in status.inner_text()
    page.reload(wait_until="networkidle")  # the browser remembers the known card
    assert page.evaluate(SHOWN_CARDS_JS) == [[second, False]]
    page.get_by_role("button", name="Show as a list").click()
    assert len(page.evaluate(SHOWN_CARDS_JS)) == total
    page.get_by_role("button", name="Show one at a time").click()
    page.get_by_role("button", name="Start over").click()
    assert page.evaluate(SHOWN_CARDS_JS) == [[first, False]]
    assert "(0 got it)" in status.inner_text() and "¶" not in status.inner_text()
    page.locator(".md-sidebar--secondary a[href$='#regularisation']").click()  # the contents
    # Material may render the page again after the click; the deck must land there too.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert "from Regularisation: " in status.inner_text(), status.inner_text()
    page.reload(wait_until="networkidle")  # the hash Material left is not a place in the deck
    assert page.evaluate(SHOWN_CARDS_JS) == [[first, False]]
    page.keyboard.press("ArrowLeft")  # round to the last card
    [(last, _)] = page.evaluate(SHOWN_CARDS_JS)
    page.keyboard.press("1")  # show the last card again: the next one is the first
    assert page.evaluate(SHOWN_CARDS_JS) == [[first, False]] and last != first


@pytest.mark.depends_on(site_pages=("flashcards",), site_assets=True)
def test_without_javascript_the_flashcards_are_the_list(chromium_browser, site_server) -> None:
    context = chromium_browser.new_context(java_script_enabled=False)
    block_other_origins(context, site_server.origin)
    try:
        page = context.new_page()
        page.goto(site_server.url("flashcards/"), wait_until="networkidle")
        cards = page.locator(".tl-cards details.question")
        assert cards.count() >= 80
        assert all(cards.nth(i).is_visible() for i in (0, cards.count() - 1))
        assert page.locator(".tl-deck-bar").count() == 0
    finally:
        context.close()


@pytest.mark.depends_on(site_pages=(f"guides/{FIRST_GUIDE}/index.html",), site_assets=True)
def test_each_scheme_shows_the_figures_drawn_for_it(browser_context, site_server) -> None:
    """Light: the figures as drawn; dark: their dark twins; never both, never neither."""
    page = browser_context.new_page()
    page.goto(site_server.url(f"guides/{FIRST_GUIDE}/"), wait_until="networkidle")
    shown_js = """() => [...document.querySelectorAll("article img")]
      .filter(img => getComputedStyle(img).display !== "none")
      .map(img => new URL(img.getAttribute("src"), location.href).pathname)"""
    light = page.evaluate(shown_js)
    assert light and all(not src.endswith(".dark.svg") for src in light), light
    page.locator("form[data-md-component='palette'] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = page.evaluate(shown_js)
    assert [src.removesuffix(".dark.svg") + ".svg" for src in dark] == light, dark


def smallest_text_px(svg: Path, shown_width: float) -> float:
    """The smallest label of a drawn figure, in CSS px, when shown this many px wide."""
    text = svg.read_text(encoding="utf-8")
    view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', text).group(1))
    sizes = [float(size) for size in re.findall(r"font-size: ([\d.]+)px", text)]
    return min(sizes) * shown_width / view_width


@pytest.mark.depends_on(site_pages=(f"guides/{FIRST_GUIDE}/index.html",), site_assets=True)
def test_a_phone_shows_a_figure_at_its_own_size_in_a_strip_of_its_own(
    chromium_browser, site_server
) -> None:
    """At 390 px a figure is not shrunk: it keeps its drawn width and scrolls in its strip,
    its smallest label stays at least 9 px high (under 6 px if shrunk to the screen),
    and the page itself does not scroll sideways."""
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    block_other_origins(context, site_server.origin)
    try:
        page = context.new_page()
        page.goto(site_server.url(f"guides/{FIRST_GUIDE}/"), wait_until="networkidle")
        figures = page.eval_on_selector_all(
            "article .tl-figure img:not([src$='#only-dark'])",
            """imgs => imgs.map(img => ({src: new URL(img.src).pathname,
                 shown: img.getBoundingClientRect().width,
                 drawn: Number(img.getAttribute("width")),
                 strip: img.parentElement.clientWidth,
                 scrolls: img.parentElement.scrollWidth > img.parentElement.clientWidth}))""",
        )
        assert figures, "the guide should show a drawn figure"
        for figure in figures:
            assert figure["shown"] == figure["drawn"] > figure["strip"], figure
            assert figure["scrolls"], figure
            svg = site_server.site / figure["src"].removeprefix(urlsplit(site_server.url()).path)
            assert smallest_text_px(svg, figure["shown"]) >= 9, figure
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


@pytest.mark.depends_on(site_pages=("404.html",), site_assets=True)
def test_404_page_is_served_and_styled(browser_context, site_server) -> None:
    page = browser_context.new_page()
    response = page.goto(site_server.url("guides/no-such-guide/"), wait_until="networkidle")
    assert response.status == 404
    assert "404" in page.locator("article h1").inner_text()
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
    assert header == "sticky", "Material's stylesheet is not applied to the 404 page"
    assert page.locator(".md-search__input").count() == 1


# --- labs (notebooks rendered by mkdocs-jupyter) --------------------------------------


def lab_pages(site: Path) -> list[str]:
    found = []
    for html in sorted(site.rglob("*.html")):
        if is_lab(html.read_text(encoding="utf-8")):
            found.append(html.relative_to(site).as_posix().removesuffix("index.html"))
    return found


@pytest.mark.depends_on("examples", site_pages=("labs",), site_assets=True)
def test_labs_show_outputs_and_their_downloads_work(browser_context, site_server) -> None:
    labs = lab_pages(site_server.site)
    assert sorted(labs) == [f"labs/{path.stem}/" for path in lab_paths()]
    page = browser_context.new_page()
    for path in labs:
        page.goto(site_server.url(path), wait_until="networkidle")
        outputs = page.locator(".jp-OutputArea-output")
        assert outputs.count() > 0, f"{path}: no cell output is shown"
        assert any(outputs.nth(i).is_visible() for i in range(outputs.count())), path
        downloads = page.eval_on_selector_all(
            ".tl-downloads a[download]", "els => els.map(e => e.href)"
        )
        assert downloads, f"{path}: no download link"
        for href in downloads:
            response = page.request.get(urljoin(page.url, href))
            assert response.ok and len(response.body()) > 0, (path, href)
        assert len(downloads) == 2, f"{path}: the notebook and the script"
        first = page.locator("clipboard-copy").first
        first.scroll_into_view_if_needed()
        first.click()
        copied = page.evaluate("navigator.clipboard.readText()").strip()
        expected = page.locator(f"[id='{first.get_attribute('for')}']").text_content().strip()
        assert copied == expected and "import" in copied, f"{path}: copy button"
