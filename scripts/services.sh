#!/usr/bin/env bash
# Starts (or stops) the local services the demo and the Docker tests use, with nothing from the
# internet but Debian packages:
#   - dockerd, with no bridge network and no iptables (containers use --network host or none);
#   - a base image `python:3.11-slim` made locally with mmdebstrap (there is no Docker Hub here);
#   - a registry with htpasswd auth on 127.0.0.1:5000.
# Usage: scripts/services.sh start|stop|status. State lives in $CI_SERVICES_DIR (default
# .build/services): logs, pid files, the registry's config, storage and password file.
# The registry's user and password are written to $CI_SERVICES_DIR/registry.env.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES="${CI_SERVICES_DIR:-$PWD/.build/services}"
REGISTRY_USER="${CI_REGISTRY_USER:-ci-demo}"
BASE_IMAGE="python:3.11-slim"
mkdir -p "$SERVICES"
SERVICES="$(cd "$SERVICES" && pwd)"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

install_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
    command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
    command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "services: installing ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    fi
}

wait_for() { # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.3
    done
}

start_dockerd() {
    if docker info >/dev/null 2>&1; then return; fi
    echo "services: starting dockerd (log: $SERVICES/dockerd.log)"
    $sudo dockerd --iptables=false --bridge=none --storage-driver=vfs --pidfile "$SERVICES/dockerd.pid" \
        >"$SERVICES/dockerd.log" 2>&1 &
    wait_for 60 docker info || { tail -20 "$SERVICES/dockerd.log" >&2; echo "services: dockerd did not start" >&2; exit 1; }
}

# A Debian bookworm image with Python 3.11 and pip, tagged as the official slim image so that
# Dockerfiles written for Docker Hub build unchanged. pip may install into the system Python
# (PIP_BREAK_SYSTEM_PACKAGES), as it can in the official image.
ensure_base_image() {
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return; fi
    echo "services: making $BASE_IMAGE with mmdebstrap (about a minute)"
    local rootfs="$SERVICES/python-rootfs.tar"
    $sudo mmdebstrap --quiet --variant=apt --include=python3,python3-pip,python3-venv,ca-certificates \
        --customize-hook='ln -sf python3 "$1/usr/bin/python"' \
        --customize-hook='cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"' \
        bookworm "$rootfs"
    docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
        --change 'ENV PIP_ROOT_USER_ACTION=ignore' \
        --change 'CMD ["python3"]' \
        "$rootfs" "$BASE_IMAGE" >/dev/null
    rm -f "$rootfs"
}

start_registry() {
    if curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ 2>/dev/null | grep -q 401; then return; fi
    if [ ! -f "$SERVICES/registry.env" ]; then
        local password
        password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
        printf 'DOCKERHUB_USERNAME=%s\nDOCKERHUB_TOKEN=%s\n' "$REGISTRY_USER" "$password" >"$SERVICES/registry.env"
        chmod 600 "$SERVICES/registry.env"
        htpasswd -Bbc "$SERVICES/htpasswd" "$REGISTRY_USER" "$password" 2>/dev/null
    fi
    mkdir -p "$SERVICES/registry-data"
    cat >"$SERVICES/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $SERVICES/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
auth:
  htpasswd:
    realm: ci-runner
    path: $SERVICES/htpasswd
EOF
    echo "services: starting the registry on 127.0.0.1:5000 (log: $SERVICES/registry.log)"
    docker-registry serve "$SERVICES/registry.yml" >"$SERVICES/registry.log" 2>&1 &
    echo $! >"$SERVICES/registry.pid"
    wait_for 20 curl -fsS -o /dev/null http://127.0.0.1:5000/v2/ -w '' || true
    curl -sS -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ | grep -q 401 || {
        tail -20 "$SERVICES/registry.log" >&2
        echo "services: the registry did not start" >&2
        exit 1
    }
}

stop_all() {
    if [ -f "$SERVICES/registry.pid" ]; then
        kill "$(cat "$SERVICES/registry.pid")" 2>/dev/null || true
        rm -f "$SERVICES/registry.pid"
    fi
    if [ -f "$SERVICES/dockerd.pid" ]; then
        $sudo kill "$(cat "$SERVICES/dockerd.pid")" 2>/dev/null || true
        wait_for 30 bash -c "! kill -0 $(cat "$SERVICES/dockerd.pid") 2>/dev/null" || true
        rm -f "$SERVICES/dockerd.pid"
    fi
}

case "${1:-}" in
    start)
        install_packages
        start_dockerd
        ensure_base_image
        start_registry
        echo "services: ok (docker $(docker version --format '{{.Server.Version}}'), registry 127.0.0.1:5000, credentials in $SERVICES/registry.env)"
        ;;
    stop) stop_all ;;
    status)
        docker info >/dev/null 2>&1 && echo "dockerd: running" || echo "dockerd: stopped"
        curl -sS -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ 2>/dev/null | grep -q 401 && echo "registry: running" || echo "registry: stopped"
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
