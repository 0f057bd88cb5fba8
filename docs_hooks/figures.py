"""Generate a guide's figures at build time by running the code blocks that draw them.

A figure on a page is drawn by a tested ``python`` block that ends with
``fig.savefig("name.svg")``; the page shows it with ``![what it shows](name.svg)``.
During the build this module runs those blocks (in a fresh Python process, in an
empty folder) and hands the files they save to MkDocs as if they sat next to the
guide. Results are cached by the hash of the code and the package it imports, so
``make serve`` redraws only what changed.

Run as ``python -m docs_hooks.figures PAGE.md OUT_DIR SHOWN_AS`` to draw one page's figures
(``SHOWN_AS`` is the path that error messages name).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

from pytest_codeblocks import extract_from_file

REPO = Path(__file__).resolve().parent.parent
FIGURE_SUFFIXES = {".svg", ".png"}


class FigureError(RuntimeError):
    """A figure block failed to run or saved nothing."""


def figure_blocks(md_path: Path) -> list[tuple[int, str]]:
    """The ``(line, code)`` of every python block on a page that saves a figure."""
    return [
        (block.lineno, block.code)
        for block in extract_from_file(md_path)
        if block.syntax == "python" and "savefig(" in block.code
    ]


def package_fingerprint() -> str:
    """Hash of everything a figure block may import from this repository."""
    digest = hashlib.sha256()
    package = REPO / "src" / "tuninglab"
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.json")]):
        digest.update(path.read_bytes())
    for name in ("requirements.lock", "docs_hooks/figures.py"):
        if (REPO / name).exists():
            digest.update((REPO / name).read_bytes())
    return digest.hexdigest()


def cache_key(blocks: list[tuple[int, str]], fingerprint: str) -> str:
    """Changes when a figure block's code or anything it may import changes."""
    digest = hashlib.sha256(fingerprint.encode())
    for _line, code in blocks:
        digest.update(code.encode())
    return digest.hexdigest()[:16]


def draw(md_path: Path, cache_root: Path, shown_as: str, fingerprint: str) -> dict[str, Path]:
    """Draw (or reuse) the figures of one page; map file name -> path of the drawn file.

    ``shown_as`` is the page's path as error messages should name it; ``fingerprint``
    is :func:`package_fingerprint`, computed once per build.
    """
    blocks = figure_blocks(md_path)
    if not blocks:
        return {}
    out_dir = cache_root / md_path.stem / cache_key(blocks, fingerprint)
    if not out_dir.is_dir():
        staging = out_dir.with_name(out_dir.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        env = dict(os.environ, MPLBACKEND="Agg", SOURCE_DATE_EPOCH="0", PYTHONHASHSEED="0")
        result = subprocess.run(
            [sys.executable, "-m", "docs_hooks.figures", str(md_path), str(staging), shown_as],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise FigureError(result.stderr.strip() or result.stdout.strip())
        for stale in out_dir.parent.iterdir():  # earlier drawings of this page
            if stale != staging:
                shutil.rmtree(stale, ignore_errors=True)
        staging.rename(out_dir)
    return {path.name: path for path in sorted(out_dir.iterdir()) if path.suffix in FIGURE_SUFFIXES}


def _failing_line(md_path: Path, error: BaseException, default: int) -> int:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(md_path)]
    return frames[-1].lineno if frames and frames[-1].lineno else default


def _run_page(md_path: Path, out_dir: Path, shown_as: str) -> None:
    """Run every figure block of a page in ``out_dir``, each in fresh globals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    svg_settings = {"svg.hashsalt": "tuninglab", "svg.fonttype": "none"}

    os.chdir(out_dir)
    for line, code in figure_blocks(md_path):
        matplotlib.rcdefaults()  # a block may change the style (Optuna's plots do)
        matplotlib.rcParams.update(svg_settings)
        before = set(out_dir.iterdir())
        source = "\n" * line + code
        try:
            exec(compile(source, str(md_path), "exec"), {"__name__": "__main__"})
        except Exception as error:
            where = f"{shown_as}:{_failing_line(md_path, error, line + 1)}"
            raise SystemExit(
                f"{where}: figure block failed: {type(error).__name__}: {error}"
            ) from error
        finally:
            plt.close("all")
        if not set(out_dir.iterdir()) - before:
            raise SystemExit(f"{shown_as}:{line}: block calls savefig() but saved no file")


if __name__ == "__main__":
    _run_page(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3])
