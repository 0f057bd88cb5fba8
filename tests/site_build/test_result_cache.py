"""The result cache cannot serve a stale pass after a change of code: every key holds
every code file the suite could run (tests/harness/result_cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import result_cache
from tests.support import tracked

CODE_ONLY = pytest.mark.depends_on()  # reused while no code changes (every key holds it)
DATA_CODE = {"examples": "labs: each lab's own test declares it as its input"}


def covered(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in result_cache.ALWAYS)


def test_every_python_file_is_in_every_key() -> None:
    """Not reused: a new Python file anywhere could be the one no key holds."""
    files = [p for p in tracked("*.py") if p.split("/", 1)[0] not in DATA_CODE]
    assert len(files) > 50
    missing = [path for path in files if not covered(path)]
    assert not missing, f"code outside the cache key, a change to it could reuse a pass: {missing}"


@CODE_ONLY
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


@CODE_ONLY
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


@CODE_ONLY
def test_a_recorded_reader_run_is_reused_only_for_the_same_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitebuild import blocks
    from tests.reader import test_reader_path as reader

    ran: list[str] = []

    def fake_run(page_blocks, venv, workdir):
        ran.append(page_blocks[0].code.strip())
        failed = "raise" in page_blocks[0].code
        return [{"output": "1\n", "error": "Boom" if failed else None}]

    monkeypatch.setattr(reader, "RECORDED_RUNS", tmp_path / "runs")
    monkeypatch.setattr(reader, "RUNS", {"separate runs": fake_run})
    venv = tmp_path / "venv-key"

    def run(code: str, expected: str, reuse: bool = True) -> list[dict]:
        text = f"```python\n{code}\n```\n\n<!--pytest-codeblocks:expected-output-->\n\n"
        text += f"```text\n{expected}\n```\n"
        page_blocks = blocks.parse_text(text, tmp_path / "x.md", "x.md")
        return reader.page_run("separate runs", page_blocks, venv, tmp_path, reuse)

    run("print(1)", "1")
    run("print(1)", "2")  # another expected output, the same code: the recorded run
    assert ran == ["print(1)"]
    run("print(1)", "1", reuse=False)  # CI=true
    run("print(2)", "1")
    run("raise SystemExit", "1")
    run("raise SystemExit", "1")  # a failed run is not recorded
    assert ran == ["print(1)", "print(1)", "print(2)", "raise SystemExit", "raise SystemExit"]


@CODE_ONLY
def test_a_run_goes_to_one_process_only_after_a_prose_edit_of_few_pages() -> None:
    """`make test` (``-n auto``) runs in one process only when the last green run had the
    same code and at most a few pages changed, in their prose alone."""
    now = result_cache.sources_record()
    pages = sorted(name for name in now["sources"] if name.startswith("docs/guides/"))
    assert len(pages) > result_cache.FEW_PAGES

    def after(*edits: tuple[str, int]) -> int:
        last = {"code": now["code"], "sources": {k: list(v) for k, v in now["sources"].items()}}
        for name, part in edits:
            last["sources"][name][part] = "an older digest"
        return result_cache.workers_for(last, now)

    assert after() == 0, "nothing changed"
    assert after((pages[0], 0)) == 0, "one page's prose"
    few = [(page, 0) for page in pages[: result_cache.FEW_PAGES]]
    assert after(*few) == 0
    assert after(*few, (pages[-1], 0)) == result_cache.WORKERS, "too many pages"
    assert after((pages[0], 0), (pages[0], 1)) == result_cache.WORKERS, "a page's code"
    assert result_cache.workers_for({**now, "code": "other code"}, now) == result_cache.WORKERS
    assert result_cache.workers_for(None, now) == result_cache.WORKERS, "no green run yet"
    gone = {"code": now["code"], "sources": dict(list(now["sources"].items())[1:])}
    assert result_cache.workers_for(gone, now) == result_cache.WORKERS, "a new file"
