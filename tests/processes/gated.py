"""`python -m tests.processes.gated ARGS…`: the `readinglist` command line, started on cue.

Prints "ready" once everything is imported, waits for a line on stdin, then runs
`readinglist ARGS…`, so that several processes start their work within microseconds of each
other instead of a process start-up (~0.3 s) apart.
"""

from __future__ import annotations

import sys

from readinglist.cli import main

if __name__ == "__main__":
    print("ready", flush=True)
    sys.stdin.readline()
    sys.exit(main(sys.argv[1:]))
