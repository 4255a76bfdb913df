/**
 * Parsing YAML a learner typed, under limits: the text's size in UTF-8 bytes, then js-yaml, then
 * a walk of the result bounded in values visited, depth and document count. Problems come back
 * as YamlIssues with 1-based editor lines, never as exceptions.
 *
 * Also finds the line of a field path ("spec.ports[0].port") in the text, so the API server's
 * complaints can be shown on the line they are about.
 */
import yaml from "js-yaml";
import { LIMITS, type YamlIssue } from "../../lib/protocol/socket-events";

export interface YamlLimits {
  bytes: number;
  depth: number;
  documents: number;
  /**
   * Values visited while walking the parsed result. An alias is a shared reference, so it is
   * walked (and counted) at every place it appears: a "billion laughs" document, cheap to parse,
   * runs out of budget here instead of exhausting memory later when it is serialised.
   */
  values: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = {
  bytes: LIMITS.yamlBytes,
  depth: LIMITS.yamlDepth,
  documents: LIMITS.yamlObjects,
  // Real manifests of a level hold a few hundred values.
  values: 20_000,
};

/** One non-empty YAML document. */
export interface YamlDocument {
  value: unknown;
  /** 1-based position among all documents of the text (empty ones included), e.g. "document 2". */
  number: number;
  /** 0-based line range [from, to) of the document in the text; absent when it could not be told. */
  lines?: { from: number; to: number };
}

export interface ParsedYaml {
  documents: YamlDocument[];
  issues: YamlIssue[];
}

const DOC_START = /^---(?:\s|$)/;
const DOC_END = /^\.\.\.(?:\s|$)/;

/**
 * Splits the text into documents the way js-yaml counts them: a `---` line starts a document,
 * `...` ends one, content before any `---` forms the first. Lines are 0-based.
 */
export function documentLineRanges(text: string): { from: number; to: number }[] {
  const lines = text.split(/\r?\n/);
  const ranges: { from: number; to: number }[] = [];
  let open: { from: number; to: number } | null = null;
  lines.forEach((line, i) => {
    if (DOC_START.test(line)) {
      open = { from: i, to: lines.length };
      ranges.push(open);
    } else if (DOC_END.test(line)) {
      if (open) open.to = i + 1;
      open = null;
    } else if (!/^\s*(#.*)?$/.test(line) && !line.startsWith("%") && open === null) {
      open = { from: i, to: lines.length };
      ranges.push(open);
    }
  });
  for (let i = 0; i + 1 < ranges.length; i++) {
    const current = ranges[i]!;
    current.to = Math.min(current.to, ranges[i + 1]!.from);
  }
  return ranges;
}

/** The first line of a document holding content (not `---`, comments or blank lines), 1-based. */
export function documentStartLine(text: string, doc: YamlDocument): number | undefined {
  if (!doc.lines) return undefined;
  const lines = text.split(/\r?\n/);
  for (let i = doc.lines.from; i < doc.lines.to; i++) {
    const line = lines[i] ?? "";
    if (!DOC_START.test(line) && !/^\s*(#.*)?$/.test(line)) return i + 1;
  }
  return doc.lines.from + 1;
}

/** Walks a parsed value; returns a problem when it is too deep or has too many values. */
function checkBounds(value: unknown, limits: YamlLimits, budget: { left: number }): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    budget.left -= 1;
    if (budget.left < 0) {
      return `the YAML expands to more than ${limits.values} values (are aliases (*name) repeating a large block?)`;
    }
    if (depth > limits.depth) return `the YAML is nested deeper than ${limits.depth} levels`;
    if (Array.isArray(v)) for (const item of v) stack.push({ v: item, depth: depth + 1 });
    else if (v !== null && typeof v === "object") for (const item of Object.values(v)) stack.push({ v: item, depth: depth + 1 });
  }
  return undefined;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The commonest syntax error in a pasted or Tab-indented manifest: its first field is indented
 * and the next line is not. The parser blames the next line ("end of the stream expected"),
 * which is innocent; this names the line to fix, or undefined when that is not the case.
 */
function indentedFirstLine(text: string, errorLine: number): YamlIssue | undefined {
  const lines = text.split("\n");
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const isContent = (l: string) => l.trim() !== "" && !l.trimStart().startsWith("#");
  // The document the error is in starts after the last "---" above it.
  let start = 0;
  for (let i = errorLine - 2; i >= 0; i--) {
    if (/^---(\s|$)/.test(lines[i] ?? "")) {
      start = i + 1;
      break;
    }
  }
  const first = lines.findIndex((l, i) => i >= start && i < errorLine - 1 && isContent(l));
  const at = lines[errorLine - 1] ?? "";
  if (first === -1 || !isContent(at)) return undefined;
  const firstIndent = indentOf(lines[first]!);
  if (firstIndent === 0 || indentOf(at) >= firstIndent) return undefined;
  const what = /^\t/.test(lines[first]!) ? "indented with tabs" : `indented by ${firstIndent} ${firstIndent === 1 ? "space" : "spaces"}`;
  return {
    severity: "error",
    line: first + 1,
    message: `YAML syntax: line ${first + 1} is ${what} but line ${errorLine} is not. Top-level fields (apiVersion, kind, metadata, spec) start at the beginning of the line: remove the indentation of line ${first + 1}.`,
  };
}

/** Parses every document of `text` within `limits`. Never throws. */
export function parseYamlSafely(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): ParsedYaml {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.bytes) {
    return {
      documents: [],
      issues: [{ severity: "error", message: `The YAML is ${Math.ceil(bytes / 1024)} KiB; at most ${limits.bytes / 1024} KiB is accepted.` }],
    };
  }
  let values: unknown[];
  try {
    // CORE_SCHEMA: plain JSON-like values only. The default schema would turn an unquoted date
    // into a Date object, which is not what Kubernetes receives from kubectl.
    values = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const line = (err.mark as { line?: number } | undefined)?.line;
      const indented = line !== undefined ? indentedFirstLine(text, line + 1) : undefined;
      if (indented) return { documents: [], issues: [indented] };
      return {
        documents: [],
        issues: [{ severity: "error", ...(line !== undefined ? { line: line + 1 } : {}), message: `YAML syntax: ${err.reason || err.message}.` }],
      };
    }
    // A pathological nesting ([[[[...) overflows js-yaml's recursive descent.
    if (err instanceof RangeError) {
      return { documents: [], issues: [{ severity: "error", message: `The YAML is nested too deeply (at most ${limits.depth} levels).` }] };
    }
    return { documents: [], issues: [{ severity: "error", message: `The YAML could not be read: ${(err as Error).message}` }] };
  }

  const ranges = documentLineRanges(text);
  // Only trust the line ranges when they agree with js-yaml's own count of documents.
  const rangesMatch = ranges.length === values.length;
  const documents: YamlDocument[] = [];
  values.forEach((value, i) => {
    if (value === null || value === undefined) return;
    const range = rangesMatch ? ranges[i] : undefined;
    documents.push({ value, number: i + 1, ...(range ? { lines: range } : {}) });
  });

  if (documents.length > limits.documents) {
    return {
      documents: [],
      issues: [{ severity: "error", message: `The YAML holds ${documents.length} objects; at most ${limits.documents} are accepted at once.` }],
    };
  }
  const budget = { left: limits.values };
  for (const doc of documents) {
    const problem = checkBounds(doc.value, limits, budget);
    if (problem) {
      const line = documentStartLine(text, doc);
      return { documents: [], issues: [{ severity: "error", ...(line ? { line } : {}), message: `${sentence(problem)}.` }] };
    }
  }
  return { documents, issues: [] };
}

// ---------------------------------------------------------------------------------------------
// Finding the line of a field

type PathSegment = { key: string } | { index: number } | { match: { key: string; value: string } };

/**
 * "spec.template.spec.containers[0].image" → segments. Also reads map keys in brackets
 * (`metadata.labels[app.kubernetes.io/name]`) and server-side apply's list keys
 * (`containers[name="redis"]`).
 */
export function parseFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  const path = field.replace(/^\./, "");
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) segments.push({ key: m[1] });
    else {
      const inside = m[2] ?? "";
      if (/^\d+$/.test(inside)) segments.push({ index: Number(inside) });
      else {
        const kv = /^([^=]+)=(.*)$/.exec(inside);
        if (kv) segments.push({ match: { key: kv[1]!, value: kv[2]!.replace(/^"(.*)"$/, "$1") } });
        else segments.push({ key: inside });
      }
    }
  }
  return segments;
}

interface LineShape {
  /** Column of the `- ` sequence marker, when the line starts a list item. */
  itemCol?: number;
  /** Column and text of the mapping key on the line, when there is one. */
  keyCol?: number;
  key?: string;
  value?: string;
  /** Column of the first character that is not a space. */
  indent: number;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"{[\]}:,][^:#]*?)\s*:(?:\s+(.*))?$/;

function shapeOf(line: string): LineShape | undefined {
  if (/^\s*(#.*)?$/.test(line)) return undefined;
  const indent = line.length - line.trimStart().length;
  let col = indent;
  let rest = line.slice(indent);
  let itemCol: number | undefined;
  const item = /^-(\s+|$)/.exec(rest);
  if (item) {
    itemCol = col;
    col += item[0].length;
    rest = rest.slice(item[0].length);
  }
  const key = KEY.exec(rest.replace(/\s+#.*$/, ""));
  if (!key) return { indent, ...(itemCol !== undefined ? { itemCol } : {}) };
  return {
    indent,
    ...(itemCol !== undefined ? { itemCol } : {}),
    keyCol: col,
    key: key[1]!.replace(/^["'](.*)["']$/, "$1"),
    ...(key[2] !== undefined ? { value: key[2].trim().replace(/^["'](.*)["']$/, "$1") } : {}),
  };
}

/**
 * The 1-based line of `field` inside one document of `text`, or of the deepest parent found;
 * undefined when not even the first segment is there (for example a field the server defaulted).
 * Reads block-style YAML as kubectl users write it; flow style ends the search at its line.
 */
export function findFieldLine(text: string, doc: YamlDocument, field: string): number | undefined {
  if (!doc.lines) return undefined;
  const all = text.split(/\r?\n/);
  const shapes: (LineShape | undefined)[] = all.map((l, i) => (i >= doc.lines!.from && i < doc.lines!.to && !DOC_START.test(l) ? shapeOf(l) : undefined));
  let from = doc.lines.from;
  let to = doc.lines.to;
  let found: number | undefined;

  /** The end of the block under the key or item on line `at` (exclusive). */
  const blockEnd = (at: number, col: number, isItem: boolean): number => {
    for (let i = at + 1; i < to; i++) {
      const s = shapes[i];
      if (!s) continue;
      // A list may sit at the same column as its key ("ports:\n- port: 80").
      if (s.indent < col || (s.indent === col && (isItem || s.itemCol === undefined))) return i;
    }
    return to;
  };
  const firstShape = (): { line: number; shape: LineShape } | undefined => {
    for (let i = from; i < to; i++) {
      const s = shapes[i];
      if (s) return { line: i, shape: s };
    }
    return undefined;
  };

  for (const seg of parseFieldPath(field)) {
    const first = firstShape();
    if (!first) break;
    if ("key" in seg) {
      const col = first.shape.keyCol;
      if (col === undefined) break;
      let hit: number | undefined;
      for (let i = from; i < to; i++) {
        const s = shapes[i];
        if (s?.keyCol === col && s.key === seg.key) {
          hit = i;
          break;
        }
      }
      if (hit === undefined) break;
      found = hit;
      from = hit + 1;
      to = blockEnd(hit, col, false);
    } else {
      const col = first.shape.itemCol;
      if (col === undefined) break;
      const items: number[] = [];
      for (let i = from; i < to; i++) if (shapes[i]?.itemCol === col) items.push(i);
      let hit: number | undefined;
      if ("index" in seg) hit = items[seg.index];
      else {
        hit = items.find((start) => {
          const end = blockEnd(start, col, true);
          for (let i = start; i < end; i++) if (shapes[i]?.key === seg.match.key && shapes[i]?.value === seg.match.value) return true;
          return false;
        });
      }
      if (hit === undefined) break;
      found = hit;
      to = blockEnd(hit, col, true);
      from = hit;
      // Inside the item, keys sit after the "- ": the item's own line is the first of its block.
      shapes[hit] = { ...shapes[hit]!, itemCol: undefined };
    }
  }
  return found === undefined ? undefined : found + 1;
}
