#!/usr/bin/env bash
# Install (or uninstall) ReadingList for the current user, the XDG way:
#   the bundle      -> ~/.local/lib/readinglist/                   (when dist/ has one)
#   a command       -> ~/.local/bin/ReadingList                   (symlink to the bundle)
#   the launcher    -> $XDG_DATA_HOME/applications/readinglist.desktop
#   the icons       -> $XDG_DATA_HOME/icons/hicolor/{16x16..512x512,scalable}/apps/readinglist.*
#   the metainfo    -> $XDG_DATA_HOME/metainfo/io.github.readinglist.ReadingList.metainfo.xml
# Without a bundle in dist/, the launcher runs this checkout's .venv/bin/readinglist instead.
#   bash scripts/install-desktop.sh install|uninstall
# READINGLIST_BUNDLE=DIR installs that bundle folder (or one-file executable) instead of dist/'s.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-install}
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin_dir=${READINGLIST_BIN_DIR:-$HOME/.local/bin}
app_dir=${READINGLIST_APP_DIR:-$HOME/.local/lib/readinglist}
desktop_id=readinglist.desktop
metainfo=io.github.readinglist.ReadingList.metainfo.xml
sizes="16 24 32 48 64 128 256 512"

refresh_caches() {
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$data/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$data/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
    fi
}

uninstall() {
    if [ -x "$app_dir/ReadingList" ]; then  # only ever a folder this script filled
        rm -rf "$app_dir"
    fi
    if [ -L "$bin_dir/ReadingList" ]; then
        rm -f "$bin_dir/ReadingList"
    fi
    rm -f "$data/applications/$desktop_id" "$data/metainfo/$metainfo"
    for size in $sizes; do
        rm -f "$data/icons/hicolor/${size}x${size}/apps/readinglist.png"
    done
    rm -f "$data/icons/hicolor/scalable/apps/readinglist.svg"
    refresh_caches
    echo "ReadingList's launcher, icons and bundle are removed (your library is untouched)."
}

install() {
    local source=${READINGLIST_BUNDLE:-}
    if [ -z "$source" ]; then
        if [ -x dist/ReadingList/ReadingList ]; then source=dist/ReadingList
        elif [ -f dist/ReadingList ] && [ -x dist/ReadingList ]; then source=dist/ReadingList
        fi
    fi
    local exec_path
    if [ -n "$source" ]; then
        rm -rf "$app_dir"
        mkdir -p "$app_dir"
        if [ -d "$source" ]; then
            cp -a "$source/." "$app_dir/"
        else
            cp -a "$source" "$app_dir/ReadingList"
        fi
        exec_path="$app_dir/ReadingList"
        mkdir -p "$bin_dir"
        ln -sfn "$exec_path" "$bin_dir/ReadingList"
        echo "Installed the bundle in $app_dir (command: $bin_dir/ReadingList)"
    elif [ -x .venv/bin/readinglist ]; then
        exec_path="$(pwd)/.venv/bin/readinglist"
        echo "No bundle in dist/ (run 'make bundle' first for one): the launcher runs $exec_path"
    else
        echo "Nothing to launch: run 'make bundle' (or 'make run' once for a .venv) first" >&2
        exit 1
    fi

    mkdir -p "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
    # Exec and TryExec get the absolute path: ~/.local/bin is not on every session's PATH.
    sed -e "s|^Exec=ReadingList |Exec=\"$exec_path\" |" -e "s|^TryExec=.*|TryExec=$exec_path|" \
        packaging/linux/readinglist.desktop >"$data/applications/$desktop_id"
    cp packaging/linux/$metainfo "$data/metainfo/$metainfo"
    for size in $sizes; do
        mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
        cp "resources/png/readinglist-$size.png" "$data/icons/hicolor/${size}x${size}/apps/readinglist.png"
    done
    cp resources/readinglist.svg "$data/icons/hicolor/scalable/apps/readinglist.svg"
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$data/applications/$desktop_id"
    fi
    refresh_caches
    echo "Installed the launcher $data/applications/$desktop_id"
}

case "$action" in
    install) install ;;
    uninstall) uninstall ;;
    *) echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
