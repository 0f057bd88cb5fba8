"""Every Python-looking fence is executed, and a failing one names its file and line."""

from __future__ import annotations

import re

import pytest
from pytest_codeblocks import extract_from_file

from sitebuild import blocks
from tests.support import REPO, run_pytest

MARKDOWN = sorted(
    [*REPO.glob("docs/**/*.md"), REPO / "README.md", REPO / "CONTRIBUTING.md"],
)

pytestmark = pytest.mark.depends_on("sitebuild")
READS_PAGES = pytest.mark.depends_on("docs", "README.md", "CONTRIBUTING.md")


@READS_PAGES
def test_no_python_fence_is_silently_skipped() -> None:
    silent = [line for path in MARKDOWN for line in blocks.silent_fences(path)]
    assert not silent, "\n".join(silent)


@READS_PAGES
def _solid(text: str | None) -> str | None:
    return None if text is None else "".join(line for line in text.splitlines(True) if line.strip())


def test_our_parser_reads_every_page_as_pytest_codeblocks_does() -> None:
    """The harness parses blocks itself (to keep each piece's line); it must agree with
    pytest-codeblocks on every page, so an upgrade that changes the format fails here."""
    total = 0
    for path in MARKDOWN:
        ours = [b for b in blocks.parse(path) if b.syntax in blocks.COLLECTED]
        theirs = [b for b in extract_from_file(path) if b.syntax in blocks.COLLECTED]
        # pytest-codeblocks drops the blank lines of an indented block (one inside an
        # admonition); ours keeps them, so that a traceback's line is the page's line.
        assert [(b.line, _solid(b.code), _solid(b.expected)) for b in ours] == [
            (b.lineno, _solid(b.code), _solid(b.expected_output)) for b in theirs
        ], path
        assert [b.marks for b in ours] == [
            [m for m in b.marks if not m.startswith("pytest.mark.timeout")] for b in theirs
        ], path
        total += len(ours)
    assert total >= 10, "the docs should hold more than a handful of python blocks"


@READS_PAGES
def test_every_block_is_collected_by_pytest() -> None:
    result = run_pytest(REPO / "docs", "--collect-only")
    collected = len(re.findall(r"\.md::line \d+", result.stdout))
    expected = sum(len(blocks.parse(path)) for path in REPO.glob("docs/**/*.md"))
    assert collected == expected > 10, result.stdout[-2000:]


@READS_PAGES
def test_skips_give_a_reason() -> None:
    unexplained = [
        f"{path.relative_to(REPO)}:{number}"
        for path in MARKDOWN
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"pytest\.mark\.(skip|skipif|xfail)\b", line)
        and "reason=" not in line
        or "pytest-codeblocks:skip" in line
    ]
    assert not unexplained, "a skipped block needs pytest.mark.skip(reason=...)"


SAMPLE = """# Sample

Intro.

```python
total = 1 + 1
print(total)
```

<!--pytest-codeblocks:expected-output-->

```text
3
```

```python
values = [1, 2]
```

<!--pytest-codeblocks:cont-->

```python
print(values[5])
```
"""


def test_failures_name_file_and_line_and_update_outputs_fixes_them() -> None:
    target = REPO / ".cache" / "selftest" / "_harness_selftest.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SAMPLE, encoding="utf-8")
    try:
        result = run_pytest(target)
        assert ".cache/selftest/_harness_selftest.md:12: expected output is stale" in result.stdout
        assert "-3\n+2" in result.stdout
        # the continued block fails on its own line (23), with the real traceback
        assert (
            ".cache/selftest/_harness_selftest.md:23: code block raised IndexError" in result.stdout
        )
        assert "print(values[5])" in result.stdout

        run_pytest(target, "--update-outputs")
        assert "```text\n2\n```" in target.read_text(encoding="utf-8")
        assert "1 failed, 2 passed" in run_pytest(target).stdout
    finally:
        target.unlink()


@pytest.mark.depends_on(
    "docs", "examples", "Makefile", ".ci", "mkdocs.yml", "README.md", "CONTRIBUTING.md"
)
def test_no_file_points_outside_the_repository() -> None:
    tracked = [
        path
        for pattern in (
            "*.md",
            "*.py",
            "*.yml",
            "*.toml",
            "Makefile",
            ".ci/*",
            ".github/**/*",
            "docs/**/*",
            "sitebuild/*",
            "examples/*",
            "src/**/*.py",
            "tests/**/*.py",
            "overrides/**/*",
        )
        for path in REPO.glob(pattern)
        if path.is_file() and path.suffix not in {".woff2", ".svg", ".png"}
    ]
    outside = [
        path.relative_to(REPO).as_posix()
        for path in tracked
        if "../" + "shared" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert not outside, f"these files point to a folder a clone does not have: {outside}"
