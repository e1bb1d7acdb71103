#!/usr/bin/env bash
# Runs every benchmark in bench/ from release builds and writes bench/out/results.md (git-ignored)
# as well as printing it. Installs what the benchmarks need first, only when it is missing.
#
#   bash bench/run.sh        (or: make bench)
#
# Environment: ROUNDS, BENCH_SECONDS (yaml-throughput.sh); WARMUP, RUNS (validate.sh);
# CORPUS_DIR (default ../shared/corpus/yaml/workflows); PYTHON; SWIFT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_all
rm -f "$OUT_DIR"/*.md "$OUT_DIR"/*.jsonl

bash "$BENCH_DIR/yaml-throughput.sh"
bash "$BENCH_DIR/validate.sh"

results="$OUT_DIR/results.md"
{
    echo "# ci-runner benchmarks"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_line)."
    echo "Release builds; each ratio compares against a baseline run in the same script. See bench/README.md."
    echo
    cat "$OUT_DIR/yaml-throughput.md" "$OUT_DIR/validate.md"
} >"$results"
echo
echo "===== $results ====="
cat "$results"
