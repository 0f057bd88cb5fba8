"""Lint the Python on the pages as the package is linted: ruff, reported at the Markdown's lines.

    python -m tools.lint_pages          # report every finding as file:line; exit 1 if any
    python -m tools.lint_pages --fix    # let ruff fix what it can, in the Markdown itself

Each ```` ```python ```` block of ``docs/``, ``README.md`` and ``CONTRIBUTING.md`` is read
with :mod:`sitebuild.blocks` (a chain of ``cont`` blocks as one piece of code, as a reader
runs it), checked with the project's ruff configuration, and each finding is reported at
the line of the page it comes from. Rules that do not fit code on a page are left out:

* ``D`` (docstrings): a snippet's functions are explained by the prose around them;
* ``E402`` (imports not at the top): a block that continues another imports what it
  needs where the page teaches it.

For a reader, ``tuninglab`` is a library they installed, so imports are sorted with it
among the third-party ones. ``--fix`` rewrites a block only when it is one piece (no
``cont``), keeping its indentation; the expected outputs do not change, because ruff's
fixes (the import order) do not change what a block prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sitebuild import blocks

REPO = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"
IGNORED = ("D", "E402")
OPTIONS = [
    "--extend-ignore",
    ",".join(IGNORED),
    "--config",
    "lint.isort.known-third-party=['tuninglab']",
]


@dataclass
class Finding:
    """One ruff finding, placed on the page."""

    where: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.code} {self.message}"


def pages(repo: Path = REPO) -> list[Path]:
    """Every Markdown file whose Python blocks the tests run."""
    top = [repo / "README.md", repo / "CONTRIBUTING.md"]
    return sorted((repo / "docs").rglob("*.md")) + [page for page in top if page.is_file()]


def page_line(block: blocks.Block, row: int) -> int:
    """The page line of line ``row`` (1-based) of a block's glued code."""
    start = 1
    for segment in block.segments:
        rows = segment.code.count("\n") or 1
        if row < start + rows:
            return segment.line + 1 + (row - start)
        start += rows
    return block.segments[-1].line + 1


def _python_blocks(repo: Path) -> list[tuple[str, Path, blocks.Block]]:
    found = []
    for page in pages(repo):
        where = page.relative_to(repo).as_posix()
        found += [(where, page, b) for b in blocks.parse(page, where) if b.syntax == "python"]
    return found


def _ruff(folder: Path, fix: bool) -> list[dict]:
    command = [str(RUFF), "check", "--no-cache", "--output-format", "json", "--quiet"]
    command += ["--config", str(REPO / "pyproject.toml"), *OPTIONS]
    command += ["--fix"] if fix else []
    result = subprocess.run([*command, str(folder)], capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"ruff failed: {result.stderr.strip()}")
    return json.loads(result.stdout or "[]")


def _write_back(page: Path, block: blocks.Block, code: str) -> None:
    """Put a one-piece block's fixed code back into its fence, at its indentation."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    opening = lines[block.line - 1]
    indent = opening[: len(opening) - len(opening.lstrip())]
    old_rows = block.code.count("\n")
    new = [indent + row if row.strip() else row for row in code.splitlines(keepends=True)]
    lines[block.line : block.line + old_rows] = new
    page.write_text("".join(lines), encoding="utf-8")


def lint(repo: Path = REPO, *, fix: bool = False) -> list[Finding]:
    """Ruff's findings on every page's Python, at the page's lines (after fixing, if asked).

    Only one-piece blocks are fixed; a chain of ``cont`` blocks is reported, not fixed.
    """
    results, names = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        fixable, chained = Path(tmp, "fixable"), Path(tmp, "chained")
        fixable.mkdir()
        chained.mkdir()
        for number, (where, page, block) in enumerate(_python_blocks(repo)):
            name = f"block_{number:04d}.py"
            folder = fixable if len(block.segments) == 1 else chained
            (folder / name).write_text(block.code, encoding="utf-8")
            names[name] = (where, page, block)
        results += _ruff(fixable, fix) + _ruff(chained, False)
        if fix:  # later blocks of a page first, so the earlier ones' lines stay put
            for name in sorted(names, reverse=True):
                where, page, block = names[name]
                path = fixable / name
                if path.exists() and (code := path.read_text(encoding="utf-8")) != block.code:
                    _write_back(page, block, code)
    return sorted(
        (
            Finding(
                names[Path(r["filename"]).name][0],
                page_line(names[Path(r["filename"]).name][2], r["location"]["row"]),
                r["code"] or "ruff",
                r["message"],
            )
            for r in results
        ),
        key=lambda f: (f.where, f.line, f.code),
    )


def main(argv: list[str]) -> int:
    """Report (or with ``--fix``, fix and then report) ruff's findings on the pages."""
    if argv not in ([], ["--fix"]):
        print("usage: python -m tools.lint_pages [--fix]", file=sys.stderr)
        return 2
    found = lint(fix=argv == ["--fix"])
    for finding in found:
        print(finding, file=sys.stderr)
    if found:
        print(
            f"{len(found)} finding(s) in the code on the pages; `make format` fixes the "
            "import order; fix the rest by hand, and rerun `make test-fast T=<page>`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
