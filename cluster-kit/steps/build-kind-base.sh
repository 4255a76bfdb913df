#!/usr/bin/env bash
# Builds kind's node base image from cluster-kit/images/kind-base and kind's own base files.
# Usage: build-kind-base.sh <kind-version> <runc-wrapper-binary> <install-wrapper 0|1> <tag>
set -euo pipefail
kind_version="$1"; wrapper="$2"; install_wrapper="$3"; tag="$4"
here="$(cd "$(dirname "$0")/.." && pwd)"
kind_dir="$(cd "$(mktemp -d)" && go mod download -json "sigs.k8s.io/kind@${kind_version}" | jq -r .Dir)"
ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT

cp "$here/images/kind-base/Dockerfile" "$ctx/"
cp -r "$kind_dir/images/base/files" "$ctx/files"
cp "$wrapper" "$ctx/runc-wrapper"
# The module cache is read-only and drops run bits: restore them as kind's Dockerfile does.
chmod -R u+w "$ctx"
find "$ctx/files" -type d -exec chmod 0755 {} +
find "$ctx/files" -type f -exec chmod 0644 {} +
chmod 0755 "$ctx"/files/usr/local/bin/* "$ctx"/files/kind/bin/*

echo "[base] docker build $tag"
docker build --build-arg "INSTALL_RUNC_WRAPPER=${install_wrapper}" -t "$tag" "$ctx"
