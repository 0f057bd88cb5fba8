"""Fixtures shared by the tests of the site build and the site in a browser.

Plain helpers (the repository root, throwaway builds, ...) are in ``tests/support.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import REPO, build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: ``$TUNINGLAB_SITE_DIR`` (as `make test` sets it) or a fresh build."""
    given = os.environ.get("TUNINGLAB_SITE_DIR")
    if given:
        site = (REPO / given).resolve()
        if not (site / "index.html").is_file():
            pytest.fail(f"TUNINGLAB_SITE_DIR={given} holds no built site; run `make build`")
        return site
    site = tmp_path_factory.mktemp("site")
    result = build(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site


# --- browser tests (tests/site/test_browser.py) ---------------------------------------------


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """The built site served on 127.0.0.1 under its published path, for the session."""
    from tests.browser_support import serve

    server = serve(built_site)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's headless Chromium driven by Playwright; one per session (per xdist worker).

    Without Chromium the browser tests are skipped with the install command, except
    under ``CI=true``, where a missing browser is a failure.
    """
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, MISSING_CHROMIUM

    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium_browser, site_server):
    """A fresh browser context (empty cache and storage) that cannot leave the site."""
    from tests.browser_support import block_other_origins

    context = chromium_browser.new_context(
        color_scheme="light",
        viewport={"width": 1280, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    block_other_origins(context, site_server.origin)
    yield context
    context.close()
