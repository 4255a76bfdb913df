import { describe, expect, it } from "vitest";
import { KubeError } from "./kube-adapter";
import { learnerFieldName, parseStatusBody, toKubeError, typedPatchError } from "./kube-errors";

/** An ApiException as client-node 1.4 throws it: HTTP status in `code`, the raw JSON text in `body`. */
function apiException(code: number, body: unknown): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: typeof body === "string" ? body : `${JSON.stringify(body)}\n` });
}

const service = { apiVersion: "v1", kind: "Service", name: "redis" };
const statefulSet = { apiVersion: "apps/v1", kind: "StatefulSet", name: "web" };

// Bodies recorded from a kind v1.34.4 API server.
const recorded = {
  clusterIpToNone: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'Service "redis" is invalid: spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set',
    reason: "Invalid",
    details: {
      name: "redis",
      kind: "Service",
      causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: ["None"]: may not change once set', field: "spec.clusterIPs[0]" }],
    },
    code: 422,
  },
  badPort: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message:
      'Service "redis" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]',
    reason: "Invalid",
    details: {
      name: "redis",
      kind: "Service",
      causes: [
        { reason: "FieldValueInvalid", message: "Invalid value: 0: must be between 1 and 65535, inclusive", field: "spec.ports[0].port" },
        { reason: "FieldValueInvalid", message: "Invalid value: 0: must be between 1 and 65535, inclusive", field: "spec.ports[0].targetPort" },
      ],
    },
    code: 422,
  },
  statefulSetServiceName: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message:
      "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    reason: "Invalid",
    details: {
      name: "web",
      group: "apps",
      kind: "StatefulSet",
      causes: [
        {
          reason: "FieldValueForbidden",
          message:
            "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          field: "spec",
        },
      ],
    },
    code: 422,
  },
  unknownField:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"failed to create typed patch object (kq-explore/redis; /v1, Kind=Service): .spec.clusterIp: field not declared in schema","code":500}\n',
  wrongType:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"failed to create typed patch object (kq-explore/redis; /v1, Kind=Service): .spec.ports: expected list, got &{6379}","code":500}\n',
  ssaConflict: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'Apply failed with 1 conflict: conflict with "kubectl-edit": .spec.selector',
    reason: "Conflict",
    details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit"', field: ".spec.selector" }] },
    code: 409,
  },
  alreadyExists: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'services "redis" already exists',
    reason: "AlreadyExists",
    details: { name: "redis", kind: "services" },
    code: 409,
  },
  quota: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'pods "p" is forbidden: exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0',
    reason: "Forbidden",
    details: { name: "p", kind: "pods" },
    code: 403,
  },
  podSecurity: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message:
      'pods "priv" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)',
    reason: "Forbidden",
    details: { name: "priv", kind: "pods" },
    code: 403,
  },
  serviceNotFound: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'services "nope" not found',
    reason: "NotFound",
    details: { name: "nope", kind: "services" },
    code: 404,
  },
  namespaceNotFound: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'namespaces "kq-0123456789-30" not found',
    reason: "NotFound",
    details: { name: "kq-0123456789-30", kind: "namespaces" },
    code: 404,
  },
};

describe("toKubeError", () => {
  it("turns a Service clusterIP change into immutable-field on spec.clusterIP with the Recreate action", () => {
    const e = toKubeError(apiException(422, recorded.clusterIpToNone), { resource: service });
    expect(e).toBeInstanceOf(KubeError);
    expect(e.code).toBe("immutable-field");
    expect(e.details.field).toBe("spec.clusterIP");
    expect(e.details.resource).toEqual(service);
    expect(e.message).toMatch(/clusterIP can't be changed in place/);
    expect(e.details.action).toBe("Delete and recreate it: use Recreate, or kubectl delete svc redis then apply.");
  });

  it("recognises the older 'field is immutable' wording too", () => {
    const body = {
      message: 'Service "redis" is invalid: spec.clusterIP: Invalid value: "None": field is immutable',
      reason: "Invalid",
      details: { name: "redis", kind: "Service", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "None": field is immutable', field: "spec.clusterIP" }] },
      code: 422,
    };
    const e = toKubeError(apiException(422, body), { resource: service });
    expect(e.code).toBe("immutable-field");
    expect(e.details.field).toBe("spec.clusterIP");
  });

  it("treats a forbidden StatefulSet spec update as an immutable field", () => {
    const e = toKubeError(apiException(422, recorded.statefulSetServiceName), { resource: statefulSet });
    expect(e.code).toBe("immutable-field");
    expect(e.details.field).toBe("spec");
    expect(e.message).toMatch(/serviceName/);
    expect(e.details.action).toMatch(/kubectl delete statefulset web/);
  });

  it("lists every cause of a 422 with its field", () => {
    const e = toKubeError(apiException(422, recorded.badPort), { resource: service });
    expect(e.code).toBe("invalid");
    expect(e.details.field).toBe("spec.ports[0].port");
    expect(e.details.causes).toHaveLength(2);
    expect(e.message).toContain("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
    expect(e.message).toContain("spec.ports[0].targetPort");
  });

  it("turns server-side apply's schema errors (HTTP 500) into invalid with the field", () => {
    const unknown = toKubeError(apiException(500, recorded.unknownField), { resource: service });
    expect(unknown.code).toBe("invalid");
    expect(unknown.details.field).toBe("spec.clusterIp");
    expect(unknown.message).toMatch(/spec\.clusterIp: is not a field Kubernetes knows here/);

    const wrongType = toKubeError(apiException(500, recorded.wrongType), { resource: service });
    expect(wrongType.code).toBe("invalid");
    expect(wrongType.details.field).toBe("spec.ports");
    expect(wrongType.message).toMatch(/expected a list here/);
  });

  it("maps 403 with a quota or Pod Security message to forbidden with specific advice", () => {
    const quota = toKubeError(apiException(403, recorded.quota));
    expect(quota.code).toBe("forbidden");
    expect(quota.details.action).toMatch(/quota for pods is used up/);
    const psa = toKubeError(apiException(403, recorded.podSecurity));
    expect(psa.code).toBe("forbidden");
    expect(psa.details.action).toMatch(/Pod Security/);
    expect(psa.details.action).toMatch(/restricted policy \(securityContext runAsNonRoot: true, seccompProfile type RuntimeDefault/);
  });

  it("tells a learner whose ServiceAccount lacks a right what they may do instead", () => {
    const rbac = toKubeError(
      apiException(403, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'secrets "stolen" is forbidden: User "system:serviceaccount:kq-0123456789-30:learner" cannot patch resource "secrets" in API group "" in the namespace "kq-0123456789-30"',
        reason: "Forbidden",
        details: { name: "stolen", kind: "secrets" },
        code: 403,
      }),
    );
    expect(rbac.code).toBe("forbidden");
    expect(rbac.details.action).toBe("Your terminal and editor may not patch secrets: no level needs it. Work with the objects of your level (kubectl auth can-i --list shows what you may do).");
  });

  it("maps 404 to not-found, naming a missing namespace", () => {
    const svc = toKubeError(apiException(404, recorded.serviceNotFound), { resource: { ...service, name: "nope" } });
    expect(svc.code).toBe("not-found");
    expect(svc.message).toBe("Service nope was not found.");
    const ns = toKubeError(apiException(404, recorded.namespaceNotFound));
    expect(ns.message).toMatch(/namespace kq-0123456789-30 does not exist/);
  });

  it("maps 409 to conflict, telling a field-manager conflict from a plain one", () => {
    const ssa = toKubeError(apiException(409, recorded.ssaConflict), { resource: service });
    expect(ssa.code).toBe("conflict");
    expect(ssa.details.field).toBe("spec.selector");
    expect(ssa.details.action).toMatch(/take them over/);
    const exists = toKubeError(apiException(409, recorded.alreadyExists));
    expect(exists.code).toBe("conflict");
    expect(exists.details.action).toMatch(/try again/);
  });

  it("maps refused connections, unknown hosts and timeouts to cluster-unreachable with the cluster:up action", () => {
    // node-fetch's FetchError as thrown by client-node.
    const refused = Object.assign(new Error("request to https://127.0.0.1:1/api/v1/namespaces failed, reason: connect ECONNREFUSED 127.0.0.1:1"), {
      name: "FetchError",
      code: "ECONNREFUSED",
      errno: "ECONNREFUSED",
      type: "system",
    });
    const notFound = Object.assign(new Error("request to https://nonexistent.invalid:6443/api failed, reason: getaddrinfo ENOTFOUND nonexistent.invalid"), {
      name: "FetchError",
      code: "ENOTFOUND",
      type: "system",
    });
    // node-fetch's AbortError when our request time bound fires.
    const aborted = Object.assign(new Error("The operation was aborted."), { name: "AbortError", type: "aborted" });
    // ws's ErrorEvent for an exec that cannot connect.
    const wsEvent = { type: "error", message: "connect ECONNREFUSED 127.0.0.1:6443", error: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) };
    for (const err of [refused, notFound, aborted, wsEvent]) {
      const e = toKubeError(err);
      expect(e.code).toBe("cluster-unreachable");
      expect(e.details.action).toMatch(/npm run cluster:up/);
    }
  });

  it("reads the status of a refused exec handshake from ws's message", () => {
    const e = toKubeError({ type: "error", message: "Unexpected server response: 404", error: new Error("Unexpected server response: 404") });
    expect(e.code).toBe("not-found");
  });

  it("passes a KubeError through unchanged and never loses an unknown error", () => {
    const original = new KubeError("timeout", "slow");
    expect(toKubeError(original)).toBe(original);
    const odd = toKubeError("something odd", { operation: "listing pods" });
    expect(odd.code).toBe("cluster-error");
    expect(odd.message).toContain("listing pods");
  });
});

describe("helpers", () => {
  it("parses status bodies given as text, objects or plain text", () => {
    expect(parseStatusBody(`${JSON.stringify(recorded.badPort)}\n`)?.details?.causes).toHaveLength(2);
    expect(parseStatusBody(recorded.quota)?.message).toMatch(/exceeded quota/);
    expect(parseStatusBody("404 page not found\n")?.message).toBe("404 page not found");
    expect(parseStatusBody(undefined)).toBeUndefined();
  });

  it("names the field learners edit for the dual-stack clusterIPs list", () => {
    expect(learnerFieldName("spec.clusterIPs[0]")).toBe("spec.clusterIP");
    expect(learnerFieldName("spec.ports[0].port")).toBe("spec.ports[0].port");
  });

  it("extracts the field from typed-patch messages", () => {
    expect(typedPatchError("failed to create typed patch object (ns/x; apps/v1, Kind=StatefulSet): .spec.template.spec.containers[name=\"redis\"].imagee: field not declared in schema")?.field).toBe(
      'spec.template.spec.containers[name="redis"].imagee',
    );
    expect(typedPatchError("some other message")).toBeUndefined();
  });
});
