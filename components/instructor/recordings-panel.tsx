"use client";

import { useEffect, useRef, useState } from "react";
import type { RecordingSummary, TerminalRecording } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi } from "@/lib/client/instructor-client";
import { TerminalReplay } from "@/components/terminal-replay/terminal-replay";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { formatElapsed } from "./format-time";
import { createLatestGate } from "./latest-response";
import { useFocusAfterRender } from "./use-focus-after-render";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
}

/** The learner's recorded terminal sessions, newest first; one opens in the replayer. */
export function RecordingsPanel({ cohortId, learnerId, recordings }: { cohortId: string; learnerId: string; recordings: readonly RecordingSummary[] }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const [recording, setRecording] = useState<TerminalRecording | null>(null);
  const [loadingId, setLoadingId] = useState<string | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  // Switching recordings while one still loads: only the last one asked for may open (a slow,
  // large recording answering late must not replace the one the instructor chose since).
  const gate = useRef(createLatestGate());
  /** The opened session's caption: focus goes there once it loads, just above the player's controls. */
  const captionRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useEffect(() => {
    const current = gate.current;
    return () => current.invalidate();
  }, []);

  async function open(id: string) {
    const isLatest = gate.current.begin();
    const focusedBefore = document.activeElement;
    setOpenId(id);
    setLoadingId(id);
    setError(null);
    setRecording(null);
    // Always fetched afresh: a recording of a running session keeps growing.
    const result = await instructorApi.recording(cohortId, learnerId, id);
    if (!isLatest()) return;
    setLoadingId(null);
    if (result.ok) {
      setRecording(result.value);
      // Otherwise a keyboard user would Tab past every other session's button to reach the player.
      // Only if they are still where they asked from: a slow answer must not pull focus away.
      const focusedNow = document.activeElement;
      if (focusedNow === focusedBefore || focusedNow === document.body) focusAfterRender(captionRef);
    } else setError(result.error);
  }

  if (recordings.length === 0) {
    return <p className="text-sm text-muted">No terminal sessions recorded yet. They appear once the learner opens a terminal on a level.</p>;
  }
  const loading = recordings.find((r) => r.id === loadingId) ?? null;
  const when = (r: RecordingSummary) => timeFormat.format(new Date(r.startedAt));
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-line rounded-xl border border-line" data-testid="recordings">
        {recordings.map((r) => {
          const isOpen = openId === r.id && recording !== null;
          const action = isOpen ? "Reload" : "Replay";
          return (
            <li
              key={r.id}
              data-testid="recording-item"
              aria-current={openId === r.id ? "true" : undefined}
              className={`flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2.5 text-sm ${openId === r.id ? "bg-raised/60" : ""}`}
            >
              <time dateTime={r.startedAt} className="font-mono text-xs text-muted tabular-nums">
                {when(r)}
              </time>
              <span className="font-mono text-xs text-muted">
                <span className="sr-only">level </span>
                {r.levelId}
              </span>
              <span className="text-fg">
                <span className="sr-only">lasted </span>
                {formatElapsed(r.durationMs)}
              </span>
              <span className="text-muted">{kib(r.bytes)}</span>
              {r.truncated && (
                <span className="text-xs text-warn" title="The recording reached its size cap; later output was not kept.">
                  size cap reached
                </span>
              )}
              <button
                type="button"
                // Not `disabled` while loading: a focused button that becomes disabled loses
                // focus, and a keyboard user would land back at the top of the page.
                onClick={() => {
                  if (loadingId !== r.id) void open(r.id);
                }}
                aria-disabled={loadingId === r.id}
                className={`${buttonStyles.secondary} ml-auto h-8 aria-disabled:cursor-wait aria-disabled:opacity-60`}
                // The accessible name starts with the visible word, so "click Replay" works by voice too.
                aria-label={`${action} the session of ${when(r)}`}
                data-testid="replay-recording"
              >
                {loadingId === r.id && <Spinner />}
                {action}
              </button>
            </li>
          );
        })}
      </ul>
      <p role="status" className="sr-only" data-testid="recording-status">
        {loading ? `Loading the session of ${when(loading)}…` : recording ? `The session of ${when(recording)} is open in the player.` : ""}
      </p>
      {error && <ErrorCallout error={error} onRetry={openId ? () => void open(openId) : undefined} testId="recording-error" />}
      {recording && (
        <div data-testid="recording-replay" className="space-y-2">
          <p ref={captionRef} tabIndex={-1} className="text-xs text-muted" data-testid="recording-caption">
            Session of <time dateTime={recording.startedAt}>{when(recording)}</time> · <span className="font-mono">{recording.levelId}</span>
          </p>
          <TerminalReplay key={`${recording.id}-${recording.updatedAt}`} recording={recording} />
        </div>
      )}
    </div>
  );
}
