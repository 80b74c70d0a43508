#!/usr/bin/env bash
# Qt's wheels bundle Qt itself but load a few system libraries (EGL, fontconfig, xkbcommon, dbus).
# A fresh Debian/Ubuntu machine may lack them: when Qt cannot start offscreen, install them.
set -euo pipefail
python=${1:-python3}
probe='from PySide6.QtWidgets import QApplication; QApplication([])'
if QT_QPA_PLATFORM=offscreen "$python" -c "$probe" >/dev/null 2>&1; then
    exit 0
fi
packages="libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing the system libraries Qt needs: $packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
    echo "Qt cannot start. Install these system packages, then retry: $packages" >&2
    exit 1
fi
QT_QPA_PLATFORM=offscreen "$python" -c "$probe"
