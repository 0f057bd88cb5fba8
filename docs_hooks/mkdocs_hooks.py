"""MkDocs hooks that turn guide front matter into checked metadata and page furniture.

Registered in ``mkdocs.yml`` under ``hooks:``. On every build they:

* validate every guide's front matter (fields, types, difficulty, tags, related slugs),
  every page's image alt text, Python-looking fences that would never run, template
  placeholder text and every internal link and anchor, failing with ``file:line: problem``;
* draw the figures that guides' code blocks save (see ``docs_hooks.figures``);
* add a difficulty badge, reading time and a "verified with" versions line under each
  guide's title, and a "Related guides" section with links in both directions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docs_hooks import blocks, figures, guide_pages, links  # noqa: E402
from docs_hooks.frontmatter import FrontMatterError, Guide, load_guides  # noqa: E402

GUIDES_DIR = "guides/"
_state: dict[str, object] = {"guides": {}, "verified": ""}


def _rel(config, path: str) -> str:
    """A path as the contributor sees it, relative to the repository."""
    root = Path(config.config_file_path).resolve().parent
    return Path(path).resolve().relative_to(root).as_posix()


def _allowed_tags(config) -> set[str]:
    tags_plugin = config.plugins.get("material/tags")
    return {tag.name for tag in tags_plugin.config.tags_allowed} if tags_plugin else set()


def on_files(files: Files, config) -> Files:
    """Validate every guide and page, then add the generated figures to the site."""
    guide_files = sorted(
        (f for f in files.documentation_pages() if f.src_uri.startswith(GUIDES_DIR)),
        key=lambda f: f.src_uri,
    )
    try:
        guides = load_guides(
            [(Path(f.abs_src_path), _rel(config, f.abs_src_path)) for f in guide_files],
            _allowed_tags(config),
        )
    except FrontMatterError as error:
        raise PluginError(str(error)) from None

    problems: list[str] = []
    template = (Path(__file__).resolve().parent / "guide_template.md").read_text(encoding="utf-8")
    placeholders = guide_pages.template_placeholders(template)
    for page in files.documentation_pages():
        rel = _rel(config, page.abs_src_path)
        text = Path(page.abs_src_path).read_text(encoding="utf-8")
        problems += [str(p) for p in guide_pages.missing_alt_text(rel, text)]
        problems += blocks.silent_fences(Path(page.abs_src_path), rel)
        if page.src_uri.startswith(GUIDES_DIR):
            problems += [str(p) for p in guide_pages.placeholders_left(rel, text, placeholders)]
    if problems:
        raise PluginError("\n".join(problems))

    _state["guides"] = guides
    _state["verified"] = guide_pages.versions_line()
    _add_figures(files, config)
    return files


def _add_figures(files: Files, config) -> None:
    cache = Path(config.config_file_path).resolve().parent / ".cache" / "figures"
    fingerprint = figures.package_fingerprint()
    for page in list(files.documentation_pages()):
        try:
            drawn = figures.draw(
                Path(page.abs_src_path), cache, _rel(config, page.abs_src_path), fingerprint
            )
        except figures.FigureError as error:
            raise PluginError(str(error)) from None
        folder = page.src_uri.rsplit("/", 1)[0] + "/" if "/" in page.src_uri else ""
        for name, path in drawn.items():
            uri = folder + name
            if files.get_file_from_path(uri) is not None:
                raise PluginError(
                    f"{_rel(config, page.abs_src_path)}: figure {name!r} is drawn twice "
                    "or clashes with a file in docs/"
                )
            files.append(File.generated(config, uri, abs_src_path=str(path)))


def on_env(env, config, files: Files):
    """Once every page is rendered: check each internal link and anchor, with its line."""
    pages = {
        f.src_uri: set(f.page.present_anchor_ids or ())
        for f in files.documentation_pages()
        if f.page is not None
    }
    others = {f.src_uri for f in files if not f.is_documentation_page()}
    problems = []
    for uri in sorted(pages):
        file = files.get_file_from_path(uri)
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        for line, message in links.check_page(uri, text, pages, others):
            problems.append(f"{_rel(config, file.abs_src_path)}:{line}: {message}")
    if problems:
        raise PluginError("broken links:\n" + "\n".join(problems))
    return env


def _guide_for(page) -> Guide | None:
    guides: dict[str, Guide] = _state["guides"]  # type: ignore[assignment]
    if not page.file.src_uri.startswith(GUIDES_DIR):
        return None
    return guides.get(Path(page.file.src_uri).stem)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Add the header line and the related-guides section to a guide."""
    guide = _guide_for(page)
    if guide is None:
        return markdown
    guides: dict[str, Guide] = _state["guides"]  # type: ignore[assignment]
    minutes = guide_pages.reading_minutes(markdown)
    page.meta["reading_time"] = minutes
    header = guide_pages.header_html(guide, minutes, str(_state["verified"]))
    return header + markdown + guide_pages.related_markdown(guide.slug, guides)
