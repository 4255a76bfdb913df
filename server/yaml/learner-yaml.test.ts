import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../lib/levels/kube-object";
import { ActionableFailure } from "../errors/actionable-failure";
import type { AppliedObject, KubeAdapter } from "../kubernetes/kube-adapter";
import { toKubeError } from "../kubernetes/kube-errors";
import { applyLearnerYaml, readLearnerObjects, validateLearnerYaml, type LearnerYamlContext } from "./learner-yaml";

const namespace = "kq-0123456789-30";
const platformObjects: KubeObject[] = [
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "learner" } },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny" } },
  { apiVersion: "v1", kind: "Pod", metadata: { name: "toolbox" } },
];
const editorKinds = ["Service", "ConfigMap", "ServiceAccount", "apps/StatefulSet"];
const ctx = { namespace, platformObjects, editorKinds };

const headless = `apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector:
    app: redis
  ports:
  - port: 6379
`;

function errorsOf(text: string): string[] {
  return readLearnerObjects(text, ctx).issues.filter((i) => i.severity === "error").map((i) => i.message);
}

describe("readLearnerObjects", () => {
  it("accepts a valid object and places it in the learner's namespace", () => {
    const { objects, issues } = readLearnerObjects(headless, ctx);
    expect(issues).toEqual([]);
    expect(objects).toHaveLength(1);
    expect(objects[0]!.object.metadata.namespace).toBe(namespace);
  });

  it("ignores a foreign metadata.namespace with a warning on its line", () => {
    const text = headless.replace("  name: redis\n", "  name: redis\n  namespace: default\n");
    const { objects, issues } = readLearnerObjects(text, ctx);
    expect(objects[0]!.object.metadata.namespace).toBe(namespace);
    expect(issues).toEqual([expect.objectContaining({ severity: "warning", line: 5 })]);
    expect(issues[0]!.message).toMatch(/"default" is ignored/);
  });

  it("says why a document is not an object", () => {
    expect(errorsOf("- a\n- b\n")[0]).toMatch(/not a Kubernetes object/);
    expect(errorsOf("kind: Service\nmetadata:\n  name: x\n")[0]).toMatch(/apiVersion is missing/);
    expect(errorsOf("apiVersion: v1\nmetadata:\n  name: x\n")[0]).toMatch(/kind is missing/);
    expect(errorsOf("apiVersion: v1\nkind: Service\n")[0]).toMatch(/metadata is missing/);
    expect(errorsOf("apiVersion: v1\nkind: Service\nmetadata:\n  labels: {}\n")[0]).toMatch(/metadata.name is missing/);
    expect(errorsOf("# nothing\n")[0]).toMatch(/holds no Kubernetes object/);
  });

  it("checks names: RFC 1035 for Services, RFC 1123 subdomains otherwise", () => {
    expect(errorsOf(headless.replace("name: redis", "name: 1redis"))[0]).toMatch(/not a valid Service name/);
    expect(errorsOf(headless.replace("name: redis", "name: Redis"))[0]).toMatch(/not a valid Service name/);
    expect(errorsOf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1.conf\n")).toEqual([]);
    expect(errorsOf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad_name\n")[0]).toMatch(/not a valid name/);
  });

  it("refuses the objects that fence the namespace", () => {
    for (const kind of ["ResourceQuota", "LimitRange", "Role", "RoleBinding"]) {
      expect(errorsOf(`apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: mine\n`)[0]).toMatch(/KubeQuest's/);
    }
    expect(errorsOf("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: learner\n")[0]).toMatch(/belongs to KubeQuest's setup/);
    expect(errorsOf("apiVersion: v1\nkind: Pod\nmetadata:\n  name: toolbox\n")[0]).toMatch(/belongs to KubeQuest's setup/);
    expect(errorsOf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n")[0]).toMatch(/belongs to KubeQuest's setup/);
    expect(errorsOf("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: redis\n")).toEqual([]);
  });

  it("refuses kinds the level's editor does not apply, naming the kind and what to do instead", () => {
    const slice = errorsOf("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: redis-forged\naddressType: IPv4\nendpoints: []\n")[0];
    expect(slice).toMatch(/does not apply EndpointSlice objects: the control plane writes them/);
    expect(slice).toMatch(/Change the Service's selector or the pods' labels/);
    expect(errorsOf("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")[0]).toMatch(/does not apply Secret objects.*environment variables/);
    expect(errorsOf("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\n")[0]).toMatch(/does not apply DaemonSet objects: it runs a pod on every node.*Deployment or StatefulSet/);
    expect(errorsOf("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n")[0]).toBe(
      "The editor of this level does not apply Job objects. It applies Service, ConfigMap, ServiceAccount, StatefulSet. Remove the Job from your YAML; this level is solved with Service, ConfigMap, ServiceAccount, StatefulSet objects only.",
    );
    // The right kind under the wrong apiVersion is a typo to fix, not a refusal.
    expect(errorsOf("apiVersion: v1\nkind: StatefulSet\nmetadata:\n  name: redis\n")[0]).toBe("StatefulSet belongs to apiVersion apps/v1, not v1. Set apiVersion: apps/v1 and apply again.");
  });

  it("refuses kubequest.dev/ labels on the object and on its pod template", () => {
    const onObject = headless.replace("  name: redis\n", "  name: redis\n  labels:\n    kubequest.dev/session: abc\n");
    const { issues } = readLearnerObjects(onObject, ctx);
    expect(issues[0]).toMatchObject({ severity: "error", line: 6 });
    expect(issues[0]!.message).toMatch(/kubequest.dev\/session is reserved/);
    const onTemplate = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  template:
    metadata:
      labels:
        kubequest.dev/level: x
`;
    expect(errorsOf(onTemplate)[0]).toMatch(/reserved/);
  });

  it("refuses the same object twice, naming both documents", () => {
    expect(errorsOf(`${headless}---\n${headless}`)[0]).toMatch(/Document 2: Service redis is already defined in document 1/);
  });

  it("passes parse errors through with their lines", () => {
    const { issues } = readLearnerObjects("apiVersion: v1\nkind: [\n", ctx);
    expect(issues[0]!.line).toBeDefined();
    expect(issues[0]!.message).toMatch(/YAML syntax/);
  });
});

/**
 * An adapter whose dry-run fails with what the API server answers to `body`. Only the identity
 * it hands out for the learner's ServiceAccount can apply: a call with the server's own
 * rights throws, so a test passes only if the editor impersonates.
 */
function adapterFailingWith(status: number, body: unknown, calls: string[] = []): KubeAdapter {
  const asLearner = {
    apply: async (_ns: string, objects: KubeObject[], opts?: { dryRun?: boolean }): Promise<AppliedObject[]> => {
      calls.push(opts?.dryRun ? "dry-run" : "apply");
      const o = objects[0]!;
      const resource = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
      throw toKubeError(Object.assign(new Error("HTTP"), { code: status, body: JSON.stringify(body) }), { resource });
    },
  } as unknown as KubeAdapter;
  return {
    apply: () => Promise.reject(new Error("the editor used the server's own rights")),
    recreate: () => Promise.reject(new Error("the editor used the server's own rights")),
    asServiceAccount: (ns: string, name: string) => {
      if (ns !== namespace || name !== "learner") throw new Error(`impersonated ${ns}/${name}`);
      return asLearner;
    },
  } as unknown as KubeAdapter;
}

describe("validate and apply against the API server's answers", () => {
  const badPort = headless.replace("port: 6379", "port: 0");

  it("puts each API server cause on the line of its field", async () => {
    const kube = adapterFailingWith(422, {
      message: 'Service "redis" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      reason: "Invalid",
      details: { name: "redis", kind: "Service", causes: [{ reason: "FieldValueInvalid", message: "Invalid value: 0: must be between 1 and 65535, inclusive", field: "spec.ports[0].port" }] },
      code: 422,
    });
    const { issues } = await validateLearnerYaml({ kube, ...ctx } as LearnerYamlContext, badPort);
    expect(issues).toEqual([{ severity: "error", line: 10, message: "Service redis: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive" }]);
  });

  it("returns the protocol's ImmutableFieldError from apply, without applying anything", async () => {
    const calls: string[] = [];
    const kube = adapterFailingWith(
      422,
      {
        message: 'Service "redis" is invalid: spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set',
        reason: "Invalid",
        details: { name: "redis", kind: "Service", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: ["None"]: may not change once set', field: "spec.clusterIPs[0]" }] },
        code: 422,
      },
      calls,
    );
    const err = await applyLearnerYaml({ kube, ...ctx } as LearnerYamlContext, headless).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionableFailure);
    expect((err as ActionableFailure).error).toEqual({
      code: "immutable-field",
      resource: { kind: "Service", name: "redis" },
      field: "spec.clusterIP",
      message: expect.stringMatching(/clusterIP can't be changed in place/),
      action: "Delete and recreate it: use Recreate, or kubectl delete svc redis then apply.",
    });
    expect(calls).toEqual(["dry-run"]);
  });

  it("marks a dry run's immutable-field problem with what Recreate needs, so the editor can offer it before Apply", async () => {
    const kube = adapterFailingWith(
      422,
      {
        message: 'Service "redis" is invalid: spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set',
        reason: "Invalid",
        details: { name: "redis", kind: "Service", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: ["None"]: may not change once set', field: "spec.clusterIPs[0]" }] },
        code: 422,
      },
      [],
    );
    const { issues } = await validateLearnerYaml({ kube, ...ctx } as LearnerYamlContext, headless);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: "error", recreate: { resource: { kind: "Service", name: "redis" }, field: "spec.clusterIP" } });
  });

  it("refuses to apply YAML with errors, naming the lines", async () => {
    const calls: string[] = [];
    const kube = adapterFailingWith(500, {}, calls);
    const err = await applyLearnerYaml({ kube, ...ctx } as LearnerYamlContext, "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n").catch((e: unknown) => e);
    expect((err as ActionableFailure).error.code).toBe("yaml-invalid");
    expect((err as ActionableFailure).error.message).toMatch(/^line 2: ResourceQuota objects are KubeQuest's/);
    expect(calls).toEqual([]);
  });
});
