"""Render the application icon: PNGs at every size, a multi-size .ico, and the packaged copies.

    python scripts/make_icons.py          # writes resources/ and readinglist/resources/icons/
    python scripts/make_icons.py --check  # exits 1 when a generated file is out of date

Sizes up to 24 px come from `readinglist-small.svg` (drawn on a 16 px grid, no text lines, so it
stays crisp); larger ones from `readinglist.svg`. Rendering uses Qt's own SVG renderer, the .ico
is assembled with Pillow from the exact PNGs.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources"
PACKAGED = ROOT / "readinglist" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # .ico stops at 256
SMALL_UP_TO = 24


def render(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def build() -> dict[Path, bytes]:
    """Every generated file and its content."""
    from PIL import Image

    outputs: dict[Path, bytes] = {}
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        svg = SOURCE / ("readinglist-small.svg" if size <= SMALL_UP_TO else "readinglist.svg")
        pngs[size] = render(svg, size)
        outputs[SOURCE / "png" / f"readinglist-{size}.png"] = pngs[size]
        outputs[PACKAGED / f"readinglist-{size}.png"] = pngs[size]
    images = [Image.open(io.BytesIO(pngs[size])) for size in ICO_SIZES]
    ico = io.BytesIO()
    largest = images[-1]
    largest.save(
        ico,
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=images[:-1],
    )
    outputs[SOURCE / "readinglist.ico"] = ico.getvalue()
    outputs[PACKAGED / "readinglist.ico"] = ico.getvalue()
    outputs[PACKAGED / "readinglist.svg"] = (SOURCE / "readinglist.svg").read_bytes()
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    outputs = build()
    del app
    stale = [
        path for path, data in outputs.items() if not path.is_file() or path.read_bytes() != data
    ]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(outputs[path])
        print(f"wrote {path.relative_to(ROOT)} ({len(outputs[path])} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
