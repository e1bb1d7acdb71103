#!/usr/bin/env bash
# Runs every benchmark in bench/ from release builds and writes bench/out/results.md (git-ignored)
# as well as printing it. Installs what the benchmarks need first, only when it is missing.
#
#   bash bench/run.sh        (or: make bench)
#
# Environment: ROUNDS, BENCH_SECONDS (yaml-throughput.sh, expressions.sh); WARMUP, RUNS (validate.sh,
# step-overhead.sh, cold-start.sh, logs.sh); SIZE (logs.sh); CORPUS_DIR (default
# ../shared/corpus/yaml/workflows); PYTHON; SWIFT. Each script runs with its own defaults unless
# these are set.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_all
rm -f "$OUT_DIR"/*.md "$OUT_DIR"/*.jsonl

bash "$BENCH_DIR/yaml-throughput.sh"
bash "$BENCH_DIR/validate.sh"
bash "$BENCH_DIR/expressions.sh"
bash "$BENCH_DIR/step-overhead.sh"
bash "$BENCH_DIR/cold-start.sh"
bash "$BENCH_DIR/logs.sh"

results="$OUT_DIR/results.md"
{
    echo "# ci-runner benchmarks"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(machine_line)."
    echo "Release builds; each ratio compares against a baseline run in the same script. See bench/README.md."
    echo
    cat "$OUT_DIR/yaml-throughput.md" "$OUT_DIR/validate.md" "$OUT_DIR/expressions.md" "$OUT_DIR/step-overhead.md" \
        "$OUT_DIR/cold-start.md" "$OUT_DIR/logs.md"
} >"$results"
echo
echo "===== $results ====="
cat "$results"
