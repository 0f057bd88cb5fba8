"""What the build trims from a rendered page so that a phone loads and lays it out fast.

* Figures load when the reader scrolls to them and keep their space meanwhile.
  Python-Markdown renders ``![alt](figure.svg)`` as a bare ``<img>``; :func:`lazy_images`
  adds ``loading="lazy"`` and ``decoding="async"``, so a figure far down a guide costs
  nothing on the first screen, and the figure's own ``width`` and ``height``, so that
  the text does not jump when it arrives (Material's stylesheet scales it to the column).
* A figure with a dark-scheme twin (``sitebuild.figures``) is shown in each scheme in
  its own colours (:func:`scheme_images`), with Material's ``#only-light`` and
  ``#only-dark`` markers: the hidden one is never fetched, because it is lazy. The pair
  sits in a ``tl-figure`` strip, in which a phone shows the figure at the width it was
  drawn and scrolls it sideways, as Material does with a wide table, instead of
  shrinking its text to 7 px (the site's stylesheet).
* Highlighted code carries fewer elements. Pygments wraps every token in a ``<span>``;
  on a guide, code is two thirds of all the page's elements, and every element makes
  each of the style and layout passes Material's script triggers at start-up slower
  (measured with Lighthouse, see ``tools/lighthouse.py``). :func:`fewer_code_spans`
  unwraps the tokens that look the same with or without their span: whitespace
  (``w``), which has no style, and plain names (``n``), whose colour in both of
  Material's schemes is the code colour itself (``--md-code-hl-name-color:
  var(--md-code-fg-color)``).
* Printed outputs are marked as outputs (:func:`marked_outputs`): labelled, without a
  copy button, and out of the search index. A block's checked output is numbers and
  tables, which no reader searches for; and many distinct numeric tokens make the
  search library Material ships (lunr) build a broken index, after which every query
  starting with the wrong letter fails.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path

_OUTPUT = re.compile(
    r'(<!--pytest-codeblocks:expected-output-->\s*<div class="language-[\w-]+ highlight)"'
)
_IMG = re.compile(r"<img\b(?P<attrs>[^>]*?)\s*/?>")
_SVG_SIZE = re.compile(rb'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"')
_PX_PER = {b"pt": 4 / 3, b"px": 1.0, None: 1.0}


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of PNG data (from its header), or ``None`` if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height in CSS pixels of an SVG (from its root) or PNG file, else ``None``."""
    if not path.is_file():
        return None
    head = path.read_bytes()[:4096]
    if size := png_size(head):
        return size
    found = _SVG_SIZE.search(head)
    if found is None:
        return None
    width = float(found.group(1)) * _PX_PER[found.group(2)]
    height = float(found.group(3)) * _PX_PER[found.group(4)]
    return round(width), round(height)


def lazy_images(html: str, size_of: Callable[[str], tuple[int, int] | None]) -> str:
    """Every ``<img>`` without a ``loading`` attribute, made lazy and given its size.

    Args:
        html: A page's content.
        size_of: The size of the image at a ``src`` as written in the page, or ``None``.
    """

    def replace(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        if re.search(r"\bloading=", attrs):
            return match.group(0)
        extra = ' loading="lazy" decoding="async"'
        src = re.search(r'\bsrc="([^"]+)"', attrs)
        size = size_of(src.group(1)) if src else None
        if size and not re.search(r"\b(width|height)=", attrs):
            extra += f' width="{size[0]}" height="{size[1]}"'
        return f"<img{attrs}{extra} />"

    return _IMG.sub(replace, html)


def scheme_images(html: str, dark_of: Callable[[str], str | None]) -> str:
    """Every ``<img>`` whose ``src`` has a dark twin, as two, one for each scheme.

    The image itself is marked ``#only-light``; the twin, with the same attributes, is
    marked ``#only-dark``; both are wrapped in ``<span class="tl-figure">``.

    Args:
        html: A page's content.
        dark_of: The ``src`` of the dark twin of the image at a ``src``, or ``None``.
    """

    def replace(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        src = re.search(r'\bsrc="([^"#]+)"', attrs)
        dark = dark_of(src.group(1)) if src else None
        if src is None or dark is None:
            return match.group(0)
        light_attrs = attrs.replace(src.group(0), f'src="{src.group(1)}#only-light"')
        dark_attrs = attrs.replace(src.group(0), f'src="{dark}#only-dark"')
        return f'<span class="tl-figure"><img{light_attrs} /><img{dark_attrs} /></span>'

    return _IMG.sub(replace, html)


_PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')
_CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.S)


def fewer_code_spans(html: str) -> str:
    """The page with plain-name and whitespace token spans in ``<code>``/``<pre>`` unwrapped."""
    return _CODE.sub(lambda code: _PLAIN_TOKEN.sub(r"\1", code.group(0)), html)


def marked_outputs(html: str) -> str:
    """Mark every checked output block as output, not code.

    The block after each expected-output comment gets the class ``tl-output`` (the site's
    stylesheet labels it "Output" and sets it apart from code), Material's ``no-copy``
    (no copy button: nobody pastes an output) and ``data-search-exclude``.
    """
    return _OUTPUT.sub(r'\1 tl-output no-copy" data-search-exclude', html)
