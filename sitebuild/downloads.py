"""What a reader downloads from the site: the package's wheel and the labs as files.

* :func:`build_wheel` builds the ``tuninglab`` wheel from this checkout (offline, with the
  locked build tools) into the site's ``downloads/`` folder, so that every build of the
  site publishes the package from the same commit as its pages. It is kept in
  ``.cache/wheel/`` keyed by the package's sources.
* :func:`publish_lab` writes the copies of an executed lab that the site shows and
  offers: the page's notebook and the downloadable notebook with their install line as
  a reader copies it, links in the download pointing at the hosted site, and the script
  as Jupytext writes it (its own header, not the build's YAML).

Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WHEEL_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "requirements.lock")
SOURCE_DATE_EPOCH = "1700000000"
"""The archive's timestamp (the Makefile's `dist` target uses the same)."""
_MD_LINK_RE = re.compile(r"\]\((?P<path>[^)\s:#]+\.(?:md|ipynb))(?P<anchor>#[^)\s]*)?\)")


class DownloadError(RuntimeError):
    """A download could not be made; the message says what to do."""


def _sources_digest(repo: Path) -> str:
    digest = hashlib.sha256()
    files = sorted((repo / "src" / "tuninglab").rglob("*"))
    for path in [*(repo / name for name in WHEEL_INPUTS), *files]:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(repo).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_wheel(dest: Path, cache_root: Path, wheel_name: str, repo: Path = REPO) -> Path:
    """Build (or reuse) the package's wheel and copy it into ``dest``.

    Raises:
        DownloadError: The build failed, or made a wheel of another name.
    """
    cached = cache_root / _sources_digest(repo) / wheel_name
    if not cached.is_file():
        cache_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache_root, suffix=".tmp"))
        # A fixed timestamp inside the archive: the same sources give the same wheel, the
        # one `make dist` builds too (it sets the same SOURCE_DATE_EPOCH).
        env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PATH": "/usr/bin:/bin"}
        result = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", staging],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        made = sorted(p.name for p in staging.glob("*.whl"))
        if result.returncode != 0 or made != [wheel_name]:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise DownloadError(
                f"pyproject.toml:1: building the wheel {wheel_name} failed (made {made}): "
                + " | ".join(tail)
            )
        if cached.is_file():  # another build made it meanwhile
            shutil.rmtree(staging, ignore_errors=True)
        else:
            shutil.rmtree(cached.parent, ignore_errors=True)
            staging.rename(cached.parent)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, dest / wheel_name)
    return dest / wheel_name


def hosted_links(markdown: str, site_url: str, folder: str) -> str:
    """Links to the site's sources (``../glossary.md#x``) as addresses on the hosted site.

    ``folder`` is where the text's own page sits among the sources (``labs``).
    """

    def replace(match: re.Match) -> str:
        path = posixpath.normpath(posixpath.join(folder, match.group("path")))
        stem = path.rsplit(".", 1)[0]
        url = "" if stem == "index" else stem.removesuffix("/index") + "/"
        return f"]({site_url}{url}{match.group('anchor') or ''})"

    return _MD_LINK_RE.sub(replace, markdown)


def publish_lab(
    executed: Path, out: Path, slug: str, install: Callable[[str], str], site_url: str
) -> tuple[Path, Path, Path]:
    """The lab's page notebook, download notebook and download script, under ``out``.

    Args:
        executed: The executed notebook.
        out: Folder to write into (replaced).
        slug: The lab's name.
        install: Turns a Markdown text's install lines into the reader's.
        site_url: The hosted site's address, for the downloads' links.
    """
    import jupytext
    import nbformat

    shutil.rmtree(out, ignore_errors=True)
    page_dir, download_dir = out / "lab-page" / "labs", out / "download"
    page_dir.mkdir(parents=True)
    download_dir.mkdir(parents=True)
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = install(cell.source)
    page = page_dir / f"{slug}.ipynb"
    nbformat.write(nb, page)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = hosted_links(cell.source, site_url, "labs")
    notebook = download_dir / f"{slug}.ipynb"
    nbformat.write(nb, notebook)
    script = download_dir / f"{slug}.py"
    bare = nbformat.from_dict(nb)
    for cell in bare.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    script.write_text(jupytext.writes(bare, fmt="py:percent"), encoding="utf-8")
    return page, notebook, script
