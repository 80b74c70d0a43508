#!/usr/bin/env bash
# System packages ReadingList uses, installed with apt-get when missing (as root, as on CI):
# - the libraries Qt's platform plugin loads, for the platform the app will really use: xcb
#   when DISPLAY is set (a Linux desktop), wayland when only WAYLAND_DISPLAY is, else offscreen
#   (QT_QPA_PLATFORM, when set, says which); the tests run offscreen;
# - LaTeX, bibtex and biber, to prove that BibTeX exports compile without a warning;
# - pandoc, to prove that its Markdown reader keeps an exported abstract as text;
# - JabRef, to prove it opens them without a complaint (optional: its tests skip without it).
# Without root, missing Qt libraries stop the run with one sentence naming the packages to
# install; missing LaTeX or pandoc only skips those tests.
#
#   ensure-system-deps.sh PYTHON [run]   # "run": only the Qt libraries of the real platform
#
# READINGLIST_LDD (default ldd) lists a plugin's libraries; READINGLIST_APT=0 never installs,
# only names the packages (the tests use both).
set -euo pipefail
python=${1:-python3}
mode=${2:-all}
ldd=${READINGLIST_LDD:-ldd}
latex_packages="texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber"
test_packages=""

if [ -n "${QT_QPA_PLATFORM:-}" ]; then
    platform=${QT_QPA_PLATFORM%%:*}
elif [ -n "${DISPLAY:-}" ]; then
    platform=xcb
elif [ -n "${WAYLAND_DISPLAY:-}" ]; then
    platform=wayland
else
    platform=offscreen
fi

# The Debian package that ships each library Qt's plugins link to.
package_of() {
    case "$1" in
        libxcb-cursor.so*) echo libxcb-cursor0 ;;
        libxcb-icccm.so*) echo libxcb-icccm4 ;;
        libxcb-keysyms.so*) echo libxcb-keysyms1 ;;
        libxcb-image.so*) echo libxcb-image0 ;;
        libxcb-render-util.so*) echo libxcb-render-util0 ;;
        libxcb-util.so*) echo libxcb-util1 ;;
        libxcb-randr.so*) echo libxcb-randr0 ;;
        libxcb-shape.so*) echo libxcb-shape0 ;;
        libxcb-shm.so*) echo libxcb-shm0 ;;
        libxcb-sync.so*) echo libxcb-sync1 ;;
        libxcb-xfixes.so*) echo libxcb-xfixes0 ;;
        libxcb-render.so*) echo libxcb-render0 ;;
        libxcb-xkb.so*) echo libxcb-xkb1 ;;
        libxcb-xinerama.so*) echo libxcb-xinerama0 ;;
        libxcb-xinput.so*) echo libxcb-xinput0 ;;
        libxcb-glx.so*) echo libxcb-glx0 ;;
        libxcb.so*) echo libxcb1 ;;
        libX11-xcb.so*) echo libx11-xcb1 ;;
        libX11.so*) echo libx11-6 ;;
        libxkbcommon-x11.so*) echo libxkbcommon-x11-0 ;;
        libxkbcommon.so*) echo libxkbcommon0 ;;
        libwayland-client.so*) echo libwayland-client0 ;;
        libwayland-cursor.so*) echo libwayland-cursor0 ;;
        libwayland-egl.so*) echo libwayland-egl1 ;;
        libSM.so*) echo libsm6 ;;
        libICE.so*) echo libice6 ;;
        libEGL.so*) echo libegl1 ;;
        libGL.so* | libOpenGL.so* | libGLX.so*) echo libgl1 ;;
        libfontconfig.so*) echo libfontconfig1 ;;
        libfreetype.so*) echo libfreetype6 ;;
        libglib-2.0.so* | libgthread-2.0.so*) echo libglib2.0-0 ;;
        libdbus-1.so*) echo libdbus-1-3 ;;
        *) echo "(the package with $1)" ;;
    esac
}

# Missing libraries of the platform plugin (and of Qt's libraries it loads), as packages.
qt_missing() {
    local plugins plugin
    plugins=$("$python" -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms"))')
    plugin="$plugins/libq$platform.so"
    [ -e "$plugin" ] || return 0
    "$ldd" "$plugin" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | while read -r library; do
        package_of "$library"
    done | sort -u | tr '\n' ' '
}

install_packages() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${READINGLIST_APT:-1}" != 0 ]
}

qt_packages=$(qt_missing)
# Fonts: without any, every label is blank (not a library ldd can see).
if [ "$platform" = offscreen ] && ! fc-list >/dev/null 2>&1 && [ ! -d /usr/share/fonts/truetype/dejavu ]; then
    qt_packages="$qt_packages fonts-dejavu-core"
fi
qt_packages=$(echo $qt_packages)

if [ -n "$qt_packages" ]; then
    if install_packages; then
        echo "Installing the system libraries Qt needs for the $platform platform: $qt_packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $qt_packages >/dev/null
        qt_packages=$(echo $(qt_missing))
    fi
    if [ -n "$qt_packages" ]; then
        echo "Qt cannot start on the $platform platform: install these system packages, then retry: sudo apt-get install $qt_packages" >&2
        exit 1
    fi
fi
[ "$mode" = run ] && exit 0

if ! command -v pdflatex >/dev/null || ! command -v bibtex >/dev/null || ! command -v biber >/dev/null; then
    test_packages="$latex_packages"
fi
command -v pandoc >/dev/null || test_packages="$test_packages pandoc"
test_packages=$(echo $test_packages)
if [ -n "$test_packages" ]; then
    if install_packages; then
        echo "Installing what the export tests use: $test_packages"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $test_packages >/dev/null
    else
        echo "Note: the LaTeX and pandoc tests will be skipped; to run them install: $test_packages" >&2
    fi
fi
if ! command -v jabref >/dev/null && install_packages; then
    echo "Installing JabRef for the BibTeX import test"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jabref >/dev/null \
        || echo "Note: JabRef could not be installed; its test will be skipped" >&2
fi
# The tests run offscreen: that platform must start too.
QT_QPA_PLATFORM=offscreen "$python" -c 'from PySide6.QtWidgets import QApplication; QApplication([])'
