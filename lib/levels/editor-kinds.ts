/**
 * Which kinds a level's YAML editor may apply. Each level lists them (`editorKinds` in
 * level.yaml) so the editor offers no more than the level teaches; RBAC, impersonating the
 * learner's ServiceAccount, is the second fence behind this list. Shared by the manifest
 * schema, `levels:check` and the editor on the server.
 *
 * Browser-safe: no imports.
 */

/** `Service` (core group) or `<group>/<Kind>`, e.g. `apps/StatefulSet`. */
export const EDITOR_KIND_PATTERN = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Z][A-Za-z0-9]*$/;

/**
 * Kinds no level may open to its editor: they are KubeQuest's fences (permissions, quota,
 * network isolation), records the control plane writes, or reach past the namespace.
 */
export const NEVER_EDITOR_KINDS: Record<string, string> = {
  ServiceAccount: "your terminal's identity belongs to KubeQuest",
  "rbac.authorization.k8s.io/Role": "permissions belong to KubeQuest",
  "rbac.authorization.k8s.io/RoleBinding": "permissions belong to KubeQuest",
  ResourceQuota: "the namespace's quota belongs to KubeQuest",
  LimitRange: "the namespace's default limits belong to KubeQuest",
  "networking.k8s.io/NetworkPolicy": "the namespace's network isolation belongs to KubeQuest",
  Secret: "no level needs one, and Secrets are kept out of learners' reach",
  Endpoints: "the control plane writes them from Services and pods",
  "discovery.k8s.io/EndpointSlice": "the control plane writes them from Services and pods",
  "apps/DaemonSet": "it runs a pod on every node of the shared cluster",
};

/** The API group of an apiVersion: "" for `v1`, "apps" for `apps/v1`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** How an object's kind is written in `editorKinds`. */
export function editorKindOf(apiVersion: string, kind: string): string {
  const group = apiGroupOf(apiVersion);
  return group ? `${group}/${kind}` : kind;
}

/** What KubeQuest says when the editor refuses a kind: the reason and what to do instead. */
export function editorKindRefusal(apiVersion: string, kind: string, allowed: readonly string[]): { message: string; action: string } {
  const written = editorKindOf(apiVersion, kind);
  const list = allowed.map((k) => k.slice(k.indexOf("/") + 1)).join(", ");
  // The right kind in the wrong group (say a StatefulSet under apiVersion v1) is a typo, not a refusal.
  const sameKind = allowed.find((k) => k.slice(k.indexOf("/") + 1) === kind);
  if (sameKind) {
    const group = apiGroupOf(sameKind.includes("/") ? sameKind : "v1");
    return {
      message: `${kind} belongs to ${group ? `apiVersion ${group}/v1` : "apiVersion v1"}, not ${apiVersion}.`,
      action: `Set apiVersion: ${group ? `${group}/v1` : "v1"} and apply again.`,
    };
  }
  const why = NEVER_EDITOR_KINDS[written];
  const instead: Record<string, string> = {
    Endpoints: "Change the Service's selector or the pods' labels and readiness instead; read the result with kubectl get endpointslices.",
    "discovery.k8s.io/EndpointSlice": "Change the Service's selector or the pods' labels and readiness instead; read the result with kubectl get endpointslices.",
    Secret: "Put settings in the workload's environment variables instead.",
    "apps/DaemonSet": "Run your pods with a Deployment or StatefulSet in your namespace instead.",
  };
  return {
    message: `The editor of this level does not apply ${kind} objects${why ? `: ${why}` : ""}. It applies ${list}.`,
    action: instead[written] ?? `Remove the ${kind} from your YAML; this level is solved with ${list} objects only.`,
  };
}
