"""Collect and run the code blocks of Markdown files as pytest items.

A pytest plugin (loaded by the root ``conftest.py``). It reads a page with
:func:`sitebuild.blocks.parse` and runs each block with
:func:`sitebuild.runner.run_block`, the runner the build uses for figures, so a block
fails the same way in both. Per Markdown file it collects:

* ``x.md::page``: fails with every finding of the build's page checks
  (:mod:`sitebuild.page_checks`: alt text, install line, template sentences,
  self-check, and a fence that looks like Python but would never be run, such as
  ```` ```py ````, ```` ```pycon ```` or ```` ```python title="…" ````);
* ``x.md::line N``: the block whose fence opens at line N (with its continuations),
  compared with its expected-output block.

``pytest --update-outputs`` rewrites stale expected outputs instead of failing, after
running the block a second time: output that differs between two runs is refused.
"""

from __future__ import annotations

import difflib
import functools
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

from sitebuild import blocks, outputs, page_checks, path_checks, runner

REPO = Path(__file__).resolve().parents[2]
_rewrites: list[tuple[Path, int, int, str]] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite stale expected-output blocks with what the code prints now",
    )


def shown_path(path: Path) -> str:
    """A path as a contributor sees it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix == ".md":
        return MarkdownFile.from_parent(parent, path=file_path)
    return None


class MarkdownFile(pytest.File):
    """A Markdown page: its fence check and its runnable blocks."""

    def collect(self):
        where = shown_path(self.path)
        try:
            parsed = blocks.parse(self.path, where)
        except blocks.BlockError as error:
            raise self.CollectError(str(error)) from None
        yield PageCheck.from_parent(self, name="page")
        for block in parsed:
            item = MarkdownBlock.from_parent(self, name=f"line {block.line}", block=block)
            for mark in block.marks:
                decorator = _evaluate_mark(mark, where, block.line)
                if isinstance(decorator, str):  # this block fails; the page's others run
                    item.refused = decorator
                else:
                    item.add_marker(decorator)
            yield item


def _evaluate_mark(mark: str, where: str, line: int) -> pytest.MarkDecorator | str:
    """The marker a page puts on a block, or why it is refused (a skip with no reason)."""
    decorator = eval(mark, {"pytest": pytest, "sys": sys})  # the page's own marker text
    name = decorator.mark.name
    if name in {"skip", "skipif", "xfail"} and "reason" not in decorator.mark.kwargs:
        return f"{where}:{line}: <!--{mark}--> needs a reason: pytest.mark.{name}(reason='why')"
    return decorator


class DraftNotWritten(UserWarning):
    """A draft passes its checks but still holds the template's sentences."""

    def __init__(self, where: str, to_write: list) -> None:
        super().__init__(page_checks.draft_summary(where, to_write))


class BlockFailure(Exception):
    """The formatted report of a failing block."""


@functools.cache
def _site_facts() -> page_checks.SiteFacts:
    nav = path_checks.read_nav((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    return page_checks.site_facts(nav, REPO / "docs")


class PageCheck(pytest.Item):
    """Fails with every problem the build's page checks find in the file.

    For a page under ``docs/`` those are all of :func:`sitebuild.page_checks.check`
    (alt text, fences, install line, template sentences, self-check, glossary links,
    prerequisites); for other Markdown
    (README, CONTRIBUTING) only fences that look like Python but would never run.
    """

    reusable = True
    """Whether a pass may be reused while the inputs are the same (not for a draft)."""

    @property
    def where(self) -> str:
        return shown_path(self.path)

    def runtest(self) -> None:
        where = self.where
        text = self.path.read_text(encoding="utf-8")
        if where.startswith("docs/"):
            report = page_checks.check(
                where, text, self.path, guide=where.startswith("docs/guides/"), site=_site_facts()
            )
            found = [str(finding) for finding in report.findings]
            if report.to_write and not found:
                self.reusable = False  # the reminder shows on every run
                warnings.warn(DraftNotWritten(where, report.to_write), stacklevel=1)
        else:
            found = [str(finding) for finding in blocks.silent_fence_findings(text, where)]
        if found:
            raise BlockFailure("\n".join(found))

    def repr_failure(self, excinfo, style=None) -> str:
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::page"


class MarkdownBlock(pytest.Item):
    """One block of a page (with its continuations)."""

    def __init__(self, *, block: blocks.Block, **kwargs) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.refused = ""
        """Why the block's own marker is refused; the block then fails with this."""

    @property
    def where(self) -> str:
        return shown_path(self.path)

    def runtest(self) -> None:
        block = self.block
        if self.refused:
            raise BlockFailure(self.refused)
        if block.expected and (found := outputs.unrounded_floats(block.expected)):
            raise BlockFailure(outputs.unrounded_message(self.where, block.expected_line, found))
        try:
            output = self._run()
        except blocks.BlockError as error:
            raise BlockFailure(str(error)) from None
        if outputs.outputs_match(self.block, output):
            return
        if self.config.getoption("update_outputs"):
            self._record(output)
            return
        raise BlockFailure(self._stale(output))

    def _run(self) -> str:
        if self.block.syntax == "python":
            return runner.run_block(self.block, self.where)
        return _run_shell(self.block, self.where)

    def _record(self, output: str) -> None:
        again = self._run()
        if again != output:
            raise BlockFailure(
                f"{self.where}:{self.block.line}: the block printed different output on two "
                "runs, so it cannot be recorded; set a seed (random_state=0, "
                "TPESampler(seed=0)) and round what you print\n\n" + _diff(output, again, 2)
            )
        if found := outputs.unrounded_floats(output):
            raise BlockFailure(outputs.unrounded_message(self.where, self.block.line, found))
        _rewrites.append((self.path, self.block.line, self.block.expected_line or 0, output))

    def _stale(self, output: str) -> str:
        return (
            f"{self.where}:{self.block.expected_line}: expected output is stale for the block "
            f"at line {self.block.line}\n\n{_diff(self.block.expected or '', output)}\n"
            f"If the new output is right, rewrite it from the code with "
            f"`make update-outputs T={self.where}`."
        )

    def repr_failure(self, excinfo, style=None) -> str:
        if isinstance(excinfo.value, BlockFailure):
            return str(excinfo.value)
        return f"{self.where}:{self.block.line}: {excinfo.value}"

    def reportinfo(self):
        return self.path, self.block.line - 1, f"{self.path.name}:{self.block.line}"


def _diff(expected: str, actual: str, runs: int = 0) -> str:
    names = ("first run", "second run") if runs else ("expected output (on the page)", "actual")
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), *names
        )
    )


def _run_shell(block: blocks.Block, where: str) -> str:
    """Run a ``sh``/``bash`` block in a temporary folder with the block's time limit."""
    shell = "/bin/bash" if block.syntax == "bash" else "/bin/sh"
    with tempfile.TemporaryDirectory() as workdir:
        env = dict(os.environ, HOME=workdir, SCIKIT_LEARN_DATA=f"{workdir}/scikit_learn_data")
        try:
            result = subprocess.run(
                [shell, "-e", "-c", block.code],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=block.timeout,
            )
        except subprocess.TimeoutExpired:
            raise blocks.BlockError(
                f"{where}:{block.line}: block ran over {block.timeout:g} s"
            ) from None
    if result.returncode:
        raise blocks.BlockError(
            f"{where}:{block.line}: shell block exited with {result.returncode}\n{result.stderr}"
        )
    return result.stdout


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Rewrite from the bottom of each file up, so earlier line numbers stay valid.
    for path, line, expected_line, output in sorted(_rewrites, key=lambda r: (r[0], -r[2])):
        outputs.rewrite_output(path, expected_line, output)
        print(f"\nupdated the expected output of {shown_path(path)}:{line}")


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed"):
        for report in terminalreporter.getreports(outcome):
            if "::line " in report.nodeid and report.when == "call":
                counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"Markdown code blocks executed: {summary}")
