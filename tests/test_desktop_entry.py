"""The Linux desktop entry and AppStream metainfo: valid, consistent, installable per user."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = ROOT / "packaging" / "linux" / "readinglist.desktop"
METAINFO = ROOT / "packaging" / "linux" / "io.github.readinglist.ReadingList.metainfo.xml"
IMPORTED_TYPES = {
    "text/html",
    "application/x-mimearchive",
    "multipart/related",
    "text/markdown",
    "text/plain",
    "application/json",
}


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def needs(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (apt-get install desktop-file-utils appstream)")
    return found


def test_desktop_entry_opens_the_files_we_import() -> None:
    entry = desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Exec"].endswith(" %F")  # several files, as local paths
    assert entry["Icon"] == "readinglist"
    assert entry["Terminal"] == "false"
    assert set(filter(None, entry["MimeType"].split(";"))) == IMPORTED_TYPES


def test_metainfo_matches_the_desktop_entry() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert {m.text for m in root.iter("mediatype")} == IMPORTED_TYPES
    assert root.findtext("icon") == desktop_entry(DESKTOP)["Icon"]


def test_desktop_file_validate() -> None:
    tool = needs("desktop-file-validate")
    result = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_appstreamcli_validate() -> None:
    tool = needs("appstreamcli")
    result = subprocess.run(
        [tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_and_uninstall_for_the_user(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    executable = bundle / "ReadingList"
    executable.write_text("#!/bin/sh\necho ReadingList 0.0\n")
    executable.chmod(0o755)
    home, data = tmp_path / "home", tmp_path / "data"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(data),
        "READINGLIST_BUNDLE": str(bundle),
    }
    script = ROOT / "scripts" / "install-desktop.sh"
    subprocess.run(["bash", str(script), "install"], env=env, check=True, capture_output=True)

    installed = home / ".local" / "lib" / "readinglist" / "ReadingList"
    assert installed.read_text() == executable.read_text()
    assert (home / ".local" / "bin" / "ReadingList").resolve() == installed
    launcher = data / "applications" / "readinglist.desktop"
    entry = desktop_entry(launcher)
    assert entry["Exec"] == f'"{installed}" %F'
    assert entry["TryExec"] == str(installed)
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (data / f"icons/hicolor/{size}x{size}/apps/readinglist.png").is_file()
    assert (data / "icons/hicolor/scalable/apps/readinglist.svg").is_file()
    assert (data / "metainfo" / METAINFO.name).is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(launcher)], check=True)

    library = data / "ReadingList" / "library.sqlite"
    library.parent.mkdir(parents=True)
    library.write_text("the user's library")
    subprocess.run(["bash", str(script), "uninstall"], env=env, check=True, capture_output=True)
    assert not launcher.exists()
    assert not installed.exists()
    assert not (home / ".local" / "bin" / "ReadingList").exists()
    assert not list(data.glob("icons/hicolor/*/apps/readinglist.*"))
    assert library.read_text() == "the user's library"
