"""MkDocs hooks that turn guide front matter into checked metadata and page furniture.

Registered in ``mkdocs.yml`` under ``hooks:``. On every build they:

* validate every guide's front matter (fields, types, difficulty, tags, related slugs),
  every page on its own (``sitebuild.page_checks``: alt text, fences that would never
  run, install lines, template sentences, self-check) and every internal link and
  anchor; every problem, from these and from the figures, labs and maths below, is
  collected and the build fails once, in ``on_env``, listing them all by file and line;
* draw the figures that guides' code blocks save (see ``sitebuild.figures``);
* print each page's install line as a reader copies it (``sitebuild.install_lines``)
  and publish the package's wheel with the site (``sitebuild.downloads``);
* add a difficulty badge, reading time and a "verified with" versions line under each
  guide's title, and a "Related guides" section with links in both directions;
* check every guide's "Check yourself" section and collect the questions into the
  flashcards page (see ``sitebuild.self_check``);
* typeset every formula with KaTeX, so that no page ships a maths script, and cut the
  KaTeX fonts down to the characters the maths uses (see ``sitebuild.maths``).
"""

from __future__ import annotations

import logging
import posixpath
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitebuild import (  # noqa: E402
    downloads,
    figures,
    flashcard_deck,
    guide_pages,
    install_lines,
    labs,
    lighter_pages,
    links,
    maths,
    notebook_pages,
    page_checks,
    path_checks,
    sandbox,
    self_check,
)
from sitebuild.frontmatter import Guide, by_file_and_line, validate_guides  # noqa: E402

GUIDES_DIR = "guides/"
_BUILD_KEY = "tuninglab_build"
"""Where :func:`on_files` leaves this build's :class:`_Build` on MkDocs' config, which
MkDocs hands to every later hook (and makes afresh for each rebuild of ``mkdocs serve``)."""
_katex = maths.Katex()
"""The one thing that outlives a build: KaTeX's cache of typeset formulas, so that a
rebuild of ``mkdocs serve`` typesets only what changed. Its V8 engine is closed after
each build, by ``on_post_build`` or by ``on_build_error``, which MkDocs gives no config
to find a per-build object on."""


@dataclass
class _Build:
    """What one build's steps hand on to the later ones."""

    guides: dict[str, Guide]
    package: install_lines.Package
    minutes: dict[str, int]
    """Each guide's reading time."""
    lab_prerequisites: dict[str, list[str]]
    verified: str
    """The "verified with" versions line."""
    problems: list[str]
    """Everything found wrong so far; ``on_env`` fails the build once, with all of it."""
    labs: dict[str, labs.BuiltLab] = field(default_factory=dict)


def _build(config) -> _Build:
    return config[_BUILD_KEY]


_log = logging.getLogger("mkdocs.hooks.tuninglab")


def _rel(config, path: str) -> str:
    """A path as the contributor sees it, relative to the repository."""
    root = Path(config.config_file_path).resolve().parent
    return Path(path).resolve().relative_to(root).as_posix()


def _allowed_tags(config) -> set[str]:
    tags_plugin = config.plugins.get("material/tags")
    return {tag.name for tag in tags_plugin.config.tags_allowed} if tags_plugin else set()


@event_priority(100)  # before mkdocs-jupyter's on_files, which must see the lab notebooks
def on_files(files: Files, config) -> Files:
    """Validate every guide, lab and page; add the figures, lab pages and lab downloads."""
    guide_files = sorted(
        (f for f in files.documentation_pages() if f.src_uri.startswith(GUIDES_DIR)),
        key=lambda f: f.src_uri,
    )
    root = Path(config.config_file_path).resolve().parent
    lab_scripts = labs.lab_paths(root / "examples")
    guides, found = validate_guides(
        [(Path(f.abs_src_path), _rel(config, f.abs_src_path)) for f in guide_files],
        _allowed_tags(config),
        [(path, _rel(config, str(path))) for path in lab_scripts],
    )
    problems: list[str] = [str(finding) for finding in found]
    facts = page_checks.site_facts(config.nav, Path(config.docs_dir))
    package = facts.package  # the repository's, whichever site is built
    decks: dict[str, list[self_check.Card]] = {}
    minutes: dict[str, int] = {}
    for page in files.documentation_pages():
        rel = _rel(config, page.abs_src_path)
        text = Path(page.abs_src_path).read_text(encoding="utf-8")
        is_guide = page.src_uri.startswith(GUIDES_DIR)
        report = page_checks.check_cached(
            rel, text, Path(page.abs_src_path), guide=is_guide, site=facts
        )
        problems += [str(finding) for finding in report.findings]
        _report_to_write(rel, report.to_write)
        if is_guide and Path(page.src_uri).stem in guides:
            slug = Path(page.src_uri).stem
            decks[slug] = report.cards
            minutes[slug] = guide_pages.reading_minutes(guide_pages.body_of(text))
    lab_prerequisites: dict[str, list[str]] = {}
    for path in lab_scripts:
        text = path.read_text(encoding="utf-8")
        found = install_lines.check_lab(_rel(config, str(path)), path, text, package)
        problems += [str(p) for p in found]
        lab_prerequisites[path.stem] = path_checks.lab_prerequisites(text)
    _add_flashcards(files, config, guides, decks)
    config[_BUILD_KEY] = _Build(
        guides=guides,
        package=package,
        minutes=minutes,
        lab_prerequisites=lab_prerequisites,
        verified=guide_pages.versions_line(),
        problems=problems,
    )
    fingerprint = sandbox.code_fingerprint()  # what figures and labs depend on, once
    _add_figures(files, config, fingerprint)
    _add_labs(files, config, lab_scripts, fingerprint)
    return files


def _report_to_write(where: str, to_write: list) -> None:
    """List a draft's template sentences: the build passes, and says what is left."""
    if to_write:
        _log.info("%s", page_checks.draft_summary(where, to_write))


def _add_flashcards(
    files: Files, config, guides: dict[str, Guide], decks: dict[str, list[self_check.Card]]
) -> None:
    """Add the flashcards page: every guide's self-check, in the order of the nav."""
    order = [Path(p).stem for p in path_checks.nav_paths(config.nav) if p.startswith(GUIDES_DIR)]
    slugs = [s for s in order if s in decks] + sorted(s for s in decks if s not in order)
    ordered = [(s, guides[s].title, decks[s]) for s in slugs]
    text = self_check.flashcards_markdown(ordered, flashcard_deck.DECK_URI)
    pages = Path(config.config_file_path).resolve().parent / ".cache" / "pages"
    path = pages / "flashcards.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    files.append(File.generated(config, self_check.PAGE_URI, abs_src_path=str(path)))
    deck = pages / flashcard_deck.DECK_URI
    flashcard_deck.write_deck(ordered, deck, config.site_url or "")
    files.append(File.generated(config, flashcard_deck.DECK_URI, abs_src_path=str(deck)))


def _add_labs(files: Files, config, scripts: list[Path], fingerprint: str) -> None:
    cache = Path(config.config_file_path).resolve().parent / ".cache" / "labs"
    shown = {path: _rel(config, str(path)) for path in scripts}
    built, failed = labs.build_labs(cache, shown, fingerprint)
    build = _build(config)
    build.problems.extend(str(error) for error in failed)
    build.labs = built
    package = build.package
    for slug, lab in built.items():
        page, notebook, script = downloads.publish_lab(
            lab.page,
            lab.page.parent.parent.parent / "published",
            slug,
            lambda text: install_lines.rewrite(text, package, config.site_url),
            config.site_url,
        )
        files.append(
            File(
                f"labs/{slug}.ipynb",
                src_dir=str(page.parent.parent),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
        for uri, source in (
            (f"labs/{slug}/{slug}.ipynb", notebook),
            (f"labs/{slug}/{slug}.py", script),
        ):
            files.append(File.generated(config, uri, abs_src_path=str(source)))


def _add_figures(files: Files, config, fingerprint: str) -> None:
    cache = Path(config.config_file_path).resolve().parent / ".cache" / "figures"
    pages = list(files.documentation_pages())

    def draw(page) -> dict[str, Path] | figures.FigureError:
        try:
            return figures.draw(
                Path(page.abs_src_path), cache, _rel(config, page.abs_src_path), fingerprint
            )
        except figures.FigureError as error:
            return error

    with ThreadPoolExecutor(max_workers=2) as pool:  # each page draws in its own process
        results = list(pool.map(draw, pages))
    problems = _build(config).problems
    problems.extend(str(r) for r in results if isinstance(r, figures.FigureError))
    for page, drawn in zip(pages, results, strict=True):
        if isinstance(drawn, figures.FigureError):
            continue
        folder = page.src_uri.rsplit("/", 1)[0] + "/" if "/" in page.src_uri else ""
        for name, path in drawn.items():
            uri = folder + name
            if files.get_file_from_path(uri) is not None:
                problems.append(
                    f"{_rel(config, page.abs_src_path)}:1: figure {name!r} is drawn twice "
                    "or clashes with a file in docs/; give it a name of its own"
                )
                continue
            files.append(File.generated(config, uri, abs_src_path=str(path)))


def on_env(env, config, files: Files):
    """Once every page is rendered: check each internal link and anchor, with its line.

    Then fail the build once, if anything is wrong, with every problem that any step
    found, sorted by file and line.
    """
    pages = {
        f.src_uri: set(f.page.present_anchor_ids or ())
        for f in files.documentation_pages()
        if f.page is not None
    }
    others = {f.src_uri for f in files if not f.is_documentation_page()}
    build = _build(config)
    built = build.labs
    problems = []
    for uri in sorted(pages):
        source = Path(files.get_file_from_path(uri).abs_src_path)
        if uri.startswith("labs/") and Path(uri).stem in built:
            source = built[Path(uri).stem].script  # the lab's own text, with its lines
        text = source.read_text(encoding="utf-8")
        for line, message in links.check_page(uri, text, pages, others):
            problems.append(f"{_rel(config, str(source))}:{line}: {message}")
    problems = build.problems + problems
    if problems:
        raise PluginError(
            f"{len(problems)} problem(s), by file and line:\n"
            + "\n".join(sorted(problems, key=by_file_and_line))
        )
    return env


def _guide_for(page, guides: dict[str, Guide]) -> Guide | None:
    if not page.file.src_uri.startswith(GUIDES_DIR):
        return None
    return guides.get(Path(page.file.src_uri).stem)


@event_priority(100)  # before the tags plugin, which stops the build at an unknown tag
def on_page_markdown(markdown: str, page, config, files) -> str:
    """Add the header line and related guides to a guide; the learning path to the home page.

    The landing page asks for the path with :data:`guide_pages.PATH_MARKER` and for the
    list of labs with :data:`guide_pages.LABS_MARKER`. An unknown tag is taken off the
    page: the front-matter check has reported it, with its line, among the build's other
    problems, and the tags plugin would stop the build at it, without a line.
    """
    if isinstance(page.meta.get("tags"), list):
        allowed = _allowed_tags(config)
        page.meta["tags"] = (
            [tag for tag in page.meta["tags"] if tag in allowed] if allowed else page.meta["tags"]
        )
    build = _build(config)
    guides, minutes_by_slug = build.guides, build.minutes
    markdown = install_lines.rewrite(markdown, build.package, config.site_url)
    if page.file.src_uri == "index.md":
        # A guide whose front matter failed is left out; on_env reports it.
        sections = [
            (title, [s for s in slugs if s in guides])
            for title, slugs in path_checks.nav_sections(config.nav)
        ]
        path = guide_pages.learning_path_markdown(sections, guides, minutes_by_slug)
        in_nav = [Path(p).stem for p in path_checks.nav_paths(config.nav) if p.startswith("labs/")]
        after = guide_pages.labs_after(sections, build.lab_prerequisites)
        lab_list = guide_pages.labs_markdown([s for s in in_nav if s in guides], guides, after)
        markdown = markdown.replace(guide_pages.PATH_MARKER, path)
        return markdown.replace(guide_pages.LABS_MARKER, lab_list)
    guide = _guide_for(page, guides)
    if guide is None:
        return markdown
    minutes = minutes_by_slug[guide.slug]
    page.meta["reading_time"] = minutes
    header = guide_pages.header_html(guide, minutes, build.verified)
    return header + markdown + guide_pages.related_markdown(guide.slug, guides)


def on_page_content(html: str, page, config, files) -> str:
    """Typeset the page's maths; give a lab page its header, downloads, figures and links."""
    build = _build(config)
    built = build.labs
    slug = Path(page.file.src_uri).stem
    is_lab = page.file.src_uri.startswith("labs/") and slug in built and slug in build.guides
    if is_lab:
        html = _lab_page(html, page, config, files, built[slug])
        source = built[slug].script
    else:
        source = Path(page.file.abs_src_path)
        html = lighter_pages.lazy_images(html, lambda src: _image_size(src, page, files))
        html = lighter_pages.scheme_images(html, lambda src: _dark_twin(src, page, files))
        html = lighter_pages.marked_outputs(html)
    typeset = maths.typeset_lab if is_lab else maths.typeset_guide
    try:
        html, count = typeset(
            html, _katex, lambda: source.read_text(encoding="utf-8"), _rel(config, str(source))
        )
    except maths.MathError as error:
        build.problems.append(str(error))  # reported with the rest in on_env
        return html
    if count:
        href = get_relative_url(maths.STYLESHEET, page.url)
        html = maths.stylesheet_link(href) + html
    return lighter_pages.fewer_code_spans(html)


def _site_file(src: str, page, files) -> File | None:
    """The site's file that a page's ``src`` points to, if it is one."""
    if ":" in src or src.startswith("/"):
        return None
    # MkDocs has already made the src relative to the page's URL (``../x.svg``).
    return files.get_file_from_path(posixpath.normpath(posixpath.join(page.url, src)))


def _image_size(src: str, page, files) -> tuple[int, int] | None:
    """The size of the image a page's ``src`` points to, if it is one of the site's files."""
    target = _site_file(src, page, files)
    return lighter_pages.image_size(Path(target.abs_src_path)) if target is not None else None


def _dark_twin(src: str, page, files) -> str | None:
    """The ``src`` of the dark-scheme twin of a drawn figure, if the build drew one."""
    if not src.endswith(".svg") or src.endswith(figures.DARK_SUFFIX):
        return None
    twin = posixpath.join(posixpath.dirname(src), figures.dark_name(posixpath.basename(src)))
    return twin if _site_file(twin, page, files) is not None else None


def _lab_page(html: str, page, config, files, lab: labs.BuiltLab) -> str:
    build = _build(config)
    guides = build.guides
    slug = Path(page.file.src_uri).stem
    meta = guides[slug]
    if config.repo_url and config.edit_uri:  # edit the lab's script, not the built notebook
        page.edit_url = config.repo_url.rstrip("/") + f"/edit/main/{meta.path}"

    def resolve(path: str) -> str | None:
        target = files.get_file_from_path(posixpath.normpath(posixpath.join("labs", path)))
        return get_relative_url(target.url, page.url) if target is not None else None

    try:
        html = notebook_pages.rewrite_links(notebook_pages.lean(html), resolve)
        html = notebook_pages.figures_to_files(
            html,
            lab.alts,
            Path(config.site_dir) / page.file.dest_uri,
            meta.path,
            Path(config.config_file_path).resolve().parent / ".cache" / "dark-figures",
        )
    except notebook_pages.PageError as error:
        build.problems.append(str(error))  # reported with the rest in on_env
        return html
    header = guide_pages.header_html(meta, meta.minutes or 1, build.verified, "lab")
    related = guide_pages.related_markdown(
        slug,
        guides,
        lambda other: get_relative_url(files.get_file_from_path(other.doc_path).url, page.url),
    )
    return notebook_pages.assemble(html, header, slug, related)


def on_post_build(config) -> None:
    """Publish the package's wheel; cut the KaTeX fonts down to the characters in use."""
    _katex.close()
    package = _build(config).package
    wheels = downloads.REPO / ".cache" / "wheel"
    try:
        downloads.build_wheel(
            Path(config.site_dir) / install_lines.DOWNLOADS, wheels, package.wheel
        )
    except downloads.DownloadError as error:
        raise PluginError(str(error)) from None
    folder = Path(config.site_dir) / maths.FONTS
    if folder.is_dir() and _katex.characters:
        maths.subset_fonts(folder, _katex.characters, downloads.REPO / ".cache" / "katex-fonts")


def on_build_error(error) -> None:
    """Stop KaTeX's engine when a build fails, as after a good one (see ``Katex.close``)."""
    _katex.close()
