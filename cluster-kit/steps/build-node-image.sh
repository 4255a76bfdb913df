#!/usr/bin/env bash
# Builds the kind node image the way kind's own node-image build context does, but from
# binaries and images made on this machine (kind's builder would `ctr content fetch` each
# image from a registry):
#   1. component images: kube-apiserver, kube-controller-manager, kube-scheduler, etcd,
#      coredns and pause as single-binary images; kube-proxy on debian:bookworm-slim;
#   2. a container of the base image: kubeadm/kubelet/kubectl into /usr/bin, /kind/version,
#      the CNI config, every component image imported into its containerd (--no-unpack:
#      /var only becomes a volume when the node runs);
#   3. docker commit.
# Usage: build-node-image.sh <base-image> <kit-bin-dir> <k8s-version> <node-image-tag>
# <kit-bin-dir> holds kubernetes/, etcd/, coredns/, pause/ (outputs of the build-*.sh steps).
set -euo pipefail
base="$1"; bin="$2"; k8s_version="$3"; tag="$4"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"; container=""
cleanup() { [ -n "$container" ] && docker rm -f -v "$container" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

# The exact tags kubeadm will ask for, from kubeadm itself (it works offline).
mapfile -t wanted < <("$bin/kubernetes/kubeadm" config images list --kubernetes-version "$k8s_version")
image_for() { printf '%s\n' "${wanted[@]}" | grep -E "/$1:" ; }

# A single-binary image: the binary at /usr/local/bin and, where kubeadm runs the image's
# entrypoint rather than a command (coredns, pause), that entrypoint.
single_binary_image() { # <tag> <entrypoint-json or ""> <binary>...
  local image="$1" entrypoint="$2"; shift 2
  local root="$work/rootfs-$RANDOM"; mkdir -p "$root/usr/local/bin" "$root/tmp"
  chmod 1777 "$root/tmp"
  for b in "$@"; do install -m 0755 "$b" "$root/usr/local/bin/"; done
  local changes=(--change 'ENV PATH=/usr/local/bin')
  [ -n "$entrypoint" ] && changes+=(--change "ENTRYPOINT $entrypoint")
  tar -C "$root" --numeric-owner --owner=0 --group=0 -c . | docker import "${changes[@]}" - "$image" >/dev/null
  echo "[node] image $image"
}

k="$bin/kubernetes"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  single_binary_image "$(image_for "$c")" "" "$k/$c"
done
single_binary_image "$(image_for etcd)" "" "$bin/etcd/etcd" "$bin/etcd/etcdctl"
single_binary_image "$(image_for coredns)" '["/usr/local/bin/coredns"]' "$bin/coredns/coredns"
pause_image="$(image_for pause)"
single_binary_image "$pause_image" '["/usr/local/bin/pause"]' "$bin/pause/pause"

proxy_ctx="$work/kube-proxy"; cp -r "$here/images/kube-proxy" "$proxy_ctx"; cp "$k/kube-proxy" "$proxy_ctx/"
docker build -q -t "$(image_for kube-proxy)" "$proxy_ctx" >/dev/null
echo "[node] image $(image_for kube-proxy)"

echo "[node] assembling node from $base"
container="kubequest-node-build-$$"
docker run -d --name "$container" --entrypoint=sleep --security-opt seccomp=unconfined "$base" infinity >/dev/null
for b in kubeadm kubelet kubectl; do docker cp "$k/$b" "$container:/usr/bin/$b"; done
docker exec "$container" sh -c 'chmod 0755 /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl && chown root:root /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl'
docker exec "$container" sh -c "mkdir -p /kind && echo '$k8s_version' > /kind/version"

# kind's default CNI (kindnetd) is an image we cannot pull; a single node needs no overlay,
# so a static ptp + host-local config over the cluster's pod subnet does the job (the same
# plugin chain kindnetd writes). Keep the subnet in step with cluster-kit/kind-config.yaml.
docker exec -i "$container" sh -c 'mkdir -p /etc/cni/net.d && cat > /etc/cni/net.d/10-kubequest-ptp.conflist' <<'CNI'
{
  "cniVersion": "0.3.1",
  "name": "kubequest",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": true,
      "mtu": 1500,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "10.244.0.0/24" }]]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CNI

echo "[node] importing images into the node's containerd"
docker exec "$container" sh -c 'nohup containerd >/tmp/containerd.log 2>&1 &'
for _ in $(seq 1 30); do docker exec "$container" ctr version >/dev/null 2>&1 && break; sleep 1; done
for image in "${wanted[@]}"; do
  docker save "$image" | docker exec -i "$container" \
    ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests - >/dev/null
  echo "[node]   imported $image"
done
# kind's containerd config names pause by its own tag as the sandbox image.
sandbox=$(docker exec "$container" sh -c "sed -n 's/^ *sandbox_image = \"\\(.*\\)\"/\\1/p' /etc/containerd/config.toml")
if [ -n "$sandbox" ] && [ "$sandbox" != "$pause_image" ]; then
  docker exec "$container" ctr --namespace=k8s.io images tag --force "$pause_image" "$sandbox" >/dev/null
  docker exec "$container" ctr --namespace=k8s.io images label "$sandbox" io.cri-containerd.pinned=pinned >/dev/null
  echo "[node]   tagged $pause_image as $sandbox"
fi
docker exec "$container" pkill containerd || true
sleep 1

docker commit \
  --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
  --change 'ENV HTTP_PROXY="" HTTPS_PROXY="" NO_PROXY=""' \
  "$container" "$tag" >/dev/null
echo "[node] committed $tag"
