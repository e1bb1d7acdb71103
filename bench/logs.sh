#!/usr/bin/env bash
# Log throughput and memory: `ci-runner run` (release build) on one step printing 500 MB
# (`yes | head -c 500M`) with 50 secrets registered (random 16–32 character values, none of which
# occurs in the output), against the raw `yes | head -c 500M > /dev/null`. Goals: throughput
# ratio (raw time / ci-runner time) ≥ 0.5; ci-runner's peak RSS < 50 MB, the same at 50 MB of
# output as at 500 MB.
#
#   bash bench/logs.sh                     # SIZE=500M WARMUP=1 RUNS=5 by default
#
# ci-runner's stdout goes to /dev/null, once with the terminal reporter and once with --json
# (NDJSON events). Either way it writes the step's log to disk under CI_RUNNER_HOME, which is in
# a temp dir on the same disk as /tmp; each run's logs are deleted before the next run and at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE="${SIZE:-500M}"
SMALL_SIZE="${SMALL_SIZE:-50M}"
WARMUP="${WARMUP:-1}"
RUNS="${RUNS:-5}"
SECRETS=50
GOAL=0.5
RSS_GOAL_MB=50

load_at_start="$(load_average)"
ensure_hyperfine
ensure_gnu_time
build_runner

make_work_dir logs
repo="$work/repo"
mkdir -p "$repo/.github/workflows"
for size in "$SIZE" "$SMALL_SIZE"; do
    printf 'name: logs\non: push\njobs:\n  logs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: yes | head -c %s\n' \
        "$size" >"$repo/.github/workflows/logs-$size.yml"
done
make_git_repo "$repo"
export CI_RUNNER_HOME="$work/ci-runner-home"
cd "$repo"

# 50 secrets of 16–32 letters and digits; the output is only "y\n", so none of them occurs in it.
mapfile -t secret_args < <("$PYTHON" -c '
import random, string, sys
rng = random.Random(20261129)
for i in range(int(sys.argv[1])):
    value = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(16, 32)))
    assert set(value) - {"y"}
    print(f"--secret=S{i + 1}={value}")
' "$SECRETS")

workflow="$repo/.github/workflows/logs-$SIZE.yml"
runner_cmd="$RUNNER run $workflow ${secret_args[*]}"
json_cmd="$RUNNER run --json $workflow ${secret_args[*]}"
raw_cmd="bash -c 'yes | head -c $SIZE > /dev/null'"
# The floors: what any reader of the step's pipe pays (cat to /dev/null), and what one that also
# saves the output to the same disk as the logs pays (cat to a file there).
pipe_cmd="bash -c 'yes | head -c $SIZE | cat > /dev/null'"
disk_file="$work/floor.log"
disk_cmd="bash -c 'yes | head -c $SIZE | cat > $disk_file'"
# What the kernel alone pays to put that many new bytes in the page cache (one process, no pipe).
cache_cmd="bash -c 'head -c $SIZE /dev/zero > $disk_file'"
# Each run starts with the previous run's files deleted and nothing dirty left to write back
# (the kernel writing back an earlier run's 500 MB made single runs take twice as long).
clean="bash -c 'rm -rf $CI_RUNNER_HOME/runs $disk_file && sync'"

# Sanity: the whole output reaches the step's log, unmasked.
$runner_cmd >/dev/null 2>"$work/runner.err" || die "ci-runner run failed: $(tail -5 "$work/runner.err")"
log_file="$(find "$CI_RUNNER_HOME/runs" -name '*.log' | head -1)"
log_bytes="$(stat -c %s "$log_file")"
expected_bytes="$(numfmt --from=iec "$SIZE")"
[ "$log_bytes" -ge "$expected_bytes" ] || die "the step's log has $log_bytes bytes, expected $expected_bytes"
! grep -qF '***' "$log_file" || die "the log has masked text, but no secret occurs in the output"
eval "$clean"

hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --output=null --style basic --prepare "$clean" \
    --export-json "$OUT_DIR/logs.hyperfine.json" \
    -n ci-runner "$runner_cmd" -n "ci-runner --json" "$json_cmd" -n raw "$raw_cmd" -n "pipe floor" "$pipe_cmd" \
    -n "disk floor" "$disk_cmd" -n "page cache" "$cache_cmd" >&2
eval "$clean"
# Median wall time (single runs on this VM sometimes take twice as long, whatever runs them), min–max
# and mean CPU (user + sys) of each command, in ms.
read -r runner_mean runner_range runner_cpu json_mean json_range json_cpu raw_mean raw_range raw_cpu pipe_mean pipe_range pipe_cpu \
    disk_mean disk_range disk_cpu cache_mean cache_range cache_cpu < <("$PYTHON" -c '
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name in ("ci-runner", "ci-runner --json", "raw", "pipe floor", "disk floor", "page cache"):
    r = results[name]
    mean, low, high, cpu = r["median"], min(r["times"]), max(r["times"]), r["user"] + r["system"]
    print(f"{mean * 1000:.0f} {low * 1000:.0f}–{high * 1000:.0f} {cpu * 1000:.0f}", end=" ")
print()
' "$OUT_DIR/logs.hyperfine.json")

# Peak RSS of the ci-runner process (GNU time: the largest RSS of it and the processes it waited
# for, which here are the small shell, yes and head of the step), at both output sizes.
peak_rss_kb() {
    local rss
    rss="$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')"
    eval "$clean"
    echo "$rss"
}
rss_kb="$(peak_rss_kb $runner_cmd)"
json_rss_kb="$(peak_rss_kb $json_cmd)"
small_rss_kb="$(peak_rss_kb "$RUNNER" run "$repo/.github/workflows/logs-$SMALL_SIZE.yml" "${secret_args[@]}")"

read -r ratio json_ratio mb_s json_mb_s raw_mb_s verdict rss_mb json_rss_mb small_rss_mb rss_verdict pipe_ratio disk_ratio \
    pipe_mb_s disk_mb_s < <(awk \
    -v r="$runner_mean" -v j="$json_mean" -v w="$raw_mean" -v b="$expected_bytes" -v g="$GOAL" \
    -v k="$rss_kb" -v jk="$json_rss_kb" -v sk="$small_rss_kb" -v rg="$RSS_GOAL_MB" -v p="$pipe_mean" -v d="$disk_mean" 'BEGIN {
    rss = k / 1024; jrss = jk / 1024; srss = sk / 1024
    printf "%.3f %.3f %.0f %.0f %.0f %s %.1f %.1f %.1f %s %.3f %.3f %.0f %.0f\n", w / r, w / j, b / 1e6 / (r / 1000), b / 1e6 / (j / 1000),
        b / 1e6 / (w / 1000), (w / r >= g ? "MET" : "MISSED"), rss, jrss, srss,
        (rss < rg && jrss < rg && rss < srss * 1.2 + 2 ? "MET" : "MISSED"), w / p, w / d, b / 1e6 / (p / 1000), b / 1e6 / (d / 1000) }')

# A VM that hands freed memory back to its host (virtio-balloon free page reporting, as Firecracker
# does) pays a host page fault for each new page: the page-cache row shows what that costs here.
page_reporting="Free page reporting: none found."
if [ -r /sys/module/page_reporting/parameters/page_reporting_order ]; then
    reported_kib="$(cat /sys/module/page_reporting/parameters/reported_kib 2>/dev/null || echo '?')"
    page_reporting="Free page reporting: on (this VM returns freed memory to its host: ${reported_kib} KiB so far; order $(cat /sys/module/page_reporting/parameters/page_reporting_order))."
fi

report="$OUT_DIR/logs.md"
{
    echo "## Log throughput and memory (bench/logs.sh)"
    echo
    echo "One step \`yes | head -c ${SIZE}\` (${expected_bytes} bytes of \"y\\n\") with ${SECRETS} secrets registered (none occurs in"
    echo "the output); hyperfine -N, ${WARMUP} warm-up + ${RUNS} runs per command, stdout to /dev/null; the step's log is"
    echo "written to disk under CI_RUNNER_HOME (a temp dir on the /tmp disk) and deleted before each run. With stdout not a"
    echo "terminal, ci-runner run prints the output as it is under a \`[job] ▶ step\` header; --json writes NDJSON events"
    echo "(each chunk of output a JSON string) instead. The floors are plain \`cat\` reading the same pipeline: to /dev/null"
    echo "(what reading the step's pipe costs) and to a file on the logs' disk (what saving the output costs)."
    echo
    echo "| command | median wall time | min–max | MB/s | throughput ratio (raw / it) | CPU (user+sys) | peak RSS |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    echo "| ci-runner run | ${runner_mean} ms | ${runner_range} ms | ${mb_s} | ${ratio} | ${runner_cpu} ms | ${rss_mb} MB |"
    echo "| ci-runner run --json | ${json_mean} ms | ${json_range} ms | ${json_mb_s} | ${json_ratio} | ${json_cpu} ms | ${json_rss_mb} MB |"
    echo "| raw: \`yes \\| head -c ${SIZE} > /dev/null\` | ${raw_mean} ms | ${raw_range} ms | ${raw_mb_s} | 1.00 | ${raw_cpu} ms | — |"
    echo "| pipe floor: \`… \\| cat > /dev/null\` | ${pipe_mean} ms | ${pipe_range} ms | ${pipe_mb_s} | ${pipe_ratio} | ${pipe_cpu} ms | — |"
    echo "| disk floor: \`… \\| cat > FILE\` (logs' disk) | ${disk_mean} ms | ${disk_range} ms | ${disk_mb_s} | ${disk_ratio} | ${disk_cpu} ms | — |"
    echo "| page cache: \`head -c ${SIZE} /dev/zero > FILE\` | ${cache_mean} ms | ${cache_range} ms | — | — | ${cache_cpu} ms | — |"
    echo
    echo "Peak RSS: \"Maximum resident set size\" from /usr/bin/time -v, one run each (MB = 2^20 bytes); with"
    echo "\`head -c ${SMALL_SIZE}\` instead, ci-runner run peaks at ${small_rss_mb} MB."
    echo "Load average at the start: ${load_at_start}."
    echo "${page_reporting}"
    echo
    echo "Goal: throughput ratio ≥ ${GOAL} — **${verdict}** (${ratio}; --json ${json_ratio}). Saving the output at all"
    echo "(the disk floor) reaches ${disk_ratio} here."
    echo "Goal: peak RSS < ${RSS_GOAL_MB} MB and flat — **${rss_verdict}** (${rss_mb} MB at ${SIZE}, ${small_rss_mb} MB at ${SMALL_SIZE}; --json ${json_rss_mb} MB)."
    echo
} >"$report"
cat "$report"
