r"""Maths typeset during the build, so that a page ships HTML and CSS but no maths script.

Guides write maths between dollar signs; ``pymdownx.arithmatex`` (generic mode) wraps each
formula as ``<span class="arithmatex">\(...\)</span>`` or, for display maths,
``<div class="arithmatex">\[...\]</div>``. Lab pages come from nbconvert, which leaves
``$...$`` and ``$$...$$`` in the text. :func:`typeset_guide` and :func:`typeset_lab`
replace both with KaTeX's output: HTML for the eye and MathML for screen readers.

KaTeX itself (``docs/assets/katex/katex.min.js``, beside the stylesheet and fonts of the
same version, and left out of the published site) runs in V8 embedded in Python by the
``mini-racer`` package, so no Node.js is needed. A formula KaTeX cannot parse stops the
build with the source file, the line and KaTeX's message.

:func:`subset_fonts` then cuts every KaTeX font in the built site down to the characters
the site's maths uses, so a page that needs a font loads a few kilobytes of it.
"""

from __future__ import annotations

import atexit
import hashlib
import html as html_lib
import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

KATEX = Path(__file__).resolve().parent.parent / "docs" / "assets" / "katex"
"""Every file of KaTeX: the script, the stylesheet and the fonts, on one version."""
KATEX_JS = KATEX / "katex.min.js"
STYLESHEET = "assets/katex/katex.min.css"
"""Where the published stylesheet lives, relative to the site root."""
FONTS = "assets/katex/fonts"
_RENDER = """(function (tex, display) {
  return katex.renderToString(tex, {
    displayMode: display, throwOnError: true, strict: "error", output: "htmlAndMathml"
  });
})"""
_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
_DELIMITED = re.compile(r"\A\s*\\([(\[])(.*)\\([)\]])\s*\Z", re.S)
# Lab text: where maths may be; code, scripts and styles are left alone.
_NOT_TEXT = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.S)
_DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_DOLLARS = re.compile(r"(?<![\\$\w])\$(?=\S)((?:[^$\n]|\n(?!\s*\n))+?)(?<=\S)\$(?![\w$])")
_KATEX_TEXT = re.compile(r'<span class="katex-html" aria-hidden="true">(.*?)</span></span>\Z', re.S)
_TAG = re.compile(r"<[^>]+>")


class MathError(ValueError):
    """A formula KaTeX cannot typeset; the message names the file and line."""


class Katex:
    """KaTeX's ``renderToString`` in an embedded V8, started on first use."""

    def __init__(self, script: Path = KATEX_JS) -> None:
        self._script = script
        self._context = None  # the V8 context must live as long as the function taken from it
        self._render: Callable[[str, bool], str] | None = None
        self._cache: dict[tuple[str, bool], str] = {}
        self.characters: set[str] = set()
        """Every character that KaTeX's HTML has used so far (for :func:`subset_fonts`)."""

    def _start(self) -> Callable[[str, bool], str]:
        from py_mini_racer import MiniRacer

        self._context = MiniRacer()
        atexit.register(self.close)
        self._context.eval(self._script.read_text(encoding="utf-8"))
        return self._context.eval(_RENDER)

    def close(self) -> None:
        """Stop the V8 engine; :meth:`render` starts a new one if it is called again.

        Call it while Python is running (the build does, after the last page, and
        :mod:`atexit` does as a backstop): left to the interpreter's own shutdown,
        mini-racer 0.14 sometimes waits forever while freeing the engine (seen in 4 of
        6 processes started together).
        """
        self._render = None
        context, self._context = self._context, None
        if context is not None:
            context.close()

    def render(self, tex: str, display: bool) -> str:
        """KaTeX's HTML for ``tex``.

        Raises:
            ValueError: KaTeX's own message, when it cannot parse ``tex``.
        """
        key = (tex, display)
        if key not in self._cache:
            if self._render is None:
                self._render = self._start()
            try:
                out = self._render(tex, display)
            except Exception as error:  # py_mini_racer's JSEvalException carries KaTeX's text
                raise ValueError(_katex_message(str(error))) from None
            self._cache[key] = out
            self.characters.update(_visible_text(out))
        return self._cache[key]


def _katex_message(text: str) -> str:
    found = re.search(r"(?:ParseError: )?(KaTeX parse error: .*)", text)
    return (found.group(1) if found else text.splitlines()[0]).strip()


def _visible_text(rendered: str) -> str:
    found = _KATEX_TEXT.search(rendered)
    return html_lib.unescape(_TAG.sub("", found.group(1) if found else rendered))


def line_of(source: str, tex: str) -> int:
    """The 1-based line of ``source`` where ``tex`` (or its first line) first appears."""
    for needle in (tex, tex.strip().splitlines()[0] if tex.strip() else tex):
        at = source.find(needle)
        if needle and at >= 0:
            return source.count("\n", 0, at) + 1
    return 1


class _Typesetter:
    """Typesets the formulas of one page, counting them and naming a bad one's line."""

    def __init__(self, katex: Katex, read_source: Callable[[], str], where: str) -> None:
        self.katex, self.read_source, self.where = katex, read_source, where
        self.count = 0

    def __call__(self, tex: str, display: bool) -> str:
        try:
            out = self.katex.render(tex, display)
        except ValueError as error:
            where = f"{self.where}:{line_of(self.read_source(), tex)}"
            raise MathError(f"{where}: cannot typeset ${tex.strip()}$: {error}") from None
        self.count += 1
        if display:  # display maths may scroll sideways: let the keyboard reach it
            return f'<div class="arithmatex" tabindex="0">{out}</div>'
        return f'<span class="arithmatex">{out}</span>'


def typeset_guide(
    html: str, katex: Katex, read_source: Callable[[], str], where: str
) -> tuple[str, int]:
    """Replace arithmatex's formulas in a rendered Markdown page with KaTeX's HTML.

    Args:
        html: The page content, as Python-Markdown rendered it.
        katex: The renderer.
        read_source: Reads the Markdown source, to find a bad formula's line (called
            only then, so a page's source is not read twice on every build).
        where: The source's path, for messages.

    Returns:
        The new content and the number of formulas typeset.

    Raises:
        MathError: A formula KaTeX cannot typeset.
    """
    typeset = _Typesetter(katex, read_source, where)

    def replace(match: re.Match[str]) -> str:
        tag, inner = match.group(1), html_lib.unescape(match.group(2))
        delimited = _DELIMITED.match(inner)
        tex = delimited.group(2) if delimited else inner
        return typeset(tex, tag == "div" or bool(delimited and delimited.group(1) == "["))

    return _ARITHMATEX.sub(replace, html), typeset.count


def typeset_lab(
    html: str, katex: Katex, read_source: Callable[[], str], where: str
) -> tuple[str, int]:
    """Replace ``$...$`` and ``$$...$$`` in a lab page's text (not in code) with KaTeX's HTML.

    Arguments, result and errors as for :func:`typeset_guide`; ``read_source`` reads the
    lab's script.
    """
    typeset = _Typesetter(katex, read_source, where)

    def text(part: str) -> str:
        part = _DISPLAY_DOLLARS.sub(lambda m: typeset(html_lib.unescape(m.group(1)), True), part)
        return _INLINE_DOLLARS.sub(lambda m: typeset(html_lib.unescape(m.group(1)), False), part)

    pieces, last = [], 0
    for code in _NOT_TEXT.finditer(html):
        pieces += [text(html[last : code.start()]), code.group(0)]
        last = code.end()
    pieces.append(text(html[last:]))
    return "".join(pieces), typeset.count


def stylesheet_link(href: str) -> str:
    """The ``<link>`` a page with maths puts before its content (``href``: page-relative).

    It sits in the content, not the ``<head>``, so that Material's instant navigation,
    which swaps the content, brings it along when a reader moves to a page with maths.
    """
    return f'<link rel="stylesheet" href="{html_lib.escape(href)}">'


KEPT_FONT_SUBSETS = 8
"""Sets of cut fonts kept in the cache (the site's, a draft's, test builds')."""


def subset_fonts(
    folder: Path, characters: Iterable[str], cache: Path | None = None
) -> tuple[int, int]:
    """Cut every ``*.woff2`` in ``folder`` down to ``characters`` (in place).

    A character missing from a font is simply not in its subset; KaTeX's CSS picks the
    font for each piece of a formula, so any font may need any of the characters. With
    ``cache``, fonts already cut from the same fonts to the same characters are copied
    from there (cutting the twenty fonts takes about a second and a half); the cache
    keeps the :data:`KEPT_FONT_SUBSETS` sets used last.

    Returns:
        The total size of the fonts before and after, in bytes.
    """
    text = "".join(sorted(set(characters) | {" "}))
    fonts = sorted(folder.glob("*.woff2"))
    digest = hashlib.sha256(text.encode())
    for path in fonts:
        digest.update(path.name.encode() + path.read_bytes())
    before = sum(path.stat().st_size for path in fonts)
    cached = cache / digest.hexdigest()[:16] if cache is not None else None
    if cached is None or not _copy_cached(cached, fonts):
        for path in fonts:
            _subset_font(path, text)
        if cached is not None:
            _keep(cached, fonts)
    return before, sum(path.stat().st_size for path in fonts)


def _copy_cached(cached: Path, fonts: list[Path]) -> bool:
    """Copy the cut fonts from ``cached`` over ``fonts``; whether the cache had them."""
    if not cached.is_dir():
        return False
    try:
        for path in fonts:
            shutil.copyfile(cached / path.name, path)
    except FileNotFoundError:  # never stored, or another build pruned it meanwhile
        return False
    os.utime(cached)  # used last
    return True


def _keep(cached: Path, fonts: list[Path]) -> None:
    """Store the cut fonts as one folder (renamed into place whole), and prune old sets."""
    staging = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for path in fonts:
        shutil.copyfile(path, staging / path.name)
    try:
        staging.rename(cached)
    except OSError:  # another build stored the same set first
        shutil.rmtree(staging, ignore_errors=True)
    sets = sorted(
        (p for p in cached.parent.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in sets[KEPT_FONT_SUBSETS:]:
        shutil.rmtree(old, ignore_errors=True)


def _subset_font(path: Path, text: str) -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    subset.save_font(font, str(path), options)
