// Puts the YAML editor's browser code under public/monaco, so the editor loads everything from
// our own origin (nothing from a CDN), at postinstall:
// - Monaco's AMD build into public/monaco/vs (@monaco-editor/react's loader would otherwise
//   fetch it from a CDN);
// - the two web workers the editor starts, bundled by esbuild into single classic-worker files:
//   Monaco's editor worker and monaco-yaml's YAML language worker (completion, hover and
//   validation from the schema at /api/editor-schema/:levelId). Both ship only as ES modules
//   with bare imports, which a browser worker cannot load as they are.
//   components/yaml-editor/kubernetes-schema.ts starts them.
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildSync } from "esbuild";

const require = createRequire(import.meta.url);
const monacoRoot = path.dirname(require.resolve("monaco-editor/package.json"));
const source = path.join(monacoRoot, "min", "vs");
const publicDir = path.join(process.cwd(), "public", "monaco");
const target = path.join(publicDir, "vs");

if (!existsSync(source)) {
  console.error(`[monaco] ${source} is missing: is monaco-editor installed?`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
console.log(`[monaco] served from /monaco/vs (copied from ${path.relative(process.cwd(), source)})`);

const workers = {
  "editor.worker.js": path.join(monacoRoot, "esm", "vs", "editor", "editor.worker.js"),
  "yaml.worker.js": require.resolve("monaco-yaml/yaml.worker.js"),
};
for (const [name, entry] of Object.entries(workers)) {
  buildSync({
    entryPoints: [entry],
    outfile: path.join(publicDir, name),
    bundle: true,
    format: "iife",
    minify: true,
    target: "es2022",
    logLevel: "warning",
  });
  console.log(`[monaco] /monaco/${name} bundled from ${path.relative(process.cwd(), entry)}`);
}
