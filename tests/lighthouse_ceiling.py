"""`make lighthouse-ceiling`: what Material's start-up leaves to gain on long pages.

Lighthouse's score on a long guide is held down by total blocking time, and the blocking
time is Material's bundle recomputing style and layout of the whole page while it mounts
its components. This script measures how much of it each reader feature costs: it audits
copies of the longest pages with features taken out of their HTML, one step at a time,
``RUNS`` times each (``tests.lighthouse.audit``: mobile defaults, gzip, 127.0.0.1), and
writes the medians to ``.cache/reports/lighthouse-ceiling.md``. Nothing is changed in
``site/``; the copies live in a temporary folder.

Run it as ``python -m tests.lighthouse_ceiling SITE LIGHTHOUSE_BIN`` (the Makefile does).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.browser_support import serve
from tests.lighthouse import audit, save, summary

PAGES = {
    "guide with maths": "guides/parameters-vs-hyperparameters/",
    "heaviest guide": "guides/hyperparameter-catalogue/",
}
RUNS = 5
REPORT = Path(".cache/reports/lighthouse-ceiling.md")

Edit = Callable[[str], str]


def _changed(edit: Edit) -> Edit:
    """``edit``, failing if it leaves the page as it was (Material's markup moved on)."""

    def checked(html: str) -> str:
        new = edit(html)
        if new == html:
            raise SystemExit(f"{edit.__name__} found nothing to change: update this script")
        return new

    checked.__name__ = edit.__name__
    return checked


@_changed
def without_palette_toggle(html: str) -> str:
    """Drop the light/dark toggle, so Material's palette component never mounts."""
    form = r'<form class="md-header__option" data-md-component="palette">.*?</form>'
    return re.sub(form, "", html, count=1, flags=re.S)


@_changed
def without_features(html: str) -> str:
    """Switch off every feature in ``theme.features`` (instant loading, copy buttons, ...)."""
    return re.sub(r'"features":\s*\[[^\]]*\]', '"features": []', html, count=1)


@_changed
def skipping_offscreen_blocks(html: str) -> str:
    """Let the browser skip style and layout of blocks off screen (``content-visibility``)."""
    blocks = ".md-typeset :is(pre>code,.katex-display,.admonition,details,table)"
    rule = f"{blocks}{{content-visibility:auto;contain-intrinsic-size:auto 12em}}"
    return html.replace("</head>", f"<style>{rule}</style></head>", 1)


VARIANTS: dict[str, list[Edit]] = {
    "as built": [],
    "no light/dark toggle": [without_palette_toggle],
    "no toggle, no Material features": [without_palette_toggle, without_features],
    "no toggle, no features, off-screen blocks skipped": [
        without_palette_toggle,
        without_features,
        skipping_offscreen_blocks,
    ],
}


def edit_pages(site: Path, copy: Path, edits: list[Edit]) -> None:
    """Write ``site``'s ``PAGES`` into ``copy`` with ``edits`` applied."""
    for path in PAGES.values():
        html = (site / path / "index.html").read_text(encoding="utf-8")
        for edit in edits:
            html = edit(html)
        (copy / path / "index.html").write_text(html, encoding="utf-8")


def measure(site: Path, lighthouse: str, tmp: Path) -> list[str]:
    """One table row per page and variant: median, range of performance and TBT."""
    copy = tmp / "site"
    shutil.copytree(site, copy)
    server = serve(copy, compress=True)
    rows = []
    try:
        for name, edits in VARIANTS.items():
            edit_pages(site, copy, edits)
            for kind, path in PAGES.items():
                reports = [
                    audit(lighthouse, server.url(path), tmp / f"run-{run}.json")
                    for run in range(RUNS)
                ]
                scores = [r["categories"]["performance"]["score"] for r in reports]
                medians = summary(reports)
                rows.append(
                    f"| {kind} | {name} | {medians['performance']:.2f} | "
                    f"{min(scores):.2f}–{max(scores):.2f} | "
                    f"{medians['total-blocking-time']:.0f} ms |"
                )
                print(rows[-1], flush=True)
    finally:
        server.stop()
    return rows


def main(site: Path, lighthouse: str) -> int:
    """Audit every page and variant; print and save the table."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(site, lighthouse, Path(tmp))
    save(
        REPORT,
        f"Lighthouse performance, {RUNS} runs per row, default mobile settings, gzip, "
        "127.0.0.1; features taken out of copies of the built pages.\n\n"
        "| page | variant | median | range | median TBT |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
