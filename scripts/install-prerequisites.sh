#!/usr/bin/env bash
# Installs what KubeQuest needs on a fresh Debian 12 (or Ubuntu) machine, and checks the two
# toolchains it does not install (Node.js and Go). The README's set-up and `.ci/run` both call
# this script, so a person and CI install exactly the same things; `npm start` and `npm test`
# call it with --check and name what is missing.
#
# Each need is probed by what it provides (a command, a file), not by a package name, so the
# check also holds on a machine that got the tool elsewhere (Docker Desktop, a PostgreSQL
# build); only what is missing is installed, from Debian's archive:
#   docker.io        Docker's engine for the kind nodes (the cluster kit starts dockerd itself)
#   debootstrap      the offline kit's debian:bookworm-slim base image
#   jq               the kit's scripts
#   chromium         end-to-end tests and grading runs (never a browser downloaded by a tool)
#   gcc, libc6-dev   the static pause binary
#   postgresql       PostgreSQL tests start a throwaway server from its binaries
#   haproxy          the two-instance test's sticky load balancer (started by the test, loopback only)
#   ca-certificates  the Go module proxy and the npm registry over HTTPS
#   util-linux       flock, which lets only one `cluster:up` build at a time
#
# Usage: bash scripts/install-prerequisites.sh [--check]
#   --check  report only; exit 1 and name the missing pieces and the command that installs them
set -euo pipefail
check_only=0
[ "${1:-}" = "--check" ] && check_only=1

has() { command -v "$1" >/dev/null 2>&1; }
present() { # <package>: is what this Debian package provides already here?
  case "$1" in
    docker.io) has dockerd || docker info >/dev/null 2>&1 ;;
    debootstrap) has debootstrap || [ -x /usr/sbin/debootstrap ] ;;
    jq) has jq ;;
    chromium) [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] ;;
    gcc) has gcc ;;
    libc6-dev) has gcc && [ "$(gcc -print-file-name=libc.a)" != "libc.a" ] ;;
    postgresql) compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null ;;
    haproxy) has haproxy || [ -x /usr/sbin/haproxy ] ;;
    ca-certificates) [ -s /etc/ssl/certs/ca-certificates.crt ] ;;
    util-linux) has flock ;;
  esac
}

packages=(docker.io debootstrap jq chromium gcc libc6-dev ca-certificates postgresql haproxy util-linux)
missing=()
for p in "${packages[@]}"; do present "$p" || missing+=("$p"); done

problems=0
if ((${#missing[@]})); then
  if ((check_only)); then
    echo "[prerequisites] missing: ${missing[*]}" >&2
    echo "[prerequisites] install them with: sudo bash scripts/install-prerequisites.sh" >&2
    problems=1
  elif ! has apt-get; then
    echo "[prerequisites] missing: ${missing[*]} (Debian package names); install them with your system's package manager" >&2
    problems=1
  else
    [ "$(id -u)" = 0 ] || { echo "[prerequisites] installing ${missing[*]} needs root: sudo bash $0" >&2; exit 1; }
    echo "[prerequisites] installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
else
  echo "[prerequisites] present: ${packages[*]}"
fi

# Toolchains this script does not install: say which version and where it comes from. Go 1.26:
# the kube-router step raises its dependencies to patched versions that declare go 1.26.
if ! has go; then
  echo "[prerequisites] Go >= 1.26 is required (the offline kit builds kind and Kubernetes from the Go module proxy): https://go.dev/doc/install or your distribution's golang package" >&2
  problems=1
else
  go_version="$(go env GOVERSION)"; go_version="${go_version#go}"
  oldest="$(printf '%s\n1.26\n' "$go_version" | sort -V | sed -n 1p)"
  if [ "$oldest" != "1.26" ]; then
    echo "[prerequisites] Go $go_version is too old: Go >= 1.26 is required" >&2
    problems=1
  fi
fi
if ! has node; then
  echo "[prerequisites] Node.js >= 20.19 is required" >&2
  problems=1
elif ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "[prerequisites] Node.js $(node --version) is too old: >= 20.19 is required" >&2
  problems=1
fi
exit "$problems"
