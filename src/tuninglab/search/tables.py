"""Plain-text output: Markdown tables and compact hyperparameter values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _format_value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def format_score(value: float | None) -> str:
    """Format a score or a standard deviation with 4 decimals, or "–" when there is none.

    A single run has no standard deviation; a strategy may have no choice yet.
    """
    return "–" if value is None else f"{value:.4f}"


def format_params(params: dict[str, Any]) -> str:
    """Format a configuration as ``name=value, ...`` with 4 significant digits."""
    return ", ".join(f"{k}={_format_value(v)}" for k, v in sorted(params.items()))


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a Markdown table (numbers right-aligned) as a string.

    Args:
        header: Column titles.
        rows: Cells; converted with ``str``.

    Returns:
        The table, one line per row, without a trailing newline.
    """
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    numeric = [all(_is_number(r[i]) for r in rows) and bool(rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (w - 1) + (":" if n else "-") for w, n in zip(widths, numeric, strict=True)]
    return "\n".join([line(header), line(rule), *(line(r) for r in rows)])


def _is_number(text: str) -> bool:
    try:
        float(text.split(" ")[0])
    except ValueError:
        return False
    return True
