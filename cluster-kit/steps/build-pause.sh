#!/usr/bin/env bash
# Compiles the pause binary from build/pause/linux/pause.c of the k8s.io/kubernetes module.
# Usage: build-pause.sh <k8s-version> <pause-version, e.g. 3.10.1> <out-dir>
set -euo pipefail
k8s_version="$1"; pause_version="$2"; out="$3"
mkdir -p "$out"
k8s_dir="$(cd "$(mktemp -d)" && go mod download -json "k8s.io/kubernetes@${k8s_version}" | jq -r .Dir)"
echo "[pause] compiling pause ${pause_version}"
gcc -Os -Wall -Werror -static -DVERSION="v${pause_version}" -o "$out/pause" "$k8s_dir/build/pause/linux/pause.c"
strip "$out/pause"
"$out/pause" -v
