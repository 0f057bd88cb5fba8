"""Labs: notebooks kept as Jupytext scripts in ``examples/``, executed once per change.

A lab is ``examples/SLUG.py`` in Jupytext's percent format, opening with a commented
YAML header (title, description, difficulty, tags, related, minutes) that is checked
like a guide's front matter. During the build this module

* executes each lab top to bottom in a fresh kernel (nbclient, errors not allowed), in
  a fresh Python process with ``HOME`` in a temporary folder, one BLAS thread and the
  network blocked (:data:`sitebuild.sandbox.LAB_GUARD_CELL`, the blocks' own guard),
  within :data:`LAB_TIMEOUT` seconds of CPU time (wall time only as a backstop,
  :data:`LAB_WALL_LIMIT`, so a busy machine does not fail a lab); a failing cell fails
  the build with ``examples/SLUG.py:LINE: lab cell raised ...``;
* keeps the executed notebook in ``.cache/labs/`` keyed by the lab's source and
  :func:`sitebuild.sandbox.code_fingerprint` (the package, the lock, the build's code
  that runs labs), the one caching rule of the build's page code;
* hands the executed notebook to :func:`sitebuild.downloads.publish_lab`, which makes
  the page ``labs/SLUG.ipynb`` (rendered by mkdocs-jupyter) and the downloads
  ``labs/SLUG/SLUG.ipynb`` and ``labs/SLUG/SLUG.py``.

Run as ``python -m sitebuild.labs LAB.py OUT_DIR SHOWN_AS`` to execute one lab (what
the build does in a child process), or ``python -m sitebuild.labs --check LAB.py`` to
check and run one lab as the build would (``make test-fast T=examples/LAB.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitebuild import sandbox
from sitebuild.frontmatter import by_file_and_line

REPO = Path(__file__).resolve().parent.parent
LAB_DIR = REPO / "examples"
LAB_TIMEOUT = 60
"""Seconds of CPU time (the kernel's user + system time) a whole lab may use."""
LAB_WALL_LIMIT = 3 * LAB_TIMEOUT
"""Wall-clock seconds after which a cell, or a whole lab, is stopped: a backstop for a
lab that hangs, loose enough that other work on the machine cannot trip it."""
PAGE_FOLDER = "lab-page"
"""Folder name of the executed notebooks that mkdocs-jupyter renders (its ``include``)."""
_DRAWS_RE = re.compile(
    r"\bplt\.(?:show|subplots|subplot|figure|plot|scatter|bar|barh|hist|imshow|matshow)\("
    r"|\.show\(\)|display\(fig"
)
"""A line of a lab cell that makes or shows a pyplot figure."""
_ALT_RE = re.compile(r"^#\s*alt:\s*(?P<alt>.+?)\s*$")
_CELL_RE = re.compile(r"^# %%(?P<rest>.*)$")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


class LabError(RuntimeError):
    """A lab failed to run; the message starts with ``examples/SLUG.py:LINE:``."""


@dataclass
class BuiltLab:
    """The files the build made of one lab."""

    slug: str
    page: Path
    """The executed notebook that mkdocs-jupyter renders, at ``PAGE_FOLDER/labs/SLUG.ipynb``.

    It is a real file under a docs-like folder, as mkdocs-jupyter expects.
    """
    script: Path
    alts: list[str]
    """Alt texts of the figures, in the order the notebook shows them."""


def lab_paths(folder: Path = LAB_DIR) -> list[Path]:
    """Every lab script in ``folder``, by name."""
    return sorted(path for path in folder.glob("*.py") if not path.name.startswith("_"))


def code_cell_lines(text: str) -> list[int]:
    """The line (1-based) of each code cell's ``# %%`` marker, in order."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if (match := _CELL_RE.match(line))
        and "[markdown]" not in match.group("rest")
        and "[raw]" not in match.group("rest")
    ]


def figure_alts(text: str, where: str) -> list[str]:
    """Alt texts of the lab's figures: the ``# alt:`` line that opens each figure cell.

    A code cell that makes or shows a pyplot figure (``plt.subplots()``, ``plt.figure()``,
    ``plt.plot(...)``, ``plt.show()``, ``display(fig)``) must open with one: Jupyter shows
    the figure at the end of that cell whether or not it calls ``show``.
    """
    alts, lines = [], text.splitlines()
    starts = code_cell_lines(text)
    for start in starts:
        end = next((n for n in range(start, len(lines)) if _CELL_RE.match(lines[n])), len(lines))
        body = lines[start:end]
        first = next((line for line in body if line.strip()), "")
        draws = any(_DRAWS_RE.search(line) for line in body if not line.lstrip().startswith("#"))
        if match := _ALT_RE.match(first):
            alts.append(match.group("alt"))
        elif draws:
            raise LabError(
                f"{where}:{start + 1}: this cell draws a figure; open it with a line "
                "'# alt: what the figure shows' (the figure's alt text on the site)"
            )
    return alts


def build_labs(
    cache_root: Path, shown: dict[Path, str], common: str, jobs: int = 2
) -> tuple[dict[str, BuiltLab], list[LabError]]:
    """Execute (or reuse) the labs; return what was built, by slug, and what failed.

    Args:
        cache_root: Folder of the cache (``.cache/labs``).
        shown: Each lab script and its path as messages should name it.
        common: :func:`sitebuild.sandbox.code_fingerprint`, computed once per build.
        jobs: Labs executed at the same time.
    """
    paths = sorted(shown)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(
            pool.map(lambda path: _build_one(path, cache_root, shown[path], common), paths)
        )
    errors = [result for result in results if isinstance(result, LabError)]
    return {lab.slug: lab for lab in results if isinstance(lab, BuiltLab)}, errors


def _build_one(path: Path, cache_root: Path, where: str, common: str) -> BuiltLab | LabError:
    text = path.read_text(encoding="utf-8")
    try:
        alts = figure_alts(text, where)
    except LabError as error:
        return error
    key = hashlib.sha256((common + text).encode()).hexdigest()[:16]
    out = cache_root / path.stem / key
    if not out.is_dir():
        error = _execute_in_subprocess(path, out, where)
        if error is not None:
            return error
    return BuiltLab(
        slug=path.stem,
        page=out / PAGE_FOLDER / "labs" / f"{path.stem}.ipynb",
        script=path,
        alts=alts,
    )


def _execute_in_subprocess(path: Path, out: Path, where: str) -> LabError | None:
    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as home:
        env = sandbox.child_env(
            HOME=home,
            SCIKIT_LEARN_DATA=f"{home}/scikit_learn_data",
            MPLBACKEND="module://matplotlib_inline.backend_inline",
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        try:
            result = subprocess.run(
                [sys.executable, "-m", "sitebuild.labs", str(path), str(staging), where],
                cwd=home,
                env=env,
                capture_output=True,
                text=True,
                timeout=LAB_WALL_LIMIT + 60,
            )
        except subprocess.TimeoutExpired:
            return LabError(
                f"{where}:1: lab ran over {LAB_WALL_LIMIT} s of wall time and was stopped"
            )
    if result.returncode != 0:
        return LabError(
            result.stderr.strip().splitlines()[-1]
            if result.stderr.strip()
            else f"{where}:1: lab failed with exit code {result.returncode}"
        )
    for stale in out.parent.iterdir() if out.parent.is_dir() else ():
        if stale != staging:
            shutil.rmtree(stale, ignore_errors=True)
    staging.rename(out)
    return None


def _failing_line(nb, lines: list[int]) -> int:
    """The .py line of the cell that failed (and of the line in it, when known)."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for index, cell in enumerate(code_cells):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            trace = _ANSI_RE.sub("", "\n".join(cell.outputs[-1].get("traceback", [])))
            match = re.search(r"Cell In\[\d+\], line (\d+)", trace)
            offset = int(match.group(1)) if match else 1
            return lines[index] + offset if index < len(lines) else 1
    return lines[0] if lines else 1


def execute(path: Path, out: Path, where: str) -> None:
    """Execute one lab in a fresh kernel and write the executed notebook under ``out``."""
    import jupytext
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    text = path.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="py:percent")
    nb.cells = [cell for cell in nb.cells if cell.cell_type != "raw"]  # the header
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.insert(0, nbformat.v4.new_code_cell(sandbox.LAB_GUARD_CELL))
    lines = code_cell_lines(text)
    client = nbclient.NotebookClient(
        nb,
        timeout=LAB_WALL_LIMIT,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": os.getcwd()}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellTimeoutError:
        raise SystemExit(
            f"{where}:{_failing_line(nb, [1, *lines])}: a lab cell ran over {LAB_WALL_LIMIT} s "
            "of wall time"
        ) from None
    except CellExecutionError as error:
        name = error.ename or "an error"
        value = (error.evalue or "").splitlines()[0] if error.evalue else ""
        line = _failing_line(nb, [1, *lines])
        raise SystemExit(f"{where}:{line}: lab cell raised {name}: {value}") from None
    took = time.perf_counter() - start
    # The kernel has been shut down and reaped, so its CPU time is in RUSAGE_CHILDREN.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    if cpu > LAB_TIMEOUT:
        raise SystemExit(
            f"{where}:1: lab ran over {LAB_TIMEOUT} s of CPU time (used {cpu:.0f} s, "
            f"{took:.0f} s of wall time)"
        )
    del nb.cells[0]
    for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = number
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output.execution_count = number
    nb.metadata.pop("widgets", None)
    folder = out / PAGE_FOLDER / "labs"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{path.stem}.ipynb")
    (out / "seconds.txt").write_text(f"{took:.1f}\n", encoding="utf-8")


def check(path: Path) -> int:
    """Check and run one lab as the build does; print each problem; return an exit code.

    What ``make test-fast T=examples/SLUG.py`` runs: the checks that need no run (the
    header, against the site's guides and tags; each figure cell's ``# alt:`` line; the
    install line), then the lab itself, in the build's sandbox and time limit, uncached.
    """
    from sitebuild import install_lines, path_checks
    from sitebuild.frontmatter import validate_guides

    resolved = path.resolve()
    where = resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(path)
    text = path.read_text(encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    guides = sorted((REPO / "docs" / "guides").glob("*.md"))
    others = [p for p in lab_paths() if p.resolve() != resolved]
    _, found = validate_guides(
        [(p, p.relative_to(REPO).as_posix()) for p in guides],
        path_checks.allowed_tags(config),
        [(p, p.relative_to(REPO).as_posix()) for p in others] + [(resolved, where)],
    )
    problems = [str(finding) for finding in found if finding.path == where]
    package = install_lines.read_package()
    problems += [str(finding) for finding in install_lines.check_lab(where, path, text, package)]
    try:
        figure_alts(text, where)
    except LabError as error:
        problems.append(str(error))
    if not problems:
        with tempfile.TemporaryDirectory() as folder:
            error = _execute_in_subprocess(resolved, Path(folder) / "out", where)
            if error is None:
                took = (Path(folder) / "out" / "seconds.txt").read_text(encoding="utf-8").strip()
                print(f"{where}: ran in {took} s with no error")
                return 0
            problems.append(str(error))
    print("\n".join(sorted(problems, key=by_file_and_line)), file=sys.stderr)
    return 1


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        raise SystemExit(check(Path(sys.argv[2])))
    execute(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
