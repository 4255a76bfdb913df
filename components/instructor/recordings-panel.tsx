"use client";

import { useState } from "react";
import type { RecordingSummary, TerminalRecording } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi } from "@/lib/client/instructor-client";
import { TerminalReplay } from "@/components/terminal-replay/terminal-replay";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { formatElapsed } from "./format-time";

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

  async function open(id: string) {
    setOpenId(id);
    setLoadingId(id);
    setError(null);
    setRecording(null);
    // Always fetched afresh: a recording of a running session keeps growing.
    const result = await instructorApi.recording(cohortId, learnerId, id);
    setLoadingId(null);
    if (result.ok) setRecording(result.value);
    else setError(result.error);
  }

  if (recordings.length === 0) {
    return <p className="text-sm text-muted">No terminal sessions recorded yet. They appear once the learner opens a terminal on a level.</p>;
  }
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-line rounded-xl border border-line" data-testid="recordings">
        {recordings.map((r) => (
          <li key={r.id} data-testid="recording-item" className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2.5 text-sm">
            <time dateTime={r.startedAt} className="font-mono text-xs text-muted tabular-nums">
              {timeFormat.format(new Date(r.startedAt))}
            </time>
            <span className="font-mono text-xs text-muted">{r.levelId}</span>
            <span className="text-fg">{formatElapsed(r.durationMs)}</span>
            <span className="text-muted">{kib(r.bytes)}</span>
            {r.truncated && (
              <span className="text-xs text-warn" title="The recording reached its size cap; later output was not kept.">
                size cap reached
              </span>
            )}
            <button
              type="button"
              onClick={() => void open(r.id)}
              disabled={loadingId === r.id}
              className={`${buttonStyles.secondary} ml-auto h-8`}
              aria-label={`Replay the session of ${timeFormat.format(new Date(r.startedAt))}`}
              data-testid="replay-recording"
            >
              {loadingId === r.id && <Spinner />}
              {openId === r.id && recording ? "Reload" : "Replay"}
            </button>
          </li>
        ))}
      </ul>
      {error && <ErrorCallout error={error} onRetry={openId ? () => void open(openId) : undefined} testId="recording-error" />}
      {recording && (
        <div data-testid="recording-replay">
          <TerminalReplay key={`${recording.id}-${recording.updatedAt}`} recording={recording} />
        </div>
      )}
    </div>
  );
}
