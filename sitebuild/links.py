"""Check every internal link and ``#anchor`` of the Markdown sources, with their lines.

MkDocs checks links too, but names only the page; this check runs once every page has
been rendered (so every heading's anchor is known) and reports
``docs/guides/x.md:LINE: link 'y.md#z': ...`` for each link whose page, file or anchor
does not exist, with the closest match when there is one.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sitebuild.page_model import prose_lines

_INLINE_CODE_RE = re.compile(r"`[^`]*`")
_LINK_RES = (
    re.compile(r"\]\(\s*<?(?P<url>[^)\s>]+)"),  # [text](url "title")
    re.compile(r"""\bhref\s*=\s*["'](?P<url>[^"']+)["']"""),  # <a href="url">
    re.compile(r"^\s*\[(?!\^)[^\]]+\]:\s*<?(?P<url>\S+?)>?(\s|$)"),  # [ref]: url, not [^note]:
)


@dataclass
class Link:
    """A link as written in a source file."""

    line: int
    url: str


def links_in(markdown: str) -> list[Link]:
    """Relative links of a Markdown text (outside code), with their line numbers."""
    found = []
    for number, line in prose_lines(markdown):
        text = _INLINE_CODE_RE.sub("", line)
        for pattern in _LINK_RES:
            for link in pattern.finditer(text):
                url = link.group("url")
                parts = urlsplit(url)
                if not parts.scheme and not parts.netloc and not url.startswith("/"):
                    found.append(Link(number, url))
    return found


def check_page(src_uri: str, markdown: str, pages: dict[str, set[str]], files: set[str]):
    """Problems with the links of one page, as ``(line, message)`` pairs.

    Args:
        src_uri: The page's path under ``docs/`` (``guides/x.md``).
        markdown: The page's source, as in the file.
        pages: Every page's ``src_uri`` and the anchor ids it contains.
        files: Every other file's ``src_uri`` (images, downloads, figures).
    """
    problems = []
    for link in links_in(markdown):
        parts = urlsplit(link.url)
        path, anchor = unquote(parts.path), unquote(parts.fragment)
        target = src_uri
        if path:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
        if path.endswith("/") or target in {".", ""}:
            target = posixpath.join(target, "index.md").lstrip("./")
        if target not in pages and target not in files:
            hint = _closest(target, [*pages, *files])
            problems.append((link.line, f"link '{link.url}': there is no file docs/{target}{hint}"))
        elif anchor and target in pages and anchor not in pages[target]:
            hint = _closest(anchor, pages[target])
            page = "this page" if target == src_uri else f"docs/{target}"
            problems.append(
                (link.line, f"link '{link.url}': {page} has no heading or anchor #{anchor}{hint}")
            )
    return problems


def _closest(name: str, choices) -> str:
    match = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
