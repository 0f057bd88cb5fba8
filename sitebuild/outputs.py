"""A block's printed output against the one its page shows, and rewriting it in place."""

from __future__ import annotations

import re
from pathlib import Path

from sitebuild.blocks import Block


def outputs_match(block: Block, output: str) -> bool:
    """Whether ``output`` is what the block's expected-output fence shows."""
    if block.expected is None or output == block.expected:
        return True
    if block.ignore_whitespace:
        return re.sub(r"\s+", "", block.expected) == re.sub(r"\s+", "", output)
    return False


_UNROUNDED_RE = re.compile(r"(?<![\w.])\d+\.\d{7,}")


def unrounded_floats(text: str) -> list[str]:
    """Numbers printed with seven or more decimals: their last digits vary by machine."""
    return _UNROUNDED_RE.findall(text)


def unrounded_message(where: str, line: int, found: list[str]) -> str:
    """The report for output that shows an unrounded float."""
    return (
        f"{where}:{line}: output shows {found[0]}, a float printed with all its digits; the "
        "last ones differ between CPUs and BLAS builds, so print it rounded to what the "
        'reader needs (f"{value:.3f}", round(value, 4))'
    )


def rewrite_output(path: Path, expected_line: int, output: str) -> None:
    """Replace the body of the expected-output fence that opens at ``expected_line``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fence = expected_line - 1
    indent = lines[fence][: len(lines[fence]) - len(lines[fence].lstrip())]
    ticks = lines[fence].strip()[:3]
    end = fence + 1
    while not lines[end].lstrip().startswith(ticks):
        end += 1
    body = [indent + line if line.strip() else line for line in output.splitlines(keepends=True)]
    lines[fence + 1 : end] = body
    path.write_text("".join(lines), encoding="utf-8")
