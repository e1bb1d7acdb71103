#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for SECONDS (default 60). See docs/fuzzing.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: fuzz-yaml, fuzz-workflow
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-yaml fuzz-workflow)
scratch=.build-fuzz
seeds=../shared/corpus/yaml/workflows
for target in "${targets[@]}"; do
    CI_RUNNER_FUZZ=1 swift build --scratch-path "$scratch" --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
    corpus="$scratch/corpus-$target"
    mkdir -p "$corpus" "$scratch/artifacts"
    seed_dirs=()
    [ -d "$seeds" ] && seed_dirs+=("$seeds")
    [ -d ../shared/corpus/actionlint/err ] && seed_dirs+=(../shared/corpus/actionlint/err ../shared/corpus/actionlint/ok)
    echo "fuzz: running $target for ${seconds}s"
    "$scratch/debug/$target" "$corpus" "${seed_dirs[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="$scratch/artifacts/$target-" -print_final_stats=1 2>&1 | tail -n 25
done
