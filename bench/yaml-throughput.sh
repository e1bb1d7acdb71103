#!/usr/bin/env bash
# YAML parse throughput: CIYAML's YAML.parse (ci-bench parse, release build) against PyYAML's
# yaml.load(data, Loader=yaml.CSafeLoader) (libyaml), on exactly the same bytes: the corpus
# workflows that both sides parse. Also reports ci-bench load (YAML + workflow validation) for
# context. Goal: YAML.parse ≥ 10× PyYAML's MB/s.
#
#   bash bench/yaml-throughput.sh            # ROUNDS=3 BENCH_SECONDS=2 by default
#   ROUNDS=5 BENCH_SECONDS=3 bash bench/yaml-throughput.sh
#
# Each round runs both sides back to back (warm-up passes, then whole passes over every file
# for ≥ BENCH_SECONDS); the medians over the rounds are reported.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
BENCH_SECONDS="${BENCH_SECONDS:-2}"
GOAL=10

ensure_pyyaml
build_release ci-bench
cd "$REPO_DIR"
BENCH_BIN=.build/release/ci-bench

mapfile -t all_files < <(corpus_files)
[ "${#all_files[@]}" -gt 0 ] || die "no workflow files in $CORPUS_DIR"

# Files either side rejects are left out of both, so both parse the same bytes.
mapfile -t swift_rejects < <("$BENCH_BIN" check "${all_files[@]}" 2>"$OUT_DIR/yaml-rejects-ci-bench.txt")
mapfile -t python_rejects < <("$PYTHON" "$BENCH_DIR/pyyaml_bench.py" check "${all_files[@]}" 2>"$OUT_DIR/yaml-rejects-pyyaml.txt")
declare -A excluded=()
for file in "${swift_rejects[@]}" "${python_rejects[@]}"; do excluded["$file"]=1; done
files=()
for file in "${all_files[@]}"; do [ -n "${excluded[$file]:-}" ] || files+=("$file"); done

describe_rejects() {
    if [ "$#" -eq 0 ]; then echo "none"; else printf '%s ' "${@##*/}"; fi
}
log "corpus: ${#all_files[@]} files; timed: ${#files[@]}"
log "rejected by YAML.parse: $(describe_rejects "${swift_rejects[@]}")"
log "rejected by PyYAML CSafeLoader: $(describe_rejects "${python_rejects[@]}")"

swift_rates=()
python_rates=()
load_rates=()
for round in $(seq "$ROUNDS"); do
    swift_json="$("$BENCH_BIN" parse --seconds "$BENCH_SECONDS" "${files[@]}")"
    python_json="$("$PYTHON" "$BENCH_DIR/pyyaml_bench.py" parse --seconds "$BENCH_SECONDS" "${files[@]}")"
    load_json="$("$BENCH_BIN" load --seconds "$BENCH_SECONDS" "${files[@]}")"
    echo "round $round ci-bench: $swift_json" >&2
    echo "round $round pyyaml:   $python_json" >&2
    echo "round $round load:     $load_json" >&2
    swift_bytes="$(echo "$swift_json" | json_field - bytes)"
    python_bytes="$(echo "$python_json" | json_field - bytes)"
    [ "$swift_bytes" = "$python_bytes" ] || die "the two sides read different bytes ($swift_bytes vs $python_bytes)"
    swift_rates+=("$(echo "$swift_json" | json_field - mb_per_s)")
    python_rates+=("$(echo "$python_json" | json_field - mb_per_s)")
    load_rates+=("$(echo "$load_json" | json_field - mb_per_s)")
    { echo "$swift_json"; echo "$python_json"; echo "$load_json"; } >>"$OUT_DIR/yaml-throughput.raw.jsonl"
done

swift_mbs="$(median "${swift_rates[@]}")"
python_mbs="$(median "${python_rates[@]}")"
load_mbs="$(median "${load_rates[@]}")"
read -r ratio load_ratio verdict < <(awk -v s="$swift_mbs" -v p="$python_mbs" -v l="$load_mbs" -v g="$GOAL" \
    'BEGIN { printf "%.2f %.2f %s\n", s / p, l / p, (s / p >= g ? "MET" : "MISSED") }')
pyyaml_version="$("$PYTHON" -c 'import yaml; print(yaml.__version__)')"

report="$OUT_DIR/yaml-throughput.md"
{
    echo "## YAML parse throughput (bench/yaml-throughput.sh)"
    echo
    echo "${#files[@]} of ${#all_files[@]} corpus files, ${swift_bytes} bytes, same bytes on both sides;" \
        "median of $ROUNDS rounds, each ≥ ${BENCH_SECONDS} s after warm-up."
    echo "Excluded (YAML.parse rejects): $(describe_rejects "${swift_rejects[@]}")."
    echo "Excluded (PyYAML CSafeLoader rejects): $(describe_rejects "${python_rejects[@]}")."
    echo
    echo "| what | MB/s | × PyYAML |"
    echo "| --- | ---: | ---: |"
    printf '| ci-bench parse (YAML.parse) | %.1f | %s |\n' "$swift_mbs" "$ratio"
    printf '| PyYAML %s yaml.load, CSafeLoader (libyaml) | %.1f | 1.00 |\n' "$pyyaml_version" "$python_mbs"
    printf '| ci-bench load (YAML + workflow validation + lints), for context | %.1f | %s |\n' "$load_mbs" "$load_ratio"
    echo
    echo "Goal: YAML.parse ≥ ${GOAL}× PyYAML — **${verdict}** (${ratio}×)."
    echo
} >"$report"
cat "$report"
