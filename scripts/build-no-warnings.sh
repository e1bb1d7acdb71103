#!/usr/bin/env bash
# Builds everything (with tests) and fails if the compiler warned about our own code.
set -euo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --build-tests 2>&1 | tee "$log"
if grep -E "/(Sources|Tests|Fuzz)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" >/dev/null; then
    echo "build: the compiler warned about our code (see above); fix every warning" >&2
    exit 1
fi
