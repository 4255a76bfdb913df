/**
 * Content rules for `levels/`, beyond what the catalog needs to load: no stray files, objects
 * that never pin a namespace, images the offline cluster can actually run. `npm run
 * levels:check` prints the report; tests call `checkLevels` on temporary copies.
 */
import path from "node:path";
import { editorKindOf } from "../../lib/levels/editor-kinds";
import type { KubeObject } from "../../lib/levels/kube-object";
import { formatIssuePath, referencedFiles, type LevelManifest } from "../../lib/levels/level-schema";
import {
  BRIEFING_FILE,
  DEBRIEF_FILE,
  MANIFEST_FILE,
  PLATFORM_DIR,
  discoverLevelDirs,
  duplicateProblems,
  listFilesRecursively,
  readLevelSource,
  readPlatformSource,
  type LevelProblem,
  type LevelSource,
} from "./level-source";

export interface LevelReport {
  /** Level directory relative to the levels root. */
  relDir: string;
  /** Set when the manifest could be read. */
  manifest?: { id: string; number: number; title: string; checks: number; wrongFixes: number };
  problems: LevelProblem[];
}

export interface LevelCheckReport {
  levels: LevelReport[];
  /** Problems outside any level: layout of levels/, _platform/. */
  general: LevelProblem[];
  /** All problems, general ones first. Empty means the content is good. */
  problems: LevelProblem[];
}

const FIXED_FILES = new Set([MANIFEST_FILE, BRIEFING_FILE, DEBRIEF_FILE]);
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

function describe(o: KubeObject): string {
  return `${o.kind} ${o.metadata.name}`;
}

/** Problems with an image reference, or undefined when the offline cluster can run it. */
function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (image.includes("@sha256:")) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon === -1) return `image "${image}" has no tag; pin one (e.g. kubequest/redis:7.0.15-2): there is no registry to resolve :latest`;
  if (lastSegment.slice(colon + 1) === "latest") return `image "${image}" uses :latest; pin the tag the cluster kit builds`;
  return undefined;
}

/**
 * Placeholders a file may use: platform files name the namespace; files that only steps apply
 * (a wrong fix pinning a pod's current IP) may name the namespace and a pod's IP, filled in
 * when the step runs; what a learner sees (setup, editor tabs) takes none.
 */
export type PlaceholderRule = "none" | "namespace" | "step";

const STEP_PLACEHOLDERS = /\{\{namespace\}\}|\{\{podIP:[a-z0-9]([-a-z0-9]*[a-z0-9])?\}\}/g;

/**
 * What Pod Security `restricted` (enforced on learner namespaces) would refuse in a pod spec, so a
 * level author hears it from levels:check rather than from a level that never starts.
 */
function restrictedProblems(podSpec: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const podContext = (podSpec.securityContext ?? {}) as { runAsNonRoot?: unknown; runAsUser?: unknown; seccompProfile?: { type?: unknown } };
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (podSpec[field] === true) problems.push(`${field}: true is refused in learner namespaces`);
  const volumes = Array.isArray(podSpec.volumes) ? (podSpec.volumes as Record<string, unknown>[]) : [];
  for (const v of volumes) if (v && typeof v === "object" && "hostPath" in v) problems.push(`volume ${String(v.name)}: hostPath is refused in learner namespaces`);
  const seccompOk = (t: unknown): boolean => t === "RuntimeDefault" || t === "Localhost";
  for (const list of ["initContainers", "containers"] as const) {
    const containers = Array.isArray(podSpec[list]) ? (podSpec[list] as Record<string, unknown>[]) : [];
    containers.forEach((c, i) => {
      const sc = (c?.securityContext ?? {}) as { runAsNonRoot?: unknown; runAsUser?: unknown; allowPrivilegeEscalation?: unknown; privileged?: unknown; capabilities?: { drop?: unknown }; seccompProfile?: { type?: unknown } };
      const where = `${list}[${i}]`;
      if ((sc.runAsNonRoot ?? podContext.runAsNonRoot) !== true) problems.push(`${where}: set runAsNonRoot: true (pod or container securityContext)`);
      if ((sc.runAsUser ?? podContext.runAsUser) === 0) problems.push(`${where}: runAsUser 0 (root) is refused`);
      if (!seccompOk(sc.seccompProfile?.type ?? podContext.seccompProfile?.type)) problems.push(`${where}: set seccompProfile type RuntimeDefault (pod or container securityContext)`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: set securityContext.allowPrivilegeEscalation: false`);
      if (sc.privileged === true) problems.push(`${where}: privileged containers are refused`);
      if (!(Array.isArray(sc.capabilities?.drop) && sc.capabilities.drop.includes("ALL"))) problems.push(`${where}: set securityContext.capabilities.drop: ["ALL"]`);
    });
  }
  return problems;
}

/**
 * The admission policy's cap on exec probes (server/environments/learner-admission-policies.yaml,
 * keep the two in step): every exec probe is a container-runtime exec on the node, CPU outside
 * the pod's limits that every learner shares, so a pod may ask for at most 30 a minute.
 */
export const MAX_EXEC_PROBES_PER_MINUTE = 30;
const DEFAULT_PROBE_PERIOD_SECONDS = 10;

/** Exec probes a minute over every container of a pod spec, rounded up as the policy does. */
export function execProbesPerMinute(podSpec: Record<string, unknown>): number {
  let total = 0;
  for (const list of ["initContainers", "containers"] as const) {
    const containers = Array.isArray(podSpec[list]) ? (podSpec[list] as Record<string, unknown>[]) : [];
    for (const c of containers) {
      for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        const probe = c?.[kind] as { exec?: unknown; periodSeconds?: unknown } | undefined;
        if (!probe || typeof probe !== "object" || probe.exec === undefined) continue;
        const period = typeof probe.periodSeconds === "number" && probe.periodSeconds > 0 ? probe.periodSeconds : DEFAULT_PROBE_PERIOD_SECONDS;
        total += Math.floor((59 + period) / period);
      }
    }
  }
  return total;
}

/**
 * `workload.readyWhenStarted` must name containers a start can wait for: a StatefulSet's own
 * pod (`<name>-<ordinal>`, below its replicas) and a container of its pod template. A typo
 * would make every start of the level wait until it times out.
 */
export function readyWhenStartedProblems(workload: LevelManifest["workload"], workloadObject: KubeObject): string[] {
  const problems: string[] = [];
  const template = ((workloadObject.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec ?? {}) as Record<string, unknown>;
  const names = new Set(
    (["initContainers", "containers"] as const).flatMap((list) => (Array.isArray(template[list]) ? (template[list] as { name?: unknown }[]) : []).map((c) => String(c?.name))),
  );
  workload.readyWhenStarted.forEach(({ pod, container }, i) => {
    const at = `workload.readyWhenStarted[${i}]`;
    if (workload.kind !== "StatefulSet") {
      problems.push(`${at}: a ${workload.kind}'s pods have generated names; only a StatefulSet's pods can be named here`);
      return;
    }
    const ordinal = pod.startsWith(`${workload.name}-`) ? pod.slice(workload.name.length + 1) : "";
    if (!/^(0|[1-9]\d*)$/.test(ordinal) || Number(ordinal) >= workload.replicas) {
      problems.push(`${at}.pod: "${pod}" is not a pod of StatefulSet ${workload.name} (${workload.name}-0 … ${workload.name}-${workload.replicas - 1})`);
    }
    if (!names.has(container)) {
      problems.push(`${at}.container: the StatefulSet's pods have no container "${container}" (they have ${[...names].join(", ") || "none"})`);
    }
  });
  return problems;
}

/** Rules every object must follow, wherever it lives. */
export function objectProblems(o: KubeObject, file: string, opts: { placeholders: PlaceholderRule }): LevelProblem[] {
  const problems: LevelProblem[] = [];
  const where = describe(o);
  if (o.metadata.namespace !== undefined) {
    problems.push({ file, message: `${where}: remove metadata.namespace; the server puts every object in the learner's namespace` });
  }

  // Pod specs sit at different depths (Pod, StatefulSet, CronJob…): look for container lists anywhere.
  const visit = (value: unknown, at: PropertyKey[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...at, i]));
      return;
    }
    if (value === null || typeof value !== "object") {
      if (typeof value === "string" && /\{\{|\}\}/.test(value)) {
        const rest =
          opts.placeholders === "namespace" ? value.split("{{namespace}}").join("") : opts.placeholders === "step" ? value.replace(STEP_PLACEHOLDERS, "") : value;
        if (/\{\{|\}\}/.test(rest)) {
          const allowed =
            opts.placeholders === "namespace"
              ? "the only placeholder allowed is {{namespace}}"
              : opts.placeholders === "step"
                ? "the only placeholders allowed in a file only steps apply are {{namespace}} and {{podIP:<pod-name>}}"
                : "level files take no placeholders (only files that solution or wrong-fix steps alone apply may use {{namespace}} and {{podIP:<pod-name>}})";
          problems.push({ file, message: `${where}: ${formatIssuePath(at)}: "${value}": ${allowed}` });
        }
      }
      return;
    }
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.containers)) {
      for (const problem of restrictedProblems(record)) problems.push({ file, message: `${where}: ${formatIssuePath(at)}: ${problem} (Pod Security restricted)` });
      const execProbes = execProbesPerMinute(record);
      if (execProbes > MAX_EXEC_PROBES_PER_MINUTE) {
        problems.push({
          file,
          message: `${where}: ${formatIssuePath(at)}: exec probes would run ${execProbes} times a minute; at most ${MAX_EXEC_PROBES_PER_MINUTE} a minute per pod are admitted: use a tcpSocket or httpGet probe, or a longer periodSeconds (KubeQuest admission policy)`,
        });
      }
    }
    for (const list of CONTAINER_LISTS) {
      const containers = record[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((c: unknown, i) => {
        const container = (c ?? {}) as Record<string, unknown>;
        const cPath = formatIssuePath([...at, list, i]);
        const image = imageProblem(container.image);
        if (image) problems.push({ file, message: `${where}: ${cPath}: ${image}` });
        if (container.imagePullPolicy === "Always") {
          problems.push({ file, message: `${where}: ${cPath}.imagePullPolicy: Always needs a registry; use IfNotPresent` });
        }
      });
    }
    for (const [k, v] of Object.entries(record)) visit(v, [...at, k]);
  };
  visit(o, []);
  return problems;
}

/** Rules about one level beyond its schema. */
async function levelContentProblems(source: LevelSource): Promise<LevelProblem[]> {
  const { manifest, relDir } = source;
  const problems: LevelProblem[] = [];
  const manifestFile = `${relDir}/${MANIFEST_FILE}`;

  const referenced = new Set(referencedFiles(manifest));
  for (const file of await listFilesRecursively(source.dir)) {
    if (!FIXED_FILES.has(file) && !referenced.has(file)) {
      problems.push({
        file: `${relDir}/${file}`,
        message: "stray file: no setup, editableFiles, solution or wrongFixes entry of level.yaml refers to it (reference it or delete it)",
      });
    }
  }

  // Files a learner sees take no placeholders; files that only steps apply may fill some in.
  const seen = new Set([...manifest.setup, ...manifest.editableFiles.map((f) => f.file)]);
  for (const [file, { objects }] of source.files) {
    const placeholders: PlaceholderRule = seen.has(file) ? "none" : "step";
    for (const o of objects) problems.push(...objectProblems(o, `${relDir}/${file}`, { placeholders }));
  }

  const setupObjects = manifest.setup.flatMap((f) => source.files.get(f)?.objects ?? []);
  const { workload } = manifest;
  const workloadObject = setupObjects.find((o) => o.kind === workload.kind && o.metadata.name === workload.name);
  if (!workloadObject) {
    problems.push({ file: manifestFile, message: `workload: no ${workload.kind} named "${workload.name}" in the setup files` });
  } else {
    const replicas = (workloadObject.spec as { replicas?: unknown } | undefined)?.replicas;
    if (replicas !== workload.replicas) {
      problems.push({ file: manifestFile, message: `workload.replicas is ${workload.replicas} but the setup's ${workload.kind} asks for ${String(replicas)}` });
    }
    problems.push(...readyWhenStartedProblems(workload, workloadObject).map((message) => ({ file: manifestFile, message })));
  }

  manifest.editableFiles.forEach((f, i) => {
    if (!manifest.setup.includes(f.file)) {
      problems.push({
        file: manifestFile,
        message: `editableFiles[${i}].file: "${f.file}" is not in setup, so the editor would show something the cluster does not run`,
      });
    }
  });

  // The editor refuses kinds outside editorKinds: a level whose own files need one could not be
  // played (or verified) through its editor.
  const allowedKinds = new Set(manifest.editorKinds);
  const editorFiles = new Set([
    ...manifest.editableFiles.map((f) => f.file),
    ...[...manifest.solution, ...manifest.wrongFixes.flatMap((f) => f.steps)].flatMap((step) => (step.action === "apply" || step.action === "recreate" ? [step.file] : [])),
  ]);
  for (const file of editorFiles) {
    for (const o of source.files.get(file)?.objects ?? []) {
      const kind = editorKindOf(o.apiVersion, o.kind);
      if (!allowedKinds.has(kind)) {
        problems.push({ file: `${relDir}/${file}`, message: `${describe(o)}: goes through the editor, but editorKinds in level.yaml does not list ${kind}` });
      }
    }
  }

  manifest.wrongFixes.forEach((fix, i) => {
    fix.steps.forEach((step, j) => {
      // A wrong fix may reuse another's file (two mistakes often share a step) or the solution's.
      if ("file" in step && !step.file.startsWith("wrong-fixes/") && !manifest.solution.some((s) => "file" in s && s.file === step.file)) {
        problems.push({
          file: manifestFile,
          message: `wrongFixes[${i}].steps[${j}].file: keep wrong fixes' files under wrong-fixes/ (wrong-fixes/${fix.id}/ for its own), or reuse a solution file`,
        });
      }
    });
  });
  return problems;
}

/** Checks everything under `rootDir` (normally `levels/`). */
export async function checkLevels(rootDir: string): Promise<LevelCheckReport> {
  const general: LevelProblem[] = [];
  const { platform, problems: platformProblems } = await readPlatformSource(rootDir);
  general.push(...platformProblems);
  for (const f of platform?.files ?? []) {
    for (const o of f.objects) general.push(...objectProblems(o, `${PLATFORM_DIR}/${f.file}`, { placeholders: "namespace" }));
  }
  const { dirs, problems: layoutProblems } = await discoverLevelDirs(rootDir);
  general.push(...layoutProblems);
  if (dirs.length === 0 && layoutProblems.length === 0) general.push({ file: ".", message: "no level found" });

  const levels: LevelReport[] = [];
  const sources: LevelSource[] = [];
  for (const relDir of dirs) {
    const { source, problems } = await readLevelSource(rootDir, relDir);
    const report: LevelReport = { relDir, problems: [...problems] };
    if (source) {
      sources.push(source);
      const m = source.manifest;
      report.manifest = { id: m.id, number: m.number, title: m.title, checks: m.grader.length, wrongFixes: m.wrongFixes.length };
      report.problems.push(...(await levelContentProblems(source)));
    }
    levels.push(report);
  }
  for (const dup of duplicateProblems(sources)) {
    levels.find((l) => dup.file.startsWith(`${l.relDir}/`))?.problems.push(dup);
  }
  return { levels, general, problems: [...general, ...levels.flatMap((l) => l.problems)] };
}

/** The report as text for a terminal. */
export function formatLevelCheckReport(report: LevelCheckReport, rootDir: string): string {
  const lines: string[] = [`Checking ${path.relative(process.cwd(), rootDir) || "."}/`];
  if (report.general.length > 0) {
    lines.push("", "levels/ layout and _platform/:");
    for (const p of report.general) lines.push(`  ✗ ${p.file}: ${p.message}`);
  }
  for (const level of report.levels) {
    const m = level.manifest;
    const name = m ? `Level ${m.number} "${m.title}" (${m.id}), ${m.checks} checks, ${m.wrongFixes} wrong fixes` : level.relDir;
    lines.push("", `${level.problems.length === 0 ? "✓" : "✗"} ${name}`, `  ${level.relDir}`);
    for (const p of level.problems) lines.push(`  ✗ ${p.file}: ${p.message}`);
  }
  const n = report.problems.length;
  lines.push("", n === 0 ? `All ${report.levels.length} level(s) are valid.` : `${n} problem(s) to fix.`);
  return lines.join("\n");
}
