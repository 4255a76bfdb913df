// Copies Monaco's AMD build from node_modules into public/monaco/vs, so the editor loads
// from our own origin. @monaco-editor/react's loader would otherwise fetch it from a CDN.
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const monacoRoot = path.dirname(require.resolve("monaco-editor/package.json"));
const source = path.join(monacoRoot, "min", "vs");
const target = path.join(process.cwd(), "public", "monaco", "vs");

if (!existsSync(source)) {
  console.error(`[monaco] ${source} is missing: is monaco-editor installed?`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
console.log(`[monaco] served from /monaco/vs (copied from ${path.relative(process.cwd(), source)})`);
