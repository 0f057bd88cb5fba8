"""Each mistake a contributor is likely to make fails with file:line and what to do.

The Markdown cases run pytest on a throwaway page (as ``make test-fast T=...`` does);
the build cases run ``mkdocs build --strict`` on a throwaway project with the real hooks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import INSTALL_MATPLOTLIB, REPO, build, guide, make_project, run_pytest

pytestmark = pytest.mark.depends_on("sitebuild", "tools", "mkdocs.yml", "overrides", "docs/assets")

SELFTEST = REPO / ".cache" / "selftest"
TEMPLATE = REPO / "tools" / "guide_template.md"


@pytest.fixture
def page(request) -> Path:
    """A throwaway Markdown page inside the repository, removed after the test."""
    SELFTEST.mkdir(parents=True, exist_ok=True)
    path = SELFTEST / f"{request.node.name.replace('[', '-').rstrip(']')}.md"
    yield path
    path.unlink(missing_ok=True)


def shown(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def run_page(path: Path, text: str, *args: str) -> str:
    path.write_text(text, encoding="utf-8")
    result = run_pytest(path, *args)
    return result.stdout + result.stderr


@pytest.mark.parametrize("info", ["py", "pycon", 'python title="x.py"', "{.python}"])
def test_a_python_looking_fence_that_would_not_run_fails_the_file(page, info) -> None:
    out = run_page(page, f"# T\n\nText.\n\n```{info}\nprint(1)\n```\n")
    assert f"{shown(page)}:5: fence ```{info} is never run by the tests" in out
    assert "write ```python exactly" in out and "1 failed" in out


def test_a_block_over_its_time_limit_fails_with_its_line(page) -> None:
    text = "# T\n\n<!--pytest.mark.timeout(1)-->\n\n```python\nimport time\n\ntime.sleep(30)\n```\n"
    out = run_page(page, text)
    # A sleeping block uses no CPU: the message says the wall-time limit tripped.
    assert f"{shown(page)}:8: block ran over its limit of 3 s of wall time (it used 0.0 s" in out
    assert "<!--pytest.mark.timeout(SECONDS)-->" in out


def test_a_busy_block_is_stopped_by_its_cpu_time(page) -> None:
    text = "# T\n\n<!--pytest.mark.timeout(1)-->\n\n```python\nwhile True:\n    pass\n```\n"
    out = run_page(page, text)
    assert f"{shown(page)}:6: block ran over its limit of 1 s of CPU time (it used 1." in out


def test_the_default_time_limit_is_twenty_seconds(tmp_path: Path) -> None:
    from sitebuild import blocks

    path = tmp_path / "p.md"
    path.write_text("```python\nx = 1\n```\n\n<!--pytest.mark.timeout(45)-->\n```python\n```\n")
    first, second = blocks.parse(path)
    assert (first.timeout, second.timeout) == (20.0, 45.0)


def test_a_block_that_reaches_the_network_fails_and_says_what_to_use(page) -> None:
    text = (
        "# T\n\n```python\nfrom sklearn.datasets import fetch_openml\n\n"
        'fetch_openml("iris", version=1)\n```\n\n'
        "```python\nimport socket\n\ntry:\n"
        '    socket.create_connection(("127.0.0.1", 9), timeout=1)\n'
        "except OSError:\n    pass\n```\n"
    )
    out = run_page(page, text)
    assert f"{shown(page)}:6: code block tried to use the network" in out
    assert "use scikit-learn's bundled data (load_*, make_*) or tuninglab.datasets" in out
    assert "'127.0.0.1'" in out  # loopback counts too, even when the block catches it
    assert "2 failed" in out


def test_a_block_runs_with_home_and_the_data_folder_in_its_temp_folder(page) -> None:
    text = (
        "# T\n\n```python\nimport os\nfrom pathlib import Path\n\n"
        "from sklearn.datasets import get_data_home\n\n"
        "here = Path.cwd().resolve()\n"
        "print(Path.home().resolve().is_relative_to(here))\n"
        "print(Path(get_data_home()).resolve().is_relative_to(here))\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n\n```text\nTrue\nTrue\n```\n"
    )
    assert "2 passed" in run_page(page, text)


def test_update_outputs_refuses_output_that_changes_between_runs(page) -> None:
    text = (
        "# T\n\n```python\nimport numpy as np\n\nprint(np.random.rand())\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n\n```text\n0.5\n```\n"
    )
    out = run_page(page, text, "--update-outputs")
    assert f"{shown(page)}:3: the block printed different output on two runs" in out
    assert "set a seed" in out
    assert "```text\n0.5\n```" in page.read_text(encoding="utf-8")  # nothing recorded


def test_a_stale_output_names_the_command_for_this_file(page) -> None:
    text = (
        "# T\n\n```python\nprint(2)\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n\n```text\n3\n```\n"
    )
    out = run_page(page, text)
    assert f"{shown(page)}:9: expected output is stale for the block at line 3" in out
    assert f"make update-outputs T={shown(page)}" in out


def test_a_syntax_error_names_its_line(page) -> None:
    out = run_page(page, "# T\n\n```python\nx = 1\ny = (2,\n```\n")
    assert f"{shown(page)}:5: code block raised SyntaxError" in out


def test_a_skip_without_a_reason_is_refused_and_the_other_blocks_still_run(page) -> None:
    text = "# T\n\n<!--pytest.mark.skip-->\n```python\nprint(1)\n```\n\n```python\nx = 2\n```\n"
    out = run_page(page, text)
    assert f"{shown(page)}:4: <!--pytest.mark.skip--> needs a reason: pytest.mark.skip(" in out
    assert "1 failed, 2 passed" in out  # the refused block; the page check and the other


# --- mistakes the build catches ----------------------------------------------------------


def build_guides(tmp_path: Path, guides: dict[str, str]) -> str:
    result = build(make_project(tmp_path, guides), tmp_path / "site")
    assert result.returncode != 0, "the build should have failed"
    return result.stdout + result.stderr


def test_the_build_refuses_a_fence_that_would_not_run(tmp_path: Path) -> None:
    body = 'Text.\n\n```python title="x.py"\nprint(1)\n```\n'
    out = build_guides(tmp_path, {"a": guide(body=body)})
    assert 'docs/guides/a.md:11: fence ```python title="x.py" is never run' in out


def test_a_figure_block_over_its_time_limit_fails_the_build(tmp_path: Path) -> None:
    body = (
        "<!--pytest.mark.timeout(1)-->\n\n```python\nimport time\n\n"
        "import matplotlib.pyplot as plt\n\ntime.sleep(30)\n"
        'plt.figure().savefig("f.svg")\n```\n\n![A figure.](f.svg)\n' + INSTALL_MATPLOTLIB
    )
    out = build_guides(tmp_path, {"a": guide(body=body)})
    assert "docs/guides/a.md:16: block ran over its limit of 3 s of wall time" in out


def test_a_figure_block_cannot_reach_the_network(tmp_path: Path) -> None:
    body = (
        "```python\nimport urllib.request\n\nimport matplotlib.pyplot as plt\n\n"
        'urllib.request.urlopen("http://127.0.0.1:9/")\n'
        'plt.figure().savefig("f.svg")\n```\n\n![A figure.](f.svg)\n' + INSTALL_MATPLOTLIB
    )
    out = build_guides(tmp_path, {"a": guide(body=body)})
    assert "docs/guides/a.md:14: code block tried to use the network" in out


def test_a_broken_link_and_anchor_name_their_lines(tmp_path: Path) -> None:
    body = (
        "## A heading\n\nSee [b](bee.md).\n\nSee [the heading](#a-headin) and [b](b.md#nope).\n"
        "A claim.[^src]\n\n[^src]: Some book, page 3 (a footnote is not a link).\n"
    )
    out = build_guides(tmp_path, {"a": guide(body=body), "b": guide(title="B")})
    assert "docs/guides/a.md:11: link 'bee.md': there is no file docs/guides/bee.md" in out
    assert "(did you mean 'guides/b.md'?)" in out
    assert "docs/guides/a.md:13: link '#a-headin': this page has no heading or anchor" in out
    assert "(did you mean 'a-heading'?)" in out
    assert "docs/guides/a.md:13: link 'b.md#nope': docs/guides/b.md has no heading" in out
    assert "link 'Some'" not in out


def test_front_matter_without_its_closing_line_says_so(tmp_path: Path) -> None:
    text = guide().replace("---\n\n", "\n", 1)
    out = build_guides(tmp_path, {"a": text})
    assert "docs/guides/a.md:1: front matter opened by '---' on line 1 has no closing '---'" in out


def test_an_unknown_tag_lists_the_allowed_ones_and_the_closest(tmp_path: Path) -> None:
    out = build_guides(tmp_path, {"a": guide(tags="[fundamental]")})
    assert "docs/guides/a.md:5: field 'tags': unknown tag 'fundamental'" in out
    assert "(did you mean 'fundamentals'?)" in out
    assert "allowed tags: fundamentals, lab, metrics," in out


def test_a_guide_left_as_the_template_fails_the_build(tmp_path: Path) -> None:
    out = build_guides(
        tmp_path,
        {
            "my-topic": TEMPLATE.read_text(encoding="utf-8"),
            "parameters-vs-hyperparameters": guide(title="Parameters vs hyperparameters"),
        },
    )
    assert "docs/guides/my-topic.md:2: placeholder text from the guide template" in out
    assert "docs/guides/my-topic.md:9: placeholder text" in out
    assert "replace it with the guide's own words" in out


def test_an_unrounded_float_in_an_output_is_refused(page) -> None:
    text = (
        "# T\n\n```python\nprint(2 / 3)\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n\n```text\n0.6666666666666666\n```\n"
    )
    out = run_page(page, text)
    assert f"{shown(page)}:9: output shows 0.6666666666666666, a float printed with all" in out
    out = run_page(page, text.replace("0.6666666666666666", "0.7"), "--update-outputs")
    assert f"{shown(page)}:3: output shows 0.6666666666666666" in out
    assert "```text\n0.7\n```" in page.read_text(encoding="utf-8")


def test_a_guide_without_a_self_check_fails_the_build(tmp_path: Path) -> None:
    out = build_guides(tmp_path, {"a": guide(self_check=False)})
    assert "docs/guides/a.md:1: no '## Check yourself' section" in out


def test_a_self_check_answer_without_a_section_link_fails_the_build(tmp_path: Path) -> None:
    text = guide().replace("Answer 2: [Check yourself](#check-yourself).", "Answer 2.")
    out = build_guides(tmp_path, {"a": text})
    line = text.splitlines().index('??? question "Question 2?"') + 1
    assert f"docs/guides/a.md:{line}: the answer to 'Question 2?' does not link" in out


def test_the_flashcards_page_collects_every_self_check(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"a": guide(title="Guide A"), "b": guide(title="Guide B")})
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "site" / "flashcards" / "index.html").read_text(encoding="utf-8")
    assert "6 questions from 2 guides" in page
    assert page.count("Question 1?") == 2 and 'href="../guides/a/#check-yourself"' in page


def test_one_build_reports_every_mistake_of_a_guide_sorted_by_line(tmp_path: Path) -> None:
    """Mistakes of every kind in one guide: one build lists them all, each at its line."""
    body = (
        "See [b](bee.md).\n\n"  # line 9: a broken link
        "![](figure.svg)\n\n"  # 11: an image without alt text
        "```py\nprint(1)\n```\n\n"  # 13: a fence that would never run
        "The maths $\\frac{1}{$ is cut.\n\n"  # 17: TeX that cannot be typeset
        "```python\nimport matplotlib.pyplot as plt\n\n1 / 0\n"  # 19: a failing figure block
        'plt.figure().savefig("figure.svg")\n```\n'
    )
    out = build_guides(tmp_path, {"a": guide(tags="[fundamental]", related="[nope]", body=body)})
    expected = [
        "docs/guides/a.md:5: field 'tags': unknown tag 'fundamental'",
        "docs/guides/a.md:6: field 'related': no guide has the slug 'nope'",
        "docs/guides/a.md:9: link 'bee.md'",
        "docs/guides/a.md:11: image has no alt text",
        "docs/guides/a.md:13: fence ```py is never run",
        "docs/guides/a.md:17: cannot typeset",
        "docs/guides/a.md:20: the code uses matplotlib, and the page has no install line",
        "docs/guides/a.md:22: figure block raised ZeroDivisionError",
    ]
    positions = [out.find(message) for message in expected]
    missing = [m for m, at in zip(expected, positions, strict=True) if at < 0]
    assert not missing, out
    assert positions == sorted(positions), "problems are listed by file and line"
    assert out.count("Aborted") <= 1
