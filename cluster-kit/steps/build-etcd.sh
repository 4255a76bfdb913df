#!/usr/bin/env bash
# Builds etcd and etcdctl at the given version from the Go module proxy.
# etcd's server module replaces its sibling modules with relative paths (../api, ...), so
# `go install` refuses it; a wrapper module that requires the published siblings works.
# Usage: build-etcd.sh <version, e.g. v3.6.4> <out-dir>
set -euo pipefail
version="$1"; out="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$out"; cd "$work"
cat > go.mod <<MOD
module kubequest.local/etcd-build
go 1.24
require (
	go.etcd.io/etcd/server/v3 ${version}
	go.etcd.io/etcd/etcdctl/v3 ${version}
)
MOD
export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0
echo "[etcd] compiling etcd ${version}"
go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
go build -trimpath -ldflags "-s -w" -o "$out/etcdctl" go.etcd.io/etcd/etcdctl/v3
# Captured whole, not piped to `head` (SIGPIPE under pipefail, see build-coredns.sh).
version_out="$("$out/etcd" --version)"
echo "${version_out%%$'\n'*}"
