#!/usr/bin/env bash
# System packages the tests use, installed with apt-get when missing (as root, as on CI):
# - the libraries Qt's wheels load (EGL, fontconfig, xkbcommon, dbus) to run offscreen;
# - LaTeX, bibtex and biber, to prove that BibTeX exports compile without a warning;
# - pandoc, to prove that its Markdown reader keeps an exported abstract as text;
# - JabRef, to prove it opens them without a complaint (optional: its tests skip without it).
# Without root, missing Qt libraries stop the run with the list to install; missing LaTeX or
# pandoc only skips those tests.
set -euo pipefail
python=${1:-python3}
probe='from PySide6.QtWidgets import QApplication; QApplication([])'
qt_packages="libegl1 libgl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core"
latex_packages="texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber"

missing=""
QT_QPA_PLATFORM=offscreen "$python" -c "$probe" >/dev/null 2>&1 || missing="$qt_packages"
if ! command -v pdflatex >/dev/null || ! command -v bibtex >/dev/null || ! command -v biber >/dev/null; then
    latex_missing=1
else
    latex_missing=0
fi
[ "$latex_missing" = 1 ] && missing="$missing $latex_packages"
command -v pandoc >/dev/null || missing="$missing pandoc"
if [ -z "${missing// /}" ] && command -v jabref >/dev/null; then
    exit 0
fi

if [ -z "${missing// /}" ]; then
    :
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages for the tests: $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
elif [ -n "$(QT_QPA_PLATFORM=offscreen "$python" -c "$probe" 2>&1 >/dev/null || echo fail)" ]; then
    echo "Qt cannot start. Install these system packages, then retry: $qt_packages" >&2
    exit 1
else
    echo "Note: the LaTeX and pandoc tests will be skipped; to run them install:$missing" >&2
fi
if ! command -v jabref >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing JabRef for the BibTeX import test"
    [ -n "${missing// /}" ] || apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jabref >/dev/null \
        || echo "Note: JabRef could not be installed; its test will be skipped" >&2
fi
QT_QPA_PLATFORM=offscreen "$python" -c "$probe"
