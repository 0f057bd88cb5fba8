"""What a site generator that reads ``mkdocs.yml`` would run of it, checked before a build.

MkDocs loads every plugin and hook the config names, and a plugin it cannot load stops
the build. Zensical, the announced successor of Material for MkDocs, reads the same file
but runs only the plugins it has rewritten; it skips any other plugin, and the ``hooks:``
key, without a word, so a build would "succeed" without the labs, the drawn figures, the
typeset maths and every check the hook runs. ``make build`` (and ``make serve``) run
``python -m sitebuild.generators GENERATOR mkdocs.yml`` first: it fails, with the line of
each entry, when the generator the Makefile names would leave one out.

To try another generator, add what it runs to :data:`GENERATORS`, from its own
documentation, and run ``make build GENERATOR=name`` (CONTRIBUTING, "The generator's end
of life").
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitebuild.frontmatter import Finding


@dataclass(frozen=True)
class Generator:
    """What a generator runs of ``mkdocs.yml``'s ``plugins:`` and ``hooks:``."""

    name: str
    runs_hooks: bool
    plugins: frozenset[str] | None
    """The plugins it runs; ``None``: any installed one (and a missing one is an error)."""
    source: str
    """Where that is documented."""
    hooks_source: str = ""
    """Where its handling of ``hooks:`` is documented, when it does not run them."""


ZENSICAL_PLUGINS = frozenset(
    {
        "api-autonav",
        "autoapi",
        "autorefs",
        "awesome-nav",
        "blog",
        "callouts",
        "exclude",
        "gh-admonitions",
        "glightbox",
        "literate-nav",
        "llmstxt",
        "macros",
        "markdown-exec",
        "meta",
        "mike",
        "minify",
        "mkdocs-audio",
        "mkdocs-video",
        "mkdocstrings",
        "offline",
        "redirects",
        "rss",
        "search",
        "section-index",
        "social",
        "table-reader",
        "tags",
    }
)
"""Zensical's "Supported plugins" (https://zensical.org/docs/compatibility/mkdocs/plugins/,
read on 2026-12-02): "Configuration for plugins not listed under Supported plugins is
silently ignored"; ``hooks`` is among the migration guide's unsupported settings."""

GENERATORS = {
    "mkdocs": Generator(
        "mkdocs", True, None, "https://www.mkdocs.org/user-guide/configuration/#plugins"
    ),
    "zensical": Generator(
        "zensical",
        False,
        ZENSICAL_PLUGINS,
        "https://zensical.org/docs/compatibility/mkdocs/plugins/",
        "https://zensical.org/docs/compatibility/mkdocs/migration/#unsupported-settings",
    ),
}


WHAT_TO_DO = (
    "build with GENERATOR=mkdocs, or first move what it does out of the generator "
    '(CONTRIBUTING, "The generator\'s end of life")'
)


def _entries(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The plugins and hooks ``mkdocs.yml`` names, each with its line (1-based)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: !ENV needs no constructor
    plugins: list[tuple[str, int]] = []
    hooks: list[tuple[str, int]] = []
    if not isinstance(root, yaml.MappingNode):
        return plugins, hooks
    for key, value in root.value:
        if key.value not in ("plugins", "hooks") or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            node = item.value[0][0] if isinstance(item, yaml.MappingNode) else item
            named = (str(node.value), node.start_mark.line + 1)
            (plugins if key.value == "plugins" else hooks).append(named)
    return plugins, hooks


def ignored(text: str, where: str, generator: Generator) -> list[Finding]:
    """Every plugin and hook in ``text`` (a ``mkdocs.yml``) that ``generator`` would skip."""
    plugins, hooks = _entries(text)
    found = []
    if not generator.runs_hooks:
        found += [
            Finding(
                where,
                line,
                f"{generator.name} does not run hooks ({generator.hooks_source}): {name} "
                f"would not run and the build would still succeed; {WHAT_TO_DO}",
            )
            for name, line in hooks
        ]
    if generator.plugins is not None:
        found += [
            Finding(
                where,
                line,
                f"{generator.name} does not run the plugin {name!r} and says nothing "
                f"({generator.source}): the build would succeed without it; {WHAT_TO_DO}",
            )
            for name, line in plugins
            if name not in generator.plugins
        ]
    return sorted(found, key=lambda finding: finding.line)


def main(argv: list[str]) -> int:
    """``python -m sitebuild.generators NAME [mkdocs.yml]``: exit 1 listing what NAME skips."""
    if not argv or argv[0] not in GENERATORS:
        known = ", ".join(sorted(GENERATORS))
        print(f"usage: python -m sitebuild.generators {{{known}}} [mkdocs.yml]", file=sys.stderr)
        return 2
    config = Path(argv[1] if len(argv) > 1 else "mkdocs.yml")
    findings = ignored(config.read_text(encoding="utf-8"), config.as_posix(), GENERATORS[argv[0]])
    for finding in findings:
        print(f"ERROR   -  {finding}", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
