"use client";

import { useEffect, useState } from "react";
import { buttonStyles } from "@/components/ui/button-styles";

/**
 * Copies `text` to the clipboard and says so. Where the Clipboard API is refused (plain HTTP on
 * a LAN address), it selects the text in `fallbackInputId` so Ctrl+C finishes the job.
 */
export function CopyButton({ text, label, fallbackInputId, testId }: { text: string; label: string; fallbackInputId?: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      const input = fallbackInputId ? document.getElementById(fallbackInputId) : null;
      if (input instanceof HTMLInputElement) {
        input.focus();
        input.select();
      }
      setState("manual");
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={() => void copy()} className={`${buttonStyles.secondary} h-8`} aria-label={label} data-testid={testId}>
        Copy
      </button>
      <span role="status" className="text-xs text-muted">
        {state === "copied" ? "Copied." : state === "manual" ? "Selected: press Ctrl+C (⌘C) to copy." : ""}
      </span>
    </span>
  );
}
