"""Fixtures shared by the tests of the site build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
BUILD_TIMEOUT = 240
"""Seconds a throwaway build may take before the test fails (a hang fails by name)."""
PYTEST_TIMEOUT = 180


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


def build(config: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` on a config and return the finished process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )


def run_pytest(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest (with this repository's settings) on one file, in a fresh process."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(path),
            "-p",
            "no:xdist",
            "-q",
            "--rootdir",
            str(REPO),
            "-c",
            str(REPO / "pyproject.toml"),
            "--no-result-cache",
            *args,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=PYTEST_TIMEOUT,
    )


def make_project(root: Path, guides: dict[str, str], labs: dict[str, str] | None = None) -> Path:
    """A throwaway copy of the site config whose docs/ holds only the given guides (and
    whose examples/ holds only the given labs, listed in the nav).

    It uses the real hooks, theme settings and tag list; returns the mkdocs.yml path.
    """
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_hooks/mkdocs_hooks.py", str(REPO / "docs_hooks/mkdocs_hooks.py"))
    config = config.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    config = config.split("\nnav:")[0] + "\n"
    if labs:
        entries = "".join(f"  - labs/{slug}.ipynb\n" for slug in labs)
        config += (
            "nav:\n  - index.md\n"
            + "".join(f"  - guides/{slug}.md\n" for slug in guides)
            + entries
            + "  - flashcards.md\n"
            + "  - tags.md\n"
        )
        (root / "examples").mkdir()
        for slug, text in labs.items():
            (root / "examples" / f"{slug}.py").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    docs = root / "docs"
    shutil.copytree(REPO / "docs" / "assets", docs / "assets")
    (docs / "index.md").write_text("# Test site\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    (docs / "guides").mkdir()
    for slug, text in guides.items():
        (docs / "guides" / f"{slug}.md").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


def guide(
    title: str = "A guide",
    related: str = "[]",
    difficulty: str = "beginner",
    tags: str = "[fundamentals]",
    extra: str = "",
    body: str = "Some words about tuning.\n",
    self_check: bool = True,
) -> str:
    """The text of a small guide whose front matter fields can be overridden.

    It ends with a valid "Check yourself" section unless ``self_check`` is false.
    """
    return (
        "---\n"
        f"title: {title}\n"
        "description: A guide made by a test.\n"
        f"difficulty: {difficulty}\n"
        f"tags: {tags}\n"
        f"related: {related}\n"
        f"{extra}"
        "---\n\n"
        f"{body}" + (SELF_CHECK if self_check else "")
    )


SELF_CHECK = "\n## Check yourself\n\n" + "".join(
    f'??? question "Question {n}?"\n\n    Answer {n}: [Check yourself](#check-yourself).\n\n'
    for n in (1, 2, 3)
)
"""A minimal valid self-check section for test guides."""


# --- browser tests (tests/test_browser.py) ---------------------------------------------


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
