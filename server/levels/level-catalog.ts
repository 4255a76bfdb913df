/**
 * The catalog of levels the server offers, read once from `levels/` and kept in memory.
 * Loading fails as a whole, naming every file and field at fault, rather than serving a
 * half-valid level to learners.
 *
 * Node only.
 */
import type { EditableFile, LevelDetail, LevelSummary } from "../../lib/protocol/socket-events";
import { isValidNamespace, type KubeObject } from "../../lib/levels/kube-object";
import type { LevelManifest } from "../../lib/levels/level-schema";
import { levelsDirFrom } from "../config/server-config";
import {
  discoverLevelDirs,
  duplicateProblems,
  formatProblem,
  readLevelSource,
  readPlatformSource,
  type LevelProblem,
  type LevelSource,
  type PlatformSource,
} from "./level-source";

/** The placeholder platform objects use where a value must name the level's namespace. */
export const NAMESPACE_PLACEHOLDER = "{{namespace}}";

/**
 * The ConfigMap holding the level's editable files, which the toolbox pod (levels/_platform/
 * 60-toolbox.yaml) copies into the terminal's home folder at start: a learner who works only in
 * the terminal finds the same manifests the editor shows, to edit and `kubectl apply -f`.
 */
export const LEVEL_FILES_CONFIGMAP = "kubequest-level-files";

function levelFilesConfigMap(files: readonly EditableFile[]): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: LEVEL_FILES_CONFIGMAP, labels: { "app.kubernetes.io/part-of": "kubequest" } },
    data: Object.fromEntries(files.map((f) => [f.name, f.content])),
  };
}

export interface LoadedLevel {
  readonly manifest: LevelManifest;
  /** Absolute path of the level directory. */
  readonly dir: string;
  /** Markdown shown before the level starts. */
  readonly briefing: string;
  /** Markdown shown once the main grade passes. */
  readonly debrief: string;
  /** The editor's tabs with their starting content, in manifest order. */
  readonly editableFiles: EditableFile[];
  /**
   * The platform objects of a level namespace (learner ServiceAccount and Role, quota, limits,
   * toolbox pod), in apply order, with `{{namespace}}` replaced. Fresh copies on every call.
   * Throws when `namespace` is not an RFC 1123 label.
   */
  platformObjects(namespace: string): KubeObject[];
  /** The objects of a file the manifest references (e.g. "solution/service.yaml"). Fresh copies. */
  readObjects(file: string): KubeObject[];
  summary(): LevelSummary;
  /** What the level page needs; hints carry titles and costs only (bodies open on the server). */
  detail(): LevelDetail;
  /** Markdown body of hint `index` (0-based), or undefined when there is no such hint. */
  hintBody(index: number): string | undefined;
  /** The solution as Markdown: each step, with the YAML of the files it applies. */
  solutionMarkdown(): string;
}

export interface LevelCatalog {
  /** Every level, sorted by world number then level number. */
  list(): LoadedLevel[];
  get(id: string): LoadedLevel | undefined;
}

/** Thrown when `levels/` holds any problem; `problems` lists each one with its file. */
export class LevelCatalogError extends Error {
  constructor(readonly problems: LevelProblem[]) {
    super(`levels/ has ${problems.length} problem(s) (run npm run levels:check):\n${problems.map(formatProblem).join("\n")}`);
    this.name = "LevelCatalogError";
  }
}

/** Replaces the placeholder in every string of a (deep-copied) value. */
function withNamespace<T>(value: T, namespace: string): T {
  if (typeof value === "string") return value.split(NAMESPACE_PLACEHOLDER).join(namespace) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withNamespace(v, namespace)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNamespace(v, namespace)])) as T;
  }
  return value;
}

/** The solution steps in words, with the YAML the learner would put in the editor. */
function solutionMarkdown(manifest: LevelManifest, source: LevelSource): string {
  return manifest.solution
    .map((step, i) => {
      const n = `${i + 1}.`;
      switch (step.action) {
        case "apply":
        case "recreate": {
          const name = manifest.editableFiles.find((f) => f.file.split("/").pop() === step.file.split("/").pop())?.name ?? step.file;
          const verb = step.action === "apply" ? "Apply" : "Recreate (delete and create again)";
          return `${n} ${verb} \`${name}\` with:\n\n\`\`\`yaml\n${(source.files.get(step.file)?.text ?? "").trimEnd()}\n\`\`\``;
        }
        case "delete":
          return `${n} Delete ${step.kind} \`${step.name}\`.`;
        case "waitReady":
          return `${n} Wait until every pod is Ready (up to ${step.timeoutSeconds} s).`;
        case "waitRollout":
          return `${n} Wait until the rolling update has finished: \`kubectl rollout status ${manifest.workload.kind.toLowerCase()}/${manifest.workload.name}\` (up to ${step.timeoutSeconds} s).`;
        case "exec":
          return `${n} Run in pod \`${step.pod}\`: \`${step.command.join(" ")}\``;
      }
    })
    .join("\n\n");
}

function makeLoadedLevel(source: LevelSource, platform: PlatformSource): LoadedLevel {
  const { manifest } = source;
  const editableFiles: EditableFile[] = manifest.editableFiles.map((f) => ({
    name: f.name,
    // readLevelSource refuses a level with a missing referenced file, so this is always set.
    content: source.files.get(f.file)?.text ?? "",
  }));
  const summary = (): LevelSummary => ({
    id: manifest.id,
    number: manifest.number,
    title: manifest.title,
    world: { number: manifest.world.number, title: manifest.world.title },
    xp: manifest.xp,
    difficulty: manifest.difficulty,
    concepts: [...manifest.concepts],
  });
  return {
    manifest,
    dir: source.dir,
    briefing: source.briefing,
    debrief: source.debrief,
    editableFiles,
    platformObjects(namespace) {
      if (!isValidNamespace(namespace)) {
        throw new Error(`"${namespace}" is not a valid namespace name (RFC 1123 label: lowercase letters, digits and '-', at most 63)`);
      }
      const objects = platform.files.flatMap((f) => f.objects.map((o) => withNamespace(o, namespace)));
      // Before the first pod: the toolbox reads it when it starts.
      const firstPod = objects.findIndex((o) => o.kind === "Pod");
      objects.splice(firstPod === -1 ? objects.length : firstPod, 0, levelFilesConfigMap(editableFiles));
      return objects;
    },
    readObjects(file) {
      const found = source.files.get(file);
      if (!found) {
        throw new Error(`level "${manifest.id}" has no file "${file}" in its manifest (known: ${[...source.files.keys()].join(", ")})`);
      }
      return structuredClone(found.objects);
    },
    summary,
    hintBody: (index) => manifest.hints[index]?.body,
    solutionMarkdown: () => solutionMarkdown(manifest, source),
    detail: () => ({
      ...summary(),
      briefing: source.briefing,
      objectives: [...manifest.objectives],
      chaosObjective: manifest.chaos?.objective ?? null,
      solutionXpCost: manifest.solutionXpCost,
      chaosBonusXp: manifest.chaosBonusXp,
      hints: manifest.hints.map((h) => ({ title: h.title, xpCost: h.xpCost })),
      editableFiles: editableFiles.map((f) => ({ ...f })),
      panels: [...manifest.panels],
    }),
  };
}

/** Reads and validates every level under `rootDir`; rejects with a LevelCatalogError on any problem. */
export async function loadLevelCatalog(rootDir: string = levelsDirFrom()): Promise<LevelCatalog> {
  const problems: LevelProblem[] = [];
  const { platform, problems: platformProblems } = await readPlatformSource(rootDir);
  problems.push(...platformProblems);
  const { dirs, problems: layoutProblems } = await discoverLevelDirs(rootDir);
  problems.push(...layoutProblems);
  const sources: LevelSource[] = [];
  for (const dir of dirs) {
    const { source, problems: levelProblems } = await readLevelSource(rootDir, dir);
    problems.push(...levelProblems);
    if (source) sources.push(source);
  }
  problems.push(...duplicateProblems(sources));
  if (problems.length > 0 || !platform) throw new LevelCatalogError(problems);

  const levels = sources
    .map((s) => makeLoadedLevel(s, platform))
    .sort((a, b) => a.manifest.world.number - b.manifest.world.number || a.manifest.number - b.manifest.number);
  const byId = new Map(levels.map((l) => [l.manifest.id, l]));
  return {
    list: () => [...levels],
    get: (id) => byId.get(id),
  };
}

let cached: Promise<LevelCatalog> | undefined;

/** The catalog of `./levels`, loaded on first use. A failed load is not cached, so a later call retries. */
export function getLevelCatalog(): Promise<LevelCatalog> {
  if (!cached) {
    const loading = loadLevelCatalog();
    cached = loading;
    loading.catch(() => {
      if (cached === loading) cached = undefined;
    });
  }
  return cached;
}
