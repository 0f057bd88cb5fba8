"""The result cache cannot serve a stale pass after a change of code: every key holds
every code file the suite could run (tests/harness/result_cache.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.harness import result_cache
from tests.support import REPO

pytestmark = pytest.mark.depends_on("docs")
DATA_CODE = {"examples": "labs: each lab's own test declares it as its input"}


def tracked(pattern: str) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", pattern],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def covered(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in result_cache.ALWAYS)


def test_every_python_file_is_in_every_key() -> None:
    files = [p for p in tracked("*.py") if p.split("/", 1)[0] not in DATA_CODE]
    assert len(files) > 50
    missing = [path for path in files if not covered(path)]
    assert not missing, f"code outside the cache key, a change to it could reuse a pass: {missing}"


def test_a_change_to_one_file_changes_the_digest(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    code = tmp_path / "pkg" / "module.py"
    code.write_text("x = 1\n")
    (tmp_path / "pkg" / "other.py").write_text("y = 2\n")
    before = result_cache._digest_path(tmp_path / "pkg", tmp_path)
    result_cache._digests.clear()
    code.write_text("x = 2\n")
    after = result_cache._digest_path(tmp_path / "pkg", tmp_path)
    result_cache._digests.clear()
    assert before != after


def test_a_pages_code_key_ignores_prose_and_follows_its_code(tmp_path: Path) -> None:
    page = tmp_path / "x.md"
    base = "Intro.\n\n```console\n$ pip install numpy\n```\n\n```python\nprint(1)\n```\n"
    page.write_text(base, encoding="utf-8")
    before = result_cache._page_code(page)
    page.write_text("A new sentence. " + base, encoding="utf-8")
    assert result_cache._page_code(page) == before, "prose alone must not re-run its code"
    for changed in (base.replace("print(1)", "print(2)"), base.replace("numpy", "numpy scipy")):
        page.write_text(changed, encoding="utf-8")
        assert result_cache._page_code(page) != before, changed
