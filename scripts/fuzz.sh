#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for SECONDS (default 60). See docs/fuzzing.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: fuzz-yaml, fuzz-workflow, fuzz-expression
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-yaml fuzz-workflow fuzz-expression)
scratch=.build-fuzz
seeds=../shared/corpus/yaml/workflows
for target in "${targets[@]}"; do
    CI_RUNNER_FUZZ=1 swift build --scratch-path "$scratch" --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
    corpus="$scratch/corpus-$target"
    mkdir -p "$corpus" "$scratch/artifacts"
    seed_dirs=()
    if [ "$target" = fuzz-expression ]; then
        # Seeds: each expression of GitHub's cross-language tests, one per file.
        mkdir -p "$scratch/seeds-expression"
        [ -d ../shared/corpus/expr/languageservices ] && python3 - "$scratch/seeds-expression" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
n = 0
for path in glob.glob("../shared/corpus/expr/languageservices/*.json"):
    for cases in json.load(open(path)).values():
        for case in cases:
            n += 1
            open(os.path.join(out, f"{n:05d}"), "w").write(case["expr"])
PY
        seed_dirs+=("$scratch/seeds-expression")
    else
        [ -d "$seeds" ] && seed_dirs+=("$seeds")
        [ -d ../shared/corpus/actionlint/err ] && seed_dirs+=(../shared/corpus/actionlint/err ../shared/corpus/actionlint/ok)
    fi
    echo "fuzz: running $target for ${seconds}s"
    "$scratch/debug/$target" "$corpus" "${seed_dirs[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="$scratch/artifacts/$target-" -print_final_stats=1 2>&1 | tail -n 25
done
