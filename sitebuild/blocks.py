"""The one way a Markdown code block is read and run, by the tests and by the build.

A page's ```` ```python ```` blocks are parsed with their expected output, the blocks
that continue them (``<!--pytest-codeblocks:cont-->``) and their markers. The tests
(``tests/harness/markdown_blocks.py``) and the figure step of the build
(``sitebuild/figures.py``) both run a block through :func:`run_block`, so a block
behaves, and fails, the same way in both places:

* each piece is compiled with the Markdown file's name and its real line numbers, so a
  traceback and a ``SyntaxError`` point at ``docs/guides/x.md:LINE``;
* it runs in an empty temporary folder, with ``HOME`` and scikit-learn's data folder
  inside it, one BLAS thread, and ``FutureWarning`` raised as an error;
* it may not open a network connection (loopback included): a block must use
  scikit-learn's bundled data;
* it must finish within its time limit: :data:`DEFAULT_TIMEOUT` seconds of CPU time (or
  the ``<!--pytest.mark.timeout(N)-->`` marker written just above its fence), and at most
  :data:`WALL_FACTOR` times that in wall time.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitebuild import page_model
from sitebuild.page_model import Fence

DEFAULT_TIMEOUT = 20.0
"""Seconds of CPU time a block may use unless its ``pytest.mark.timeout(N)`` marker says
otherwise. CPU time, not wall time, so that a busy machine does not fail a block."""
WALL_FACTOR = 3
"""A block may also take at most this many times its limit in wall time (a block that
sleeps or waits uses no CPU)."""
COLLECTED = ("python", "sh", "bash")
"""Fence info strings whose blocks are run; everything else is shown, not run."""
NETWORK_HINT = "use scikit-learn's bundled data (load_*, make_*) or tuninglab.datasets"

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


# --- running a block ----------------------------------------------------------------


class BlockTimeout(BaseException):
    """Raised inside a block that ran over its time limit (not an Exception on purpose)."""


class NetworkBlocked(RuntimeError):
    """Raised when a block tries to reach the network."""


_guard = threading.local()
_NETWORK_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "urllib.Request",
    "http.client.connect",
}
_hook_installed = False


def _audit(event: str, args: tuple) -> None:
    attempts = getattr(_guard, "attempts", None)
    if attempts is None or event not in _NETWORK_EVENTS:
        return
    if event in {"socket.connect", "socket.bind", "socket.sendto"}:
        address = args[-1]
        if isinstance(address, str | bytes):  # a Unix-domain socket is not the network
            return
    if event == "http.client.connect":
        target = args[1:]
    elif event == "urllib.Request" or event.startswith("socket.get"):
        target = args[0]
    else:
        target = args[-1]
    attempts.append(f"{event} {target!r}")
    raise NetworkBlocked(f"network access is blocked in code blocks ({event} {target!r})")


@contextlib.contextmanager
def no_network() -> Iterator[list[str]]:
    """Within the block, any attempt to reach the network raises and is recorded."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    _guard.attempts = attempts = []
    try:
        yield attempts
    finally:
        _guard.attempts = None


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`BlockTimeout` in the block when it runs over its limit.

    The limit is ``seconds`` of CPU time or ``WALL_FACTOR * seconds`` of wall time,
    whichever comes first; it applies in the main thread only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _ring(signum, _frame):
        raise BlockTimeout("CPU" if signum == signal.SIGPROF else "wall")

    previous = {sig: signal.signal(sig, _ring) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def sandbox(workdir: Path) -> Iterator[None]:
    """Run in ``workdir`` with ``HOME`` and scikit-learn's data folder inside it."""
    saved = {name: os.environ.get(name) for name in ("HOME", "SCIKIT_LEARN_DATA")}
    (workdir / "home").mkdir(exist_ok=True)
    os.environ["HOME"] = str(workdir / "home")
    os.environ["SCIKIT_LEARN_DATA"] = str(workdir / "scikit_learn_data")
    try:
        with contextlib.chdir(workdir):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a process that runs page code (figures, labs).

    One BLAS/OpenMP thread, a fixed hash seed, and matplotlib's font cache kept in
    ``.cache/matplotlib`` (so a fresh ``HOME`` does not rebuild it), plus ``overrides``.
    """
    repo = Path(__file__).resolve().parent.parent
    return dict(
        os.environ,
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONHASHSEED="0",
        MPLCONFIGDIR=str(repo / ".cache" / "matplotlib"),
        **overrides,
    )


def reset_matplotlib() -> None:
    """Close figures and undo style changes (Optuna's plots call ``plt.style.use``)."""
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()


def _failing_line(block: Block, error: BaseException) -> int:
    if isinstance(error, SyntaxError) and error.filename == str(block.path) and error.lineno:
        return error.lineno
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(block.path)]
    return frames[-1].lineno if frames and frames[-1].lineno else block.line


def _report(block: Block, where: str, error: BaseException) -> str:
    """``file:line: code block raised X`` followed by the traceback from the page on."""
    line = _failing_line(block, error)
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, f in enumerate(frames) if f.filename == str(block.path)), len(frames))
    shown = "".join(traceback.format_list(frames[start:]))
    detail = "".join(traceback.format_exception_only(type(error), error))
    return f"{where}:{line}: code block raised {type(error).__name__}\n\n{shown}{detail}"


def run_block(
    block: Block,
    where: str,
    workdir: Path | None = None,
    namespace: dict | None = None,
) -> str:
    """Run a python block under the guards and return what it printed.

    Args:
        block: The block (with its continuations).
        where: The page's path as messages should name it (``docs/guides/x.md``).
        workdir: Folder to run in; a fresh temporary folder when ``None``.
        namespace: Globals to run in (a fresh ``__main__`` namespace when ``None``).

    Raises:
        BlockError: The block raised, used the network or ran over its time limit;
            the message starts with ``where:LINE:``.
    """
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    stdout = io.StringIO()
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        stack.enter_context(sandbox(workdir))
        stack.callback(reset_matplotlib)
        attempts = stack.enter_context(no_network())
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            with (
                contextlib.redirect_stdout(stdout),
                warnings.catch_warnings(),
                time_limit(block.timeout),
            ):
                # A FutureWarning means the snippet will break on a future release.
                warnings.simplefilter("error", FutureWarning)
                for segment in block.segments:
                    source = "\n" * segment.line + segment.code
                    exec(compile(source, str(block.path), "exec"), namespace)
        except BlockTimeout as error:
            wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            raise BlockError(_over_time(block, where, error, cpu, wall)) from None
        except Exception as error:
            if attempts:
                raise BlockError(_network(block, where, error, attempts)) from error
            raise BlockError(_report(block, where, error)) from error
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if attempts:  # the block caught the error itself
            raise BlockError(_network(block, where, None, attempts))
        if cpu > block.timeout or wall > block.timeout * WALL_FACTOR:
            raise BlockError(_over_time(block, where, None, cpu, wall))
    return stdout.getvalue()


def _over_time(
    block: Block, where: str, error: BaseException | None, cpu: float, wall: float
) -> str:
    line = _failing_line(block, error) if error is not None else block.line
    wall_limit = block.timeout * WALL_FACTOR
    tripped = error.args[0] if error is not None and error.args else None
    if tripped is None:
        tripped = "CPU" if cpu > block.timeout else "wall"
    limit = block.timeout if tripped == "CPU" else wall_limit
    return (
        f"{where}:{line}: block ran over its limit of {limit:g} s of {tripped} time (it used "
        f"{cpu:.1f} s of CPU time and {wall:.1f} s of wall time; the limits are "
        f"{block.timeout:g} s of CPU, {wall_limit:g} s of wall time); make it faster (less "
        "data, fewer trials), or allow more time with <!--pytest.mark.timeout(SECONDS)--> "
        "just above its fence"
    )


def _network(block: Block, where: str, error: BaseException | None, attempts: list[str]) -> str:
    line = _failing_line(block, error) if error is not None else block.line
    return (
        f"{where}:{line}: code block tried to use the network ({attempts[0]}); blocks run "
        f"offline: {NETWORK_HINT}"
    )


def outputs_match(block: Block, output: str) -> bool:
    """Whether ``output`` is what the block's expected-output fence shows."""
    if block.expected is None or output == block.expected:
        return True
    if block.ignore_whitespace:
        return re.sub(r"\s+", "", block.expected) == re.sub(r"\s+", "", output)
    return False


_UNROUNDED_RE = re.compile(r"(?<![\w.])\d+\.\d{7,}")


def unrounded_floats(text: str) -> list[str]:
    """Numbers printed with seven or more decimals: their last digits vary by machine."""
    return _UNROUNDED_RE.findall(text)


def unrounded_message(where: str, line: int, found: list[str]) -> str:
    """The report for output that shows an unrounded float."""
    return (
        f"{where}:{line}: output shows {found[0]}, a float printed with all its digits; the "
        "last ones differ between CPUs and BLAS builds, so print it rounded to what the "
        'reader needs (f"{value:.3f}", round(value, 4))'
    )


def rewrite_output(path: Path, expected_line: int, output: str) -> None:
    """Replace the body of the expected-output fence that opens at ``expected_line``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fence = expected_line - 1
    indent = lines[fence][: len(lines[fence]) - len(lines[fence].lstrip())]
    ticks = lines[fence].strip()[:3]
    end = fence + 1
    while not lines[end].lstrip().startswith(ticks):
        end += 1
    body = [indent + line if line.strip() else line for line in output.splitlines(keepends=True)]
    lines[fence + 1 : end] = body
    path.write_text("".join(lines), encoding="utf-8")
