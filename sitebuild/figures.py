"""Generate a guide's figures at build time by running the code blocks that draw them.

A figure on a page is drawn by a tested ``python`` block that ends with
``fig.savefig("name.svg")``; the page shows it with ``![what it shows](name.svg)``.
During the build this module runs those blocks (in a fresh Python process, in an
empty folder) and hands the files they save to MkDocs as if they sat next to the
guide. Results are cached by the hash of the code and the package it imports, so
``make serve`` redraws only what changed.

Run as ``python -m sitebuild.figures PAGE.md OUT_DIR SHOWN_AS`` to draw one page's figures
(``SHOWN_AS`` is the path that error messages name).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sitebuild import blocks, runner, sandbox

FIGURE_SUFFIXES = {".svg", ".png"}
STARTUP_SECONDS = 30
"""Allowance for starting Python and importing libraries before the first block runs."""


DARK_SUFFIX = ".dark.svg"
SLATE_BACKGROUND = (0x1E, 0x20, 0x29)
"""Material's slate background, ``hsl(232, 15%, 14%)``, as an RGB triple."""
SLATE_TEXT = (0xC0, 0xC0, 0xC7)
"""Material's slate body text, ``hsla(232, 15%, 90%, 0.82)`` over that background."""
NEUTRAL_SPREAD = 10
"""A colour whose red, green and blue differ by at most this much is a grey."""
_SVG_COLOUR = re.compile(r'(?P<lead>(?:fill|stroke)(?::\s*|="))#(?P<hex>[0-9a-fA-F]{6})\b')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


class FigureError(RuntimeError):
    """A figure block failed to run or saved nothing."""


def figure_blocks(md_path: Path, where: str | None = None) -> list[blocks.Block]:
    """Every python block on a page (with its continuations) that saves a figure."""
    return [
        block
        for block in blocks.parse(md_path, where)
        if block.syntax == "python" and "savefig(" in block.code
    ]


def cache_key(figure_blocks: list[blocks.Block], fingerprint: str) -> str:
    """Changes when a figure block's code, time limit or anything it may import changes."""
    digest = hashlib.sha256(fingerprint.encode())
    for block in figure_blocks:
        digest.update(f"{block.line}:{block.timeout}:{block.code}".encode())
    return digest.hexdigest()[:16]


def draw(md_path: Path, cache_root: Path, shown_as: str, fingerprint: str) -> dict[str, Path]:
    """Draw (or reuse) the figures of one page; map file name -> path of the drawn file.

    ``shown_as`` is the page's path as error messages should name it; ``fingerprint``
    is :func:`sitebuild.sandbox.code_fingerprint`, computed once per build.
    """
    try:
        found = figure_blocks(md_path, shown_as)
    except blocks.BlockError as error:
        raise FigureError(str(error)) from None
    if not found:
        return {}
    page_dir = hashlib.sha256(shown_as.encode()).hexdigest()[:8] + "-" + md_path.stem
    out_dir = cache_root / page_dir / cache_key(found, fingerprint)
    if not out_dir.is_dir():
        staging = out_dir.with_name(out_dir.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        env = sandbox.child_env(MPLBACKEND="Agg", SOURCE_DATE_EPOCH="0")
        budget = sum(block.timeout for block in found) + STARTUP_SECONDS
        try:
            result = subprocess.run(
                [sys.executable, "-m", "sitebuild.figures", str(md_path), str(staging), shown_as],
                cwd=staging,
                env=env,
                capture_output=True,
                text=True,
                timeout=budget,
            )
        except subprocess.TimeoutExpired:
            raise FigureError(
                f"{shown_as}: drawing its figures ran over {budget:g} s and was stopped"
            ) from None
        if result.returncode != 0:
            raise FigureError(result.stderr.strip() or result.stdout.strip())
        _add_dark_twins(staging, shown_as)
        for stale in out_dir.parent.iterdir():  # earlier drawings of this page
            if stale != staging:
                shutil.rmtree(stale, ignore_errors=True)
        staging.rename(out_dir)
    return {path.name: path for path in sorted(out_dir.iterdir()) if path.suffix in FIGURE_SUFFIXES}


def dark_grey(hex_colour: str) -> str:
    """A colour of a figure, for the dark scheme: a grey is turned round, any other kept.

    White becomes the slate background, black its text, and the greys between them fall
    in between; a colour with a hue is returned as it is.
    """
    rgb = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    if max(rgb) - min(rgb) > NEUTRAL_SPREAD:
        return hex_colour
    lightness = sum(rgb) / (3 * 255)
    mixed = (
        round(bg + (1 - lightness) * (fg - bg))
        for bg, fg in zip(SLATE_BACKGROUND, SLATE_TEXT, strict=True)
    )
    return "".join(f"{channel:02x}" for channel in mixed)


def dark_svg(svg: str) -> str:
    """The dark-scheme twin of a Matplotlib SVG.

    Every grey fill and stroke is turned round (:func:`dark_grey`), and text without a
    fill of its own (which SVG draws black) is given the slate text colour.
    """
    recoloured = _SVG_COLOUR.sub(lambda m: m["lead"] + "#" + dark_grey(m["hex"]), svg)
    opening = _SVG_OPEN.search(recoloured)
    if opening is None:
        raise ValueError("not an SVG file: it has no <svg> element")
    text_colour = "#" + "".join(f"{c:02x}" for c in SLATE_TEXT)
    style = f'<style type="text/css">text {{ fill: {text_colour} }}</style>'
    return recoloured[: opening.end()] + style + recoloured[opening.end() :]


def dark_name(name: str) -> str:
    """The file name of a figure's dark-scheme twin: ``a.svg`` -> ``a.dark.svg``."""
    stem, _, suffix = name.rpartition(".")
    return f"{stem}.dark.{suffix}"


def dark_png(data: bytes) -> bytes:
    """The dark-scheme twin of a PNG figure (a lab's), the way :func:`dark_grey` turns greys.

    Each pixel is read as a mix of white, black and a pure colour (its channels minus
    the smallest): the white share becomes the slate background, the black share the
    slate text colour, and the colour share is kept. A grey thus maps exactly as
    :func:`dark_grey` maps it, and the pale edges that antialiasing leaves around a
    coloured line blend into the dark background instead of glowing. Transparency is kept.
    """
    import io

    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGBA")
    pixels = np.asarray(image, dtype=float)
    rgb = pixels[..., :3]
    white = rgb.min(axis=-1, keepdims=True) / 255
    black = 1 - rgb.max(axis=-1, keepdims=True) / 255
    colour = rgb - 255 * white
    dark = white * np.array(SLATE_BACKGROUND) + black * np.array(SLATE_TEXT) + colour
    pixels[..., :3] = np.clip(np.rint(dark), 0, 255)
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8), "RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()


KEPT_TWINS = 100
"""Dark PNG twins kept in the cache (the most recently used): ten times the labs' figures."""


def dark_png_cached(data: bytes, cache: Path, kept_twins: int = KEPT_TWINS) -> bytes:
    """:func:`dark_png`, kept in ``cache`` under the hash of the image and of this module.

    A lab's figures come from its cache on every build, and turning each one costs about
    0.1 s: this keeps a warm build from paying that again for figures that did not change.
    A twin served is marked as used; after a new one is written, only the ``kept_twins``
    most recently used stay, so edited figures do not pile up.
    """
    key = hashlib.sha256(Path(__file__).read_bytes() + data).hexdigest()
    kept = cache / f"{key}.png"
    if kept.is_file():
        kept.touch()
        return kept.read_bytes()
    dark = dark_png(data)
    cache.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    partial.write_bytes(dark)
    partial.replace(kept)  # a build stopped half-way leaves no broken twin behind
    twins = sorted(cache.glob("*.png"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in twins[kept_twins:]:
        old.unlink(missing_ok=True)
    return dark


def _add_dark_twins(folder: Path, shown_as: str) -> None:
    for light in sorted(folder.glob("*.svg")):
        try:
            dark = dark_svg(light.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise FigureError(f"{shown_as}:1: figure {light.name!r}: {error}") from None
        (folder / dark_name(light.name)).write_text(dark, encoding="utf-8")


def _run_page(md_path: Path, out_dir: Path, shown_as: str) -> None:
    """Run every figure block of a page in ``out_dir``, each in fresh globals."""
    import matplotlib

    matplotlib.use("Agg")
    svg_settings = {"svg.hashsalt": "tuninglab", "svg.fonttype": "none"}
    for block in figure_blocks(md_path, shown_as):
        matplotlib.rcdefaults()  # a block may change the style (Optuna's plots do)
        matplotlib.rcParams.update(svg_settings)
        before = set(out_dir.iterdir())
        try:
            runner.run_block(block, shown_as, workdir=out_dir)
        except blocks.BlockError as error:
            message = str(error).replace(": code block raised", ": figure block raised")
            raise SystemExit(message) from None
        saved = {p for p in out_dir.iterdir() if p.suffix in FIGURE_SUFFIXES} - before
        if not saved:
            raise SystemExit(f"{shown_as}:{block.line}: block calls savefig() but saved no file")
        if twins := sorted(p.name for p in saved if p.name.endswith(DARK_SUFFIX)):
            raise SystemExit(
                f"{shown_as}:{block.line}: {twins[0]!r} ends in {DARK_SUFFIX!r}, the name the "
                "build gives a figure's dark-scheme twin; name the figure otherwise"
            )


if __name__ == "__main__":
    _run_page(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3])
