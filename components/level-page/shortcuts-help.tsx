"use client";
// Why: every keyboard shortcut in one place, from the same list the page's key handler is
// documented by: the page's own, and the YAML editor's (Monaco's completion, documentation and
// problem keys, issue 15 item 3), so nothing is reachable only with a mouse.

import { useId } from "react";
import { Dialog } from "@/components/ui/dialog";
import { Kbd } from "@/components/ui/kbd";
import { buttonStyles } from "@/components/ui/button-styles";
import { shortcutDocs } from "./shortcuts";

export function ShortcutsHelp({ open, onClose, modKey }: { open: boolean; onClose: () => void; modKey: string }) {
  const id = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      labelledBy={`${id}-title`}
      testId="shortcuts-help"
      className="w-[min(94vw,40rem)]!"
    >
      <div className="flex items-start justify-between gap-4">
        <h2 id={`${id}-title`} className="text-base font-semibold text-white">
          Keyboard shortcuts
        </h2>
        <button type="button" onClick={onClose} aria-label="Close" className={buttonStyles.icon}>
          ✕
        </button>
      </div>
      {/* Focusable: on a small window the list scrolls, and keyboard users must be able to scroll it. */}
      <div tabIndex={0} role="region" aria-label="Shortcuts" className="max-h-[62vh] overflow-y-auto pr-1">
        {(["page", "editor"] as const).map((where) => (
          <section key={where} aria-labelledby={`${id}-${where}`} data-testid={`shortcuts-${where}`} className="mt-4">
            <h3 id={`${id}-${where}`} className="text-xs font-semibold tracking-wider text-muted uppercase">
              {where === "page" ? "On the level page" : "In the YAML editor"}
            </h3>
            <dl className="mt-1 divide-y divide-line text-sm">
              {shortcutDocs
                .filter((doc) => doc.where === where)
                .map((doc) => (
                  <div key={doc.what} className="flex items-center justify-between gap-4 py-2">
                    <dt className="text-muted">{doc.what}</dt>
                    <dd className="flex shrink-0 gap-1">
                      {doc.keys(modKey).map((key, index) => (
                        <Kbd key={index}>{key}</Kbd>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="mt-4 text-xs text-faint">
        Tab moves between controls, through the editor too until you type or click in it; from then on Tab indents
        there, and Esc then Tab moves on. The editor knows Kubernetes: its suggestions and documentation come from your
        cluster, and a misspelt field is underlined before you apply. In the terminal, Tab completes commands: use
        Alt+1, Alt+2 or Alt+4 to leave it.
      </p>
    </Dialog>
  );
}
