/**
 * Every check type a level can name in level.yaml, by its `type`, and the rules that tie a
 * level's `grader` entries to them: the type must exist and its `params` must fit the type's
 * schema. The level catalog refuses a level that breaks them, `npm run levels:check` reports
 * them, and the grade context resolves a level's checks here.
 *
 * A new check type is a definition (see check-types.ts) added to the list below, with its own
 * unit tests; nothing else in the grader changes. One that reads only objects declares
 * `fromObjects`, and every level that uses it gets it live, with no change to the live path.
 */
import { formatIssuePath, type CheckSpec } from "../../../lib/levels/level-schema";
import type { CheckDefinition, CheckImplementation, ObjectVerdict, PlannedCheck } from "./check-types";
import { deploymentPodsReadyCheck } from "./deployment-checks";
import { perPodDnsCheck, serviceDnsCheck } from "./dns-checks";
import { redisFanOutCheck } from "./fan-out-checks";
import { nodeRulesCheck } from "./node-rules-check";
import { podsReadyCheck } from "./pods-ready";
import { replicationDataCheck, replicationTopologyCheck } from "./redis-checks";
import { endpointSliceHostnamesCheck, serviceHeadlessCheck, statefulSetServiceNameCheck } from "./service-checks";
import { serviceDnsRecordsCheck } from "./service-dns-records";

const DEFINITIONS: readonly CheckDefinition<unknown>[] = [
  serviceHeadlessCheck,
  statefulSetServiceNameCheck,
  podsReadyCheck,
  endpointSliceHostnamesCheck,
  perPodDnsCheck,
  serviceDnsCheck,
  replicationTopologyCheck,
  replicationDataCheck,
  deploymentPodsReadyCheck,
  serviceDnsRecordsCheck,
  redisFanOutCheck,
  nodeRulesCheck,
] as CheckDefinition<unknown>[];

/** The library, by type. */
export const CHECK_LIBRARY: ReadonlyMap<string, CheckDefinition<unknown>> = new Map(DEFINITIONS.map((d) => [d.type, d]));

/** A problem with one `grader` entry, at the path a level author would write (`grader[2].params.service`). */
export interface CheckSpecProblem {
  path: string;
  message: string;
}

function knownTypes(): string {
  return [...CHECK_LIBRARY.keys()].sort().join(", ");
}

/** Resolves one entry: its definition and parsed parameters, or what is wrong with it. */
function resolve(spec: CheckSpec, index: number): { planned: PlannedCheck } | { problems: CheckSpecProblem[] } {
  const definition = CHECK_LIBRARY.get(spec.type);
  if (!definition) {
    return { problems: [{ path: `grader[${index}].type`, message: `"${spec.type}" is not a check type (known: ${knownTypes()})` }] };
  }
  const parsed = definition.params.safeParse(spec.params);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        path: formatIssuePath(["grader", index, "params", ...issue.path]),
        message: `${issue.message} (for a ${spec.type} check)`,
      })),
    };
  }
  return { planned: { spec: { ...spec, params: parsed.data }, definition } };
}

/** What is wrong with a level's `grader` entries: unknown types, parameters that do not fit. */
export function checkSpecProblems(grader: readonly CheckSpec[]): CheckSpecProblem[] {
  return grader.flatMap((spec, i) => {
    const r = resolve(spec, i);
    return "problems" in r ? r.problems : [];
  });
}

/** The level's checks resolved against the library; throws on an entry the catalog would refuse. */
export function planChecks(grader: readonly CheckSpec[]): PlannedCheck[] {
  return grader.map((spec, i) => {
    const r = resolve(spec, i);
    if ("problems" in r) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join("; "));
    return r.planned;
  });
}

/** The definition of a check's type; throws for a type the library does not have. */
export function definitionOf(spec: Pick<CheckSpec, "type">): CheckDefinition<unknown> {
  const definition = CHECK_LIBRARY.get(spec.type);
  if (!definition) throw new Error(`"${spec.type}" is not a check type (known: ${knownTypes()})`);
  return definition;
}

export function implementationOf(spec: Pick<CheckSpec, "type">): CheckImplementation {
  return definitionOf(spec).run;
}

/** The check's verdict from objects alone, when its type has one (then it runs live too). */
export function objectVerdictOf(spec: Pick<CheckSpec, "type">): ObjectVerdict<unknown> | undefined {
  return definitionOf(spec).fromObjects;
}
