/**
 * Parsing of the YAML files a level is made of (its manifest, its Kubernetes objects, the
 * platform objects). Level files are our own content, but they are still parsed with bounds
 * so that a slip (a huge paste, an alias bomb) fails loudly instead of hanging the server.
 */
import yaml from "js-yaml";
import { LIMITS } from "../../lib/protocol/socket-events";
import { kubeObjectSchema, type KubeObject } from "../../lib/levels/kube-object";
import { formatIssuePath } from "../../lib/levels/level-schema";

/** Level files are a few KiB; anything past this is a mistake. */
const MAX_FILE_BYTES = 256 * 1024;
/**
 * Values visited while walking a parsed file. Aliases make js-yaml share one object between
 * many places, so a "billion laughs" file parses quickly but explodes when walked; counting
 * visits catches it. Real level files stay in the hundreds.
 */
const MAX_VISITED_VALUES = 50_000;

/** A problem in one file, said so its author can find and fix it. */
export class LevelFileError extends Error {
  constructor(
    /** Path shown to the author, e.g. "03-networking-and-services/30-x/broken/service.yaml". */
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join("\n"));
    this.name = "LevelFileError";
  }
}

function checkShape(value: unknown, file: string): void {
  let visited = 0;
  const walk = (v: unknown, depth: number): void => {
    visited += 1;
    if (visited > MAX_VISITED_VALUES) {
      throw new LevelFileError(file, [`more than ${MAX_VISITED_VALUES} values (are YAML aliases expanding?)`]);
    }
    if (depth > LIMITS.yamlDepth) {
      throw new LevelFileError(file, [`nested deeper than ${LIMITS.yamlDepth} levels`]);
    }
    if (Array.isArray(v)) v.forEach((item) => walk(item, depth + 1));
    else if (v !== null && typeof v === "object") Object.values(v).forEach((item) => walk(item, depth + 1));
  };
  walk(value, 0);
}

function guardSize(text: string, file: string): void {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_FILE_BYTES) {
    throw new LevelFileError(file, [`${bytes} bytes is more than the ${MAX_FILE_BYTES / 1024} KiB a level file may have`]);
  }
}

function yamlProblem(err: unknown): string {
  if (err instanceof yaml.YAMLException) {
    const mark = err.mark as { line?: number; column?: number } | undefined;
    const where = mark?.line !== undefined ? `line ${mark.line + 1}, column ${(mark.column ?? 0) + 1}: ` : "";
    return `${where}invalid YAML: ${err.reason}`;
  }
  return `invalid YAML: ${err instanceof Error ? err.message : String(err)}`;
}

/** Parses a single-document YAML file (such as level.yaml). */
export function parseYamlDocument(text: string, file: string): unknown {
  guardSize(text, file);
  let value: unknown;
  try {
    value = yaml.load(text, { filename: file });
  } catch (err) {
    throw new LevelFileError(file, [yamlProblem(err)]);
  }
  checkShape(value, file);
  return value;
}

/**
 * Parses a file of Kubernetes objects (one or more `---`-separated documents; empty documents
 * are skipped). Every object needs apiVersion, kind and metadata.name.
 */
export function parseKubeObjects(text: string, file: string): KubeObject[] {
  guardSize(text, file);
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, null, { filename: file });
  } catch (err) {
    throw new LevelFileError(file, [yamlProblem(err)]);
  }
  const present = docs.filter((d) => d !== null && d !== undefined);
  if (present.length === 0) throw new LevelFileError(file, ["holds no Kubernetes object"]);
  if (present.length > LIMITS.yamlObjects) {
    throw new LevelFileError(file, [`holds ${present.length} objects; at most ${LIMITS.yamlObjects} are allowed`]);
  }
  const problems: string[] = [];
  const objects: KubeObject[] = [];
  present.forEach((doc, i) => {
    checkShape(doc, file);
    const label = present.length > 1 ? `object ${i + 1} of ${present.length}` : "object";
    const parsed = kubeObjectSchema.safeParse(doc);
    if (parsed.success) objects.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.push(`${label}: ${formatIssuePath(issue.path)}: ${issue.message}`);
  });
  if (problems.length > 0) throw new LevelFileError(file, problems);
  return objects;
}
