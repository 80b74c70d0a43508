"""The one way to find a file the application ships (icons, ...), wherever it runs from.

Resources live in the package folder `readinglist/resources/`, declared as package data, so the
same relative name works from a source checkout, an installed wheel, and a PyInstaller bundle
(whose spec collects that folder to `<bundle>/readinglist/resources/`, under `sys._MEIPASS`).
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ICON_SVG = "icons/readinglist.svg"
APP_ICON_ICO = "icons/readinglist.ico"


class AssetNotFoundError(FileNotFoundError):
    """A resource the application needs is missing from this installation."""


def bundle_dir() -> Path | None:
    """The unpacked bundle's folder inside a PyInstaller bundle, else None."""
    if not getattr(sys, "frozen", False):
        return None
    meipass = getattr(sys, "_MEIPASS", None)
    return Path(meipass) if meipass else None


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bundle_dir() is not None


def resources_dir() -> Path:
    """The folder that holds every resource for this way of running."""
    bundle = bundle_dir()
    if bundle is not None:
        return bundle / "readinglist" / "resources"
    return PACKAGE_DIR / "resources"


def asset_path(name: str) -> Path:
    """The path of the resource `name` (e.g. "icons/readinglist-32.png").

    Raises AssetNotFoundError, naming where it looked, when the file is missing, and ValueError
    for a name that would leave the resources folder.
    """
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"not a resource name: {name!r}")
    path = resources_dir() / relative
    if not path.is_file():
        raise AssetNotFoundError(f"the resource {name} is missing (looked for {path})")
    return path


def app_icon_png(size: int) -> Path:
    """The application icon rendered at `size` px (one of ICON_SIZES)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {', '.join(map(str, ICON_SIZES))}")
    return asset_path(f"icons/readinglist-{size}.png")


def app_icon_pngs() -> dict[int, Path]:
    """Every rendered size of the application icon, smallest first."""
    return {size: app_icon_png(size) for size in ICON_SIZES}
