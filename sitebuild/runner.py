"""Run one Markdown block as the tests and the build do, and report how it failed.

:func:`run_block` runs a block's pieces (:mod:`sitebuild.blocks`) in the sandbox
(:mod:`sitebuild.sandbox`): each piece is compiled with the Markdown file's name and its
real line numbers, so a traceback and a ``SyntaxError`` point at
``docs/guides/x.md:LINE``; ``FutureWarning`` is raised as an error; the network is
blocked; and the block must finish within its limit (its marker's seconds of CPU time,
and :data:`WALL_FACTOR` times that of wall time). Every failure is a
:class:`~sitebuild.blocks.BlockError` whose message opens with ``file:line:``.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
import traceback
import warnings
from pathlib import Path

from sitebuild.blocks import Block, BlockError
from sitebuild.sandbox import (
    NETWORK_HINT,
    BlockTimeout,
    folder,
    no_network,
    reset_matplotlib,
    time_limit,
)

WALL_FACTOR = 3
"""A block may also take at most this many times its limit in wall time (a block that
sleeps or waits uses no CPU)."""


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
        stack.enter_context(folder(workdir))
        stack.callback(reset_matplotlib)
        attempts = stack.enter_context(no_network())
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            with (
                contextlib.redirect_stdout(stdout),
                warnings.catch_warnings(),
                time_limit(block.timeout, WALL_FACTOR),
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
