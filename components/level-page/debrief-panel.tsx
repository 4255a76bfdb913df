"use client";
// Why: the debrief is a long article with a table; squeezed into the guide column (about
// 340×370 px at 1440×900, issue 16 item 6) it was hard to read. It stays in its tab, and opens
// in a wide reading view of its own from there and from the grader's "Read the debrief".

import { useId, useRef } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { LockIcon } from "@/components/ui/icons";
import { Markdown } from "@/components/ui/markdown";

export function DebriefPanel({ debrief, onOpenWide }: { debrief: string | null; onOpenWide: () => void }) {
  if (debrief === null) {
    return (
      <div className="rounded-lg border border-dashed border-line-strong bg-canvas px-4 py-8 text-center">
        <LockIcon className="mx-auto h-6 w-6 text-faint" />
        <p className="mt-2 text-sm font-medium text-fg">The debrief unlocks when your fix passes.</p>
        <p className="mt-1 text-xs text-muted">It explains what was broken, why, and how to spot it in the wild.</p>
      </div>
    );
  }
  return (
    <div>
      <button type="button" data-testid="debrief-open-wide" onClick={onOpenWide} className={`${buttonStyles.secondary} mb-3 h-8 w-full`}>
        Open in a wide reading view
      </button>
      <article data-testid="debrief">
        <Markdown>{debrief}</Markdown>
      </article>
    </div>
  );
}

/** The debrief on its own, wide: a modal reading view (Escape or Close returns to the level). */
export function DebriefDialog({ debrief, open, onClose }: { debrief: string | null; open: boolean; onClose: () => void }) {
  const id = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      open={open && debrief !== null}
      onClose={onClose}
      labelledBy={`${id}-title`}
      initialFocus={closeRef}
      testId="debrief-dialog"
      className="w-[min(94vw,60rem)]!"
    >
      <div className="flex items-center justify-between gap-4">
        <h2 id={`${id}-title`} className="text-base font-semibold text-white">
          Debrief
        </h2>
        <button ref={closeRef} type="button" onClick={onClose} className={buttonStyles.secondary}>
          Close
        </button>
      </div>
      {/* Scrolls on its own; focusable so the keyboard can scroll it (axe: scrollable-region-focusable). */}
      <div tabIndex={0} role="region" aria-label="Debrief text" className="mt-4 max-h-[72vh] overflow-y-auto pr-2">
        <article data-testid="debrief-wide" className="mx-auto max-w-3xl">
          <Markdown>{debrief ?? ""}</Markdown>
        </article>
      </div>
    </Dialog>
  );
}
