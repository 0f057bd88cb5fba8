"""Bad front matter fails the build with the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild.frontmatter import FrontMatterError, load_guides
from tests.support import INSTALL_MATPLOTLIB, build, guide, make_project

pytestmark = pytest.mark.depends_on("sitebuild", "mkdocs.yml", "overrides", "docs/assets")

ALLOWED = {"fundamentals", "scikit-learn"}


def check(tmp_path: Path, guides: dict[str, str]) -> str:
    files = []
    for slug, text in guides.items():
        path = tmp_path / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        files.append((path, f"docs/guides/{slug}.md"))
    with pytest.raises(FrontMatterError) as raised:
        load_guides(files, ALLOWED)
    return str(raised.value)


BAD_CASES = {
    "missing field": (
        "---\ntitle: T\ndescription: D\ndifficulty: beginner\ntags: [fundamentals]\n---\n",
        "docs/guides/a.md:1: field 'related' is missing",
    ),
    "wrong type": (guide(tags="fundamentals"), "docs/guides/a.md:5: field 'tags' must be a list"),
    "unknown difficulty": (
        guide(difficulty="expert"),
        "docs/guides/a.md:4: field 'difficulty': 'expert' is not one of beginner",
    ),
    "unknown tag": (
        guide(tags="[fundamentals, magic]"),
        "docs/guides/a.md:5: field 'tags': unknown tag 'magic'",
    ),
    "unknown related slug": (
        guide(related="[no-such-guide]"),
        "docs/guides/a.md:6: field 'related': no guide has the slug 'no-such-guide'",
    ),
    "related to itself": (
        guide(related="[a]"),
        "docs/guides/a.md:6: field 'related': a guide cannot relate to itself",
    ),
    "malformed yaml": (
        "---\ntitle: T\ndescription: [unclosed\ndifficulty: beginner\n---\n",
        "docs/guides/a.md:",
    ),
    "no front matter": ("Just text.\n", "docs/guides/a.md:1: no front matter"),
    "empty title": (guide(title="''"), "docs/guides/a.md:2: field 'title' must be a string"),
    "unknown field": (
        guide(extra="difficult: beginner\n"),
        "field 'difficult' is not a known field",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_front_matter_names_file_line_and_field(tmp_path: Path, case: str) -> None:
    text, expected = BAD_CASES[case]
    assert expected in check(tmp_path, {"a": text})


def test_malformed_yaml_names_a_line(tmp_path: Path) -> None:
    message = check(tmp_path, {"a": BAD_CASES["malformed yaml"][0]})
    assert "front matter is not valid YAML" in message
    assert "docs/guides/a.md:4:" in message or "docs/guides/a.md:3:" in message


def test_unknown_slug_suggests_the_closest(tmp_path: Path) -> None:
    message = check(tmp_path, {"a": guide(related="[grid-serch]"), "grid-search": guide()})
    assert "did you mean 'grid-search'?" in message


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    message = check(tmp_path, {"a": guide(difficulty="expert"), "b": guide(related="[zzz]")})
    assert "2 problem(s)" in message
    assert "docs/guides/a.md" in message and "docs/guides/b.md" in message


def test_valid_guides_load(tmp_path: Path) -> None:
    for slug, text in {"a": guide(related="[b]"), "b": guide(title="B")}.items():
        (tmp_path / f"{slug}.md").write_text(text, encoding="utf-8")
    files = [(tmp_path / f"{s}.md", f"docs/guides/{s}.md") for s in "ab"]
    guides = load_guides(files, ALLOWED)
    assert guides["a"].related == ["b"] and guides["b"].title == "B"


@pytest.mark.parametrize("case", ["unknown difficulty", "unknown related slug", "missing field"])
def test_mkdocs_build_fails_with_file_and_field(tmp_path: Path, case: str) -> None:
    text, expected = BAD_CASES[case]
    config = make_project(tmp_path, {"a": text})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert expected in result.stderr
    assert not (tmp_path / "site" / "guides").exists()


def test_build_fails_on_missing_alt_text(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"a": guide(body="Text.\n\n![](figure.svg)\n")})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/guides/a.md:11: image has no alt text" in result.stderr


def test_build_fails_on_broken_link(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"a": guide(body="See [missing](missing.md).\n")})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "missing.md" in result.stderr and "guides/a.md" in result.stderr


def test_build_fails_on_a_failing_figure_block(tmp_path: Path) -> None:
    body = "```python\nimport matplotlib.pyplot as plt\n1 / 0\nplt.savefig('x.svg')\n```\n"
    body += INSTALL_MATPLOTLIB
    config = make_project(tmp_path, {"a": guide(body=body)})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/guides/a.md:11: figure block raised ZeroDivisionError" in result.stderr
