"""The flashcards as an Anki deck (sitebuild.flashcard_deck), and the deck the site offers."""

from __future__ import annotations

import sqlite3
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest

from sitebuild import flashcard_deck, self_check

SITE = "https://example.org/lab/"


def notes_of(apkg: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    """(guid, fields, tags) of every note in an .apkg file, sorted by guid."""
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        return sorted(db.execute("select guid, flds, tags from notes"))


def test_links_point_at_the_hosted_site_and_maths_goes_to_ankis_mathjax():
    answer = (
        "The pull is $\\alpha \\lVert\\theta - \\theta_s\\rVert^2$, and\n\n$$x < y$$\n\n"
        "See [the idea](#the-idea), [fit](../glossary.md#fit), [a lab]"
        "(../labs/x.ipynb) and [docs](https://scikit-learn.org/)."
    )
    out = flashcard_deck.answer_html(answer, "my-guide", SITE)
    assert "\\(\\alpha \\lVert\\theta - \\theta_s\\rVert^2\\)" in out
    assert "\\[x &lt; y\\]" in out
    assert f'href="{SITE}guides/my-guide/#the-idea"' in out
    assert f'href="{SITE}glossary/#fit"' in out
    assert f'href="{SITE}labs/x/"' in out
    assert 'href="https://scikit-learn.org/"' in out
    # Without a site URL a relative link cannot work in Anki: its text is kept.
    bare = flashcard_deck.answer_html(answer, "my-guide", "")
    assert "the idea" in bare and "guides/my-guide" not in bare
    assert 'href="https://scikit-learn.org/"' in bare


def test_maths_is_read_as_the_site_reads_it_and_code_is_left_alone():
    answer = (
        "Cost $c_\\text{FP} / (c_\\text{FP} +\nc_\\text{FN})$ is wrapped; `x = $5` is code,"
        " and $5 and $10 are prices."
    )
    out = flashcard_deck.answer_html(answer, "g", SITE)
    assert "\\(c_\\text{FP} / (c_\\text{FP} +\nc_\\text{FN})\\)" in out
    assert "<code>x = $5</code>" in out and "$5 and $10 are prices" in out
    assert flashcard_deck.question_html("Why is $\\alpha$ small?") == "Why is \\(\\alpha\\) small?"


def test_site_links_of_pages_files_and_index_pages():
    assert flashcard_deck.site_link("guides/reindex.md", SITE) == f"{SITE}guides/reindex/"
    assert flashcard_deck.site_link("guides/index.md#a", SITE) == f"{SITE}guides/#a"
    assert flashcard_deck.site_link("downloads/x.py", SITE) == f"{SITE}downloads/x.py"
    assert flashcard_deck.site_link("/glossary.md", SITE) == f"{SITE}glossary/"


def test_the_deck_is_as_new_as_the_last_change_of_its_cards(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert flashcard_deck.deck_timestamp() == 1_800_000_000
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert flashcard_deck.deck_timestamp(tmp_path) == flashcard_deck.TIMESTAMP  # no git
    if (flashcard_deck.REPO / ".git").exists():  # a checkout: its last commit of the cards
        assert flashcard_deck.deck_timestamp() > flashcard_deck.TIMESTAMP


def test_a_code_block_and_its_output_in_an_answer_stay_code():
    answer = (
        "Run it:\n\n```python\nprint(1 < 2)\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n\n```text\nTrue\n```\n\n"
        "[The idea](#the-idea)."
    )
    out = flashcard_deck.answer_html(answer, "g", SITE)
    assert '<code class="language-python">print(1 &lt; 2)' in out
    assert "pytest-codeblocks" not in out and "<pre><code" in out


def test_the_deck_holds_every_card_once_with_identifiers_that_do_not_change(tmp_path: Path):
    cards = [
        self_check.Card("Why `C`?", "Because [x](#x).", 3),
        self_check.Card("Why not?", "See [y](#y).", 9),
    ]
    decks = [("a", "Guide A", cards), ("b", "Guide B", cards[:1])]
    first, second = tmp_path / "1" / "d.apkg", tmp_path / "2" / "d.apkg"
    assert flashcard_deck.write_deck(decks, first, SITE) == 3
    later = time.time() + 3 * 24 * 3600  # a build days later: zip members are dated
    with (
        mock.patch("time.time", return_value=later),
        mock.patch("time.localtime", return_value=time.localtime(later)),
    ):
        flashcard_deck.write_deck(decks, second, SITE)
    # The same cards give the same file, byte for byte, whenever they are built, so
    # that a rebuild leaves the site (and every test keyed on it) unchanged.
    assert first.read_bytes() == second.read_bytes()
    notes = notes_of(first, tmp_path / "x")
    assert notes == notes_of(second, tmp_path / "y")  # a rebuild updates, never duplicates
    assert len({guid for guid, _, _ in notes}) == 3
    fields = [flds.split("\x1f") for _, flds, _ in notes]
    assert sorted(f[0] for f in fields) == [
        "Why <code>C</code>?",
        "Why <code>C</code>?",
        "Why not?",
    ]
    assert any(f'href="{SITE}guides/b/#check-yourself">Guide B</a>' in f[2] for f in fields)
    assert sorted(tags.strip() for _, _, tags in notes) == ["a", "a", "b"]


@pytest.mark.depends_on(site_pages=("flashcards", flashcard_deck.DECK_URI))
def test_the_site_offers_the_deck_of_the_cards_on_its_flashcards_page(built_site: Path, tmp_path):
    page = (built_site / "flashcards" / "index.html").read_text(encoding="utf-8")
    on_page = page.count('<details class="question">')
    assert on_page >= 80
    assert f'href="../{flashcard_deck.DECK_URI}"' in page
    assert f'src="../{self_check.DECK_SCRIPT}"' in page
    assert (built_site / self_check.DECK_SCRIPT).is_file()
    notes = notes_of(built_site / flashcard_deck.DECK_URI, tmp_path)
    assert len(notes) == on_page
