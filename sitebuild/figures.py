"""Generate a guide's figures at build time by running the code blocks that draw them.

A figure on a page is drawn by a tested ``python`` block that ends with
``fig.savefig("name.svg")``; the page shows it with ``![what it shows](name.svg)``.
During the build this module runs those blocks (in a fresh Python process, in an
empty folder) and hands the files they save to MkDocs as if they sat next to the
guide. Results are cached by the hash of the code and the package it imports, so
``make serve`` redraws only what changed.

Run as ``python -m sitebuild.figures PAGE.md OUT_DIR SHOWN_AS`` to draw one page's figures
(``SHOWN_AS`` is the path that error messages name).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from sitebuild import blocks, runner, sandbox

FIGURE_SUFFIXES = {".svg", ".png"}
STARTUP_SECONDS = 30
"""Allowance for starting Python and importing libraries before the first block runs."""


class FigureError(RuntimeError):
    """A figure block failed to run or saved nothing."""


def figure_blocks(md_path: Path, where: str | None = None) -> list[blocks.Block]:
    """Every python block on a page (with its continuations) that saves a figure."""
    return [
        block
        for block in blocks.parse(md_path, where)
        if block.syntax == "python" and "savefig(" in block.code
    ]


def cache_key(figure_blocks: list[blocks.Block], fingerprint: str) -> str:
    """Changes when a figure block's code, time limit or anything it may import changes."""
    digest = hashlib.sha256(fingerprint.encode())
    for block in figure_blocks:
        digest.update(f"{block.line}:{block.timeout}:{block.code}".encode())
    return digest.hexdigest()[:16]


def draw(md_path: Path, cache_root: Path, shown_as: str, fingerprint: str) -> dict[str, Path]:
    """Draw (or reuse) the figures of one page; map file name -> path of the drawn file.

    ``shown_as`` is the page's path as error messages should name it; ``fingerprint``
    is :func:`sitebuild.sandbox.code_fingerprint`, computed once per build.
    """
    try:
        found = figure_blocks(md_path, shown_as)
    except blocks.BlockError as error:
        raise FigureError(str(error)) from None
    if not found:
        return {}
    page_dir = hashlib.sha256(shown_as.encode()).hexdigest()[:8] + "-" + md_path.stem
    out_dir = cache_root / page_dir / cache_key(found, fingerprint)
    if not out_dir.is_dir():
        staging = out_dir.with_name(out_dir.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        env = sandbox.child_env(MPLBACKEND="Agg", SOURCE_DATE_EPOCH="0")
        budget = sum(block.timeout for block in found) + STARTUP_SECONDS
        try:
            result = subprocess.run(
                [sys.executable, "-m", "sitebuild.figures", str(md_path), str(staging), shown_as],
                cwd=staging,
                env=env,
                capture_output=True,
                text=True,
                timeout=budget,
            )
        except subprocess.TimeoutExpired:
            raise FigureError(
                f"{shown_as}: drawing its figures ran over {budget:g} s and was stopped"
            ) from None
        if result.returncode != 0:
            raise FigureError(result.stderr.strip() or result.stdout.strip())
        for stale in out_dir.parent.iterdir():  # earlier drawings of this page
            if stale != staging:
                shutil.rmtree(stale, ignore_errors=True)
        staging.rename(out_dir)
    return {path.name: path for path in sorted(out_dir.iterdir()) if path.suffix in FIGURE_SUFFIXES}


def _run_page(md_path: Path, out_dir: Path, shown_as: str) -> None:
    """Run every figure block of a page in ``out_dir``, each in fresh globals."""
    import matplotlib

    matplotlib.use("Agg")
    svg_settings = {"svg.hashsalt": "tuninglab", "svg.fonttype": "none"}
    for block in figure_blocks(md_path, shown_as):
        matplotlib.rcdefaults()  # a block may change the style (Optuna's plots do)
        matplotlib.rcParams.update(svg_settings)
        before = set(out_dir.iterdir())
        try:
            runner.run_block(block, shown_as, workdir=out_dir)
        except blocks.BlockError as error:
            message = str(error).replace(": code block raised", ": figure block raised")
            raise SystemExit(message) from None
        if not {p for p in out_dir.iterdir() if p.suffix in FIGURE_SUFFIXES} - before:
            raise SystemExit(f"{shown_as}:{block.line}: block calls savefig() but saved no file")


if __name__ == "__main__":
    _run_page(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3])
