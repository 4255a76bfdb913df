#!/usr/bin/env bash
# Makes a local `debian:bookworm-slim` image from debootstrap, so that our Dockerfiles
# (`FROM debian:bookworm-slim`) build the same way with or without a container registry.
# The image's apt sources are the host's own Debian sources, so `apt-get install` in a
# Dockerfile reaches the same archive the host does.
# Usage: build-debian-slim.sh <image-tag>
set -euo pipefail
tag="$1"
rootfs="$(mktemp -d)"; trap 'rm -rf "$rootfs"' EXIT

sources=/etc/apt/sources.list.d/debian.sources
mirror="${KUBEQUEST_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ] && [ -f "$sources" ]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' "$sources")
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "[debian] no Debian mirror found in apt's sources; set KUBEQUEST_DEBIAN_MIRROR" >&2; exit 1; }

echo "[debian] debootstrap bookworm (minbase)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -n 30 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

# Same apt sources as the host (main archive + updates + security).
rm -f "$rootfs/etc/apt/sources.list"
if [ -f "$sources" ]; then
  cp "$sources" "$rootfs/etc/apt/sources.list.d/debian.sources"
else
  cp /etc/apt/sources.list "$rootfs/etc/apt/sources.list"
fi
# The slim image's usual trims: no docs or caches, no package lists.
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
echo 'APT::Install-Recommends "false";' > "$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*

echo "[debian] importing as $tag"
tar -C "$rootfs" --numeric-owner -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
docker image inspect "$tag" -f '{{.Id}} {{.Size}}'
