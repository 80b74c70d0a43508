"""`make run` on a newcomer's desktop: scripts/ensure-system-deps.sh checks the Qt platform
the window will really use (xcb when DISPLAY is set), and names the missing packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "ensure-system-deps.sh"


def run_script(tmp_path: Path, missing: list[str], **env: str) -> tuple[int, str, str]:
    """Run the script with an `ldd` that reports `missing` as not found; returns its exit
    status, stderr, and the plugin it asked about."""
    asked = tmp_path / "asked"
    fake_ldd = tmp_path / "ldd"
    lines = "".join(f"echo '\t{name} => not found'\n" for name in missing)
    fake_ldd.write_text(
        f"#!/bin/sh\necho \"$1\" > {asked}\n{lines}echo '\tlibc.so.6 => /lib/libc.so.6'\n"
    )
    fake_ldd.chmod(0o755)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    environment.update(READINGLIST_LDD=str(fake_ldd), READINGLIST_APT="0", **env)
    result = subprocess.run(
        ["bash", str(SCRIPT), sys.executable, "run"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stderr, asked.read_text().strip()


def test_a_desktop_without_the_xcb_libraries_is_told_which_packages_to_install(
    tmp_path: Path,
) -> None:
    status, error, asked = run_script(
        tmp_path,
        ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"],
        DISPLAY=":7",
    )
    assert asked.endswith("/platforms/libqxcb.so")  # the platform `make run` will use
    assert status == 1
    assert error.strip().splitlines() == [
        "Qt cannot start on the xcb platform: install these system packages, then retry: "
        "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
    ]


def test_without_a_display_the_offscreen_platform_is_checked(tmp_path: Path) -> None:
    status, error, asked = run_script(tmp_path, [])
    assert asked.endswith("/platforms/libqoffscreen.so")
    assert status == 0, error


def test_qt_qpa_platform_says_which_platform(tmp_path: Path) -> None:
    status, error, asked = run_script(
        tmp_path, ["libwayland-cursor.so.0"], DISPLAY=":7", QT_QPA_PLATFORM="wayland"
    )
    assert asked.endswith("/platforms/libqwayland.so")
    assert status == 1 and "sudo apt-get install libwayland-cursor0" in error
