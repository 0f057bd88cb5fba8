"""The reader's path, end to end: install from the served site, then run every page.

The built site is served on 127.0.0.1. A fresh virtual environment runs each install
line exactly as the pages print it, with only the site's host swapped for the local
server (so the wheel comes from the site's own ``downloads/``). Then:

* every guide's blocks run **in page order, in one working folder**, once as separate
  scripts (each Python block in a process of its own with a fresh ``__main__``, forked
  after the page's imports: ``run_as_separate_scripts.py``; shell blocks in a shell) and
  once in one interpreter, as a notebook would; each printed output must be the one the
  page shows;
* every lab is downloaded from the served site, as ``.ipynb`` (run by nbclient in a new
  kernel of that environment) and as ``.py`` (run by that environment's ``python``).

A run in which every block ran is recorded in ``.cache/reader-runs/`` under the code it
ran (:func:`page_run`): while that code is the same, an edit of a printed output is
checked against the recorded run instead of a new one. ``CI=true`` runs every page.

pip installs the locked versions (``PIP_CONSTRAINT=requirements.lock``): the floors on
the page equal them, and the pages' outputs were recorded with them. One environment
holds every page's install line, so this does not show that each page's own line is
enough; the build's install-line check (``sitebuild.install_lines.check``) does that,
for every import of every block.
"""

from __future__ import annotations

import difflib
import fcntl
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sitebuild import blocks, outputs
from tests.harness import result_cache
from tests.support import REPO

# All code is in every key (tests/harness/result_cache.py); each test adds the code of its
# own page (blocks, outputs, install line: not its prose) or its lab, and the wheel the
# install lines fetch, so a prose edit re-runs no reader test.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.depends_on("requirements.lock", site_pages=("downloads",)),
]
GUIDES = sorted((REPO / "docs" / "guides").glob("*.md"))
PAGES = [*GUIDES, REPO / "docs" / "troubleshooting.md"]
LABS = sorted(p for p in (REPO / "examples").glob("*.py") if not p.name.startswith("_"))
DRIVER = Path(__file__).with_name("run_in_one_interpreter.py")
SEPARATE = Path(__file__).with_name("run_as_separate_scripts.py")
PAGE_TIMEOUT = 900
RECORDED_RUNS = REPO / ".cache" / "reader-runs"
KEPT_RUNS = 400
"""Recorded runs kept (the newest): two per page for each state of the code."""
_PRE_RE = re.compile(r"<pre\b.*?</pre>", re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def shown(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def site_url(site: Path) -> str:
    """The address the site was built for (its sitemap's first page)."""
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    return re.search(r"<loc>(.*?)</loc>", sitemap).group(1)


def printed_install_lines(site: Path) -> list[str]:
    """Every ``pip install`` command the built pages print, as a reader copies it.

    Material's copy button leaves out the ``$`` prompt; a trailing comment stays, as in
    a shell.
    """
    found: set[str] = set()
    for page in site.rglob("index.html"):
        for pre in _PRE_RE.findall(page.read_text(encoding="utf-8")):
            for line in html.unescape(_TAG_RE.sub("", pre)).splitlines():
                if line.startswith("$ pip install "):
                    found.add(line.removeprefix("$ ").strip())
    return sorted(found)


def reader_env(venv: Path, workdir: Path) -> dict[str, str]:
    """The environment a reader's shell would give the copied code, with one BLAS thread."""
    keep = {k: v for k, v in os.environ.items() if k in {"LANG", "LC_ALL", "TERM"}}
    return {
        **keep,
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": str(venv),
        "HOME": str(workdir),
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        **{k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_") and k not in keep},
    }


@pytest.fixture(scope="session")
def reader_venv(built_site: Path, site_server, request) -> Path:
    """A virtual environment made only by running the pages' install lines.

    Shared by the test workers of a run (under a lock file). Under ``CI=true`` it is made
    afresh for each run; on a contributor's machine it is kept while the printed lines
    and the published wheel are the same, since the same commands give the same venv.
    """
    served = f"{site_server.origin}{site_server.prefix}"
    printed = printed_install_lines(built_site)
    assert any("tuninglab" in c and "/downloads/" in c for c in printed), printed
    wheels = sorted((built_site / "downloads").glob("*.whl"))
    parts = [*printed, *(hashlib.sha256(w.read_bytes()).hexdigest() for w in wheels)]
    if os.environ.get("CI", "").lower() == "true":
        workers = getattr(request.config, "workerinput", {})
        parts.append(workers.get("testrunuid", str(os.getpid())))
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    root = REPO / ".cache" / "reader-venv"
    root.mkdir(parents=True, exist_ok=True)
    venv = root / key
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / "ready").is_file():
            for stale in root.iterdir():  # an earlier run's
                if stale.is_dir():
                    shutil.rmtree(stale)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            env = reader_env(venv, venv) | {"PIP_CONSTRAINT": str(REPO / "requirements.lock")}
            env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_QUIET": "1"}
            for command in printed:
                command = command.replace(site_url(built_site), served)
                done = subprocess.run(
                    ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=900
                )
                assert done.returncode == 0, f"{command}\n{done.stderr[-3000:]}"
            (venv / "ready").write_text("\n".join(printed) + "\n", encoding="utf-8")
    return venv


def mismatch(where: str, block: blocks.Block, output: str, how: str) -> str | None:
    if outputs.outputs_match(block, output):
        return None
    diff = "".join(
        difflib.unified_diff(
            (block.expected or "").splitlines(keepends=True),
            output.splitlines(keepends=True),
            "on the page",
            how,
        )
    )
    return f"{where}:{block.expected_line}: run in page order ({how}), it prints\n{diff}"


def run_separately(page_blocks, venv: Path, workdir: Path) -> list[dict]:
    """Each block as its own script or shell run, one after another, in one folder
    (:data:`SEPARATE`): what each printed, and its error (``None`` when it ran)."""
    spec = [
        {"syntax": b.syntax, "code": b.code, "script": str(workdir.parent / f"block-{n}.py")}
        for n, b in enumerate(page_blocks, start=1)
    ]
    return _drive(SEPARATE, spec, venv, workdir)


def _drive(driver: Path, spec: list[dict], venv: Path, workdir: Path) -> list[dict]:
    """Run a driver script with the reader's Python on a page's blocks; its JSON results."""
    page = workdir.parent / "blocks.json"
    page.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [str(venv / "bin" / "python"), str(driver), str(page)],
        cwd=workdir,
        env=reader_env(venv, workdir),
        capture_output=True,
        text=True,
        timeout=PAGE_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def run_in_one_interpreter(page_blocks, venv: Path, workdir: Path) -> list[dict]:
    """All blocks in one interpreter, in page order, in one folder (as a notebook)."""
    spec = [
        {"syntax": b.syntax, "segments": [[s.line, s.code] for s in b.segments]}
        for b in page_blocks
    ]
    return _drive(DRIVER, spec, venv, workdir)


RUNS = {"separate runs": run_separately, "one interpreter": run_in_one_interpreter}


def page_run(mode: str, page_blocks, venv: Path, workdir: Path, reuse: bool) -> list[dict]:
    """What the page's blocks print when run in ``mode``, from a recorded run when allowed.

    A run in which every block ran is recorded under its code: the blocks' code in page
    order (not their expected outputs, not the prose), the reader's environment (its name
    is the key of its install lines and wheel) and all the repository's code. So an edit
    of an expected output is checked against the same run without running it again;
    under ``CI=true`` or ``--no-result-cache`` (``reuse`` false) every page really runs.
    """
    code = [mode, venv.name, *result_cache.code_parts()]
    code += [f"{block.syntax}\0{block.code}" for block in page_blocks]
    record = RECORDED_RUNS / (hashlib.sha256("\0".join(code).encode()).hexdigest() + ".json")
    if reuse and record.is_file():
        return json.loads(record.read_text(encoding="utf-8"))
    results = RUNS[mode](page_blocks, venv, workdir)
    if not any(result["error"] for result in results):
        RECORDED_RUNS.mkdir(parents=True, exist_ok=True)
        partial = record.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(results), encoding="utf-8")
        partial.replace(record)  # whole or not at all
        for stale in sorted(RECORDED_RUNS.glob("*.json"), key=lambda p: p.stat().st_mtime)[
            :-KEPT_RUNS
        ]:
            stale.unlink(missing_ok=True)
    return results


def run_problems(page_blocks, results: list[dict], where: str, how: str) -> list[str]:
    """Each block that failed, or printed other than its expected output, with its line."""
    problems = []
    for block, result in zip(page_blocks, results, strict=True):
        if result["error"]:
            problems.append(
                f"{where}:{block.line}: run in page order ({how}), the block fails:\n"
                f"{result['error']}"
            )
        elif found := mismatch(where, block, result["output"], how):
            problems.append(found)
    return problems


@pytest.mark.depends_on("docs")
def test_the_pages_print_an_install_line_with_the_sites_wheel(built_site: Path) -> None:
    lines = printed_install_lines(built_site)
    url = site_url(built_site)
    assert any(f"tuninglab[postgres] @ {url}downloads/tuninglab-" in line for line in lines)
    assert all('"scikit-learn>=' in line for line in lines if "scikit-learn" in line)


@pytest.mark.parametrize("mode", ["separate runs", "one interpreter"])
@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.depends_on(code_of=(shown(p),)), id=p.stem) for p in PAGES],
)
def test_a_page_runs_in_page_order_in_one_folder(
    path: Path, mode: str, reader_venv: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    where = shown(path)
    page_blocks = blocks.parse(path, where)
    if not page_blocks:
        pytest.skip(f"{where} has no runnable blocks")
    workdir = tmp_path / "reader"
    workdir.mkdir()
    reuse = result_cache.enabled(request.config)
    results = page_run(mode, page_blocks, reader_venv, workdir, reuse)
    problems = run_problems(page_blocks, results, where, mode)
    assert not problems, "\n\n".join(problems)


def download(site_server, path: str, dest: Path) -> Path:
    url = f"{site_server.origin}{site_server.prefix}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:  # the local server only
        dest.write_bytes(response.read())
    return dest


@pytest.mark.parametrize("kind", ["ipynb", "py"])
@pytest.mark.parametrize(
    "lab",
    [
        pytest.param(
            p, marks=pytest.mark.depends_on(shown(p), site_pages=(f"labs/{p.stem}",)), id=p.stem
        )
        for p in LABS
    ],
)
def test_a_lab_runs_as_downloaded(
    lab: Path, kind: str, site_server, reader_venv: Path, tmp_path: Path
) -> None:
    slug = lab.stem
    workdir = tmp_path / "reader"
    workdir.mkdir()
    file = download(site_server, f"labs/{slug}/{slug}.{kind}", workdir / f"{slug}.{kind}")
    python = str(reader_venv / "bin" / "python")
    if kind == "py":
        command = [python, file.name]
    else:
        runner = (
            "import sys, nbformat, nbclient\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3',"
            " resources={'metadata': {'path': '.'}}).execute()\n"
        )
        command = [python, "-c", runner, file.name]
    env = reader_env(reader_venv, workdir)
    if kind == "ipynb":
        env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=PAGE_TIMEOUT
    )
    assert done.returncode == 0, f"{slug}.{kind} as downloaded:\n{done.stderr[-3000:]}"


SEPARATE_PAGE = """
```python
import json
from pathlib import Path

numbers = [1, 2, 3]
Path("numbers.json").write_text(json.dumps(numbers))
print("wrote")
```

```python
print(sum(numbers))
```

```python
import json
from pathlib import Path

print(sum(json.loads(Path("numbers.json").read_text())))
```

```python
import sys

sys.exit(3)
```

```sh
test -f numbers.json && echo "the file is there"
```
"""


def test_separate_runs_share_the_folder_but_no_names(tmp_path: Path) -> None:
    """The runner behind "separate runs" is honest: a block that uses a name only an
    earlier block defined fails (each runs with a fresh ``__main__``), a file written by
    an earlier block is there (one folder), and a non-zero exit is an error."""
    page = tmp_path / "page.md"
    page.write_text(SEPARATE_PAGE, encoding="utf-8")
    workdir = tmp_path / "reader"
    workdir.mkdir()
    venv = Path(sys.prefix)  # this environment's Python stands in for the reader's
    results = run_separately(blocks.parse(page), venv, workdir)
    assert [r["output"] for r in results] == ["wrote\n", "", "6\n", "", "the file is there\n"]
    errors = [r["error"] for r in results]
    assert errors[0] is None and errors[2] is None and errors[4] is None
    assert "NameError: name 'numbers' is not defined" in errors[1]
    assert errors[3].startswith("exit code 3")
