"""Every Python-looking fence is executed, and a failing one names its file and line."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_codeblocks import extract_from_file

from tests.conftest import run_pytest

REPO = Path(__file__).resolve().parent.parent
MARKDOWN = sorted(
    [*REPO.glob("docs/**/*.md"), REPO / "README.md", REPO / "CONTRIBUTING.md"],
)
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})\s*(?P<info>.*)$")
# Info strings that mean "Python" to a reader or to a highlighter.
PYTHONISH_RE = re.compile(r"^\{?\s*\.?(py|python|python3|pycon|ipython|py3)\b", re.IGNORECASE)
COLLECTED = {"python", "sh", "bash"}


def fences(path: Path) -> list[tuple[int, str]]:
    """Opening fences of a Markdown file as (line, info string)."""
    found, closing = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = FENCE_RE.match(line)
        if not match:
            continue
        if closing is None:
            found.append((number, match.group("info").strip()))
            closing = match.group(1)[0] * len(match.group(1))
        elif line.strip().startswith(closing) and not match.group("info").strip():
            closing = None
    return found


def test_no_python_fence_is_silently_skipped() -> None:
    silent = [
        f"{path.relative_to(REPO)}:{line}: ```{info}"
        for path in MARKDOWN
        for line, info in fences(path)
        if PYTHONISH_RE.match(info) and info != "python"
    ]
    assert not silent, (
        "these fences look like Python but pytest-codeblocks collects only an exact "
        "```python fence:\n" + "\n".join(silent)
    )


def test_every_python_fence_is_collected(capsys) -> None:
    total = 0
    for path in MARKDOWN:
        python_fences = [line for line, info in fences(path) if info == "python"]
        blocks = [b for b in extract_from_file(path) if b.syntax == "python"]
        text = path.read_text(encoding="utf-8")
        continued = len(re.findall(r"(?m)^\s*<!--[-\s]*pytest-codeblocks:cont[-\s]*-->\s*$", text))
        assert len(python_fences) == len(blocks) + continued, path
        total += len(python_fences)
    assert total >= 10, "the docs should hold more than a handful of python blocks"
    with capsys.disabled():
        print(f"\n{total} python fences in {len(MARKDOWN)} Markdown files are collected")


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


def test_codeblocks_plugin_is_on_for_docs() -> None:
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "--codeblocks" in config and '"docs"' in config


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
        assert "1 failed, 1 passed" in run_pytest(target).stdout
    finally:
        target.unlink()
