"""The resource resolver: source checkout, installed wheel, frozen bundle."""

from __future__ import annotations

import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from readinglist import assets
from readinglist.assets import (
    APP_ICON_ICO,
    APP_ICON_SVG,
    ICON_SIZES,
    AssetNotFoundError,
    app_icon_png,
    app_icon_pngs,
    asset_path,
)

ROOT = Path(__file__).resolve().parents[1]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ico_sizes(path: Path) -> set[int]:
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width = data[6 + 16 * index]
        sizes.add(width or 256)
    return sizes


def test_source_checkout_finds_every_icon() -> None:
    assert asset_path(APP_ICON_SVG).read_bytes().lstrip().startswith(b"<?xml")
    pngs = app_icon_pngs()
    assert list(pngs) == list(ICON_SIZES)
    for size, path in pngs.items():
        assert png_size(path) == (size, size)
    assert ico_sizes(asset_path(APP_ICON_ICO)) == {16, 24, 32, 48, 64, 128, 256}


def test_packaged_icons_match_the_design_sources() -> None:
    """readinglist/resources/icons is generated from resources/ by scripts/make_icons.py."""
    assert (
        asset_path(APP_ICON_SVG).read_bytes() == (ROOT / "resources/readinglist.svg").read_bytes()
    )
    assert (
        asset_path(APP_ICON_ICO).read_bytes() == (ROOT / "resources/readinglist.ico").read_bytes()
    )
    for size in ICON_SIZES:
        source = ROOT / "resources" / "png" / f"readinglist-{size}.png"
        assert app_icon_png(size).read_bytes() == source.read_bytes()


def test_missing_and_bad_names() -> None:
    with pytest.raises(AssetNotFoundError, match=r"nothing\.png"):
        asset_path("icons/nothing.png")
    for bad in ("../assets.py", "/etc/passwd", ""):
        with pytest.raises(ValueError):
            asset_path(bad)
    with pytest.raises(ValueError):
        app_icon_png(17)


def test_frozen_bundle_uses_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    icons = tmp_path / "readinglist" / "resources" / "icons"
    icons.mkdir(parents=True)
    (icons / "readinglist.svg").write_text("<svg/>")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert assets.is_frozen()
    assert asset_path(APP_ICON_SVG) == icons / "readinglist.svg"
    with pytest.raises(AssetNotFoundError, match=str(tmp_path)):
        asset_path(APP_ICON_ICO)


def test_not_frozen_without_meipass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert not assets.is_frozen()
    assert assets.resources_dir() == assets.PACKAGE_DIR / "resources"


def test_installed_wheel_carries_the_icons(tmp_path: Path) -> None:
    """Build the wheel, install it to a bare folder, and resolve the icons from there."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "wheel"), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if built.returncode != 0 and "Could not find a version" in built.stderr:
        pytest.skip(f"no build backend to be had here: {built.stderr.strip()[-200:]}")
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheel").glob("readinglist-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "readinglist/resources/icons/readinglist.svg" in names
    assert "readinglist/resources/icons/readinglist-512.png" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import readinglist.assets as a; "
        "print(a.asset_path('icons/readinglist-16.png')); print(a.asset_path('icons/readinglist.ico'))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {probe}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for line in result.stdout.splitlines():
        assert Path(line).is_relative_to(target)
