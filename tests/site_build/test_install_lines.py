"""Install lines: what a page names becomes the line a reader copies, and must cover the
page's code (sitebuild.install_lines, sitebuild.downloads)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import blocks, downloads, install_lines
from sitebuild.install_lines import Package
from tests.support import REPO

pytestmark = pytest.mark.depends_on("sitebuild")
PACKAGE = Package("0.1.0", "3.11", {"scikit-learn": "1.9.1", "numpy": "2.4.6", "pandas": "3.1.1"})
SITE = "https://example.org/lab/"


def page(install: str, code: str) -> str:
    return f"Intro.\n\n```console\n$ pip install {install}\n```\n\n```python\n{code}\n```\n"


def findings(text: str) -> list[str]:
    parsed = blocks.parse_text(text, Path("x.md"), "docs/x.md")
    return [str(f) for f in install_lines.check("docs/x.md", text, parsed, PACKAGE)]


def test_the_line_gets_floors_the_wheel_and_the_python() -> None:
    text = page("scikit-learn numpy tuninglab[postgres]", "import sklearn")
    shown = install_lines.rewrite(text, PACKAGE, SITE)
    assert (
        '$ pip install "scikit-learn>=1.9.1" "numpy>=2.4.6" '
        '"tuninglab[postgres] @ https://example.org/lab/downloads/tuninglab-0.1.0-py3-none-any.whl"'
        "   # Python 3.11 or newer\n"
    ) in shown
    assert shown.count("\n") == text.count("\n")


def test_only_the_first_line_of_a_block_names_the_python() -> None:
    text = "```console\n$ pip install numpy\n$ pip install tuninglab   # if you like\n```\n"
    shown = install_lines.rewrite(text, PACKAGE, SITE).splitlines()
    assert shown[1] == '$ pip install "numpy>=2.4.6"   # Python 3.11 or newer'
    assert shown[2].endswith('-py3-none-any.whl"   # if you like')


def test_a_page_whose_line_covers_its_imports_passes() -> None:
    assert findings(page("scikit-learn numpy", "import numpy as np\nfrom sklearn import svm")) == []


def test_an_import_the_line_does_not_name_is_reported_at_its_line() -> None:
    text = page("scikit-learn", "import os\nfrom sklearn import svm\nimport pandas as pd")
    assert findings(text) == [
        "docs/x.md:10: the code uses pandas, which the install line (line 4) does not name; "
        "add pandas to it"
    ]


def test_a_page_with_code_and_no_line_is_reported() -> None:
    text = "```python\nimport numpy\n```\n"
    (only,) = findings(text)
    assert only.startswith("docs/x.md:2: the code uses numpy, and the page has no install line")


def test_python_dash_m_in_a_shell_block_counts_as_a_use() -> None:
    text = "```console\n$ pip install numpy\n```\n\n```bash\npython -m tuninglab --help\n```\n"
    (only,) = findings(text)
    assert "docs/x.md:6: the code uses tuninglab" in only


@pytest.mark.parametrize(
    ("install", "message"),
    [
        ('"numpy>=2"', "'numpy>=2' is not a bare name"),
        ("numpy torch", "torch is not in requirements.lock"),
    ],
)
def test_versions_and_unlocked_names_are_refused(install: str, message: str) -> None:
    (only,) = findings(page(install, "import os"))
    assert only.startswith("docs/x.md:4: install line: ") and message in only


def test_the_real_package_reads_the_lock_and_pyproject() -> None:
    package = install_lines.read_package()
    assert package.python == "3.11"
    assert package.wheel.startswith("tuninglab-") and package.wheel.endswith("-py3-none-any.whl")
    assert {"scikit-learn", "optuna", "numpy", "psycopg"} <= set(package.locked)


def test_a_lab_install_line_is_read_from_its_markdown_cell() -> None:
    lab = "# %% [markdown]\n# ```console\n# $ pip install numpy\n# ```\n\n# %%\nimport pandas\n"
    found = install_lines.check(
        "examples/x.py",
        install_lines.uncommented(lab),
        install_lines.lab_blocks(Path("x.py"), lab),
        PACKAGE,
    )
    assert [str(f) for f in found] == [
        "examples/x.py:7: the code uses pandas, which the install line (line 3) does not name; "
        "add pandas to it"
    ]


def test_links_in_a_download_point_at_the_hosted_site() -> None:
    text = "[a](../glossary.md#epoch), [b](../guides/x.md), [c](other.ipynb), [d](https://e.org/)"
    assert downloads.hosted_links(text, SITE, "labs") == (
        "[a](https://example.org/lab/glossary/#epoch), "
        "[b](https://example.org/lab/guides/x/), "
        "[c](https://example.org/lab/labs/other/), [d](https://e.org/)"
    )


def test_the_published_wheel_is_the_one_make_dist_builds(tmp_path: Path) -> None:
    import subprocess
    import sys

    package = install_lines.read_package()
    published = downloads.build_wheel(tmp_path / "site", REPO / ".cache" / "wheel", package.wheel)
    env = {"SOURCE_DATE_EPOCH": downloads.SOURCE_DATE_EPOCH, "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist"],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=True,
        timeout=300,
    )
    assert (tmp_path / "dist" / package.wheel).read_bytes() == published.read_bytes()
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert f"SOURCE_DATE_EPOCH={downloads.SOURCE_DATE_EPOCH} " in makefile
