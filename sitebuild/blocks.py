"""The one way a Markdown code block is read, by the tests and by the build.

A page's ```` ```python ```` (and ``sh``, ``bash``) blocks are read from the page model
(:mod:`sitebuild.page_model`) with their expected output, the blocks that continue them
(``<!--pytest-codeblocks:cont-->``), their markers and their time limit
(:data:`DEFAULT_TIMEOUT` seconds of CPU time, or the ``<!--pytest.mark.timeout(N)-->``
marker just above the fence). Running one is :mod:`sitebuild.runner`'s job, in
:mod:`sitebuild.sandbox`; comparing its output with the page's, :mod:`sitebuild.outputs`'.
The tests (``tests/harness/markdown_blocks.py``) and the figure step of the build
(``sitebuild/figures.py``) read and run blocks through these, so a block behaves, and
fails, the same way in both places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitebuild import page_model
from sitebuild.page_model import Fence

DEFAULT_TIMEOUT = 20.0
"""Seconds of CPU time a block may use unless its ``pytest.mark.timeout(N)`` marker says
otherwise. CPU time, not wall time, so that a busy machine does not fail a block."""
COLLECTED = ("python", "sh", "bash")
"""Fence info strings whose blocks are run; everything else is shown, not run."""

_DIRECTIVE_RE = re.compile(r"^<!--[-\s]*pytest-codeblocks:(?P<word>[\w-]+)[-\s]*-->$")
_MARK_RE = re.compile(r"^<!--[-\s]*(?P<mark>pytest\.mark\..*?)[-\s]*-->$")
_TIMEOUT_RE = re.compile(r"^pytest\.mark\.timeout\(\s*(?P<seconds>\d+(?:\.\d+)?)\s*\)$")
_DIRECTIVES = {"cont", "expected-output", "expected-output-ignore-whitespace"}
_PYTHONISH_RE = re.compile(r"^\{?\s*\.?(py|python|python3|pycon|ipython|py3)\b", re.IGNORECASE)


class BlockError(Exception):
    """A block failed; the message is the full report, starting with ``file:line:``."""


@dataclass
class Segment:
    """One fenced piece of code: its fence line (1-based) and its dedented code."""

    line: int
    code: str


@dataclass
class Block:
    """A runnable block, the blocks that continue it, and what it must print."""

    path: Path
    syntax: str
    segments: list[Segment]
    marks: list[str] = field(default_factory=list)
    expected: str | None = None
    expected_line: int | None = None
    """Line of the expected-output fence (the ```` ```text ```` line)."""
    ignore_whitespace: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @property
    def line(self) -> int:
        """The fence line of the block's first piece."""
        return self.segments[0].line

    @property
    def code(self) -> str:
        """All pieces glued together, as a reader who copies the chain would run them."""
        return "".join(segment.code for segment in self.segments)


def fences(text: str, where: str) -> list[Fence]:
    """Every fenced block of a Markdown text, in order (raises on an unclosed fence)."""
    try:
        return page_model.fences(text, where)
    except page_model.UnclosedFence as error:
        raise BlockError(str(error)) from None


def silent_fence_findings(text: str, where: str) -> list:
    """Fences that look like Python to a reader but would never be run, as findings."""
    from sitebuild.frontmatter import Finding

    return [
        Finding(
            where,
            fence.line,
            f"fence ```{fence.info} is never run by the tests; write ```python exactly (no "
            "title= or other options), or ```console for a shell session that must not run",
        )
        for fence in fences(text, where)
        if _PYTHONISH_RE.match(fence.info) and fence.info != "python"
    ]


def silent_fences(path: Path, where: str | None = None) -> list[str]:
    """:func:`silent_fence_findings` of a file, as messages."""
    where = where or str(path)
    return [str(f) for f in silent_fence_findings(path.read_text(encoding="utf-8"), where)]


def parse(path: Path, where: str | None = None) -> list[Block]:
    """Every runnable block of a Markdown file, with its continuations and expected output.

    The markers are those of pytest-codeblocks: ``<!--pytest-codeblocks:cont-->``,
    ``<!--pytest-codeblocks:expected-output-->`` (and ``-ignore-whitespace``) and
    ``<!--pytest.mark.NAME(...)-->``; ``pytest.mark.timeout(N)`` sets the time limit.
    """
    return parse_text(path.read_text(encoding="utf-8"), path, where)


def parse_text(text: str, path: Path, where: str | None = None) -> list[Block]:
    """:func:`parse` for a text already read (``path`` is where its blocks come from)."""
    where = where or str(path)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == "<!--pytest-codeblocks:skipfile-->":
        return []
    by_line = {fence.line: fence for fence in fences(text, where)}
    blocks: list[Block] = []
    marks: list[str] = []
    directive: str | None = None
    index = 0
    while index < len(lines):
        number, text = index + 1, lines[index].strip()
        fence = by_line.get(number)
        if fence is not None:
            _take_fence(fence, path, where, blocks, directive, marks)
            if directive is None:  # markers belong to the next fence, run or not
                marks = []
            directive = None
            index = fence.end
            continue
        if match := _DIRECTIVE_RE.match(text):
            directive = match.group("word")
            if directive not in _DIRECTIVES:
                raise BlockError(
                    f"{where}:{number}: unknown marker pytest-codeblocks:{directive}; the "
                    "markers are cont, expected-output and pytest.mark.skip(reason=...)"
                )
            if not blocks:
                raise BlockError(f"{where}:{number}: {directive} marker with no block above it")
        elif match := _MARK_RE.match(text):
            marks.append(match.group("mark"))
        index += 1
    return blocks


def _take_fence(
    fence: Fence,
    path: Path,
    where: str,
    blocks: list[Block],
    directive: str | None,
    marks: list[str],
) -> None:
    code = "".join(fence.body)
    if directive == "cont":
        blocks[-1].segments.append(Segment(fence.line, code))
    elif directive in {"expected-output", "expected-output-ignore-whitespace"}:
        block = blocks[-1]
        if block.expected is not None:
            raise BlockError(f"{where}:{fence.line}: the block above already has an output")
        block.expected, block.expected_line = code, fence.line
        block.ignore_whitespace = directive.endswith("ignore-whitespace")
    elif fence.info in COLLECTED:
        timeout = DEFAULT_TIMEOUT
        kept = []
        for mark in marks:
            if match := _TIMEOUT_RE.match(mark):
                timeout = float(match.group("seconds"))
            else:
                kept.append(mark)
        blocks.append(Block(path, fence.info, [Segment(fence.line, code)], kept, timeout=timeout))
