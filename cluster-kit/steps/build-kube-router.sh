#!/usr/bin/env bash
# Builds kube-router, the NetworkPolicy enforcer of the offline kit, and its image.
#
# Why kube-router and why this way (details in NOTES-netpol.md / the README's Security section):
# - kindnet's policies (sigs.k8s.io/kube-network-policies) need the nftables `queue` statement,
#   which our kernel lacks (CONFIG_NFT_QUEUE unset) and have no mode without it; kube-router's
#   firewall controller needs only iptables and ipset, which are built in.
# - The Go module proxy serves kube-router v2.1.0 only. Its reported flaws (GO-2026-4724 in the
#   service proxy, GO-2026-5653 in the BGP router) are in controllers we never start: the
#   manifest runs --run-firewall only. A wrapper module raises the dependencies with fixed
#   vulnerabilities (x/net, x/text, gRPC, Docker client, GoBGP) to fixed versions, so what is
#   linked in but unused is patched as well.
#
# Usage:
#   build-kube-router.sh binary <version, e.g. v2.1.0> <out-dir>   # compiles <out-dir>/kube-router
#   build-kube-router.sh image <bin-dir> <image-tag>                # debian:bookworm-slim + iptables/ipset
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-}"

case "$mode" in
binary)
  version="$2"; out="$3"
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  mkdir -p "$out"; cd "$work"
  # Each raised version is the first that fixes what govulncheck reports for v2.1.0's own pins
  # (x/net v0.21.0, x/text v0.14.0, grpc v1.62.0, docker v25.0.3, gobgp v3.23.0). x/net v0.60.0
  # declares go 1.26.0: an older local Go stops here with "requires go >= 1.26.0".
  cat > go.mod <<MOD
module kubequest.local/kube-router-build
go 1.26
require (
	github.com/cloudnativelabs/kube-router/v2 ${version}
	golang.org/x/net v0.60.0
	golang.org/x/text v0.39.0
	google.golang.org/grpc v1.83.2
	github.com/docker/docker v25.0.13+incompatible
	github.com/osrg/gobgp/v3 v3.37.0
)
MOD
  export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0
  echo "[kube-router] compiling kube-router ${version} (firewall controller used; patched dependencies)"
  pkg=github.com/cloudnativelabs/kube-router/v2
  go build -trimpath \
    -ldflags "-s -w -X ${pkg}/pkg/version.Version=${version} -X ${pkg}/pkg/version.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$out/kube-router" "${pkg}/cmd/kube-router"
  # The resolved module versions, for the record (and for govulncheck -mode=binary).
  go list -m all > "$out/modules.txt"
  # Captured whole, not piped to `head` (SIGPIPE under pipefail, see build-coredns.sh).
  version_out="$("$out/kube-router" --version 2>&1)"
  echo "${version_out%%$'\n'*}"
  ;;
image)
  bin="$2"; tag="$3"
  ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT
  cp -r "$here/images/kube-router/." "$ctx/"
  # One backend picker for every iptables user in the node (kube-proxy's, see its comment).
  cp "$here/images/kube-proxy/iptables-select-backend" "$ctx/"
  cp "$bin/kube-router" "$ctx/"
  docker build -q -t "$tag" "$ctx" >/dev/null
  echo "[kube-router] image $tag"
  ;;
*)
  echo "usage: $0 binary <version> <out-dir> | image <bin-dir> <image-tag>" >&2
  exit 2
  ;;
esac
