r"""The flashcards as an Anki deck: the questions of the flashcards page in one ``.apkg`` file.

:func:`write_deck` takes the cards that :mod:`sitebuild.self_check` reads from every
guide's "Check yourself" section and writes them with genanki: one note per question,
the answer as HTML, tagged with its guide's slug. Links point at the hosted site (a
deck has no pages of its own to link to), maths is handed to Anki's own MathJax as
``\(…\)`` and ``\[…\]``, and every identifier is fixed, so that importing a newer
deck updates the cards a reader already has instead of adding copies (a reworded question
is a new card). Every note carries the time the cards last changed
(:func:`deck_timestamp`), since Anki takes an imported note only if it is newer.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import markdown

from sitebuild import self_check

DECK_URI = "flashcards.apkg"
"""Where the build puts the deck in the site, beside the flashcards page."""
DECK_NAME = "Tuning Lab"
DECK_ID = 1_764_700_001
MODEL_ID = 1_764_700_002
"""Anki's identifiers of the deck and of its note type; chosen once, never changed."""
TIMESTAMP = 1_700_000_000.0
"""The modification time written into the deck when git cannot say when the cards changed."""
CARD_SOURCES = ("docs/guides", "sitebuild/flashcard_deck.py", "sitebuild/self_check.py")
"""What the cards are made from: a commit that touches these makes the deck newer."""
REPO = Path(__file__).resolve().parent.parent

# Code is left alone; then $$display$$ and $inline$ maths as arithmatex reads them (no
# space inside the dollars, a line break allowed).
_CODE_OR_MATH = re.compile(
    r"(?P<code>```.*?```|`[^`\n]*`)"
    r"|(?<!\\)\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$])\$(?!\s)(?P<inline>(?:\\.|[^\\$])+?)(?<!\s)\$",
    re.S,
)
_LINK = re.compile(r'href="(?P<target>[^"]+)"')
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_STYLE = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5;
        text-align: left; max-width: 40em; margin: 0 auto; }
pre { background: rgba(127, 127, 127, 0.12); padding: 0.5em; overflow-x: auto; }
code { font-size: 0.9em; }
.source { font-size: 0.8em; opacity: 0.75; }
"""


def site_link(target: str, site_url: str) -> str | None:
    """A link of the flashcards page (relative to the site's root) as an absolute URL.

    ``guides/x.md#a`` becomes ``SITE/guides/x/#a`` and ``labs/x.ipynb`` ``SITE/labs/x/``;
    an absolute URL is kept. Returns None for a relative link when there is no site URL.
    """
    if re.match(r"^[a-z]+:", target):
        return target
    if not site_url:
        return None
    path, _, anchor = target.partition("#")
    path = path.lstrip("/")
    if re.search(r"\.(?:md|ipynb)$", path):  # a page: its directory URL
        path = re.sub(r"(?:(?<=/)|^)index\.(?:md|ipynb)$|\.(?:md|ipynb)$", "", path)
        path = path if not path or path.endswith("/") else path + "/"
    return site_url.rstrip("/") + "/" + path + (f"#{anchor}" if anchor else "")


def deck_timestamp(repo: Path = REPO) -> float:
    """When the cards last changed, written into the deck as every note's modification time.

    Anki updates a card from an imported deck only if the deck's copy is newer, so the
    time must grow when the cards change, and stay put when they do not (two builds of
    one commit write the same deck): ``SOURCE_DATE_EPOCH`` if it is set, else the time of
    the last commit that touched :data:`CARD_SOURCES`, else :data:`TIMESTAMP`.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return float(os.environ["SOURCE_DATE_EPOCH"])
    try:
        found = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", *CARD_SOURCES],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        found = ""
    return float(found) if found.isdigit() else TIMESTAMP


def _with_maths(text: str, maths: list[str]) -> str:
    """``text`` with its maths held out as placeholders (appended to ``maths``)."""

    def hold(match: re.Match[str]) -> str:
        if match["code"] is not None:
            return match[0]
        display = match["display"] is not None
        tex = match["display"] if display else match["inline"]
        opening, closing = (r"\[", r"\]") if display else (r"\(", r"\)")
        maths.append(opening + html.escape(tex.strip(), quote=False) + closing)
        return f"TLMATH{len(maths) - 1}TLMATH"

    return _CODE_OR_MATH.sub(hold, text)


def _restore_maths(rendered: str, maths: list[str]) -> str:
    return re.sub(r"TLMATH(\d+)TLMATH", lambda m: maths[int(m[1])], rendered)


def answer_html(answer: str, slug: str, site_url: str) -> str:
    """A card's answer (Markdown, as in its guide) as the HTML that Anki shows."""
    text = _COMMENT.sub("", self_check.rebase(answer, slug))
    maths: list[str] = []
    rendered = markdown.markdown(_with_maths(text, maths), extensions=["fenced_code", "tables"])
    rendered = _restore_maths(rendered, maths)

    def absolute(match: re.Match[str]) -> str:
        url = site_link(html.unescape(match["target"]), site_url)
        return f'href="{html.escape(url)}"' if url else 'href=""'

    rendered = _LINK.sub(absolute, rendered)
    return re.sub(r'<a href="">(.*?)</a>', r"\1", rendered, flags=re.S)


def question_html(question: str) -> str:
    """A question (one line of Markdown, as in its ``??? question`` title) as HTML."""
    maths: list[str] = []
    rendered = markdown.markdown(_with_maths(question, maths))
    return _restore_maths(rendered.removeprefix("<p>").removesuffix("</p>"), maths)


def write_deck(
    decks: list[tuple[str, str, list[self_check.Card]]], path: Path, site_url: str
) -> int:
    """Write every guide's questions to ``path`` as an Anki package.

    Args:
        decks: ``(slug, title, cards)`` per guide, in reading order (as for
            :func:`sitebuild.self_check.flashcards_markdown`).
        path: The ``.apkg`` file to write.
        site_url: The hosted site, for the links in the answers ("" drops them).

    Returns:
        The number of notes written.
    """
    import genanki  # only the build needs it

    model = genanki.Model(
        MODEL_ID,
        "Tuning Lab question",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Guide"}],
        templates=[
            {
                "name": "Question and answer",
                "qfmt": "{{Question}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<p class="source">{{Guide}}</p>',
            }
        ],
        css=_STYLE,
    )
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for slug, title, cards in decks:
        guide_url = site_link(f"guides/{slug}.md#check-yourself", site_url)
        source = (
            f'From <a href="{html.escape(guide_url)}">{html.escape(title)}</a>'
            if guide_url
            else f"From {html.escape(title)}"
        )
        for card in cards:
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[
                        question_html(card.question),
                        answer_html(card.answer, slug, site_url),
                        source,
                    ],
                    guid=genanki.guid_for(slug, card.question),
                    tags=[slug],
                )
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = deck_timestamp()
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / DECK_URI
        genanki.Package(deck).write_to_file(str(written), timestamp=stamp)
        data = _same_bytes_each_time(written, stamp)
    if not path.is_file() or path.read_bytes() != data:  # an unchanged deck keeps its date
        path.write_bytes(data)
    return len(deck.notes)


def _same_bytes_each_time(package: Path, stamp: float) -> bytes:
    """The package's bytes with every member dated ``stamp``, as reproducible builds ask.

    genanki dates each member of the zip with the moment it wrote it (the file's time for
    the collection, the clock for ``media``), so two builds of the same cards would differ,
    and every test of the built site would run again after each build.
    """
    date = time.gmtime(max(stamp, 315_532_800))[:6]  # a zip cannot hold a date before 1980
    with zipfile.ZipFile(package) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, content in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=date)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()
