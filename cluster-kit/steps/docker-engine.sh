#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine.
# - Uses the running engine when there is one (a laptop's Docker Desktop, a systemd dockerd).
# - Otherwise starts Debian's dockerd in the background, logging to $KUBEQUEST_STATE/dockerd.log.
# - Where the capability bounding set lacks CAP_SYS_RESOURCE (our Firecracker VMs), first
#   registers the runc wrapper as Docker's default runtime, or no privileged container (so no
#   kind node) can start.
# Usage: docker-engine.sh <runc-wrapper-binary>
set -euo pipefail
wrapper_src="${1:-}"
state="${KUBEQUEST_STATE:-$HOME/.cache/kubequest/state}"
mkdir -p "$state"

if docker info >/dev/null 2>&1; then
  echo "[docker] engine already running ($(docker info -f '{{.ServerVersion}}'))"
  exit 0
fi
command -v dockerd >/dev/null || { echo "[docker] dockerd is not installed: apt-get install docker.io" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "[docker] the engine is not running and starting it needs root" >&2; exit 1; }

# Bit 24 of the bounding set is CAP_SYS_RESOURCE.
cap_bnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
if (( (16#$cap_bnd >> 24 & 1) == 0 )); then
  [ -x "$wrapper_src" ] || { echo "[docker] CAP_SYS_RESOURCE is missing and no runc wrapper was built" >&2; exit 1; }
  install -D -m 0755 "$wrapper_src" /usr/local/lib/kubequest/runc-wrapper
  mkdir -p /etc/docker
  if [ -f /etc/docker/daemon.json ] && ! grep -q kubequest-runc /etc/docker/daemon.json; then
    cp /etc/docker/daemon.json /etc/docker/daemon.json.before-kubequest
    jq '.runtimes["kubequest-runc"] = {"path": "/usr/local/lib/kubequest/runc-wrapper"} | .["default-runtime"] = "kubequest-runc"' \
      /etc/docker/daemon.json.before-kubequest > /etc/docker/daemon.json
  elif [ ! -f /etc/docker/daemon.json ]; then
    cat > /etc/docker/daemon.json <<'JSON'
{
  "runtimes": { "kubequest-runc": { "path": "/usr/local/lib/kubequest/runc-wrapper" } },
  "default-runtime": "kubequest-runc"
}
JSON
  fi
  echo "[docker] CAP_SYS_RESOURCE is not in the bounding set: runc wrapper registered as default runtime"
fi

echo "[docker] starting dockerd (log: $state/dockerd.log)"
setsid nohup dockerd >"$state/dockerd.log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "[docker] engine $(docker info -f '{{.ServerVersion}}') is up"
    exit 0
  fi
  sleep 1
done
echo "[docker] dockerd did not answer within 60 s; last log lines:" >&2
tail -n 20 "$state/dockerd.log" >&2
exit 1
