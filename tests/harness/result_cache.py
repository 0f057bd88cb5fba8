"""Reuse a test's last pass when nothing it depends on has changed (never under CI).

A pytest plugin (loaded by the root ``conftest.py``) that keeps the contributor loop
fast without weakening a check. Each test that declares its inputs gets a key: the
SHA-256 of every file it depends on, the harness, ``requirements.lock``, the Python
version and the test's own id. When a test passes, its key is written to
``.cache/results/``; in a later run a test whose key is there is deselected and counted
as reused. A test that declares nothing always runs.

* Every key holds all the code a test could run (:data:`ALWAYS`: ``src/``,
  ``sitebuild/``, ``tests/``, ``tools/``, ``conftest.py``, the lock, ``pyproject.toml``
  and ``mkdocs.yml``), so no change of code can be served a stale pass.
* A Markdown block depends, besides, on its own code (with the blocks it continues), its
  expected output and its time limit.
* Another test declares its data with ``@pytest.mark.depends_on("docs", ...)``
  (paths from the repository root),
  optionally ``site=True`` for the whole built site, or ``site_pages=("404.html",
  "guides")`` (files or folders of the built site) with ``site_assets=True`` for the
  assets every page loads, or ``code_of=("docs/guides/x.md",)`` for a page's runnable
  blocks, their outputs and its install lines, not its prose. Markers on the module and
  on the test add up.

Under ``CI=true``, with ``--no-result-cache`` or with ``--update-outputs`` every test
runs and nothing is reused.

It also chooses how many processes run the tests (``pytest -n auto``, as ``make test``
calls it; :func:`workers_for`): a worker per core, unless the last green run had the same code
and since then only the prose of at most :data:`FEW_PAGES` pages or labs changed. Then
the few tests left run in this one process: each xdist worker would import and collect
the whole suite first (about 3 s on two cores), longer than those tests take to share
out. It changes where tests run, never which.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from pathlib import Path

import pytest

from sitebuild import blocks, install_lines, page_checks
from tests.harness.markdown_blocks import MarkdownBlock, PageCheck

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "results"
ALWAYS = (
    "conftest.py",
    "src",
    "sitebuild",
    "tests",
    "tools",
    "pyproject.toml",
    "requirements.lock",
    "mkdocs.yml",
)
"""Every file of code a test could run, whatever it declares: a change to any of them
re-runs every test (``tests/site_build/test_result_cache.py`` proves every Python file
is covered). Only data inputs (pages, the built site) are declared per test."""
SITE_SHARED = ("assets",)
"""Folders of the built site that every page may load (Material's bundle and ours); the
search index is not among them: it loads only when a reader starts a search."""
SKIPPED_SITE_FILES = {"sitemap.xml", "sitemap.xml.gz"}
"""Built files that change with the date, not with the content."""
WORKERS = max(
    1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)
"""Processes for a run with much to do: one per core this process may use (BLAS and OpenMP
have one thread each), so two here and four on GitHub's runner."""
FEW_PAGES = 3
"""Most pages or labs whose prose alone may change for a run in one process."""
LAST_GREEN = CACHE / "last-green-run.json"
SOURCES = ("docs", "examples")
_digests: dict[str, str] = {}
_keys: dict[str, str] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--no-result-cache",
        action="store_true",
        help="run every test even when its inputs are unchanged since its last pass",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "depends_on(*paths, site=False, site_pages=(), site_assets=False, code_of=()): the "
        "files this test reads; while they are unchanged, its last pass is reused (never "
        "under CI)",
    )
    config._reused_results = 0  # type: ignore[attr-defined]


def enabled(config: pytest.Config) -> bool:
    """Whether earlier passes may be reused in this run."""
    return not (
        os.environ.get("CI", "").lower() == "true"
        or config.getoption("no_result_cache")
        or config.getoption("update_outputs", default=False)
    )


def _digest_path(path: Path, root: Path, skip: set[str] = frozenset()) -> str:
    key = str(path)
    if key in _digests:
        return _digests[key]
    digest = hashlib.sha256()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    else:
        files = [path] if path.exists() else []
    for file in files:
        if file.name in skip:
            continue
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    _digests[key] = digest.hexdigest()
    return _digests[key]


def _site_dir() -> Path | None:
    given = os.environ.get("TUNINGLAB_SITE_DIR")
    return (REPO / given).resolve() if given else None


def code_parts() -> list[str]:
    """What every key holds: the Python, the machine and every file of :data:`ALWAYS`."""
    return [sys.version, platform.machine()] + [_digest_path(REPO / n, REPO) for n in ALWAYS]


def item_inputs(item: pytest.Item) -> list[str] | None:
    """What an item's result depends on, as strings to hash; ``None``: not cacheable."""
    parts = code_parts()
    if isinstance(item, MarkdownBlock):
        # Not its node id: that holds the block's line, which moves when text above it
        # changes; what the block does depends on its code, not on where it sits.
        block = item.block
        parts.append(item.where)
        parts += [block.code, repr(block.expected), str(block.timeout), repr(block.marks)]
        return parts
    if isinstance(item, PageCheck):
        # A page's checks read the page and, for a page of the site, what they need to
        # know of the rest of it (the nav, the glossary): not the other pages, so an edit
        # of one page re-runs only that page's checks.
        parts += [item.nodeid, _digest_path(Path(item.path), REPO)]
        if item.where.startswith("docs/"):
            parts += [_digest_path(REPO / name, REPO) for name in page_checks.SITE_FACT_SOURCES]
        return parts
    markers = list(item.iter_markers("depends_on"))
    if not markers:
        return None
    paths = [name for marker in markers for name in marker.args]
    options = {key: value for marker in markers for key, value in marker.kwargs.items()}
    parts += [item.nodeid, _digest_path(Path(item.path), REPO)]
    parts += [_digest_path(REPO / name, REPO) for name in paths]
    site = _site_dir()
    if any(options.get(k) for k in ("site", "site_pages", "site_assets")):
        if site is None:
            return None  # the site is built afresh for this run: nothing to compare with
        if options.get("site"):
            parts.append(_digest_path(site, site, SKIPPED_SITE_FILES))
        if options.get("site_assets"):
            parts += [_digest_path(site / name, site) for name in SITE_SHARED]
        parts += [_digest_path(site / name, site) for name in options.get("site_pages", ())]
    parts += [_page_code(REPO / name) for name in options.get("code_of", ())]
    return parts


def _page_code(path: Path) -> str:
    """What a page gives a reader to run: its blocks, their outputs and its install lines.

    Its prose is left out, so editing a sentence does not re-run a test of its code.
    """
    text = path.read_text(encoding="utf-8")
    found = [
        repr((block.syntax, block.code, block.expected, block.timeout, block.marks))
        for block in blocks.parse_text(text, path)
    ]
    found += [repr((line.names, line.comment)) for line in install_lines.install_lines(text)]
    return hashlib.sha256("\0".join(found).encode()).hexdigest()


def sources_record() -> dict:
    """What :func:`workers_for` compares: the code, and each page's text and code."""
    sources = {}
    for folder in SOURCES:
        for path in sorted(p for p in (REPO / folder).rglob("*") if p.is_file()):
            if "__pycache__" in path.parts or ".ipynb_checkpoints" in path.parts:
                continue
            text = hashlib.sha256(path.read_bytes()).hexdigest()
            code = _page_code(path) if path.suffix == ".md" else text
            sources[path.relative_to(REPO).as_posix()] = [text, code]
    code = hashlib.sha256("\0".join(code_parts()).encode()).hexdigest()
    return {"code": code, "sources": sources}


def workers_for(last: dict | None, now: dict) -> int:
    """Test processes for a run: 0 (this one) when, since the last green run ``last``, the
    code is the same and only the prose of at most :data:`FEW_PAGES` files changed (a
    lab is all code); :data:`WORKERS` otherwise."""
    if not last or last.get("code") != now["code"]:
        return WORKERS
    before, after = last.get("sources", {}), now["sources"]
    changed = [name for name in before.keys() | after.keys() if before.get(name) != after.get(name)]
    code_changed = [
        n
        for n in changed
        if (before.get(n) or [None, None])[1] != (after.get(n) or [None, None])[1]
    ]
    return 0 if len(changed) <= FEW_PAGES and not code_changed else WORKERS


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: :func:`workers_for` (always :data:`WORKERS` when nothing is reused)."""
    if not enabled(config) or not LAST_GREEN.is_file():
        return WORKERS
    last = json.loads(LAST_GREEN.read_text(encoding="utf-8"))
    return workers_for(last, sources_record())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a green run (in the controller, or the one process), record its sources."""
    config = session.config
    if exitstatus != 0 or hasattr(config, "workerinput") or not enabled(config):
        return
    partial_run = config.args_source == pytest.Config.ArgsSource.ARGS
    if partial_run or config.getoption("keyword", "") or config.getoption("markexpr", ""):
        return  # a run of some tests says nothing of the others
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = LAST_GREEN.with_suffix(f".{os.getpid()}.part")
    partial.write_text(json.dumps(sources_record()), encoding="utf-8")
    partial.replace(LAST_GREEN)


def item_key(item: pytest.Item) -> str | None:
    """The cache key of an item, or ``None`` when its result cannot be reused."""
    inputs = item_inputs(item)
    if inputs is None:
        return None
    return hashlib.sha256("\0".join(inputs).encode()).hexdigest()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not enabled(config):
        return
    keep, reused = [], []
    for item in items:
        key = item_key(item)
        if key is not None:
            _keys[item.nodeid] = key
        (reused if key is not None and (CACHE / key).exists() else keep).append(item)
    if reused:
        config.hook.pytest_deselected(items=reused)
        items[:] = keep
    config._reused_results = len(reused)  # type: ignore[attr-defined]
    if hasattr(config, "workeroutput"):  # an xdist worker tells the controller
        config.workeroutput["reused_results"] = len(reused)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """An item that sets ``reusable = False`` while it runs (a draft's page check, whose
    reminder must show on every run) does not record its pass."""
    try:
        return (yield)
    finally:
        if getattr(item, "reusable", True) is False:
            _keys.pop(item.nodeid, None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    key = _keys.get(report.nodeid)
    if key and report.when == "call" and report.passed:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / key).touch()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    reused = getattr(node, "workeroutput", {}).get("reused_results", 0)
    config = node.config
    config._reused_results = max(config._reused_results, reused)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    reused = getattr(config, "_reused_results", 0)
    if reused:
        terminalreporter.write_line(
            f"Reused {reused} earlier passes whose inputs are unchanged (.cache/results/); "
            "CI=true or --no-result-cache runs them all"
        )
