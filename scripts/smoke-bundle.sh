#!/usr/bin/env bash
# Smoke-test the built bundle headless: --version, an import through the bundle's executable into
# a temporary library, and the window opening offscreen and closing after its first paint.
#   make bundle && make smoke-bundle        (BUNDLE=path/to/ReadingList to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${BUNDLE:-dist/ReadingList/ReadingList}
[ -f "$bundle" ] || bundle=dist/ReadingList  # the one-file build
if [ ! -x "$bundle" ]; then
    echo "smoke-bundle: no bundle at dist/ReadingList; run 'make bundle' first" >&2
    exit 1
fi
sample=${SAMPLE:-tests/fixtures/samples/hf-text/000_b1094c3f7ed4a1c2.txt}
if [ ! -f "$sample" ]; then
    echo "smoke-bundle: the sample $sample is missing" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Nothing of the user's is read or written: a fresh home, data, config and log folder.
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
export XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/run"
export READINGLIST_LOG_DIR="$work/logs"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
library="$work/library.sqlite"
failures=0
passes=0

step() {  # step NAME COMMAND...: run, time and report one check
    local name=$1
    shift
    local start=$EPOCHREALTIME elapsed
    if "$@" >"$work/out" 2>"$work/err"; then
        elapsed=$(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $start }")
        printf 'ok    %-22s %6ss  %s\n' "$name" "$elapsed" "$(head -c 200 "$work/out" | tr '\n' ' ')"
        passes=$((passes + 1))
    else
        elapsed=$(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $start }")
        printf 'FAIL  %-22s %6ss\n' "$name" "$elapsed"
        sed 's/^/      /' "$work/out" "$work/err" | tail -30
        failures=$((failures + 1))
    fi
}

version_matches() {
    "$bundle" --version | grep -E "^ReadingList [0-9]"
}

import_sample() {
    "$bundle" --library "$library" import "$sample" && [ -s "$library" ]
}

search_finds_papers() {
    local count
    count=$("$bundle" --library "$library" search --json --quiet | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    echo "$count papers in the library"
    [ "$count" -gt 0 ]
}

window_paints() {
    QT_QPA_PLATFORM=offscreen timeout 60 "$bundle" --library "$library" --smoke-test
}

no_qt_warnings() {  # the offscreen window run must not have complained about missing plugins
    ! grep -Ei 'could not (find|load) the qt platform plugin|cannot load library' "$work/err.window"
}

# psycopg's own libpq (postgresql:// libraries), complete inside the folder build: every
# library it links to resolves, and libpq from the bundle, not from the system.
libpq_bundled() {
    local internal pq
    internal="$(dirname "$bundle")/_internal"
    [ -d "$internal" ] || { echo "one-file build: not inspected"; return 0; }
    internal=$(cd "$internal" && pwd -P)
    pq=$(ls "$internal"/psycopg_binary/pq.*.so) || return 1
    ! ldd "$pq" | grep 'not found' && ldd "$pq" | grep -E "libpq[^ ]* => $internal/"
}

# A shared library: an import through the bundle into a private PostgreSQL server, which the
# checkout's test support starts (`python -m tests.postgres`) and stops when this script ends.
pg_url=""
pg_note="no .venv to start a PostgreSQL server with"
if [ -x .venv/bin/python ]; then
    coproc PG { PYTHONPATH=. exec .venv/bin/python -m tests.postgres 2>&1; }
    read -r pg_line <&"${PG[0]}" || pg_line="the PostgreSQL server's starter said nothing"
    case "$pg_line" in
        postgresql*) pg_url=$pg_line ;;
        *) pg_note=$pg_line ;;
    esac
fi

import_into_postgres() {
    if [ -z "$pg_url" ]; then
        echo "not checked: $pg_note"
        return 0
    fi
    "$bundle" --library "$pg_url" import "$sample"
}

echo "smoke-testing $bundle ($(du -sh "$(dirname "$bundle")" | cut -f1) on disk)"
step "--version" version_matches
step "import a sample" import_sample
step "search the import" search_finds_papers
step "--smoke-test window" window_paints
cp "$work/err" "$work/err.window"
step "no plugin warnings" no_qt_warnings
step "psycopg libpq bundled" libpq_bundled
step "postgresql:// import" import_into_postgres
step "log file written" test -s "$READINGLIST_LOG_DIR/readinglist.log"

if [ -n "${PG_PID:-}" ]; then  # end of stdin: the server stops and its directory goes
    eval "exec ${PG[1]}>&-"
    wait "$PG_PID" || true
fi

echo "smoke-bundle: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
