#!/usr/bin/env bash
# Expression evaluation (CIExpressions), in process: `ci-bench expr` (release build) on the
# contexts of a step of a push event (bench/data/push-event.json, ~20 KB, as github.event).
# No baseline: absolute ns against the goal. Goal: the condition below, parsed once, evaluates in
# < 1 µs.
#
#   github.ref == 'refs/heads/main' && matrix.os != 'windows'
#       && contains(github.event.head_commit.message, '[skip ci]') == false
#
#   bash bench/expressions.sh               # ROUNDS=3 BENCH_SECONDS=1 (per measurement) by default
#
# Each round runs every measurement for ≥ BENCH_SECONDS after warm-up; the medians over the
# rounds are reported.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
BENCH_SECONDS="${BENCH_SECONDS:-1}"
GOAL_NS=1000
EVENT="$BENCH_DIR/data/push-event.json"

load_at_start="$(load_average)"
build_release ci-bench
cd "$REPO_DIR"
BENCH_BIN=.build/release/ci-bench

raw="$OUT_DIR/expressions.raw.jsonl"
: >"$raw"
for round in $(seq "$ROUNDS"); do
    line="$("$BENCH_BIN" expr --seconds "$BENCH_SECONDS" "$EVENT")"
    echo "round $round: $line" >&2
    echo "$line" >>"$raw"
done

# Medians over the rounds of every *_ns field, as "name value" lines.
medians="$("$PYTHON" -c '
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
for key in rounds[0]:
    if key.endswith("_ns"):
        print(key, statistics.median(r[key] for r in rounds))
print("tojson_bytes", rounds[0]["tojson_bytes"])
print("event_bytes", rounds[0]["event_bytes"])
' "$raw")"
field() { echo "$medians" | awk -v k="$1" '$1 == k { print $2 }'; }
eval_ns="$(field eval_ns)"
verdict="$(awk -v n="$eval_ns" -v g="$GOAL_NS" 'BEGIN { print (n < g ? "MET" : "MISSED") }')"

report="$OUT_DIR/expressions.md"
{
    echo "## Expression evaluation (bench/expressions.sh)"
    echo
    echo "\`ci-bench expr\`, in process; contexts of one step of a push event, built before timing: \`github\` with"
    echo "the engine's keys and bench/data/push-event.json ($(field event_bytes) bytes) as \`github.event\`, plus env, vars,"
    echo "secrets, matrix, strategy, job, runner, steps. Median of $ROUNDS rounds, each measurement ≥ ${BENCH_SECONDS} s after warm-up."
    echo "Condition: \`github.ref == 'refs/heads/main' && matrix.os != 'windows' && contains(github.event.head_commit.message, '[skip ci]') == false\`."
    echo
    echo "| measurement | ns per operation |"
    echo "| --- | ---: |"
    printf '| condition parsed once, evaluated (true: every operand runs) | %.0f |\n' "$eval_ns"
    printf '| same, cycling 4 contexts (true; false at the 2nd, 1st, 3rd operand) | %.0f |\n' "$(field eval_mixed_ns)"
    printf '| as a step `if:` (`Condition`, implicit `success() &&`) | %.0f |\n' "$(field condition_ns)"
    printf '| parse + evaluate, every time | %.0f |\n' "$(field parse_eval_ns)"
    printf '| `toJSON(github)` (%s bytes out) | %.0f |\n' "$(field tojson_bytes)" "$(field tojson_ns)"
    echo
    echo "Load average at the start: ${load_at_start}."
    echo
    printf 'Goal: evaluation of the parsed condition < %s ns — **%s** (%.0f ns).\n' "$GOAL_NS" "$verdict" "$eval_ns"
    echo
} >"$report"
cat "$report"
