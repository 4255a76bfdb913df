#!/usr/bin/env bash
# Builds the Kubernetes node and control-plane binaries from the Go module proxy.
# Usage: build-kubernetes.sh <k8s-version, e.g. v1.34.4> <out-dir>
#
# Why a wrapper module: the k8s.io/kubernetes module zip has no staging/ tree, and the
# `./staging/...` replace lines of its go.mod are ignored once it is a dependency. So we
# make a throwaway main module that requires k8s.io/kubernetes and replaces every staging
# module with its published v0.MINOR.PATCH twin.
set -euo pipefail
version="$1"; out="$2"
staging_version="v0.${version#v1.}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

cd "$work"
go mod init kubequest.local/kubernetes-build >/dev/null 2>&1
k8s_dir="$(go mod download -json "k8s.io/kubernetes@${version}" | jq -r .Dir)"
go_directive="$(awk '$1=="go"{print $2; exit}' "$k8s_dir/go.mod")"
{
  echo "module kubequest.local/kubernetes-build"
  echo "go ${go_directive}"
  echo "require k8s.io/kubernetes ${version}"
  echo "replace ("
  grep -E '^\s*k8s\.io/[A-Za-z0-9._-]+ => \./staging/' "$k8s_dir/go.mod" \
    | awk -v v="$staging_version" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} > go.mod

# Version stamps, as upstream's hack/lib/version.sh sets them: without these every
# binary reports v0.0.0 and kubeadm refuses to pick component images.
minor="${version#v1.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
done

export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
echo "[k8s] resolving modules"
go mod download k8s.io/kubernetes >/dev/null

static=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubeadm kubectl)
pkgs=(); for b in "${static[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
echo "[k8s] compiling static binaries: ${static[*]}"
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}"
# kubelet is the one upstream links with cgo (not in KUBE_STATIC_BINARIES).
echo "[k8s] compiling kubelet (cgo)"
CGO_ENABLED=1 go build -trimpath -ldflags "$ldflags" -o "$out/kubelet" k8s.io/kubernetes/cmd/kubelet
"$out/kubeadm" version -o short
