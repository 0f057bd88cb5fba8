"""The single-page checks the build and `make test-fast` share (sitebuild.page_checks)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitebuild import install_lines, page_checks
from sitebuild.page_checks import SiteFacts
from tests.support import REPO

pytestmark = pytest.mark.depends_on("sitebuild")
FACTS = SiteFacts(
    template=["A sentence of the template that must go."],
    package=install_lines.Package("0.1.0", "3.11", {"numpy": "2.4.6"}),
    terms=[("Seed", "seed")],
    order=["first", "x", "later"],
)


def test_a_guide_with_a_mistake_of_each_kind_gets_each_finding_at_its_line() -> None:
    text = (
        "---\ntitle: X\n---\n\n"  # 1-4
        "**Prerequisites:** [Later](later.md).\n\n"  # 5: comes later on the path
        "Fix the seed first.\n\n"  # 7: glossary term not linked
        "A sentence of the template that must go.\n\n"  # 9: template sentence
        "![](figure.svg)\n\n"  # 11: no alt text
        "```py\nprint(1)\n```\n\n"  # 13: a fence that would never run
        "```python\nimport numpy\n```\n"  # 17: numpy, and no install line
    )
    report = page_checks.check("docs/guides/x.md", text, Path("x.md"), guide=True, site=FACTS)
    found = [(finding.line, str(finding).split(": ", 1)[1][:28]) for finding in report.findings]
    assert found == [
        (1, "no '## Check yourself' secti"),
        (5, "prerequisite later comes lat"),
        (7, "first use of 'seed' should l"),
        (9, "placeholder text from the gu"),
        (11, "image has no alt text: say w"),
        (13, "fence ```py is never run by "),
        (18, "the code uses numpy, and the"),
    ], found


def test_a_draft_is_told_its_template_sentences_without_failing() -> None:
    text = "---\ntitle: X\n---\n\n**Prerequisites:** none.\n\n" + FACTS.template[0] + "\n"
    draft = dataclasses.replace(FACTS, drafts=frozenset({"x"}))
    report = page_checks.check("docs/guides/x.md", text, Path("x.md"), guide=True, site=draft)
    assert [f.line for f in report.to_write] == [7]
    assert "template sentence still to replace" in str(report.to_write[0])
    assert all("placeholder" not in str(f) for f in report.findings)
    on_path = page_checks.check("docs/guides/x.md", text, Path("x.md"), guide=True, site=FACTS)
    assert [f.line for f in on_path.findings if "placeholder" in str(f)] == [7]
    assert on_path.to_write == []


def test_another_page_skips_the_guide_rules() -> None:
    text = "Fix the seed.\n\nA sentence of the template that must go.\n"
    report = page_checks.check("docs/x.md", text, Path("x.md"), guide=False, site=FACTS)
    assert report.findings == []


@pytest.mark.parametrize(
    ("text", "line", "start"),
    [
        ("---\ntitle: X\n\nNo closing line.\n", 1, "no '## Check yourself'"),  # front matter
        ("Words.\n\n```python\nprint(1)\n", 3, "code fence is never closed"),
    ],
    ids=["unclosed front matter", "unclosed fence"],
)
def test_a_page_that_cannot_be_read_to_its_end_gets_findings_not_a_crash(text, line, start):
    report = page_checks.check("docs/guides/x.md", text, Path("x.md"), guide=True, site=FACTS)
    assert any(f.line == line and f.message.startswith(start) for f in report.findings), [
        str(f) for f in report.findings
    ]


def test_the_site_facts_read_only_the_files_a_page_check_is_keyed_on(monkeypatch) -> None:
    """The result cache reuses a page's check while the page and SITE_FACT_SOURCES are
    unchanged; a site fact read from any other file could then serve a stale pass."""
    from tests.harness.markdown_blocks import _site_facts

    read: set[str] = set()
    real_read_text, real_open = Path.read_text, Path.open

    def read_text(self: Path, *args, **kwargs) -> str:
        read.add(self.resolve().relative_to(REPO).as_posix())
        return real_read_text(self, *args, **kwargs)

    def path_open(self: Path, *args, **kwargs):
        read.add(self.resolve().relative_to(REPO).as_posix())
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(Path, "open", path_open)
    facts = _site_facts()
    assert facts.terms and facts.order  # the real site's glossary and path were read
    assert read <= set(page_checks.SITE_FACT_SOURCES), read - set(page_checks.SITE_FACT_SOURCES)
    assert "docs/glossary.md" in read


def test_a_kept_report_is_served_only_for_the_same_page_and_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    text = "---\ntitle: X\n---\n\n![](figure.svg)\n"
    args = ("docs/x.md", text, Path("x.md"))
    first = page_checks.check_cached(*args, guide=False, site=FACTS, cache=tmp_path)
    assert [f.line for f in first.findings] == [5] and len(list(tmp_path.iterdir())) == 1

    def not_again(*args, **kwargs):
        raise AssertionError("checked again although the report was kept")

    monkeypatch.setattr(page_checks, "check", not_again)
    kept = page_checks.check_cached(*args, guide=False, site=FACTS, cache=tmp_path)
    assert kept.findings == first.findings
    other_facts = dataclasses.replace(FACTS, terms=[("Figure", "figure")])
    for changed in (
        lambda: page_checks.check_cached(*args, guide=True, site=FACTS, cache=tmp_path),
        lambda: page_checks.check_cached(*args, guide=False, site=other_facts, cache=tmp_path),
        lambda: page_checks.check_cached(
            "docs/x.md", text + "\n", Path("x.md"), guide=False, site=FACTS, cache=tmp_path
        ),
    ):
        with pytest.raises(AssertionError, match="checked again"):
            changed()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(AssertionError, match="checked again"):  # CI keeps nothing
        page_checks.check_cached(*args, guide=False, site=FACTS, cache=tmp_path)
