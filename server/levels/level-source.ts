/**
 * Reads the `levels/` directory into memory: which level directories exist, each level's
 * manifest, Markdown and referenced Kubernetes files, and the platform objects every level
 * namespace gets. Shared by the level catalog (which refuses to start on any problem) and
 * `npm run levels:check` (which adds content rules and prints a report). A manifest is held to
 * its schema and its grader checks to the grader's check library (types and their params).
 *
 * Layout:
 *   levels/_platform/*.yaml                         objects of every level namespace, applied in file-name order
 *   levels/<NN-world-slug>/<NN-level-id>/level.yaml  a level (plus briefing.md, debrief.md and its YAML files)
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { KubeObject } from "../../lib/levels/kube-object";
import { parseLevelManifest, referencedFiles, type LevelManifest } from "../../lib/levels/level-schema";
import { checkSpecProblems } from "../grader/checks/check-library";
import { LevelFileError, parseKubeObjects, parseYamlDocument } from "./level-yaml";

export const PLATFORM_DIR = "_platform";
export const MANIFEST_FILE = "level.yaml";
export const BRIEFING_FILE = "briefing.md";
export const DEBRIEF_FILE = "debrief.md";
/** The authors' guide at the top of levels/. */
export const README_FILE = "README.md";

/** `03-networking-and-services`: a two-digit world number, then a slug. */
const WORLD_DIR = /^(\d{2})-[a-z0-9][a-z0-9-]*$/;
/** `30-headless-statefulset-dns`: the level number, then the level id. */
const LEVEL_DIR = /^(\d{2,3})-([a-z0-9][a-z0-9-]*)$/;

/** Something a level author must fix. `file` is relative to the levels root, with forward slashes. */
export interface LevelProblem {
  file: string;
  message: string;
}

export function formatProblem(p: LevelProblem): string {
  return `${p.file}: ${p.message}`;
}

export interface LevelFile {
  text: string;
  objects: KubeObject[];
}

/** Everything a level directory holds, read and validated. */
export interface LevelSource {
  /** Level directory relative to the levels root, e.g. "03-networking-and-services/30-headless-statefulset-dns". */
  relDir: string;
  /** Absolute level directory. */
  dir: string;
  manifest: LevelManifest;
  briefing: string;
  debrief: string;
  /** Every YAML file the manifest references, keyed by its path inside the level directory. */
  files: Map<string, LevelFile>;
}

export interface PlatformSource {
  /** Files in apply order, each with its objects (placeholders still in place). */
  files: { file: string; objects: KubeObject[] }[];
}

const toPosix = (p: string): string => p.split(path.sep).join("/");

function problemsFrom(err: unknown, fallbackFile: string): LevelProblem[] {
  if (err instanceof LevelFileError) return err.problems.map((message) => ({ file: err.file, message }));
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return [{ file: fallbackFile, message: "file is missing" }];
  return [{ file: fallbackFile, message: err instanceof Error ? err.message : String(err) }];
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Lists level directories (relative to the root), worlds and levels in name order. */
export async function discoverLevelDirs(rootDir: string): Promise<{ dirs: string[]; problems: LevelProblem[] }> {
  const dirs: string[] = [];
  const problems: LevelProblem[] = [];
  let entries;
  try {
    entries = await fs.readdir(rootDir, { withFileTypes: true });
  } catch {
    return { dirs, problems: [{ file: ".", message: `the levels directory ${rootDir} cannot be read` }] };
  }
  for (const world of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (world.name === PLATFORM_DIR || world.name === README_FILE || world.name.startsWith(".")) continue;
    if (!world.isDirectory()) {
      problems.push({ file: world.name, message: "only world directories, _platform/ and README.md belong at the top of levels/" });
      continue;
    }
    if (!WORLD_DIR.test(world.name)) {
      problems.push({ file: world.name, message: "a world directory is named <two-digit world number>-<slug>, e.g. 03-networking-and-services" });
      continue;
    }
    const levels = await fs.readdir(path.join(rootDir, world.name), { withFileTypes: true });
    for (const level of levels.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${world.name}/${level.name}`;
      if (level.name.startsWith(".")) continue;
      if (!level.isDirectory()) {
        problems.push({ file: rel, message: "only level directories belong in a world directory" });
        continue;
      }
      if (!LEVEL_DIR.test(level.name)) {
        problems.push({ file: rel, message: "a level directory is named <level number>-<level id>, e.g. 30-headless-statefulset-dns" });
        continue;
      }
      dirs.push(rel);
    }
  }
  return { dirs, problems };
}

/**
 * Reads and validates one level directory. The source is returned when everything could be
 * read, even if `problems` holds naming issues; callers that need a clean level check both.
 */
export async function readLevelSource(
  rootDir: string,
  relDir: string,
): Promise<{ source?: LevelSource; problems: LevelProblem[] }> {
  const dir = path.join(rootDir, relDir);
  const manifestRel = `${relDir}/${MANIFEST_FILE}`;
  const problems: LevelProblem[] = [];

  let manifest: LevelManifest;
  try {
    const data = parseYamlDocument(await fs.readFile(path.join(dir, MANIFEST_FILE), "utf8"), manifestRel);
    const parsed = parseLevelManifest(data);
    if (!parsed.ok) return { problems: parsed.problems.map((message) => ({ file: manifestRel, message })) };
    // Each check's type must be in the grader's library and its params fit that type.
    const checkProblems = checkSpecProblems(parsed.manifest.grader);
    if (checkProblems.length > 0) return { problems: checkProblems.map((p) => ({ file: manifestRel, message: `${p.path}: ${p.message}` })) };
    manifest = parsed.manifest;
  } catch (err) {
    return { problems: problemsFrom(err, manifestRel) };
  }

  const dirName = path.basename(relDir);
  const expectedDirName = `${manifest.number}-${manifest.id}`;
  if (dirName !== expectedDirName) {
    problems.push({ file: relDir, message: `the directory of level ${manifest.number} "${manifest.id}" must be named ${expectedDirName}` });
  }
  const worldNumber = Number(WORLD_DIR.exec(path.dirname(relDir))?.[1]);
  if (worldNumber !== manifest.world.number) {
    problems.push({ file: manifestRel, message: `world.number is ${manifest.world.number} but the level sits in the directory of world ${worldNumber}` });
  }

  const readText = async (name: string): Promise<string | undefined> => {
    try {
      const text = await fs.readFile(path.join(dir, name), "utf8");
      if (text.trim() === "") problems.push({ file: `${relDir}/${name}`, message: "file is empty" });
      return text;
    } catch (err) {
      problems.push(...problemsFrom(err, `${relDir}/${name}`));
      return undefined;
    }
  };
  const briefing = await readText(BRIEFING_FILE);
  const debrief = await readText(DEBRIEF_FILE);

  const files = new Map<string, LevelFile>();
  const wanted = referencedFiles(manifest);
  for (const file of wanted) {
    const rel = `${relDir}/${file}`;
    try {
      const text = await fs.readFile(path.join(dir, ...file.split("/")), "utf8");
      files.set(file, { text, objects: parseKubeObjects(text, rel) });
    } catch (err) {
      problems.push(...problemsFrom(err, rel));
    }
  }

  // A level with naming problems is still returned (so duplicates across levels can be found
  // too); one with unreadable content is not. The catalog refuses both.
  if (briefing === undefined || debrief === undefined || files.size !== wanted.length) return { problems };
  return { source: { relDir, dir, manifest, briefing, debrief, files }, problems };
}

/** Level ids and numbers must be unique across the whole catalog. */
export function duplicateProblems(sources: LevelSource[]): LevelProblem[] {
  const problems: LevelProblem[] = [];
  const byId = new Map<string, string>();
  const byNumber = new Map<number, string>();
  for (const s of sources) {
    const file = `${s.relDir}/${MANIFEST_FILE}`;
    const sameId = byId.get(s.manifest.id);
    if (sameId) problems.push({ file, message: `id "${s.manifest.id}" is already used by ${sameId}` });
    else byId.set(s.manifest.id, s.relDir);
    const sameNumber = byNumber.get(s.manifest.number);
    if (sameNumber) problems.push({ file, message: `number ${s.manifest.number} is already used by ${sameNumber}` });
    else byNumber.set(s.manifest.number, s.relDir);
  }
  return problems;
}

/** Reads `_platform/*.yaml` in file-name order (the order they are applied in). */
export async function readPlatformSource(rootDir: string): Promise<{ platform?: PlatformSource; problems: LevelProblem[] }> {
  const dir = path.join(rootDir, PLATFORM_DIR);
  if (!(await isDirectory(dir))) {
    return { problems: [{ file: PLATFORM_DIR, message: "the platform directory (objects of every level namespace) is missing" }] };
  }
  const problems: LevelProblem[] = [];
  const files: PlatformSource["files"] = [];
  const names = (await fs.readdir(dir)).filter((n) => !n.startsWith(".")).sort();
  for (const name of names) {
    const rel = `${PLATFORM_DIR}/${name}`;
    if (!/\.ya?ml$/.test(name)) {
      problems.push({ file: rel, message: "only .yaml files belong in _platform/" });
      continue;
    }
    try {
      files.push({ file: name, objects: parseKubeObjects(await fs.readFile(path.join(dir, name), "utf8"), rel) });
    } catch (err) {
      problems.push(...problemsFrom(err, rel));
    }
  }
  if (files.length === 0 && problems.length === 0) problems.push({ file: PLATFORM_DIR, message: "holds no .yaml file" });
  return problems.length > 0 ? { problems } : { platform: { files }, problems };
}

/** Every file under a directory, relative to it with forward slashes, sorted. */
export async function listFilesRecursively(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(toPosix(path.relative(dir, full)));
    }
  };
  await walk(dir);
  return out.sort();
}
