/**
 * Secrets KubeQuest keeps for itself in its own namespace (the grader probe's token): read, or
 * made once when absent. Two servers starting together may both try to make it; the second is
 * refused (409) and reads what the first made, so both end with the same value.
 *
 * Node only.
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import type { KubeAdapter, ObjectRef } from "./kube-adapter";
import { callKube, orNull, statusCodeOf } from "./kube-call";

export const SECRET_METHODS = ["ensureSecret"] as const;

function decoded(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

export class KubeSecrets implements Pick<KubeAdapter, (typeof SECRET_METHODS)[number]> {
  constructor(private readonly core: CoreV1Api) {}

  async ensureSecret(namespace: string, name: string, labels: Record<string, string>, make: () => Record<string, string>): Promise<Record<string, string>> {
    const ref: ObjectRef = { apiVersion: "v1", kind: "Secret", name };
    return callKube(`reading or making secret ${namespace}/${name}`, async () => {
      const existing = await orNull(this.core.readNamespacedSecret({ name, namespace }));
      if (existing) return decoded(existing.data);
      try {
        await this.core.createNamespacedSecret({ namespace, body: { metadata: { name, labels }, type: "Opaque", stringData: make() } });
      } catch (err) {
        if (statusCodeOf(err) !== 409) throw err;
      }
      return decoded((await this.core.readNamespacedSecret({ name, namespace })).data);
    }, ref);
  }
}
