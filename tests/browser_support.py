"""Helpers for the browser tests: serve the built site locally, record what a page loads.

The site is served by ``http.server`` on 127.0.0.1 under the same path as in production
(the path of ``site_url`` in mkdocs.yml, e.g. ``/tuning-lab/``), and a missing page is
answered with ``404.html`` and status 404, as GitHub Pages does.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

CHROMIUM = os.environ.get("TUNINGLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium"

# Formats that are already compressed: a static host sends them as they are.
PRECOMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".gz", ".zip")
PAGE_BUDGET = 150 * 1024
"""Most a first visit to any page may transfer: the HTML and all it loads, gzip-compressed."""


def base_path(site: Path) -> str:
    """The path the site was built for (``site_url``'s, e.g. ``/tuning-lab/``).

    Read from the built sitemap, so it follows ``SITE_URL`` if the build was given one.
    """
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return "/"
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8"))
    paths = sorted((urlsplit(loc).path for loc in locations), key=len)
    path = paths[0] if paths else "/"
    return path if path.endswith("/") else path + "/"


def target_file(site: Path, url_path: str) -> Path:
    """The file a static host serves for a path of the site (directories: index.html)."""
    target = site / unquote(url_path).lstrip("/")
    if url_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def page_url(site: Path, html_file: Path) -> str:
    """The URL path of a page under the site root, as served: /guides/x/ or /404.html."""
    rel = html_file.relative_to(site).as_posix()
    return "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def site_file(site: Path, html_file: Path, url: str) -> Path | None:
    """The site file a link or ``src`` in ``html_file`` loads, or ``None`` when it is
    another host's or outside the site's path (links from the root, as the 404 page's,
    carry ``site_url``'s path, e.g. ``/tuning-lab/assets/...``)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = urlsplit(urljoin(page_url(site, html_file), url)).path
    if url.startswith("/"):
        prefix = base_path(site)
        if not (path + "/").startswith(prefix):
            return None
        path = "/" + path[len(prefix) :]
    target = target_file(site, path)
    return target if target.is_file() else None


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix``; anything else gets 404.html with status 404."""

    prefix = "/"
    compress = False
    """Send text formats gzip-compressed to a client that accepts it, as GitHub Pages does."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + clean[len(self.prefix) :])

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().do_GET()  # the redirect to the folder's URL
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.is_file()) or path.suffix in PRECOMPRESSED:
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class SiteServer:
    """A running local server of a built site."""

    site: Path
    origin: str
    prefix: str
    _server: http.server.ThreadingHTTPServer = field(repr=False)

    def url(self, path: str = "") -> str:
        """The URL of a path relative to the site root (``guides/x/``)."""
        return self.origin + self.prefix + path.lstrip("/")

    def pages(self) -> list[str]:
        """Every HTML page of the site as a URL path relative to the root (``guides/x/``)."""
        found = []
        for html in sorted(self.site.rglob("*.html")):
            rel = html.relative_to(self.site).as_posix()
            if rel == "404.html":
                continue
            found.append(rel.removesuffix("index.html"))
        return found

    def stop(self) -> None:
        """Shut the server down."""
        self._server.shutdown()
        self._server.server_close()


def serve(site: Path, prefix: str | None = None, *, compress: bool = False) -> SiteServer:
    """Serve ``site`` on a free port of 127.0.0.1 from a thread; call ``stop()`` after.

    ``compress``: send HTML, CSS, JS, JSON and SVG gzip-compressed, as GitHub Pages does.
    """
    prefix = prefix or base_path(site)
    handler = type("Handler", (_Handler,), {"prefix": prefix, "compress": compress})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return SiteServer(site, f"http://{host}:{port}", prefix, server)


def page_type(path: str, html: str) -> str:
    """What kind of page a site path is: landing, guide, tags, lab, 404 or other."""
    if is_lab(html):
        return "lab"
    if path == "":
        return "landing"
    if path.startswith("guides/"):
        return "guide"
    if path.startswith("tags/"):
        return "tags"
    if path == "404":
        return "404"
    return "other"


def is_lab(html: str) -> bool:
    """Whether a page is a notebook rendered by mkdocs-jupyter."""
    return "jp-Notebook" in html or "jupyter-wrapper" in html


@dataclass
class Recorder:
    """Everything one page visit requested, answered and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    responses: list[object] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        """Listen to a Playwright page (and its workers, whose requests it reports)."""
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.responses.append(response))
        page.on(
            "console",
            lambda msg: (
                self.console_errors.append(f"console: {msg.text} ({msg.location})")
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def foreign_requests(self) -> list[str]:
        """Requests to any origin but the site's own (data: and blob: URLs are local)."""
        return [
            url
            for url in self.requests
            if not url.startswith((self.origin + "/", "data:", "blob:", "about:"))
        ]


def block_other_origins(context, origin: str) -> None:
    """Abort every request that would leave ``origin``; the page still reports it."""
    context.set_default_timeout(10_000)
    context.route(
        re.compile(rf"^(?!{re.escape(origin)}/|data:|blob:)"),
        lambda route: route.abort("blockedbyclient"),
    )


def transfer_size(url: str, body: bytes) -> int:
    """Bytes a static host would send: gzip level 6, except already compressed formats."""
    if urlsplit(url).path.lower().endswith(PRECOMPRESSED):
        return len(body)
    return len(gzip.compress(body, 6))
