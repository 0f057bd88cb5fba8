"""Labs: executed by the build, checked like guides, rendered with both downloads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest

from sitebuild.labs import LabError, code_cell_lines, figure_alts, lab_paths
from tests.support import REPO, build, guide, make_project

pytestmark = pytest.mark.depends_on(
    "sitebuild", "mkdocs.yml", "overrides", "docs/assets", "examples"
)
LABS = lab_paths()


def lab(body: str, header: str = "difficulty: beginner") -> str:
    return (
        "# ---\n# title: A lab\n# description: A lab made by a test.\n"
        f"# {header}\n# tags: [lab]\n# related: [a]\n# minutes: 5\n# ---\n\n"
        "# %% [markdown]\n# # A lab\n#\n# Some words.\n#\n"
        "# ```console\n# $ pip install matplotlib\n# ```\n\n" + body
    )


def build_lab(tmp_path: Path, text: str):
    config = make_project(tmp_path, {"a": guide(title="A")}, {"my-lab": text})
    return build(config, tmp_path / "site")


def test_a_lab_that_raises_fails_the_build_with_its_name_and_line(tmp_path: Path) -> None:
    result = build_lab(tmp_path, lab("# %%\nx = 1\n\n# %%\ny = 2\nprint(y / 0)\n"))
    assert result.returncode != 0
    assert "examples/my-lab.py:24: lab cell raised ZeroDivisionError" in result.stderr


def test_a_lab_that_reaches_the_network_fails_the_build(tmp_path: Path) -> None:
    body = '# %%\nimport urllib.request\n\nurllib.request.urlopen("http://127.0.0.1:9/")\n'
    result = build_lab(tmp_path, lab(body))
    assert result.returncode != 0
    raised = "examples/my-lab.py:22: lab cell raised NetworkBlocked: labs run offline"
    assert raised in result.stderr


def test_a_lab_header_is_checked_like_front_matter(tmp_path: Path) -> None:
    result = build_lab(tmp_path, lab("# %%\nx = 1\n", header="difficulty: expert"))
    assert "examples/my-lab.py:4: field 'difficulty': 'expert' is not one of" in result.stderr


def test_a_figure_cell_needs_alt_text(tmp_path: Path) -> None:
    body = "# %%\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2])\nplt.show()\n"
    result = build_lab(tmp_path, lab(body))
    assert "examples/my-lab.py:20: this cell draws a figure; open it with a line" in result.stderr


def test_a_lab_builds_with_its_downloads_and_related_guide(tmp_path: Path) -> None:
    body = (
        "# %%\n# alt: A rising line from 1 to 2.\nimport matplotlib.pyplot as plt\n\n"
        "plt.plot([1, 2])\nplt.show()\n\n# %%\nprint(round(2 / 3, 3))\n"
    )
    result = build_lab(tmp_path, lab(body))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/labs/my-lab/index.html").read_text(encoding="utf-8")
    assert 'alt="A rising line from 1 to 2." loading="lazy"' in page
    assert (tmp_path / "site/labs/my-lab/figure-1.png").is_file()
    assert 'href="my-lab.ipynb" download' in page and 'href="my-lab.py" download' in page
    assert "0.667" in page and "<style" not in page
    assert '<a href="../../guides/a/">A</a>' in page
    guide_page = (tmp_path / "site/guides/a/index.html").read_text(encoding="utf-8")
    assert 'id="related-labs"' in guide_page and "../../labs/my-lab/" in guide_page


@pytest.mark.parametrize(
    "cell",
    ["fig, ax = plt.subplots()\nax.plot([1, 2])\n", "plt.figure()\n", "plt.plot([1, 2])\n"],
    ids=["subplots", "figure", "plot"],
)
def test_a_cell_that_makes_a_figure_without_show_needs_alt_text_too(cell: str) -> None:
    # Jupyter shows a figure made in a cell at the cell's end, show() or not; the
    # missing alt text is found from the script's text, before the lab runs.
    text = f"# %% [markdown]\n# hi\n\n# %%\nimport matplotlib.pyplot as plt\n\n{cell}"
    with pytest.raises(LabError, match=r"^x\.py:5: this cell draws a figure; open it"):
        figure_alts(text, "x.py")
    assert figure_alts("# %%\n# plt.show() in a comment draws nothing\nx = 1\n", "y.py") == []


def test_cell_lines_and_alts_follow_the_script() -> None:
    text = "# %% [markdown]\n# hi\n\n# %%\n# alt: A.\nplt.show()\n\n# %%\nx = 1\n"
    assert code_cell_lines(text) == [4, 8]
    assert figure_alts(text, "x.py") == ["A."]


@pytest.mark.depends_on(site_pages=("labs",))
@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_both_downloads_are_the_lab(built_site: Path, path: Path) -> None:
    folder = built_site / "labs" / path.stem
    script = (folder / f"{path.stem}.py").read_text(encoding="utf-8")
    assert not script.startswith("# ---\n# title:"), "the build's YAML header is not for readers"
    notebook = nbformat.read(folder / f"{path.stem}.ipynb", as_version=4)
    source = jupytext.read(path)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert code == [c.source for c in source.cells if c.cell_type == "code"]
    assert code == [
        c.source for c in jupytext.reads(script, fmt="py:percent").cells if c.cell_type == "code"
    ]
    for text in (script, json.dumps(notebook)):
        assert "](../" not in text, "a download's links must point at the hosted site"
        assert '"scikit-learn>=' in text.replace('\\"', '"'), "the install line, with floors"
    executed = [c for c in notebook.cells if c.cell_type == "code"]
    assert [c.execution_count for c in executed] == list(range(1, len(executed) + 1))
    assert any(c.outputs for c in executed), "the download should be the executed notebook"


@pytest.mark.slow
@pytest.mark.depends_on(site_pages=("labs",))
def test_the_downloaded_notebook_runs_in_a_fresh_kernel(built_site: Path, tmp_path) -> None:
    """The quickest lab's download, run top to bottom by nbclient in a new kernel."""
    times = {
        path: float(next(REPO.glob(f".cache/labs/{path.stem}/*/seconds.txt")).read_text())
        if list(REPO.glob(f".cache/labs/{path.stem}/*/seconds.txt"))
        else 0.0
        for path in LABS
    }
    quickest = min(LABS, key=lambda path: times[path])
    notebook = nbformat.read(
        built_site / "labs" / quickest.stem / f"{quickest.stem}.ipynb", as_version=4
    )
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == [], json.dumps(errors)[:2000]


def test_test_fast_on_a_lab_reports_every_problem_before_running_it(tmp_path: Path) -> None:
    """`make test-fast T=examples/x.py` (``sitebuild.labs --check``): all problems, with lines."""
    script = tmp_path / "my-lab.py"
    header = lab("").replace("related: [a]", "related: [grid-and-random-search]")
    header = header.replace("difficulty: beginner", "difficulty: easy")  # not a difficulty
    body = "# %%\nimport pandas\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2])\nplt.show()\n"
    script.write_text(header + body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sitebuild.labs", "--check", str(script)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{script}:4",
        f"{script}:20",
        f"{script}:20",
    ], done.stderr
    assert "'easy'" in lines[0] and "uses pandas" in lines[1] and "'# alt:" in lines[2]
