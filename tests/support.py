"""Helpers shared by the tests: the repository root, throwaway builds and projects,
pytest in a fresh process, a small valid guide, a page's front matter.

Fixtures live in ``tests/conftest.py``; this module holds plain functions and constants
that test modules import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from sitebuild.frontmatter import split_front_matter
from sitebuild.labs import lab_paths

REPO = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
BUILD_TIMEOUT = 240
"""Seconds a throwaway build may take before the test fails (a hang fails by name)."""
PYTEST_TIMEOUT = 180
INSTALL_MATPLOTLIB = "\nYou need:\n\n```console\n$ pip install matplotlib\n```\n"
"""An install line for a test guide whose code imports matplotlib (the build requires one)."""
MISSING_PAGE = "no-such-page/"
"""A page the site does not have: the server answers it with 404.html."""


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
    config = config.replace("sitebuild/hooks.py", str(REPO / "sitebuild/hooks.py"))
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


def front_matter(path: Path) -> dict:
    """The parsed YAML front matter of a Markdown page."""
    return yaml.safe_load(split_front_matter(path.read_text(encoding="utf-8"))[0])


def load_mkdocs_config(text: str) -> dict:
    """``mkdocs.yml`` text parsed as YAML, with its custom tags (``!ENV``,
    ``!!python/name``) read as ``None``: enough for the nav and the plain settings."""
    import yaml

    class IgnoreTags(yaml.SafeLoader):
        pass

    IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(text, Loader=IgnoreTags)


def source_pages() -> list[str]:
    """Every page the site should have, as a path under the site root: docs/ and labs."""
    found = []
    for md in sorted((REPO / "docs").rglob("*.md")):
        rel = md.relative_to(REPO / "docs").with_suffix("").as_posix()
        found.append("" if rel == "index" else rel.removesuffix("index") + "/")
    generated = ["flashcards/"]  # built from the guides' self-checks (sitebuild/self_check.py)
    return found + generated + [f"labs/{path.stem}/" for path in lab_paths()]


def html_file(path: str) -> str:
    """The built file of a page path, relative to the site root."""
    return "404.html" if path == MISSING_PAGE else path + "index.html"


def built_pages() -> list[str]:
    """The built HTML file of every page the site should have, the 404 page included."""
    return [html_file(path) for path in [*source_pages(), MISSING_PAGE]]


def tracked(pattern: str = "") -> list[str]:
    """The repository's files (committed or new, not ignored) matching a git pathspec."""
    out = subprocess.run(
        [
            "git",
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            *([pattern] if pattern else []),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()
