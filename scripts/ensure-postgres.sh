#!/usr/bin/env bash
# PostgreSQL's server programs (initdb, pg_ctl, postgres) for the tests' private cluster
# (tests/postgres.py starts one per test session on a free port of 127.0.0.1). Installed with
# apt-get when missing and we may (root, as on CI); the system's own cluster service is never
# started. When they cannot be had this says so in one line and succeeds: the PostgreSQL
# tests then skip, each saying why.
#
# READINGLIST_APT=0 never installs, only says what is missing; READINGLIST_PG_LIBDIR (default
# /usr/lib/postgresql) is where Debian puts each version's programs (the tests use both).
set -uo pipefail
packages="postgresql"
libdir=${READINGLIST_PG_LIBDIR:-/usr/lib/postgresql}

found() {
    local dir
    for dir in "" "$libdir"/*/bin; do
        if [ -z "$dir" ]; then
            command -v initdb >/dev/null && command -v pg_ctl >/dev/null \
                && command -v postgres >/dev/null && return 0
        elif [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            return 0
        fi
    done
    return 1
}

found && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ "${READINGLIST_APT:-1}" = 0 ]; then
    echo "Note: no PostgreSQL server programs (initdb, pg_ctl, postgres); the PostgreSQL tests will be skipped. To run them: sudo apt-get install $packages" >&2
    exit 0
fi
echo "Installing PostgreSQL for the tests' private server: $packages"
# policy-rc.d exit 101 tells invoke-rc.d not to start services: the package's own cluster
# (port 5432) is neither wanted nor needed. An existing policy is kept.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
fi
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $packages >>"$log" 2>&1; then
    status=0
else
    status=1
fi
[ "$own_policy" = 1 ] && rm -f "$policy"
if [ "$status" != 0 ]; then
    reason=$(grep -E '^(E|W):' "$log" | tail -1)
    echo "Note: PostgreSQL could not be installed (${reason:-apt-get failed}); the PostgreSQL tests will be skipped" >&2
elif ! found; then
    echo "Note: the $packages package was installed, yet initdb, pg_ctl and postgres are not in PATH or $libdir/*/bin; the PostgreSQL tests will be skipped" >&2
fi
rm -f "$log"
exit 0
