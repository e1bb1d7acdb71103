#!/usr/bin/env bash
# Installs what ci-runner's build, demo and tests need on a fresh Debian machine, and nothing
# that is already there. Safe to run again. Needs root (or sudo) only when something is missing.
set -euo pipefail

# Debian packages the build and tests use: libgit2 for repositories, bubblewrap for the job
# sandbox (its tests and the escape suite run in CI), procps for pgrep/ps in tests.
APT_PACKAGES=(git python3 python3-pip pkg-config libgit2-dev bubblewrap procps)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# git and python may come from elsewhere (pyenv, /usr/local): only ask apt when the command is absent.
filtered=()
for package in "${missing[@]}"; do
    case "$package" in
        git) command -v git >/dev/null 2>&1 || filtered+=(git) ;;
        python3) command -v python3 >/dev/null 2>&1 || filtered+=(python3) ;;
        python3-pip) python3 -m pip --version >/dev/null 2>&1 || filtered+=(python3-pip) ;;
        *) filtered+=("$package") ;;
    esac
done

if [ "${#filtered[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${filtered[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${filtered[@]}"
fi

command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (Swift 6.3 is expected at /opt/swift)" >&2; exit 1; }
echo "setup: ok"
