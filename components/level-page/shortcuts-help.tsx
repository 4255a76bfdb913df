"use client";

import { useId } from "react";
import { Dialog } from "@/components/ui/dialog";
import { Kbd } from "@/components/ui/kbd";
import { buttonStyles } from "@/components/ui/button-styles";
import { shortcutDocs } from "./shortcuts";

export function ShortcutsHelp({ open, onClose, modKey }: { open: boolean; onClose: () => void; modKey: string }) {
  const id = useId();
  return (
    <Dialog open={open} onClose={onClose} labelledBy={`${id}-title`} testId="shortcuts-help">
      <div className="flex items-start justify-between gap-4">
        <h2 id={`${id}-title`} className="text-base font-semibold text-white">
          Keyboard shortcuts
        </h2>
        <button type="button" onClick={onClose} aria-label="Close" className={buttonStyles.icon}>
          ✕
        </button>
      </div>
      <dl className="mt-4 divide-y divide-line text-sm">
        {shortcutDocs.map((doc) => (
          <div key={doc.what} className="flex items-center justify-between gap-4 py-2">
            <dt className="text-muted">{doc.what}</dt>
            <dd className="flex shrink-0 gap-1">
              {doc.keys(modKey).map((key) => (
                <Kbd key={key}>{key}</Kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-4 text-xs text-faint">
        Tab moves between controls, through the editor too until you type or click in it; from then on Tab indents
        there, and Esc then Tab moves on. In the terminal, Tab completes commands: use Alt+1, Alt+2 or Alt+4 to leave
        it.
      </p>
    </Dialog>
  );
}
