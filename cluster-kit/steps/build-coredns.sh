#!/usr/bin/env bash
# Builds CoreDNS at the given version (its module has no replace directives).
# Usage: build-coredns.sh <version, e.g. v1.12.1> <out-dir>
set -euo pipefail
version="$1"; out="$2"
mkdir -p "$out"
echo "[coredns] compiling coredns ${version}"
GOBIN="$out" GOFLAGS="-buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 \
  go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@${version}"
# Never `| head -n 1` here: under pipefail, head closing the pipe early kills the probe with
# SIGPIPE and fails a good build, depending on timing. Capture everything, print line one.
version_out="$("$out/coredns" -version)"
echo "${version_out%%$'\n'*}"
