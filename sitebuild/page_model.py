"""A Markdown page as every check reads it: its fenced blocks and its prose, by line.

There is one rule for fences, CommonMark's: a fence opens with three or more backticks
or tildes (after any indentation) and closes on a line of at least as many of the same
character and nothing else. A ```` ``` ```` line inside a ``~~~`` block, or a shorter
run inside a longer one, is text. Every scanner in ``sitebuild`` (blocks, links, alt
text, template sentences, the self-check, glossary links, reading time) takes its fences
and its prose from here, so they cannot disagree about where code starts and ends.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")


class UnclosedFence(ValueError):
    """A fence with no closing line; the message starts with ``file:line:``."""


@dataclass
class Fence:
    """An opening fence: line, info string, indentation and the lines of its body."""

    line: int
    info: str
    indent: int
    body: list[str]
    end: int
    """Line of the closing fence (for an unclosed fence, the page's last line)."""
    closed: bool = True


def _scan(lines: list[str]) -> Iterator[Fence]:
    index = 0
    while index < len(lines):
        match = FENCE_RE.match(lines[index])
        if not match:
            index += 1
            continue
        ticks, indent = match.group("ticks"), len(match.group("indent"))
        body, end = [], index + 1
        while end < len(lines):
            closing = lines[end].lstrip()
            if closing.startswith(ticks[0] * len(ticks)) and not closing.strip(ticks[0]).strip():
                break
            # a blank line keeps its line break, so the body keeps the page's line count
            cut = min(indent, len(lines[end]) - len(lines[end].lstrip(" \t")))
            body.append(lines[end][cut:])
            end += 1
        else:
            yield Fence(index + 1, match.group("info"), indent, body, len(lines), closed=False)
            return
        yield Fence(index + 1, match.group("info"), indent, body, end + 1)
        index = end + 1


def fences(text: str, where: str) -> list[Fence]:
    """Every fenced block of a Markdown text, in order.

    Raises:
        UnclosedFence: A fence is never closed (named ``where:line``).
    """
    found = list(_scan(text.splitlines(keepends=True)))
    if found and not found[-1].closed:
        raise UnclosedFence(f"{where}:{found[-1].line}: code fence is never closed")
    return found


def code_lines(text: str) -> set[int]:
    """Line numbers (1-based) of fences and their bodies, delimiters included.

    An unclosed fence runs to the end of the page (:func:`fences` reports it).
    """
    inside: set[int] = set()
    for fence in _scan(text.splitlines(keepends=True)):
        inside.update(range(fence.line, fence.end + 1))
    return inside


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of every line outside fenced code, in order."""
    code = code_lines(text)
    for number, line in enumerate(text.splitlines(), start=1):
        if number not in code:
            yield number, line


def code_words(text: str) -> int:
    """Words inside fenced code (the fence lines themselves not counted)."""
    return sum(
        len(line.split()) for fence in _scan(text.splitlines(keepends=True)) for line in fence.body
    )
