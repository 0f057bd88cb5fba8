"""The code on the pages is linted like the package, at the Markdown's lines (tools/lint_pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import lint_pages

pytestmark = pytest.mark.depends_on("tools", "sitebuild", "pyproject.toml")

PAGE = (
    "# A page\n"  # 1
    "\n"
    '??? success "Solution"\n'  # 3
    "\n"
    "    ```python\n"  # 5
    "    import sys\n"  # 6: unsorted (os before sys)
    "    import os\n"
    "\n"
    "    print(os.sep, sys.platform)\n"  # 9
    "    ```\n"
    "\n"
    "```python\n"  # 12
    "pairs = [1, 2]\n"
    "```\n"
    "\n"
    "<!--pytest-codeblocks:cont-->\n"
    "\n"
    "```python\n"  # 18
    "print(list(zip(pairs, pairs)))\n"  # 19: zip without strict, in a continued block
    "```\n"
)


def make_page(tmp_path: Path) -> Path:
    page = tmp_path / "docs" / "x.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    return page


def test_findings_are_reported_at_the_lines_of_the_page(tmp_path: Path) -> None:
    make_page(tmp_path)
    found = [(f.where, f.line, f.code) for f in lint_pages.lint(tmp_path)]
    assert found == [("docs/x.md", 6, "I001"), ("docs/x.md", 19, "B905")]


def test_fix_rewrites_a_one_piece_block_in_place_and_leaves_a_chain_alone(tmp_path: Path) -> None:
    page = make_page(tmp_path)
    found = lint_pages.lint(tmp_path, fix=True)
    assert [(f.line, f.code) for f in found] == [(19, "B905")]
    text = page.read_text(encoding="utf-8")
    assert "    import os\n    import sys\n\n    print(os.sep, sys.platform)\n" in text
    assert text.count("\n") == PAGE.count("\n")  # nothing else moved
    assert "print(list(zip(pairs, pairs)))" in text


def test_the_site_s_pages_are_clean() -> None:
    assert [str(finding) for finding in lint_pages.lint()] == []
