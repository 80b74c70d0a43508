#!/usr/bin/env bash
# The validators the desktop-entry tests run (desktop-file-validate, appstreamcli). Installed with
# apt-get when missing and we may; otherwise those tests skip and say why.
set -euo pipefail
if command -v desktop-file-validate >/dev/null && command -v appstreamcli >/dev/null; then
    exit 0
fi
packages="desktop-file-utils appstream"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing the desktop-entry validators: $packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
    echo "Without $packages the desktop-entry validation tests are skipped." >&2
fi
