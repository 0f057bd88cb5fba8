"""Read and validate the front matter of a guide.

Every guide in ``docs/guides/`` starts with a YAML block between ``---`` lines. This
module parses that block itself (MkDocs silently drops malformed YAML) and checks it
against the schema below, so that a mistake fails the build with the file, the line
and the field that is wrong.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DIFFICULTIES = ("beginner", "intermediate", "advanced")

# field name -> (expected Python type, human description of that type)
SCHEMA: dict[str, tuple[type, str]] = {
    "title": (str, "a string"),
    "description": (str, "a string"),
    "difficulty": (str, "one of " + ", ".join(DIFFICULTIES)),
    "tags": (list, "a list of tags"),
    "related": (list, "a list of guide slugs"),
}
OPTIONAL = {"hide", "search", "status", "icon", "template"}
LAB_SCHEMA: dict[str, tuple[type, str]] = {
    **SCHEMA,
    "minutes": (int, "a whole number of minutes a reader needs to work through the lab"),
}
"""A lab's header: a guide's fields plus its estimated time."""

_FENCE = "---"


class FrontMatterError(ValueError):
    """A guide's front matter is missing, malformed or breaks the schema."""


@dataclass
class Finding:
    """One thing wrong with one file, pinned to a line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def by_file_and_line(message: str) -> tuple[str, int]:
    """Sort key of a ``file:line: ...`` message: its file, then its line."""
    where, _, rest = message.partition(":")
    line = rest.partition(":")[0]
    return where, int(line) if line.isdigit() else 0


@dataclass
class Guide:
    """A guide's validated front matter and where it came from."""

    slug: str
    path: str
    title: str
    description: str
    difficulty: str
    tags: list[str]
    related: list[str]
    field_lines: dict[str, int] = field(default_factory=dict)
    kind: str = "guide"
    """``guide`` (docs/guides/SLUG.md) or ``lab`` (examples/SLUG.py)."""
    minutes: int | None = None

    @property
    def doc_path(self) -> str:
        """The page's path under docs/ as MkDocs sees it (``guides/x.md``, ``labs/x.ipynb``)."""
        return f"labs/{self.slug}.ipynb" if self.kind == "lab" else f"guides/{self.slug}.md"


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return the YAML between the opening and closing ``---`` and its closing line.

    Returns ``(None, 0)`` when the file does not start with a front-matter block, and
    ``(None, -1)`` when it opens one that is never closed.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        return None, 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == _FENCE:
            return "\n".join(lines[1 : number - 1]), number
    return None, -1


def _field_lines(yaml_text: str) -> dict[str, int]:
    """Map each top-level key to its line number in the file (front matter starts at 2)."""
    found = {}
    for offset, line in enumerate(yaml_text.splitlines()):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            found[match.group(1)] = offset + 2
    return found


def parse_guide(
    path: Path, text: str, rel_path: str, kind: str = "guide"
) -> tuple[Guide | None, list[Finding]]:
    """Parse and check one guide's (or lab's) front matter; return it or the problems found."""
    schema = LAB_SCHEMA if kind == "lab" else SCHEMA
    yaml_text, end = split_front_matter(text)
    if end == -1:
        return None, [
            Finding(
                rel_path,
                1,
                "front matter opened by '---' on line 1 has no closing '---' line; "
                "end the YAML block with a line that holds only ---",
            )
        ]
    if yaml_text is None:
        return None, [
            Finding(rel_path, 1, "no front matter: a guide starts with a '---' YAML block")
        ]
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        return None, [Finding(rel_path, line, f"front matter is not valid YAML: {problem}")]
    if not isinstance(data, dict):
        return None, [Finding(rel_path, 2, "front matter must be a mapping of field: value")]

    lines = _field_lines(yaml_text)
    problems = []
    for name, (expected, description) in schema.items():
        if name not in data:
            problems.append(Finding(rel_path, 1, f"field '{name}' is missing ({description})"))
        elif (
            not isinstance(data[name], expected)
            or isinstance(data[name], bool)
            or (expected is str and not data[name].strip())
            or (expected is int and data[name] < 1)
        ):
            problems.append(
                Finding(rel_path, lines.get(name, 1), f"field '{name}' must be {description}")
            )
    for name in data:
        if name not in schema and name not in OPTIONAL:
            problems.append(
                Finding(rel_path, lines.get(name, 1), f"field '{name}' is not a known field")
            )
    if problems:
        return None, problems

    if data["difficulty"] not in DIFFICULTIES:
        problems.append(
            Finding(
                rel_path,
                lines["difficulty"],
                f"field 'difficulty': {data['difficulty']!r} is not one of "
                + ", ".join(DIFFICULTIES),
            )
        )
    for name in ("tags", "related"):
        bad = [item for item in data[name] if not isinstance(item, str)]
        if bad:
            problems.append(
                Finding(rel_path, lines[name], f"field '{name}': every item must be a string")
            )
    if problems:
        return None, problems
    guide = Guide(
        slug=path.stem,
        path=rel_path,
        title=data["title"].strip(),
        description=" ".join(data["description"].split()),
        difficulty=data["difficulty"],
        tags=list(data["tags"]),
        related=list(data["related"]),
        field_lines=lines,
        kind=kind,
        minutes=data.get("minutes"),
    )
    return guide, []


def check_tags_and_related(guides: dict[str, Guide], allowed_tags: set[str]) -> list[Finding]:
    """Check tags against the allowed list and related slugs against the guides that exist."""
    problems = []
    for guide in guides.values():
        tag_line = guide.field_lines.get("tags", 1)
        for tag in guide.tags:
            if allowed_tags and tag not in allowed_tags:
                problems.append(Finding(guide.path, tag_line, _unknown_tag(str(tag), allowed_tags)))
        related_line = guide.field_lines.get("related", 1)
        for slug in guide.related:
            if slug == guide.slug:
                problems.append(
                    Finding(
                        guide.path, related_line, "field 'related': a guide cannot relate to itself"
                    )
                )
            elif slug not in guides:
                hint = _closest(slug, guides)
                problems.append(
                    Finding(
                        guide.path,
                        related_line,
                        f"field 'related': no guide has the slug {slug!r}{hint}",
                    )
                )
    return problems


def _closest(name: str, choices) -> str:
    match = difflib.get_close_matches(name, sorted(choices), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _unknown_tag(tag: str, allowed_tags: set[str]) -> str:
    return (
        f"field 'tags': unknown tag {tag!r}{_closest(tag, allowed_tags)}; allowed tags: "
        f"{', '.join(sorted(allowed_tags))} (add a new one under plugins.tags.tags_allowed "
        "in mkdocs.yml)"
    )


def lab_header_as_front_matter(text: str) -> str:
    """A lab script's ``# ---`` header as front matter, on the same line numbers.

    A lab (``examples/SLUG.py``, Jupytext percent format) opens with its metadata as a
    commented YAML block; this strips the ``# `` of those lines and blanks the rest.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "# ---":
        return ""
    out = []
    for number, line in enumerate(lines):
        out.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        if number and line.strip() == "# ---":
            return "\n".join(out) + "\n"
    return "\n".join(out) + "\n"


def load_guides(
    files: list[tuple[Path, str]],
    allowed_tags: set[str],
    labs: list[tuple[Path, str]] = (),
) -> dict[str, Guide]:
    """Validate every guide and lab; raise one error that lists every problem found.

    ``files`` and ``labs`` hold ``(absolute path, path relative to the repository)``
    pairs. Guides and labs share one name space of slugs, so either may relate to either.
    """
    guides, problems = validate_guides(files, allowed_tags, labs)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise FrontMatterError(f"guide front matter has {len(problems)} problem(s):\n{listing}")
    return guides


def validate_guides(
    files: list[tuple[Path, str]],
    allowed_tags: set[str],
    labs: list[tuple[Path, str]] = (),
) -> tuple[dict[str, Guide], list[Finding]]:
    """:func:`load_guides` without raising: the valid guides and every problem found."""
    guides: dict[str, Guide] = {}
    problems: list[Finding] = []
    for kind, entries in (("guide", files), ("lab", labs)):
        for path, rel_path in entries:
            text = path.read_text(encoding="utf-8")
            if kind == "lab":
                text = lab_header_as_front_matter(text)
            guide, found = parse_guide(path, text, rel_path, kind)
            problems.extend(found)
            if guide is not None and guide.slug in guides:
                found.append(
                    Finding(
                        rel_path,
                        1,
                        f"slug {guide.slug!r} is already used by {guides[guide.slug].path}",
                    )
                )
                problems.append(found[-1])
            elif guide is not None:
                guides[guide.slug] = guide
    problems.extend(check_tags_and_related(guides, allowed_tags))
    return guides, problems
