"""Maths is typeset by the build: no page ships a maths script or leaves TeX for the reader,
a formula KaTeX cannot parse fails the build with its file and line, and the published
KaTeX fonts hold only the characters the maths uses."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import maths
from tests.support import REPO, build, built_pages, guide, make_project, tracked

pytestmark = pytest.mark.depends_on("sitebuild", "mkdocs.yml", "overrides", "docs/assets")

_LEFT_AS_TEX = re.compile(r"\\\(|\\\[|\$\$|(?<![\w$])\$(?=[^\s$])[^$<]{1,80}(?<=\S)\$(?![\w$])")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def reader_text(page: BeautifulSoup) -> str:
    """What a reader sees as text, leaving out code, scripts and typeset formulas."""
    for node in page.select("pre, code, script, style, textarea, .katex"):
        node.decompose()
    return page.get_text(" ")


_KATEX_HTML = '<span class="katex-html"'
_TAG = re.compile(r"<(/?)(\w*)[^>]*>")


def katex_characters(text: str) -> set[str]:
    """Every character a reader sees in the typeset maths (``.katex-html``) of a page.

    The spans are followed by depth instead of parsing the whole page, which takes
    seconds for the site (``test_katex_characters_are_what_a_parser_sees`` holds the two
    to the same answer).
    """
    found: set[str] = set()
    start = text.find(_KATEX_HTML)
    while start != -1:
        depth, position = 0, start
        for tag in _TAG.finditer(text, start):
            found |= set(html.unescape(text[position : tag.start()]))
            position = tag.end()
            if tag.group(2) == "span":
                depth += -1 if tag.group(1) else 1
                if depth == 0:
                    break
        start = text.find(_KATEX_HTML, position)
    return found


@pytest.fixture(scope="module")
def katex() -> maths.Katex:
    return maths.Katex()


def test_all_of_katex_is_one_version_in_one_folder() -> None:
    """The script that typesets and the stylesheet and fonts that show its output come
    from one KaTeX release, the one its README names, and no other copy exists."""
    readme = (maths.KATEX / "README.txt").read_text(encoding="utf-8")
    version = re.match(r"KaTeX (\d+\.\d+\.\d+),", readme).group(1)
    script = maths.KATEX_JS.read_text(encoding="utf-8")
    css = (maths.KATEX / "katex.min.css").read_text(encoding="utf-8")
    assert re.findall(r'version:"([\d.]+)"', script) == [version]
    assert re.findall(r'katex-version:after\{content:"([\d.]+)"\}', css) == [version]
    named = set(re.findall(r"url\(fonts/([^)]+\.woff2)\)", css))
    assert named == {p.name for p in (maths.KATEX / "fonts").glob("*.woff2")}
    katex_dir = maths.KATEX.relative_to(REPO).as_posix() + "/"
    elsewhere = [p for p in tracked() if "katex." in p.lower() and not p.startswith(katex_dir)]
    assert not elsewhere, f"a second copy of KaTeX: {elsewhere}"


def test_a_formula_becomes_katex_html_with_mathml(katex) -> None:
    html, count = maths.typeset_guide(
        '<p>A <span class="arithmatex">\\(k &lt; n\\)</span> and</p>\n'
        '<div class="arithmatex">\\[\\sum_j w_j^2\\]</div>',
        katex,
        lambda: "",
        "x.md",
    )
    assert count == 2
    assert '<span class="arithmatex"><span class="katex"><span class="katex-mathml"><math' in html
    assert "<mo>&lt;</mo>" in html  # the escaped < reached KaTeX as a real <
    assert '<div class="arithmatex" tabindex="0"><span class="katex-display">' in html
    assert "\\(" not in html and "\\[" not in html
    assert {"k", "n", "w", "j", "2"} <= katex.characters


def test_a_lab_formula_is_typeset_but_dollars_in_code_are_not(katex) -> None:
    html, count = maths.typeset_lab(
        "<p>Costs $5 and $10, penalty $\\alpha \\sum_j w_j^2$ here.</p>"
        "<pre>echo $HOME $PATH</pre><code>$x$</code>"
        "<p>$$R^2 = 1$$</p>",
        katex,
        lambda: "",
        "examples/x.py",
    )
    assert count == 2
    assert "Costs $5 and $10" in html  # prices are not maths
    assert "<pre>echo $HOME $PATH</pre><code>$x$</code>" in html
    assert 'class="katex-display"' in html


@pytest.mark.parametrize("bad", ["\\frac{1}{", "\\notamacro x", "x^"])
def test_a_bad_formula_names_file_line_and_katex_message(katex, bad) -> None:
    source = "line one\n\nThe maths: $" + bad + "$ here.\n"
    html = f'<p>The maths: <span class="arithmatex">\\({bad}\\)</span> here.</p>'
    with pytest.raises(maths.MathError) as caught:
        maths.typeset_guide(html, katex, lambda: source, "docs/guides/x.md")
    message = str(caught.value)
    assert message.startswith(f"docs/guides/x.md:3: cannot typeset ${bad}$: KaTeX parse error")


def test_a_bad_formula_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    body = "Some words.\n\nA good one, $k$, then a bad one: $\\frac{1}{$.\n"
    config = make_project(tmp_path, {"maths": guide(body=body)})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/guides/maths.md:11: cannot typeset $\\frac{1}{$: KaTeX parse error" in (
        result.stderr
    ), result.stderr


def test_processes_that_typeset_maths_exit_promptly() -> None:
    """mini-racer could hang a process at exit; six at once hung four of them."""
    # The engine stays referenced until the interpreter shuts down, as in a build.
    code = "from sitebuild.maths import Katex\nkatex = Katex()\nkatex.render('x^2', False)"
    processes = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO) for _ in range(6)]
    try:
        assert [process.wait(timeout=30) for process in processes] == [0] * 6
    finally:
        for process in processes:
            process.kill()


def page_params() -> list:
    """One test per built page, reused while that page is unchanged."""
    return [
        pytest.param(page, id=page, marks=pytest.mark.depends_on(site_pages=(page,)))
        for page in built_pages()
    ]


@pytest.mark.parametrize("page", page_params())
def test_the_page_ships_its_maths_typeset(built_site: Path, page: str) -> None:
    """No maths script, no TeX left for the reader, and KaTeX's stylesheet exactly when
    the page has maths."""
    text = (built_site / page).read_text(encoding="utf-8")
    problems = []
    for script in re.findall(r"<script\b[^>]*>.*?</script>", text, re.S):
        if re.search(r"katex|mathjax|auto-render", script, re.I):
            problems.append(f"ships a maths script: {script[:80]!r}")
    left = _LEFT_AS_TEX.search(reader_text(BeautifulSoup(text, "html.parser")))
    if left:
        problems.append(f"TeX left for the reader: {left.group(0)!r}")
    links = text.count("assets/katex/katex.min.css")
    if links != (1 if 'class="katex"' in text else 0):
        problems.append(f"links KaTeX's stylesheet {links} times")
    assert not problems, f"{page}: " + "; ".join(problems)


@pytest.mark.depends_on(site=True)
def test_katex_is_not_published_as_a_script_and_most_pages_have_maths(built_site: Path) -> None:
    assert not list(built_site.rglob("katex*.js")), "KaTeX's script is published"
    with_maths = sum(
        'class="katex"' in page.read_text(encoding="utf-8") for page in pages(built_site)
    )
    assert with_maths >= 10  # the guides, labs, glossary and flashcards that use maths


@pytest.mark.depends_on("docs", "examples", site=True)
def test_published_fonts_hold_only_what_the_maths_uses(built_site: Path) -> None:
    from fontTools.ttLib import TTFont

    used: set[str] = set()
    for page in pages(built_site):
        used |= katex_characters(page.read_text(encoding="utf-8"))
    folder = built_site / maths.FONTS
    for path in sorted(folder.glob("*.woff2")):
        original = REPO / "docs" / maths.FONTS / path.name
        assert path.stat().st_size < original.stat().st_size, path.name
        had = {chr(code) for code in TTFont(original).getBestCmap()}
        kept = {chr(code) for code in TTFont(path).getBestCmap()}
        assert (used & had) <= kept, f"{path.name} lost {sorted((used & had) - kept)}"
        # Beyond those, only what the font's own features reach (a mirrored < for >).
        extra = kept - used - {" ", "\xa0"}
        assert len(extra) <= 5, f"{path.name} keeps characters no formula uses: {sorted(extra)}"


@pytest.mark.depends_on(site_pages=("guides/regularisation/index.html",))
def test_katex_characters_are_what_a_parser_sees(built_site: Path) -> None:
    page = built_site / "guides" / "regularisation" / "index.html"
    parsed = {c for node in soup(page).select(".katex-html") for c in node.get_text()}
    assert len(parsed) > 20
    assert katex_characters(page.read_text(encoding="utf-8")) == parsed


def test_cut_fonts_come_from_the_cache_only_for_the_same_fonts_and_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sorted((REPO / "docs" / maths.FONTS).glob("*.woff2"))[:2]
    cache = tmp_path / "cache"

    def fresh(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for path in source:
            (folder / path.name).write_bytes(path.read_bytes())
        return folder

    first = fresh("first")
    maths.subset_fonts(first, "x+y", cache)
    cut = {p.name: p.read_bytes() for p in first.glob("*.woff2")}
    monkeypatch.setattr(maths, "_subset_font", lambda *_: pytest.fail("not taken from cache"))
    second = fresh("second")
    maths.subset_fonts(second, "y+x", cache)  # the same characters, in another order
    assert {p.name: p.read_bytes() for p in second.glob("*.woff2")} == cut
    calls = []
    monkeypatch.setattr(maths, "_subset_font", lambda path, text: calls.append(text))
    maths.subset_fonts(fresh("third"), "x+z", cache)
    assert len(calls) == len(source) and "z" in calls[0]
