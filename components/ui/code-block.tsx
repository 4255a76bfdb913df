"use client";
// Why: commands in hints and the briefing were cut off and scrolled sideways, and a learner had
// to retype them. Every fenced block gets Copy; shell blocks also get "Run in terminal" on the
// level page, which types the command into the learner's own shell (issue 16, item 9).

import { useEffect, useState, type ReactNode } from "react";
import type { CodeBlock as CodeBlockText } from "./code-block-text";
import { useCommandRunner } from "./command-runner";

/** Clipboard API where the page is a secure context; the selection fallback elsewhere (plain http). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the fallback.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

const actionClass =
  "inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-raised px-2 font-sans text-[11px] font-medium text-fg hover:bg-overlay disabled:cursor-not-allowed disabled:opacity-60";

export function CodeBlock({ block, children }: { block: CodeBlockText; children: ReactNode }) {
  const runner = useCommandRunner();
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(null), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const canRun = block.runnable && runner !== null;

  return (
    <div data-testid="code-block" data-runnable={canRun} className="kq-code-block">
      <div className="flex items-center justify-between gap-2 rounded-t-lg border border-b-0 border-line bg-surface px-2 py-1">
        <span className="font-mono text-[11px] text-muted">{block.language ?? (block.runnable ? "shell" : "text")}</span>
        <span className="flex items-center gap-1.5">
          <span role="status" className="text-[11px] text-muted">
            {copied === "copied" ? "Copied" : copied === "failed" ? "Copy failed: select the text instead" : ""}
          </span>
          <button
            type="button"
            data-testid="code-copy"
            className={actionClass}
            onClick={() => void copyText(block.text).then((ok) => setCopied(ok ? "copied" : "failed"))}
          >
            Copy
          </button>
          {canRun && (
            <button
              type="button"
              data-testid="code-run"
              className={actionClass}
              disabled={runner.unavailable !== null}
              title={runner.unavailable ?? "Type this into your terminal and press Enter"}
              onClick={() => runner.run(block.text)}
            >
              <span aria-hidden="true">▶</span> Run in terminal
            </button>
          )}
        </span>
      </div>
      {children}
    </div>
  );
}
