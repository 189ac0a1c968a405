"""Make the installed app's PNG icons from the SVGs in static/icons (run by `make icons`).

For each icon (leaf, the default, and each discreet icon a program may choose):
  <name>-192.png, <name>-512.png           the SVG as drawn (rounded square), purpose "any"
  <name>-maskable-192.png, -512.png        full-bleed background, the drawing scaled to 80 %
                                           so it stays inside the maskable safe zone
  <name>-apple-touch-icon.png (180 px)     full-bleed, no transparency (iOS fills it black)

Needs rsvg-convert (Debian: apt-get install librsvg2-bin). Uses only the standard library
otherwise. The PNGs are committed; run this again after changing an SVG.
"""

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
NAMES = ("leaf", "sun", "dots")
SVG = "http://www.w3.org/2000/svg"
SAFE_ZONE = 0.8


def variant(source: Path, scale: float) -> str:
    """The SVG on a full-bleed square of its background colour, the drawing scaled by `scale`."""
    ET.register_namespace("", SVG)
    root = ET.parse(source).getroot()  # noqa: S314 (our own SVGs in the repository)
    background = root.find(f"{{{SVG}}}rect")
    size = float(root.get("viewBox").split()[2])
    colour = background.get("fill")
    root.remove(background)
    drawing = "".join(ET.tostring(child, encoding="unicode") for child in root)
    offset = size * (1 - scale) / 2
    return (f'<svg xmlns="{SVG}" viewBox="0 0 {size:g} {size:g}">'
            f'<rect width="{size:g}" height="{size:g}" fill="{colour}"/>'
            f'<g transform="translate({offset:g} {offset:g}) scale({scale:g})">{drawing}</g></svg>')


def render(svg: Path, png: Path, pixels: int) -> None:
    subprocess.run(["rsvg-convert",  # noqa: S603, S607 (our own files, a Debian tool on PATH) "-w", str(pixels), "-h", str(pixels), "-o", str(png),
                    str(svg)], check=True)


def main() -> int:
    if shutil.which("rsvg-convert") is None:
        print("rsvg-convert not found: apt-get install librsvg2-bin", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        for name in NAMES:
            source = ICONS / f"{name}.svg"
            maskable = Path(work) / f"{name}-maskable.svg"
            maskable.write_text(variant(source, SAFE_ZONE))
            full_bleed = Path(work) / f"{name}-full.svg"
            full_bleed.write_text(variant(source, 1.0))
            for pixels in (192, 512):
                render(source, ICONS / f"{name}-{pixels}.png", pixels)
                render(maskable, ICONS / f"{name}-maskable-{pixels}.png", pixels)
            render(full_bleed, ICONS / f"{name}-apple-touch-icon.png", 180)
    print(f"icons written to {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
