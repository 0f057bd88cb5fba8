"""Every drawn SVG figure has a dark-scheme twin in the page's own greys, and each page
shows the twin in the dark scheme and the original in the light one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitebuild import figures, lighter_pages
from tests.support import build, built_pages, guide, make_project

pytestmark = pytest.mark.depends_on("sitebuild", "mkdocs.yml", "overrides", "docs/assets")

BACKGROUND = "1e2029"
TEXT = "c0c0c7"


def test_greys_turn_round_between_the_slate_background_and_text() -> None:
    assert figures.dark_grey("ffffff") == BACKGROUND
    assert figures.dark_grey("000000") == TEXT
    middle = figures.dark_grey("808080")  # half-way between them, channel by channel
    for i in (0, 2, 4):
        halfway = (int(BACKGROUND[i : i + 2], 16) + int(TEXT[i : i + 2], 16)) / 2
        assert abs(int(middle[i : i + 2], 16) - halfway) <= 1, middle


@pytest.mark.parametrize("colour", ["1f77b4", "ff7f0e", "2ca02c", "d62728", "440154"])
def test_a_colour_is_kept(colour: str) -> None:
    assert figures.dark_grey(colour) == colour


def test_the_twin_recolours_fills_and_strokes_and_gives_bare_text_a_colour() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="5pt">'
        '<path style="fill: #ffffff"/><path style="stroke: #000000; fill: #1f77b4"/>'
        '<rect fill="#cccccc"/><use xlink:href="#m0a1b2c3d4e"/><text>a</text></svg>'
    )
    dark = figures.dark_svg(svg)
    assert f"fill: #{BACKGROUND}" in dark
    assert f"stroke: #{TEXT}; fill: #1f77b4" in dark
    assert 'fill="#cccccc"' not in dark
    assert 'xlink:href="#m0a1b2c3d4e"' in dark  # an id, not a colour
    assert re.search(rf"<svg [^>]*><style[^>]*>text {{ fill: #{TEXT} }}</style>", dark)
    with pytest.raises(ValueError, match="no <svg> element"):
        figures.dark_svg("<html></html>")


def test_an_image_with_a_twin_is_shown_once_per_scheme() -> None:
    page = '<p><img alt="A curve" src="curve.svg" loading="lazy" /><img alt="x" src="x.png"></p>'
    twins = {"curve.svg": "curve.dark.svg"}
    shown = lighter_pages.scheme_images(page, twins.get)
    assert (
        '<span class="tl-figure">'
        '<img alt="A curve" src="curve.svg#only-light" loading="lazy" />'
        '<img alt="A curve" src="curve.dark.svg#only-dark" loading="lazy" />'
        "</span>"
    ) in shown
    assert '<img alt="x" src="x.png">' in shown  # no twin: left as it was


def test_a_block_may_not_save_a_name_the_twins_use(tmp_path: Path) -> None:
    body = (
        "```python\nimport matplotlib.pyplot as plt\n\nfig, ax = plt.subplots()\n"
        'fig.savefig("curve.dark.svg")\n```\n\n![A curve](curve.dark.svg)\n'
    )
    config = make_project(tmp_path, {"alpha": guide(body=body)})
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/guides/alpha.md:" in result.stderr
    assert "ends in '.dark.svg'" in result.stderr


def _png(pixels: list[tuple[int, int, int, int]]) -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGBA", (len(pixels), 1))
    image.putdata(pixels)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_png_twin_turns_greys_as_an_svg_twin_does_and_keeps_hue_and_transparency() -> None:
    import io

    from PIL import Image

    light = [(255, 255, 255, 255), (0, 0, 0, 255), (128, 128, 128, 255), (31, 119, 180, 255)]
    light.append((255, 255, 255, 0))
    dark = Image.open(io.BytesIO(figures.dark_png(_png(light))))
    rgba = dark.convert("RGBA")
    got = [rgba.getpixel((x, 0)) for x in range(rgba.width)]
    assert dark.size == (5, 1)
    assert got[0][:3] == figures.SLATE_BACKGROUND and got[1][:3] == figures.SLATE_TEXT
    grey = figures.dark_grey("808080")
    assert all(
        abs(a - int(grey[i : i + 2], 16)) <= 1 for a, i in zip(got[2][:3], (0, 2, 4), strict=True)
    )
    r, g, b = got[3][:3]
    assert b > g > r and r + g + b > 31 + 119 + 180  # still the same blue, lighter
    assert got[4][3] == 0


def test_a_png_twin_is_kept_between_builds(tmp_path: Path, monkeypatch) -> None:
    light = _png([(255, 255, 255, 255), (0, 0, 0, 255)])
    first = figures.dark_png_cached(light, tmp_path)
    assert first == figures.dark_png(light) and len(list(tmp_path.iterdir())) == 1

    def not_again(data: bytes) -> bytes:
        raise AssertionError("turned again although the twin was kept")

    monkeypatch.setattr(figures, "dark_png", not_again)
    assert figures.dark_png_cached(light, tmp_path) == first
    with pytest.raises(AssertionError):  # another image is turned, not served a kept twin
        figures.dark_png_cached(_png([(0, 0, 0, 255)]), tmp_path)


def test_only_the_most_recently_used_twins_are_kept(tmp_path: Path) -> None:
    images = [_png([(255, 255, 255, 255), (shade, 0, 0, 255)]) for shade in range(4)]
    for image in images[:2]:
        figures.dark_png_cached(image, tmp_path, kept_twins=2)
    first = next(p for p in tmp_path.iterdir() if p.read_bytes() == figures.dark_png(images[0]))
    os.utime(first, ns=(1, 1))  # the oldest by far ...
    figures.dark_png_cached(images[0], tmp_path, kept_twins=2)  # ... until it is used again
    figures.dark_png_cached(images[2], tmp_path, kept_twins=2)
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir())
    assert kept == sorted(figures.dark_png(image) for image in (images[0], images[2]))


def test_twin_names_keep_the_kind_of_file() -> None:
    assert figures.dark_name("a-b.svg") == "a-b.dark.svg"
    assert figures.dark_name("figure-2.png") == "figure-2.dark.png"


@pytest.mark.depends_on("docs", "examples", site=True)
def test_every_drawn_figure_is_shown_with_its_twin(built_site: Path) -> None:
    shown = {"svg": 0, "png": 0}
    for name in built_pages():
        page = built_site / name
        html = page.read_text(encoding="utf-8")
        for src, kind in re.findall(r'<img\b[^>]*?\bsrc="([^"]+\.(svg|png))(?:#[\w-]*)?"', html):
            figure = (page.parent / src).resolve()
            if figure.name.endswith((figures.DARK_SUFFIX, figures.dark_name(".png"))):
                continue
            twin = figure.with_name(figures.dark_name(figure.name))
            assert twin.is_file(), f"{page}: {src} has no dark twin"
            assert f'src="{src}#only-light"' in html, f"{page}: {src} is not marked light"
            dark_src = src[: -len(figure.name)] + twin.name
            assert f'src="{dark_src}#only-dark"' in html, f"{page}: {src}'s twin is not shown"
            if kind == "svg":
                assert "#ffffff" not in twin.read_text(encoding="utf-8").lower(), twin
            else:
                from PIL import Image

                with Image.open(twin) as image:
                    assert image.convert("RGB").getpixel((0, 0)) == figures.SLATE_BACKGROUND
            shown[kind] += 1
    # The guides draw more than 10 SVGs, the labs 10 PNGs: the check cannot pass vacuously.
    assert shown["svg"] >= 10 and shown["png"] >= 8, shown
