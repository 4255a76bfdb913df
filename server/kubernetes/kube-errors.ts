/**
 * Turns whatever @kubernetes/client-node, node-fetch or ws throws into a KubeError whose
 * message and action a learner (or the operator) can act on. Pure: no I/O, so the mapping is
 * unit-tested with recorded error shapes.
 */
import { KubeError, type ObjectRef } from "./kube-adapter";

/** What to do when the API server cannot be reached at all. */
export const START_CLUSTER_ACTION = "Start the cluster with npm run cluster:up (or set KUBECONFIG), then try again.";

/** One field-level complaint of the API server (V1Status details.causes). */
export interface StatusCause {
  field?: string;
  message: string;
  reason?: string;
}

/** The parts of a Kubernetes V1Status we use. */
export interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: StatusCause[] };
}

/** Network failures that mean "the API server is not there" rather than "it said no". */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * Messages the API server uses for "this field cannot change after creation". The Service
 * clusterIP case is reported on `spec.clusterIPs[0]` ("may not change once set") since dual-stack
 * Services (1.20); older servers said "field is immutable".
 */
const IMMUTABLE_PATTERNS = [
  /field is immutable/i,
  /may not change once set/i,
  /updates to statefulset spec for fields other than/i,
  /pod updates may not change fields other than/i,
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Reads a V1Status out of an ApiException body (a JSON string or an already parsed object). */
export function parseStatusBody(body: unknown): StatusBody | undefined {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() === "" ? undefined : { message: body.trim().slice(0, 500) };
    }
  }
  if (!isRecord(value)) return undefined;
  const details = isRecord(value.details) ? value.details : undefined;
  const causes = Array.isArray(details?.causes)
    ? details.causes.filter(isRecord).map(
        (c): StatusCause => ({
          field: typeof c.field === "string" && c.field !== "" ? c.field : undefined,
          message: typeof c.message === "string" ? c.message : "",
          reason: typeof c.reason === "string" ? c.reason : undefined,
        }),
      )
    : undefined;
  return {
    message: typeof value.message === "string" ? value.message : undefined,
    reason: typeof value.reason === "string" ? value.reason : undefined,
    code: typeof value.code === "number" ? value.code : undefined,
    details: details
      ? {
          name: typeof details.name === "string" ? details.name : undefined,
          kind: typeof details.kind === "string" ? details.kind : undefined,
          causes,
        }
      : undefined,
  };
}

/** The HTTP status of an ApiException-like error (client-node puts it in `code`). */
function httpStatusOf(err: Record<string, unknown>): number | undefined {
  for (const key of ["code", "statusCode", "status"]) {
    const v = err[key];
    if (typeof v === "number" && v >= 100 && v < 600) return v;
  }
  // ws: "Unexpected server response: 404" when an exec/attach handshake is refused.
  const message = typeof err.message === "string" ? err.message : "";
  const m = /Unexpected server response: (\d{3})/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** The errno-style code of a network error, looking through `cause` and ws's ErrorEvent. */
function networkCodeOf(err: unknown, depth = 0): string | undefined {
  if (!isRecord(err) || depth > 3) return undefined;
  for (const key of ["code", "errno"]) {
    const v = err[key];
    if (typeof v === "string" && UNREACHABLE_CODES.has(v)) return v;
  }
  const message = typeof err.message === "string" ? err.message : "";
  for (const code of UNREACHABLE_CODES) if (message.includes(code)) return code;
  // node-fetch's FetchError for a request timeout; our AbortSignal.timeout() aborts a request
  // with node-fetch's AbortError ("The operation was aborted.").
  if (err.type === "request-timeout" || err.type === "aborted" || err.name === "TimeoutError" || err.name === "AbortError") {
    return "ETIMEDOUT";
  }
  return networkCodeOf(err.cause, depth + 1) ?? networkCodeOf(err.error, depth + 1);
}

/** "Service redis" for messages, falling back on what the API server named. */
function describeResource(resource: ObjectRef | undefined, status: StatusBody | undefined): string {
  if (resource) return `${resource.kind} ${resource.name}`;
  const kind = status?.details?.kind;
  const name = status?.details?.name;
  if (kind && name) return `${kind} ${name}`;
  return "the object";
}

/** "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535" for each cause. */
export function formatCauses(causes: StatusCause[] | undefined): string {
  if (!causes || causes.length === 0) return "";
  return causes.map((c) => (c.field && !c.message.startsWith(c.field) ? `${c.field}: ${c.message}` : c.message)).join("; ");
}

/**
 * The field a learner edits for an API field path. A Service's clusterIP is reported on the
 * dual-stack list `spec.clusterIPs[0]`, but manifests (and our levels) set `spec.clusterIP`.
 */
export function learnerFieldName(field: string): string {
  return field === "spec.clusterIPs[0]" || field === "spec.clusterIPs" ? "spec.clusterIP" : field;
}

function immutableCause(status: StatusBody | undefined): StatusCause | undefined {
  const causes = status?.details?.causes ?? [];
  const hit = causes.find((c) => IMMUTABLE_PATTERNS.some((p) => p.test(c.message)));
  if (hit) return hit;
  const message = status?.message ?? "";
  if (IMMUTABLE_PATTERNS.some((p) => p.test(message))) {
    // "Service "redis" is invalid: spec.clusterIPs[0]: Invalid value: ...": take the field from the text.
    const m = /is invalid: ([A-Za-z0-9_.[\]-]+): /.exec(message);
    return { field: m?.[1], message };
  }
  return undefined;
}

function immutableMessage(resource: ObjectRef | undefined, field: string, status: StatusBody | undefined): string {
  const what = describeResource(resource, status);
  if (field === "spec.clusterIP" || (resource?.kind === "Service" && field.startsWith("spec.clusterIP"))) {
    return `${what}: a Service's clusterIP can't be changed in place. Kubernetes assigns it once, when the Service is created, and switching to clusterIP: None (a headless Service) is such a change.`;
  }
  if (resource?.kind === "StatefulSet" && field === "spec") {
    return `${what}: a StatefulSet's serviceName, selector and volumeClaimTemplates are fixed when it is created; only replicas, template, updateStrategy and a few other fields can change in place.`;
  }
  return `${what}: ${field} can't be changed once the object exists (${status?.message ?? "field is immutable"}).`;
}

/** The action for an immutable field: what the learner does instead of an in-place change. */
export function recreateAction(resource: ObjectRef | undefined): string {
  const kind = resource?.kind ?? "the object";
  const name = resource?.name ?? "<name>";
  const short = kind === "Service" ? "svc" : kind.toLowerCase();
  return `Delete and recreate it: use Recreate, or kubectl delete ${short} ${name} then apply.`;
}

/** Specific advice for the 403s a level namespace produces: quota, Pod Security, RBAC. */
function forbiddenAction(message: string): string {
  const quota = /exceeded quota: [^,]+, requested: ([a-z.]+)=/i.exec(message);
  if (quota) {
    return `Your level namespace's quota for ${quota[1]} is used up: delete what you no longer need (or lower replicas), then try again.`;
  }
  if (/must specify limits|must specify requests/i.test(message)) {
    return "Set resources.requests and resources.limits on every container (the namespace quota requires them).";
  }
  if (/violates PodSecurity/i.test(message)) {
    return "Fix what the Pod Security message names: level pods follow the restricted policy (securityContext runAsNonRoot: true, seccompProfile type RuntimeDefault, allowPrivilegeEscalation: false, capabilities drop [\"ALL\"]; no privileged mode, host namespaces or host paths).";
  }
  if (/ValidatingAdmissionPolicy .* denied request/i.test(message)) {
    return "Change what the message names, then apply again; KubeQuest's rules for learner namespaces keep every learner's level reachable only from inside it.";
  }
  const rbac = /User "system:serviceaccount:[^"]+" cannot ([a-z]+) resource "([^"]+)"(?: in API group "([^"]*)")?/.exec(message);
  if (rbac) {
    return `Your terminal and editor may not ${rbac[1]} ${rbac[2]}: no level needs it. Work with the objects of your level (kubectl auth can-i --list shows what you may do).`;
  }
  return "KubeQuest only lets you change objects inside your level's namespace; check the kind and name.";
}

/**
 * Maps any error from a Kubernetes call to a KubeError.
 *
 * @param context.resource the object the call was about, named in the message
 * @param context.operation a few words on what was being done ("apply", "exec into redis-0")
 */
export function toKubeError(err: unknown, context: { resource?: ObjectRef; operation?: string } = {}): KubeError {
  if (err instanceof KubeError) return err;
  const { resource } = context;
  const doing = context.operation ? ` (${context.operation})` : "";

  const networkCode = networkCodeOf(err);
  if (networkCode) {
    return new KubeError(
      "cluster-unreachable",
      `The Kubernetes cluster did not answer${doing}: ${networkCode === "ETIMEDOUT" ? "the request timed out" : networkCode}.`,
      { action: START_CLUSTER_ACTION, resource },
    );
  }

  const record = isRecord(err) ? err : {};
  const httpStatus = httpStatusOf(record);
  const status = parseStatusBody(record.body);
  const apiMessage = status?.message ?? (err instanceof Error ? err.message : String(err));
  const causes = status?.details?.causes;

  // Server-side apply answers a manifest that does not fit the schema (unknown field, a string
  // where a list belongs) with 500 "failed to create typed patch object", or 400 on some paths.
  const decode = typedPatchError(apiMessage);
  if (decode && (httpStatus === 400 || httpStatus === 500)) {
    const what = describeResource(resource, status);
    return new KubeError("invalid", `${what}: ${decode.field}: ${decode.problem}`, {
      status: httpStatus,
      resource,
      field: decode.field,
      causes: [{ field: decode.field, message: decode.problem }],
      action: "Fix that field (check its spelling, capitalisation and indentation), then apply again.",
    });
  }

  switch (httpStatus) {
    case 400: {
      const field = causes?.find((c) => c.field)?.field;
      return new KubeError("invalid", `${describeResource(resource, status)} was refused: ${formatCauses(causes) || apiMessage}`, {
        status: 400,
        resource,
        field,
        causes,
        action: "Fix what the message names, then apply again.",
      });
    }
    case 401:
      return new KubeError("unauthorized", `The cluster refused KubeQuest's credentials${doing}.`, {
        status: 401,
        action: "Re-create the kubeconfig with npm run cluster:up, or point KUBECONFIG at a valid one.",
      });
    case 403:
      return new KubeError("forbidden", apiMessage, { status: 403, resource, action: forbiddenAction(apiMessage) });
    case 404:
      return new KubeError("not-found", notFoundMessage(resource, status, apiMessage), {
        status: 404,
        resource,
        action: "Check the name and kind; if your level's environment is gone, start or reset the level.",
      });
    case 409: {
      const ssaConflict = status?.reason === "Conflict" && /conflict/i.test(apiMessage) && causes?.some((c) => c.reason === "FieldManagerConflict");
      return new KubeError("conflict", apiMessage, {
        status: 409,
        resource,
        field: causes?.find((c) => c.field)?.field?.replace(/^\./, ""),
        action: ssaConflict
          ? "Another tool changed these fields; apply again to take them over."
          : "Someone changed or is deleting this object at the same time; wait a moment and try again.",
      });
    }
    case 410:
      return new KubeError("expired", apiMessage, { status: 410, resource, action: "Try again." });
    case 422: {
      const immutable = immutableCause(status);
      if (immutable) {
        const field = learnerFieldName(immutable.field ?? "spec");
        return new KubeError("immutable-field", immutableMessage(resource, field, status), {
          status: 422,
          resource,
          field,
          causes,
          action: recreateAction(resource),
        });
      }
      const detail = formatCauses(causes);
      return new KubeError("invalid", `${describeResource(resource, status)} is invalid: ${detail || apiMessage}`, {
        status: 422,
        resource,
        field: causes?.find((c) => c.field)?.field,
        causes,
        action: "Fix the fields named above, then apply again.",
      });
    }
    case 429:
      return new KubeError("throttled", `The cluster is busy${doing}.`, {
        status: 429,
        action: "Wait a few seconds and try again.",
      });
    case 500:
    case 502:
    case 503:
    case 504:
      return new KubeError(httpStatus === 504 ? "timeout" : "cluster-error", `The Kubernetes API server failed${doing}: ${apiMessage}`, {
        status: httpStatus,
        resource,
        action: "Wait a few seconds and try again; if it keeps failing, check the cluster with npm run cluster:status.",
      });
    default:
      break;
  }
  if (httpStatus !== undefined) {
    return new KubeError("cluster-error", `The Kubernetes API server answered ${httpStatus}${doing}: ${apiMessage}`, {
      status: httpStatus,
      resource,
      action: "Try again; if it keeps failing, check the cluster with npm run cluster:status.",
    });
  }
  return new KubeError("cluster-error", `A Kubernetes call failed${doing}: ${apiMessage}`, {
    resource,
    action: "Try again; if it keeps failing, restart the server and check the cluster with npm run cluster:status.",
  });
}

function notFoundMessage(resource: ObjectRef | undefined, status: StatusBody | undefined, apiMessage: string): string {
  if (status?.details?.kind === "namespaces") {
    const name = status.details.name;
    return name ? `Your level's namespace ${name} does not exist (any more).` : "Your level's namespace does not exist (any more).";
  }
  if (resource) return `${resource.kind} ${resource.name} was not found.`;
  return apiMessage;
}

/**
 * Server-side apply's decoding errors name the field inside the message only, e.g.
 * `failed to create typed patch object (ns/redis; /v1, Kind=Service): .spec.clusterIp: field not declared in schema`.
 */
export function typedPatchError(message: string): { field: string; problem: string } | undefined {
  const m = /failed to create typed (?:patch )?object \([^)]*\): \.?([A-Za-z][^:\s]*): (.+)$/s.exec(message.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const raw = m[2].trim();
  const problem = /field not declared in schema/.test(raw)
    ? "is not a field Kubernetes knows here; check its spelling and capitalisation (for example clusterIP, not clusterIp)"
    : raw.replace(/expected (\w+), got .*/, "expected a $1 here");
  return { field: m[1], problem };
}
