"""Test-wide settings and the way Markdown code blocks are run.

pytest-codeblocks collects every ```` ```python ```` block in ``docs/``. This file
changes how a collected block runs, so that a contributor sees what went wrong:

* the block is compiled with the Markdown file as its file name and its real line
  numbers, so a traceback points at ``docs/guides/x.md:123`` and shows that line;
* a block runs in an empty temporary folder (figures it saves land there);
* a stale expected output is shown as a diff, with the line of the output block;
* ``pytest --update-outputs`` rewrites stale expected outputs in place instead.

BLAS and OpenMP are limited to one thread per process so that two test workers do not
oversubscribe a two-core machine.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")

import pytest  # noqa: E402
from pytest_codeblocks import plugin as codeblocks_plugin  # noqa: E402

REPO = Path(__file__).resolve().parent
_MARKER_RE = re.compile(r"<!--[-\s]*pytest-codeblocks:(cont|expected-output[\w-]*)[-\s]*-->")
_stale: list[tuple[Path, int, str]] = []


class BlockFailed(Exception):
    """A code block raised; carries the already formatted report."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite stale expected-output blocks in docs/ with what the code prints now",
    )


def block_segments(path: Path, first_line: int) -> list[tuple[int, str]]:
    """The ``(fence line, code)`` pieces of a block and of the blocks that continue it.

    pytest-codeblocks glues ``<!--pytest-codeblocks:cont-->`` blocks onto the first;
    running the pieces one by one keeps every line number true to the file.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    segments, index = [], first_line - 1
    while True:
        fence = lines[index]
        indent = len(fence) - len(fence.lstrip())
        ticks = len(fence.lstrip()) - len(fence.lstrip().lstrip("`"))
        body, end = [], index + 1
        while not lines[end].lstrip().startswith("`" * ticks):
            body.append(lines[end][min(indent, len(lines[end]) - len(lines[end].lstrip())) :])
            end += 1
        segments.append((index + 1, "".join(body)))
        following = end + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        marker = _MARKER_RE.search(lines[following]) if following < len(lines) else None
        if not marker or marker.group(1) != "cont":
            return segments
        index = following + 1
        while not lines[index].strip():
            index += 1


def _format_failure(path: Path, error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if frame.filename == str(path)]
    where = f"{path.relative_to(REPO)}:{own[-1].lineno}" if own else str(path.relative_to(REPO))
    start = next((i for i, f in enumerate(frames) if f.filename == str(path)), 0)
    shown = traceback.format_list(frames[start:])
    detail = "".join(traceback.format_exception_only(type(error), error))
    return f"{where}: code block raised {type(error).__name__}\n\n" + "".join(shown) + detail


def _output_line(path: Path, block_line: int) -> int:
    """The line of the expected-output fence that belongs to the block at ``block_line``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(block_line, len(lines)):
        if _MARKER_RE.search(lines[number]) and "expected-output" in lines[number]:
            for fence in range(number + 1, len(lines)):
                if lines[fence].lstrip().startswith("```"):
                    return fence + 1
    return block_line


def _reset_matplotlib() -> None:
    """Close figures and undo style changes (Optuna's plots call ``plt.style.use``)."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()


def _run_python_block(self: codeblocks_plugin.TestBlock) -> None:
    block, path = self.obj, Path(self.path)
    if block.importorskip is not None:
        pytest.importorskip(block.importorskip)
    namespace: dict[str, object] = {"__name__": "__main__"}
    stdout = io.StringIO()
    with tempfile.TemporaryDirectory() as workdir, contextlib.chdir(workdir):
        try:
            with contextlib.redirect_stdout(stdout), warnings.catch_warnings():
                # A FutureWarning means the snippet will break on a future release.
                warnings.simplefilter("error", FutureWarning)
                for fence_line, code in block_segments(path, block.lineno):
                    source = "\n" * fence_line + code
                    exec(compile(source, str(path), "exec"), namespace)
        except Exception as error:
            raise BlockFailed(_format_failure(path, error)) from error
        finally:
            _reset_matplotlib()
    _check_output(self, path, stdout.getvalue())


def _check_output(item: codeblocks_plugin.TestBlock, path: Path, output: str) -> None:
    expected = item.obj.expected_output
    if expected is None or output == expected:
        return
    if item.obj.expected_output_ignore_whitespace and re.sub(r"\s+", "", expected) == re.sub(
        r"\s+", "", output
    ):
        return
    if item.config.getoption("update_outputs"):
        _stale.append((path, item.obj.lineno, output))
        return
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            output.splitlines(keepends=True),
            "expected output (on the page)",
            "actual output",
        )
    )
    where = f"{path.relative_to(REPO)}:{_output_line(path, item.obj.lineno)}"
    raise BlockFailed(
        f"{where}: expected output is stale for the block at line {item.obj.lineno}\n\n{diff}\n"
        "Run `make update-outputs` to rewrite it from the code."
    )


_original_runtest = codeblocks_plugin.TestBlock.runtest


def _runtest(self: codeblocks_plugin.TestBlock) -> None:
    if self.obj.syntax == "python":
        _run_python_block(self)
    else:
        _original_runtest(self)


def _repr_failure(self: codeblocks_plugin.TestBlock, excinfo: pytest.ExceptionInfo) -> str:
    if isinstance(excinfo.value, BlockFailed):
        return str(excinfo.value)
    return f"{Path(self.path).relative_to(REPO)}:{self.obj.lineno}: {excinfo.value}"


def _reportinfo(self: codeblocks_plugin.TestBlock):
    return self.path, self.obj.lineno - 1, f"{Path(self.path).name}:{self.obj.lineno}"


codeblocks_plugin.TestBlock.runtest = _runtest
codeblocks_plugin.TestBlock.repr_failure = _repr_failure
codeblocks_plugin.TestBlock.reportinfo = _reportinfo


def rewrite_output(path: Path, block_line: int, output: str) -> None:
    """Replace the body of the expected-output fence of the block at ``block_line``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fence = _output_line(path, block_line) - 1
    indent = lines[fence][: len(lines[fence]) - len(lines[fence].lstrip())]
    end = fence + 1
    while not lines[end].lstrip().startswith("```"):
        end += 1
    body = [indent + line if line.strip() else line for line in output.splitlines(keepends=True)]
    lines[fence + 1 : end] = body
    path.write_text("".join(lines), encoding="utf-8")


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Rewrite from the bottom of each file up, so earlier line numbers stay valid.
    for path, block_line, output in sorted(_stale, key=lambda s: (s[0], -s[1])):
        rewrite_output(path, block_line, output)
        print(f"\nupdated the expected output of {path.relative_to(REPO)}:{block_line}")


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    counts: dict[str, int] = {}
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        if "::line " in report.nodeid and report.when == "call":
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"Markdown code blocks executed: {summary}")
