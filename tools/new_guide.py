"""Scaffold a guide: ``python -m tools.new_guide SLUG`` (what `make new-guide` runs).

Copies ``tools/guide_template.md`` to ``docs/guides/SLUG.md`` and lists the page
in the "Guides in progress" section of the navigation in ``mkdocs.yml``. The new page
builds, and its example blocks pass, straight away: ``make test`` stays green. While the
page is a draft, the build and ``make test-fast`` list every line that still holds one
of the template's placeholder sentences; the build refuses them once the guide leaves
"Guides in progress", and ``make publishable`` (run before the site is published)
refuses them in a draft too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SECTION = "  - Guides in progress:"


def add_to_nav(config: str, slug: str) -> str:
    """Return ``mkdocs.yml`` text with ``guides/SLUG.md`` listed under ``SECTION``.

    The section is created at the end of the ``nav:`` block if it is missing; the rest
    of the file is left as it was.

    Raises:
        ValueError: If the configuration has no top-level ``nav:`` block.
    """
    entry = f"      - guides/{slug}.md"
    if SECTION in config:
        return config.replace(SECTION, f"{SECTION}\n{entry}", 1)
    lines = config.split("\n")
    if "nav:" not in lines:
        raise ValueError("mkdocs.yml has no top-level 'nav:' block to list the guide in")
    end = lines.index("nav:") + 1
    while end < len(lines) and (lines[end].startswith((" ", "-")) or not lines[end].strip()):
        end += 1
    while not lines[end - 1].strip():  # keep blank lines after the block where they are
        end -= 1
    return "\n".join([*lines[:end], SECTION, entry, *lines[end:]])


def main(slug: str) -> int:
    """Create the guide and its nav entry; return a process exit code."""
    if not SLUG_RE.match(slug):
        print(f"NAME must be lowercase words joined by hyphens, not {slug!r}", file=sys.stderr)
        return 2
    target = REPO / "docs" / "guides" / f"{slug}.md"
    if target.exists():
        print(f"{target.relative_to(REPO)} already exists", file=sys.stderr)
        return 2
    target.write_text((REPO / "tools" / "guide_template.md").read_text(), encoding="utf-8")
    config = REPO / "mkdocs.yml"
    config.write_text(add_to_nav(config.read_text(encoding="utf-8"), slug), encoding="utf-8")
    print(
        f"created {target.relative_to(REPO)} and listed it in mkdocs.yml under Guides in progress"
    )
    print(
        f"write it, then check it with: make test-fast T={target.relative_to(REPO)} "
        "(it lists each template sentence still to replace; make test stays green meanwhile)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
