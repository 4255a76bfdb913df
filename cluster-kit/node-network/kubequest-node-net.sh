#!/bin/bash
# What kindnetd does on a multi-node kind cluster, for the offline kit, whose nodes cannot pull
# kindnetd's image: runs inside every node (a systemd unit, installed by cluster-kit/node-network.ts
# after `kind create`, so it starts again with the node container) and, every few seconds,
#   1. writes this node's CNI config (ptp + host-local) over the node's own spec.podCIDR, so no
#      two nodes hand out the same pod IP (the node image bakes 10.244.0.0/24 for one node);
#   2. routes every other node's pod CIDR via that node's InternalIP (read fresh each time: a
#      restarted node container may come back with another address), and drops routes of
#      nodes that are gone;
#   3. masquerades pod traffic that leaves the pod network, and only that: pod-to-pod traffic
#      across nodes keeps its source IP, which kube-router's NetworkPolicy rules match on.
# It reads the nodes with the kubelet's own credentials (cluster-kit/node-network/rbac.yaml
# lets the nodes' group read Node objects). Idempotent: each pass changes only what differs.
# Usage: kubequest-node-net <node-name> <cluster-pod-subnet> [--once]
set -u
node="$1"; pod_subnet="$2"; once="${3:-}"
conf="${KUBEQUEST_CNI_CONF:-/etc/cni/net.d/10-kubequest-ptp.conflist}"
# Our routes carry this protocol number, so stale ones are found without touching anyone else's.
proto=211
chain=KUBEQUEST-MASQ
kubectl_node() { kubectl --kubeconfig /etc/kubernetes/kubelet.conf --request-timeout=10s "$@"; }

cni_config() { # <pod-cidr>: the node image's config, but per node and with masquerading left to us
  cat <<CNI
{
  "cniVersion": "0.3.1",
  "name": "kubequest",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "mtu": 1500,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "$1" }]]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
CNI
}

ensure_rule() { # <table> <chain> <rule…>: appended once
  local table="$1" c="$2"; shift 2
  iptables -w -t "$table" -C "$c" "$@" 2>/dev/null || iptables -w -t "$table" -A "$c" "$@"
}

sync_once() {
  local nodes own="" wanted=" " name cidr addr dst
  # Comma-separated: a node with no pod CIDR yet leaves its field empty, not the line shorter.
  nodes=$(kubectl_node get nodes -o jsonpath='{range .items[*]}{.metadata.name}{","}{.spec.podCIDR}{","}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}') || return 1
  while IFS=, read -r name cidr addr; do
    [ -n "$name" ] && [ -n "$cidr" ] || continue
    if [ "$name" = "$node" ]; then own="$cidr"; continue; fi
    [ -n "$addr" ] || continue
    ip route replace "$cidr" via "$addr" proto "$proto" || return 1
    wanted="$wanted$cidr "
  done <<<"$nodes"
  ip route show proto "$proto" | while read -r dst _; do
    case "$wanted" in *" $dst "*) ;; *) ip route del "$dst" proto "$proto" ;; esac
  done
  # The controller manager gives a node its pod CIDR when it registers: wait for it.
  [ -n "$own" ] || return 1
  if [ "$(cat "$conf" 2>/dev/null)" != "$(cni_config "$own")" ]; then
    cni_config "$own" >"$conf.tmp" && mv "$conf.tmp" "$conf" || return 1
    echo "CNI config: pod CIDR $own"
  fi
  iptables -w -t nat -N "$chain" 2>/dev/null
  ensure_rule nat "$chain" -d "$pod_subnet" -j RETURN || return 1
  ensure_rule nat "$chain" -j MASQUERADE || return 1
  ensure_rule nat POSTROUTING -s "$pod_subnet" -m comment --comment "kubequest: pod traffic leaving the pod network" -j "$chain" || return 1
}

if [ "$once" = "--once" ]; then sync_once; exit $?; fi
synced=0
while true; do
  if sync_once; then
    [ "$synced" = 1 ] || echo "in sync: routes $(ip route show proto "$proto" | tr '\n' ';')"
    synced=1
    sleep 10
  else
    synced=0
    sleep 2
  fi
done
