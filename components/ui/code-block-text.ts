/**
 * Why: a fenced block in a hint or the briefing is usually a command the learner is meant to
 * run. Reading its text and language from the Markdown tree decides which blocks get "Run in
 * terminal" (shell commands) and which only "Copy" (YAML, output), without guessing from the
 * rendered DOM.
 */

/** The part of a hast node this needs (react-markdown passes hast nodes to components). */
export interface HastLike {
  type: string;
  tagName?: string;
  value?: string;
  properties?: { className?: unknown };
  children?: HastLike[];
}

export interface CodeBlock {
  /** e.g. "bash", "yaml"; null for a fence without a language. */
  language: string | null;
  /** The block's text, without its final newline. */
  text: string;
  /** A shell command a learner may send to their terminal as is. */
  runnable: boolean;
}

const SHELL_LANGUAGES = new Set(["bash", "sh", "shell", "zsh"]);

function textOf(node: HastLike): string {
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

/** Reads a `<pre><code class="language-x">…</code></pre>` node; null for anything else. */
export function codeBlockOf(pre: HastLike | undefined): CodeBlock | null {
  const code = pre?.children?.find((c) => c.type === "element" && c.tagName === "code");
  if (!code) return null;
  const classes = Array.isArray(code.properties?.className) ? (code.properties.className as unknown[]) : [];
  const languageClass = classes.find((c): c is string => typeof c === "string" && c.startsWith("language-"));
  const language = languageClass ? languageClass.slice("language-".length).toLowerCase() : null;
  const text = textOf(code).replace(/\n$/, "");
  return { language, text, runnable: text.trim() !== "" && (language === null || SHELL_LANGUAGES.has(language)) };
}
