"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { RosterView } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { request } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useOnConnect, useSocketEvent } from "@/lib/client/use-socket";
import { clockOffsetMs } from "./format-time";
import { createLatestGate } from "./latest-response";
import { upsertRow } from "./roster-view";

const WATCH_TIMEOUT_MS = 15_000;

export interface CohortWatch {
  roster: RosterView | null;
  error: ActionableError | null;
  /** How far the server's clock is ahead of this browser's (ms): add it to Date.now(). */
  clockOffset: number;
  /** Asks for the roster again (after an error). */
  rewatch: () => void;
}

/**
 * Watches a cohort over the socket: `cohort:watch` answers the roster now, then
 * `cohort:roster-row` replaces a learner's row whenever they act. The server forgets watchers
 * when a connection drops, so the watch is renewed on every (re)connection.
 */
export function useCohortWatch(socket: KubeQuestSocket | null, cohortId: string): CohortWatch {
  const [roster, setRoster] = useState<RosterView | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const [clockOffset, setClockOffset] = useState(0);

  // Quick reconnections each ask for the roster: an older roster answering last must not
  // replace a newer one (rows updated live in between would jump back).
  const gate = useRef(createLatestGate());
  const watch = useCallback(() => {
    if (!socket) return;
    const isLatest = gate.current.begin();
    void request(socket, "cohort:watch", { cohortId }, WATCH_TIMEOUT_MS).then((result) => {
      if (!isLatest()) return;
      if (result.ok) {
        setRoster(result.value);
        setClockOffset(clockOffsetMs(result.value.at, Date.now()));
        setError(null);
      } else setError(result.error);
    });
  }, [socket, cohortId]);

  useOnConnect(socket, watch);
  useEffect(() => {
    const current = gate.current;
    return () => {
      current.invalidate();
      // Leaving the page: stop the server sending this tab the cohort's events.
      if (socket?.connected) socket.emit("cohort:unwatch", { cohortId }, () => undefined);
    };
  }, [socket, cohortId]);

  // Learners who left while the page is open. The contract has no "row removed" event: the
  // audit entry of the leave is the signal, and a late row update for them must not re-add them.
  const left = useRef(new Set<string>());
  useSocketEvent(socket, "cohort:roster-row", (changed) => {
    if (changed.cohortId !== cohortId || left.current.has(changed.row.learnerId)) return;
    setRoster((current) => (current ? { ...current, rows: upsertRow(current.rows, changed.row) } : current));
  });
  useSocketEvent(socket, "cohort:audit", ({ cohortId: id, entry }) => {
    if (id !== cohortId || !entry.learnerId) return;
    const learnerId = entry.learnerId;
    if (entry.action === "cohort.join") left.current.delete(learnerId);
    if (entry.action === "cohort.leave") {
      left.current.add(learnerId);
      setRoster((current) => (current ? { ...current, rows: current.rows.filter((row) => row.learnerId !== learnerId) } : current));
    }
  });

  return { roster, error, clockOffset, rewatch: watch };
}
