"""`make screenshots`: PNGs of the built site for a pull request's reviewer.

The landing page, the largest guide (light and dark), the first lab (light and dark) and
each other lab, in Debian's headless Chromium, served as the browser tests serve it.
Run it as ``python -m tools.screenshots SITE OUT`` (the Makefile does).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    block_other_origins,
    is_lab,
    serve,
)


def screenshots(site: Path, out: Path) -> list[Path]:
    """Write the review PNGs of ``site`` into ``out``; return their paths."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise SystemExit(MISSING_CHROMIUM)
    out.mkdir(parents=True, exist_ok=True)
    server = serve(site)
    guides = sorted(site.glob("guides/*/index.html"), key=lambda p: -p.stat().st_size)
    labs = [
        page for page in sorted(site.rglob("*.html")) if is_lab(page.read_text(encoding="utf-8"))
    ]
    shots = [("landing", "", "light")]
    if guides:
        path = guides[0].parent.relative_to(site).as_posix() + "/"
        shots += [("guide-light", path, "light"), ("guide-dark", path, "dark")]
    for number, lab in enumerate(labs):
        path = lab.parent.relative_to(site).as_posix() + "/"
        shots.append((f"lab-{lab.parent.name}", path, "light"))
        if number == 0:
            shots.append((f"lab-{lab.parent.name}-dark", path, "dark"))
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for name, path, scheme in shots:
                context = browser.new_context(
                    color_scheme=scheme, viewport={"width": 1280, "height": 900}
                )
                block_other_origins(context, server.origin)
                page = context.new_page()
                page.goto(server.url(path), wait_until="networkidle")
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
                context.close()
            browser.close()
    finally:
        server.stop()
    return written


if __name__ == "__main__":
    site_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    for shot in screenshots(site_dir, Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")):
        print(shot)
