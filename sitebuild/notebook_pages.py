"""Make a lab page, as mkdocs-jupyter renders it, lean and like the rest of the site.

nbconvert's HTML inlines about 600 KB of JupyterLab CSS and every figure as base64 into
the page. For a lab page the build instead:

* drops the inline ``<style>`` blocks (``tuninglab.css`` styles the few notebook classes
  a rendered lab uses, in both colour schemes);
* writes each figure to a PNG file beside the page, loaded lazily, with its alt text
  from the ``# alt:`` line of the cell that draws it, and a dark-scheme twin
  (:func:`sitebuild.figures.dark_png`) that the dark scheme shows instead;
* adds the header line, the download buttons and the related guides and labs.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from pathlib import Path

import markdown

from sitebuild import figures
from sitebuild.lighter_pages import png_size, scheme_images

_STYLE_RE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_REQUIRE_RE = re.compile(r"<script[^>]*require[^>]*>\s*</script>", re.S)
# nbconvert's MathJax loader (the build typesets maths itself, sitebuild/maths.py) and its
# Mermaid loader, which would import Mermaid from a CDN (no lab draws a Mermaid diagram).
_MATHJAX_RE = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID_RE = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)
# nbconvert's permalink after each heading, made Material's own (its search leaves a
# headerlink out of the section titles; nbconvert's ¶ ended every lab heading there).
_ANCHOR_RE = re.compile(r'<a class="anchor-link" href="(#[^"]*)">¶</a>')
_IMG_RE = re.compile(
    r'<img (?:alt="[^"]*" )?(?:class="[^"]*" )?'
    r'src="data:image/(?P<kind>png|jpeg);base64,(?P<data>[^"]+)"'
)


class PageError(ValueError):
    """A lab page cannot be assembled (for example, a figure without alt text)."""


def lean(html: str) -> str:
    """The page without nbconvert's inline stylesheets, RequireJS, MathJax and Mermaid.

    Each heading's permalink becomes Material's ``headerlink``, so that search leaves
    the ``¶`` out of the section's title. A code or output block that may scroll
    sideways can take the keyboard focus, as Material's code blocks can.
    """
    for pattern in (_STYLE_RE, _REQUIRE_RE, _MATHJAX_RE, _MERMAID_RE):
        html = pattern.sub("", html)
    html = _ANCHOR_RE.sub(
        r'<a class="headerlink" href="\1" title="Link to this section">&para;</a>', html
    )
    return html.replace("<pre>", '<pre tabindex="0">')


def figures_to_files(
    html: str, alts: list[str], page_file: Path, where: str, dark_cache: Path
) -> str:
    """Write each inline figure next to ``page_file`` and link it, with its alt text.

    Args:
        html: The page content.
        alts: Alt texts, one per figure, in page order.
        page_file: The page's ``index.html`` in the site folder.
        where: The lab's source path, for messages.
        dark_cache: Where the figures' dark-scheme twins are kept between builds.
    """
    found = list(_IMG_RE.finditer(html))
    if len(found) != len(alts):
        raise PageError(
            f"{where}: the notebook shows {len(found)} figure(s) but {len(alts)} cell(s) open "
            "with an '# alt:' line; give every cell that draws a figure exactly one"
        )
    page_file.parent.mkdir(parents=True, exist_ok=True)
    pieces, last, twins = [], 0, set()
    for number, (match, alt) in enumerate(zip(found, alts, strict=True), start=1):
        data = base64.b64decode(match.group("data"))
        name = f"figure-{number}.{match.group('kind')}"
        (page_file.parent / name).write_bytes(data)
        if match.group("kind") == "png":  # the dark scheme shows a twin (as for SVGs)
            twins.add(name)
            dark = figures.dark_png_cached(data, dark_cache)
            (page_file.parent / figures.dark_name(name)).write_bytes(dark)
        size = png_size(data)
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        pieces += [
            html[last : match.start()],
            f'<img alt="{html_lib.escape(alt)}" loading="lazy"{dims} src="{name}"',
        ]
        last = match.end()
    pieces.append(html[last:])
    return scheme_images(
        "".join(pieces), lambda src: figures.dark_name(src) if src in twins else None
    )


_HREF_RE = re.compile(r'href="(?P<path>[^":#?]+\.(?:md|ipynb))(?P<anchor>#[^"]*)?"')


def rewrite_links(html: str, resolve) -> str:
    """Point links to other pages' sources (``../guides/x.md#y``) at their built URLs.

    ``resolve`` maps a link's path to the page's URL relative to this page, or ``None``
    when there is no such page (the link check reports those with their lines).
    """

    def replace(match: re.Match) -> str:
        url = resolve(match.group("path"))
        if url is None:
            return match.group(0)
        return f'href="{url}{match.group("anchor") or ""}"'

    return _HREF_RE.sub(replace, html)


def downloads_html(slug: str) -> str:
    """The two download buttons of a lab page."""
    return (
        '<p class="tl-downloads">'
        f'<a class="md-button md-button--primary" href="{slug}.ipynb" download>'
        "Download notebook (.ipynb)</a> "
        f'<a class="md-button" href="{slug}.py" download>Download script (.py)</a>'
        "</p>\n"
    )


def assemble(html: str, header: str, slug: str, related: str) -> str:
    """Put the header and downloads under the page's title and the related links last.

    ``related`` is the Markdown of :func:`sitebuild.guide_pages.related_markdown`, the
    renderer guides use too; it is converted here, as the rest of a lab page is HTML.
    """
    furniture = header + downloads_html(slug)
    title_end = html.find("</h1>")
    if title_end == -1:
        html = furniture + html
    else:
        cut = title_end + len("</h1>")
        html = html[:cut] + "\n" + furniture + html[cut:]
    return html + markdown.markdown(related, extensions=["toc"])
