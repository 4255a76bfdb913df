/**
 * The names cluster DNS gives Services and their pods (the Kubernetes DNS specification), in one
 * place for every check that asks DNS about them.
 */

export const CLUSTER_DOMAIN = "cluster.local";

/** `<service>.<namespace>.svc.cluster.local`: a Service's own name. */
export function serviceDnsName(namespace: string, service: string): string {
  return `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** `<hostname>.<service>.<namespace>.svc.cluster.local`: a pod's name under a Service (a StatefulSet pod's hostname is its name). */
export function podDnsName(namespace: string, hostname: string, service: string): string {
  return `${hostname}.${serviceDnsName(namespace, service)}`;
}

/** `_<port name>._<protocol>.<service>.<namespace>.svc.cluster.local`: the SRV name of a Service's named port. */
export function srvName(namespace: string, service: string, portName: string, protocol: "tcp" | "udp" = "tcp"): string {
  return `_${portName}._${protocol}.${serviceDnsName(namespace, service)}`;
}

/**
 * The name with a trailing dot: one query for exactly that name, instead of a walk through the
 * probe pod's search domains first (some of which are forwarded outside the cluster).
 */
export function absolute(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}
